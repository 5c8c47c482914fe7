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

import re
from collections.abc import Mapping, Sequence

import keras
import numpy as np
import tensorflow as tf
from keras.utils import FeatureSpace
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from keras_walk.arguments import removed_arguments
from keras_walk.data.checks import LABELS_CHECKED_IN_FIT, DataError, LabelError, to_columns
from keras_walk.data.epochs import shuffle_by_epoch
from keras_walk.layers.imputed_normalization import ImputedNormalization
from keras_walk.layers.missing_string_lookup import MISSING, MissingStringLookup

__all__ = ["MISSING", "TabularFeatures", "check_table", "encode_labels", "input_names", "multi_hot"]

_UNSEEN = ("oov", "error")
_COLUMN_KINDS = ("numeric", "string", "integer")


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
        # Column names are strings everywhere (a DataFrame made from an array has integer
        # names; tables are read with string keys and saved Tasks keep them in JSON).
        self.numeric = [str(name) for name in numeric]
        self.categorical = [str(name) for name in categorical]
        self.integer_categorical = [str(name) for name in integer_categorical]
        self.hashed = {str(name): size for name, size in (hashed or {}).items()}
        self.embedded = {str(name): dim for name, dim in (embedded or {}).items()}
        self.crosses = [tuple(str(name) for name in cross) for cross in crosses]
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
        self.input_names = input_names(names)
        self.feature_space: FeatureSpace | None = None
        self._vocabularies: dict[str, set] = {}

    @classmethod
    def infer(cls, frame, label: str | None = None, max_one_hot: int = 30, **kwargs):
        """Declares each column of a DataFrame from its dtype: numbers are `numeric`, others
        `categorical`, or `embedded` (8 dimensions) past `max_one_hot` levels.

        `label` is left out. Further keyword arguments go to `TabularFeatures`.

        Raises:
            DataError: `frame` is not a DataFrame, or `label` is not one of its columns (a
                misspelt label would otherwise be trained on as a feature).
        """
        if not hasattr(frame, "columns") or not hasattr(frame, "dtypes"):
            raise DataError(
                "Invalid value for argument `frame`: expected a pandas DataFrame. "
                f"Received: {type(frame).__name__}"
            )
        if label is not None and label not in frame.columns:
            raise DataError(
                f"Invalid value for argument `label`: the frame has no column {label!r}. "
                f"Columns: {[str(c) for c in frame.columns]}"
            )
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

    def column_spec(self) -> list[list[str]]:
        """`[original name, model input name, kind]` per column, kinds `"numeric"`,
        `"string"` or `"integer"`, in the order of the model's inputs. A `Task` keeps this
        in its config to read raw tables the way this object does."""
        kinds = {name: "numeric" for name in self.numeric}
        kinds.update({name: "string" for name in self._string_columns})
        kinds.update({name: "integer" for name in self.integer_categorical})
        spec = [[name, self.input_names[name], kinds[name]] for name in self.columns]
        return sorted(spec, key=lambda row: row[1])

    def check(self, table) -> dict[str, np.ndarray]:
        """Checks a table against the declared columns and returns it as a dict of arrays,
        keyed by model input name (`input_names`).

        Raises:
            DataError: a declared column is missing, an undeclared one is there, a value is
                missing with `impute=False`, a numeric column holds text, or (with
                `unseen="error"` after `adapt`) a category was never seen in training.
        """
        checked = check_table(table, self.column_spec(), self.impute)
        if self.unseen == "error" and self._vocabularies:
            for name, vocabulary in self._vocabularies.items():
                values = checked[self.input_names[name]]
                unseen = set(np.where(values == "", MISSING, values).tolist()) - vocabulary
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
                FeatureSpace.cross(
                    [self.input_names[name] for name in cross], crossing_dim=self.crossing_dim
                )
                for cross in self.crosses
            ],
            output_mode="dict" if self.embedded else "concat",
        )
        _adapt_column_by_column(space, columns)
        self.feature_space = space
        self._vocabularies = {
            name: set(self.vocabulary(name))
            for name in self.categorical + self.integer_categorical + list(self.embedded)
        }

    def _feature_specs(self) -> dict:
        specs = {}
        key = self.input_names
        for name in self.numeric:
            specs[key[name]] = (
                FeatureSpace.feature(
                    dtype="float32", preprocessor=ImputedNormalization(), output_mode="float"
                )
                if self.impute
                else FeatureSpace.float_normalized()
            )
        for name in self.categorical:
            specs[key[name]] = _string_lookup(key[name], "one_hot")
        for name in self.integer_categorical:
            specs[key[name]] = FeatureSpace.integer_categorical(num_oov_indices=1)
        for name, bins in self.hashed.items():
            specs[key[name]] = FeatureSpace.string_hashed(num_bins=bins)
        for name in self.embedded:
            specs[key[name]] = _string_lookup(key[name], "int")
        return specs

    def vocabulary(self, name: str) -> list:
        """The learned vocabulary of a categorical column, out-of-vocabulary token first."""
        self._require_adapted()
        if name not in self.input_names:
            raise ValueError(f"Invalid column {name!r}: expected one of {self.columns}.")
        vocabulary = self.feature_space.preprocessors[self.input_names[name]].get_vocabulary()
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
        embedded = {self.input_names[name]: (name, dim) for name, dim in self.embedded.items()}
        parts = []
        for key in sorted(encoded):
            part = encoded[key]
            if key in embedded:
                name, dim = embedded[key]
                size = len(self.vocabulary(name))
                part = keras.layers.Embedding(size, dim, name=f"embed_{key}")(part)
                part = keras.layers.Flatten(name=f"flatten_{key}")(part)
            parts.append(part)
        return inputs, keras.layers.Concatenate(name="encoded_features")(parts)

    def _require_adapted(self):
        if self.feature_space is None:
            raise ValueError("Call `TabularFeatures.adapt(train_table)` first.")

    # --- Pipelines -----------------------------------------------------------------------

    def rows(self, table) -> dict[str, tf.Tensor]:
        """A checked table as a dict of tensors, ready for a plain Keras model's `predict`
        (a `Task` takes the DataFrame itself)."""
        return {name: tf.constant(values) for name, values in self.check(table).items()}

    @removed_arguments(head=LABELS_CHECKED_IN_FIT, num_classes=LABELS_CHECKED_IN_FIT)
    def dataset(
        self,
        table,
        labels=None,
        batch_size: int = 32,
        *,
        shuffle: bool = False,
        seed: int | None = None,
    ) -> tf.data.Dataset:
        """A batched, cached, prefetched `tf.data.Dataset` of `(dict row, label)` pairs.

        Args:
            table: a DataFrame or dict of columns (checked with `check`).
            labels: an array of labels, the name of a column of `table` to take them from
                (it is removed from the features), or `None` for unlabelled rows.
            batch_size: batch size.
            shuffle: shuffle every epoch (training data).
            seed: shuffling seed.

        A Task checks the labels against its head in `fit`.
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
        elements = features if labels is None else (features, labels)
        dataset = tf.data.Dataset.from_tensor_slices(elements).cache()
        if shuffle:
            dataset = shuffle_by_epoch(dataset, num_rows, seed)
        return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _string_lookup(key: str, output_mode: str):
    return FeatureSpace.feature(
        dtype="string",
        preprocessor=MissingStringLookup(num_oov_indices=1, name=f"{key}_preprocessor"),
        output_mode=output_mode,
    )


def input_names(columns) -> dict[str, str]:
    """A model input name for each column name: letters, digits and `_` only (Keras and
    TensorFlow name scopes reject `/`, spaces and the like), unique.

    Examples:

        >>> input_names(["od280/od315_of_diluted_wines", "alcohol", "alcohol!"])
        {'od280/od315_of_diluted_wines': 'od280_od315_of_diluted_wines', 'alcohol': 'alcohol', 'alcohol!': 'alcohol_'}
    """
    names, taken = {}, set()
    for column in columns:
        base = re.sub(r"[^0-9A-Za-z_]", "_", str(column)) or "column"
        if base[0].isdigit():
            base = f"c_{base}"
        name, suffix = base, 1
        while name in taken:
            suffix += 1
            name = f"{base}_{suffix}"
        taken.add(name)
        names[column] = name
    return names


def check_table(table, columns, impute: bool) -> dict[str, np.ndarray]:
    """Checks a table against a column spec (`TabularFeatures.column_spec()`) and returns
    its columns keyed by model input name: numbers as float32 (NaN where missing), strings
    as objects (`""` where missing), integer codes as int64 (-1 where missing).

    Raises:
        DataError: a declared column is missing, an undeclared one is there, the table has
            no rows or uneven columns, a value is missing with `impute=False`, or a numeric
            column holds text.
    """
    given = _as_columns(table)
    keys = {key: kind for _, key, kind in columns}
    if set(given) == set(keys) and set(keys) != {original for original, _, _ in columns}:
        # Rows already checked and keyed by input name (`TabularFeatures.rows`): as they are.
        return {key: np.asarray(values) for key, values in given.items()}
    declared = [original for original, _, _ in columns]
    if set(declared) - set(given):
        raise DataError(
            f"Invalid table: missing column(s) {sorted(set(declared) - set(given))}. Expected "
            f"exactly the declared columns {declared}."
        )
    if set(given) - set(declared):
        raise DataError(
            f"Invalid table: unexpected column(s) {sorted(set(given) - set(declared))}. Drop "
            "them (and the label column) or declare them in `TabularFeatures`."
        )
    lengths = {len(values) for values in given.values()}
    if lengths == {0}:
        raise DataError("Invalid table: it has no rows.")
    if len(lengths) > 1:
        raise DataError(f"Invalid table: columns have different lengths {sorted(lengths)}.")
    checked = {}
    for original, key, kind in columns:
        values = given[original]
        missing = _missing_mask(values)
        if missing.any() and not impute:
            raise DataError(
                f"Invalid table: column {original!r} has {int(missing.sum())} missing "
                f"value(s) (first at row {int(np.argmax(missing))}). Pass impute=True to "
                "fill them, or drop those rows."
            )
        if kind == "numeric":
            checked[key] = _numeric(original, values)
        elif kind == "integer":
            checked[key] = np.where(missing, -1, values).astype("int64")
        else:
            checked[key] = np.where(missing, "", values).astype(str).astype(object)
    return checked


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
        raise LabelError(
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
    if isinstance(class_names, str | bytes) or not isinstance(class_names, Sequence | np.ndarray):
        raise ValueError(
            "Invalid value for argument `class_names`. Expected a list of the classes. "
            f"Received: class_names={class_names!r}"
        )
    if len(class_names) == 0:
        raise ValueError("Invalid value for argument `class_names`: it is empty.")
    if isinstance(label_sets, str | bytes):
        raise ValueError(
            "Invalid value for argument `label_sets`. Expected one list of labels per sample. "
            f"Received: a single string {label_sets!r}"
        )
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


def _adapt_column_by_column(space: FeatureSpace, columns: dict[str, np.ndarray]) -> None:
    """`space.adapt` on a table of arrays, without its per-column pipelines.

    `FeatureSpace.adapt` (Keras 3.15) builds two `tf.data` maps and an iterator for every
    column before it adapts that column's layer (a cost Keras's source notes beside that
    loop): 8 of the 13 s Ames's 73 columns took. This adapts each layer on its column's array, shaped `(rows, 1)` as
    `FeatureSpace.adapt` shapes it, then finishes as it does. Its private names are read
    only here; if a later Keras renames them, the plain `space.adapt` runs instead
    (tests/data/test_tabular.py checks both give the same encodings).
    """
    try:
        names = space._list_adaptable_preprocessors()
    except AttributeError:  # pragma: no cover - another Keras
        rows = len(next(iter(columns.values())))
        space.adapt(tf.data.Dataset.from_tensor_slices(columns).batch(rows))
        return
    for name in names:
        values = np.asarray(columns[name])
        space.preprocessors[name].adapt(values[:, None] if values.ndim == 1 else values)
    space._is_adapted = True
    space.get_encoded_features()  # builds the crosses and the concatenation
    space.built = True
    space._sublayers_built = True


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
