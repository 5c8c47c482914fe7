"""Structured data: columns of mixed types -> Keras `FeatureSpace` -> a model that takes raw rows.

`TabularFeatures` says which column is which kind, fits a `keras.utils.FeatureSpace` on the
training split only, checks every table it is given (columns missing or extra, NaN where no
imputation was asked for, categories never seen in training when `unseen="error"`), and
turns tables into `tf.data` pipelines of dict rows.

Missing values, when `impute=True`: a numeric column is filled with its training median and
gets a second, 0/1 "was missing" input (`keras_walk.layers.ImputedNormalization`); a string
column gets its own category, `"[missing]"`; an integer-coded categorical column sends the
missing value to the out-of-vocabulary bucket. With `impute=False`, a missing value raises
`DataError` before any training.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import keras
import numpy as np
import tensorflow as tf
from keras.utils import FeatureSpace

from keras_walk import heads
from keras_walk.data.checks import DataError, to_columns
from keras_walk.layers.imputed_normalization import ImputedNormalization

__all__ = ["MISSING", "TabularFeatures", "encode_labels", "multi_hot"]

MISSING = "[missing]"
_UNSEEN = ("oov", "error")


class TabularFeatures:
    """Column kinds of a table, fitted on its training split, and the checks that go with them.

    Args:
        numeric: numeric columns, standardized (`FeatureSpace.float_normalized`).
        categorical: string columns, one-hot encoded over the training vocabulary with one
            out-of-vocabulary bucket (`FeatureSpace.string_categorical`).
        integer_categorical: integer-coded categories, one-hot like `categorical`.
        hashed: `{column: num_bins}` string columns hashed into `num_bins` one-hot bins
            (for columns with many levels; no vocabulary to learn).
        embedded: `{column: dim}` string columns looked up as integers and embedded in
            `dim` dimensions by the model.
        crosses: tuples of categorical column names whose combinations become one more
            hashed one-hot feature (`FeatureSpace.cross`).
        crossing_dim: number of hash bins of each cross.
        impute: fill missing values (see the module docstring) instead of raising.
        unseen: what a category never seen in training does: `"oov"` sends it to the
            out-of-vocabulary bucket (FeatureSpace's own handling), `"error"` raises
            `DataError` in `check`.

    Examples:

        >>> import numpy as np
        >>> table = {"size": np.array([1.0, 2.0, np.nan]), "colour": np.array(["red", "blue", "red"])}
        >>> features = TabularFeatures(numeric=["size"], categorical=["colour"], impute=True)
        >>> features.adapt(table)
        >>> features.vocabulary("colour")
        ['[UNK]', 'red', 'blue']
        >>> inputs, encoded = features.model_inputs()
        >>> sorted(inputs), encoded.shape
        (['colour', 'size'], (None, 5))
    """

    def __init__(
        self,
        numeric: Sequence[str] = (),
        categorical: Sequence[str] = (),
        integer_categorical: Sequence[str] = (),
        hashed: Mapping[str, int] | None = None,
        embedded: Mapping[str, int] | None = None,
        crosses: Sequence[Sequence[str]] = (),
        crossing_dim: int = 32,
        impute: bool = False,
        unseen: str = "oov",
    ):
        self.numeric = list(numeric)
        self.categorical = list(categorical)
        self.integer_categorical = list(integer_categorical)
        self.hashed = dict(hashed or {})
        self.embedded = dict(embedded or {})
        self.crosses = [tuple(cross) for cross in crosses]
        self.crossing_dim = crossing_dim
        self.impute = impute
        self.unseen = unseen
        if unseen not in _UNSEEN:
            raise ValueError(
                f"Invalid value for argument `unseen`. Expected one of {list(_UNSEEN)}. "
                f"Received: unseen={unseen!r}"
            )
        names = self.columns
        if not names:
            raise ValueError("Invalid arguments: `TabularFeatures` needs at least one column.")
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"Invalid arguments: columns {repeated} are declared twice.")
        for cross in self.crosses:
            undeclared = [
                name
                for name in cross
                if name not in self._string_columns + self.integer_categorical
            ]
            if len(cross) < 2 or undeclared:
                raise ValueError(
                    "Invalid value for argument `crosses`. Expected tuples of two or more "
                    f"declared categorical columns. Received: {cross}"
                )
        self.feature_space: FeatureSpace | None = None
        self._vocabularies: dict[str, set] = {}

    @classmethod
    def infer(cls, frame, label: str | None = None, max_one_hot: int = 30, **kwargs):
        """Declares each column of a DataFrame from its dtype: numbers are `numeric`, others
        `categorical`, or `embedded` (8 dimensions) past `max_one_hot` levels.

        `label` is left out. Further keyword arguments go to `TabularFeatures`.
        """
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        numeric, categorical, embedded = [], [], {}
        for name in frame.columns:
            if name == label:
                continue
            column = frame[name]
            if is_numeric_dtype(column) and not is_bool_dtype(column):
                numeric.append(name)
            elif column.nunique() > max_one_hot:
                embedded[name] = 8
            else:
                categorical.append(name)
        return cls(numeric=numeric, categorical=categorical, embedded=embedded, **kwargs)

    # --- Columns and checks --------------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        """Every input column, in declaration order."""
        return self.numeric + self._string_columns + self.integer_categorical

    @property
    def _string_columns(self) -> list[str]:
        return self.categorical + list(self.hashed) + list(self.embedded)

    def check(self, table) -> dict[str, np.ndarray]:
        """Checks a table against the declared columns and returns it as a dict of arrays.

        Raises:
            DataError: a declared column is missing, an undeclared one is there, a value is
                missing with `impute=False`, a numeric column holds text, or (with
                `unseen="error"` after `adapt`) a category was never seen in training.
        """
        columns = _as_columns(table)
        given, declared = set(columns), set(self.columns)
        if declared - given:
            raise DataError(
                f"Invalid table: missing column(s) {sorted(declared - given)}. Expected "
                f"exactly the declared columns {self.columns}."
            )
        if given - declared:
            raise DataError(
                f"Invalid table: unexpected column(s) {sorted(given - declared)}. Drop them "
                "(and the label column) or declare them in `TabularFeatures`."
            )
        lengths = {len(values) for values in columns.values()}
        if lengths == {0}:
            raise DataError("Invalid table: it has no rows.")
        if len(lengths) > 1:
            raise DataError(f"Invalid table: columns have different lengths {sorted(lengths)}.")
        checked = {}
        # Sorted, the order in which Keras lists a dict of inputs (else it warns at each call).
        for name in sorted(self.columns):
            values = columns[name]
            missing = _missing_mask(values)
            if missing.any() and not self.impute:
                raise DataError(
                    f"Invalid table: column {name!r} has {int(missing.sum())} missing "
                    f"value(s) (first at row {int(np.argmax(missing))}). Pass impute=True to "
                    "fill them, or drop those rows."
                )
            if name in self.numeric:
                checked[name] = _numeric(name, values)
            elif name in self.integer_categorical:
                checked[name] = np.where(missing, -1, values).astype("int64")
            else:
                checked[name] = np.where(missing, MISSING, values).astype(str).astype(object)
        if self.unseen == "error" and self._vocabularies:
            for name, vocabulary in self._vocabularies.items():
                unseen = set(checked[name].tolist()) - vocabulary
                if unseen:
                    raise DataError(
                        f"Invalid table: column {name!r} has categories never seen in "
                        f"training: {sorted(map(str, unseen))[:5]}. Pass unseen='oov' to map "
                        "them to the out-of-vocabulary bucket."
                    )
        return checked

    # --- Fitting -------------------------------------------------------------------------

    def adapt(self, table) -> None:
        """Fits the `FeatureSpace` (vocabularies, means, variances) on the training split.

        `table` is a DataFrame, a dict of columns, or a `tf.data.Dataset` of dict rows
        (or of `(dict, label)` pairs); call it with training data only.
        """
        if isinstance(table, tf.data.Dataset):
            table = _dataset_to_columns(table)
        columns = self.check(table)
        space = FeatureSpace(
            features=self._feature_specs(),
            crosses=[
                FeatureSpace.cross(cross, crossing_dim=self.crossing_dim) for cross in self.crosses
            ],
            output_mode="dict" if self.embedded else "concat",
        )
        _adapt_from_columns(space, columns)
        self.feature_space = space
        self._vocabularies = {
            name: set(self.vocabulary(name))
            for name in self.categorical + self.integer_categorical + list(self.embedded)
        }

    def _feature_specs(self) -> dict:
        specs = {}
        for name in self.numeric:
            specs[name] = (
                FeatureSpace.feature(
                    dtype="float32", preprocessor=ImputedNormalization(), output_mode="float"
                )
                if self.impute
                else FeatureSpace.float_normalized()
            )
        for name in self.categorical:
            specs[name] = FeatureSpace.string_categorical(num_oov_indices=1)
        for name in self.integer_categorical:
            specs[name] = FeatureSpace.integer_categorical(num_oov_indices=1)
        for name, bins in self.hashed.items():
            specs[name] = FeatureSpace.string_hashed(num_bins=bins)
        for name in self.embedded:
            specs[name] = FeatureSpace.string_categorical(num_oov_indices=1, output_mode="int")
        return specs

    def vocabulary(self, name: str) -> list:
        """The learned vocabulary of a categorical column, out-of-vocabulary token first."""
        self._require_adapted()
        vocabulary = self.feature_space.preprocessors[name].get_vocabulary()
        return [token.item() if isinstance(token, np.generic) else token for token in vocabulary]

    def model_inputs(self):
        """`(inputs, encoded)`: the dict of `keras.Input`s, one per column, and the encoded
        feature vector (embedded columns embedded and concatenated) to build a model on."""
        self._require_adapted()
        # A plain dict: Keras warns at every call when a model's inputs are a TrackedDict.
        inputs = dict(self.feature_space.get_inputs())
        encoded = self.feature_space.get_encoded_features()
        if not self.embedded:
            return inputs, encoded
        parts = []
        for name in sorted(encoded):
            part = encoded[name]
            if name in self.embedded:
                size = len(self.vocabulary(name))
                part = keras.layers.Embedding(size, self.embedded[name], name=f"embed_{name}")(part)
                part = keras.layers.Flatten(name=f"flatten_{name}")(part)
            parts.append(part)
        return inputs, keras.layers.Concatenate(name="encoded_features")(parts)

    def _require_adapted(self):
        if self.feature_space is None:
            raise ValueError("Call `TabularFeatures.adapt(train_table)` first.")

    # --- Pipelines -----------------------------------------------------------------------

    def rows(self, table) -> dict[str, tf.Tensor]:
        """A checked table as a dict of tensors, ready for `model.predict`."""
        return {name: tf.constant(values) for name, values in self.check(table).items()}

    def dataset(
        self,
        table,
        labels=None,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int | None = None,
        head: str | None = None,
        num_classes: int | None = None,
    ) -> tf.data.Dataset:
        """A batched, cached, prefetched `tf.data.Dataset` of `(dict row, label)` pairs.

        Args:
            table: a DataFrame or dict of columns (checked with `check`).
            labels: an array of labels, the name of a column of `table` to take them from
                (it is removed from the features), or `None` for unlabelled rows.
            batch_size: batch size.
            shuffle: shuffle every epoch (training data).
            seed: shuffling seed.
            head: check the labels against this `keras_walk.heads` head first.
            num_classes: the head's number of classes (or outputs) for that check.
        """
        if isinstance(labels, str):
            columns = dict(_as_columns(table))
            if labels not in columns:
                raise DataError(f"Invalid value for argument `labels`: no column {labels!r}.")
            labels = np.asarray(columns.pop(labels))
            table = columns
        features = self.check(table)
        num_rows = len(next(iter(features.values())))
        if labels is not None:
            labels = np.asarray(labels)
            if len(labels) != num_rows:
                raise DataError(f"Invalid input data: {len(labels)} labels for {num_rows} rows.")
            if head is not None:
                heads.check_labels(labels, head, num_classes)
        elements = features if labels is None else (features, labels)
        dataset = tf.data.Dataset.from_tensor_slices(elements).cache()
        if shuffle:
            dataset = dataset.shuffle(num_rows, seed=seed, reshuffle_each_iteration=True)
        return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _adapt_from_columns(space: FeatureSpace, columns: dict[str, np.ndarray]) -> None:
    # `FeatureSpace.adapt` maps the whole dict dataset once per column: 18 s for Ames's 73
    # columns on a 2-core CPU. Adapting each preprocessor on its own NumPy column gives the
    # same layers in 0.4 s; then we finish the way `FeatureSpace.adapt` does (Keras 3.15).
    # tests/data/test_tabular.py checks that both ways learn the same thing.
    for name in space._list_adaptable_preprocessors():
        space.preprocessors[name].adapt(columns[name][:, None])
    space._is_adapted = True
    space.get_encoded_features()
    space.built = True
    space._sublayers_built = True


def encode_labels(labels, class_names: Sequence) -> np.ndarray:
    """Maps labels (strings or any values) to their integer index in `class_names`.

    Raises:
        LabelError: a label is not one of `class_names`.

    Examples:

        >>> encode_labels(["b", "a", "b"], class_names=["a", "b"]).tolist()
        [1, 0, 1]
    """
    labels = np.asarray(labels, dtype=object)
    index = {name: i for i, name in enumerate(class_names)}
    unknown = sorted({str(label) for label in labels if label not in index})
    if unknown:
        raise heads.LabelError(
            f"Invalid labels: {unknown[:5]} are not in `class_names` {list(class_names)}."
        )
    return np.array([index[label] for label in labels], dtype="int64")


def multi_hot(label_sets, class_names: Sequence) -> np.ndarray:
    """Turns a list of label sets into multi-hot rows of shape `(n, len(class_names))`.

    Labels not in `class_names` are ignored (e.g. rare labels you chose not to predict).

    Examples:

        >>> multi_hot([["a", "c"], [], ["b"]], class_names=["a", "b", "c"]).tolist()
        [[1, 0, 1], [0, 0, 0], [0, 1, 0]]
    """
    index = {name: i for i, name in enumerate(class_names)}
    rows = np.zeros((len(label_sets), len(class_names)), dtype="int64")
    for row, labels in enumerate(label_sets):
        for label in labels:
            if label in index:
                rows[row, index[label]] = 1
    return rows


def _as_columns(table) -> dict[str, np.ndarray]:
    return to_columns(
        table, "table", "a pandas DataFrame, a dict of columns or a tf.data.Dataset of dict rows"
    )


def _dataset_to_columns(dataset: tf.data.Dataset) -> dict[str, np.ndarray]:
    rows = list(dataset.as_numpy_iterator())
    if not rows:
        raise DataError("Invalid table: the dataset is empty.")
    if isinstance(rows[0], tuple):
        rows = [row[0] for row in rows]
    columns = {}
    for name in rows[0]:
        values = np.array([row[name] for row in rows])
        if values.dtype.kind == "O":  # tf.data gives strings as bytes
            values = np.array([v.decode() if isinstance(v, bytes) else v for v in values], object)
        columns[name] = values
    return columns


def _missing_mask(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind in "fc":
        return np.isnan(values)
    if values.dtype.kind == "O":
        return np.array(
            [value is None or (isinstance(value, float) and np.isnan(value)) for value in values],
            dtype=bool,
        )
    return np.zeros(len(values), dtype=bool)


def _numeric(name: str, values: np.ndarray) -> np.ndarray:
    try:
        return values.astype("float32")
    except (TypeError, ValueError):
        raise DataError(
            f"Invalid table: numeric column {name!r} holds non-numeric values such as "
            f"{values[0]!r}. Declare it `categorical` or convert it."
        ) from None
