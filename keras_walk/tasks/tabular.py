"""Dense models for vector and tabular data, one builder per loss type.

`tabular_model` does the work; `binary_classifier`, `multiclass_classifier`,
`multilabel_classifier` and `regressor` only choose its head from `keras_walk.heads`.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from keras_walk import heads
from keras_walk.arguments import positive_int, positive_number, rate
from keras_walk.data.checks import check_features
from keras_walk.data.tabular import TabularFeatures
from keras_walk.layers.fused_batch_norm import FusedBatchNormalization
from keras_walk.tasks.building import CLASSIFIER_DEFAULT, builder
from keras_walk.tasks.conventions import removed_arguments
from keras_walk.tasks.supervised import SupervisedTask

__all__ = [
    "binary_classifier",
    "multiclass_classifier",
    "multilabel_classifier",
    "regressor",
    "tabular_model",
]


@removed_arguments("loss", "one_hot_labels", "num_labels")
@builder(default_head=CLASSIFIER_DEFAULT, heads=heads.DENSE_HEADS)
def tabular_model(
    features,
    num_classes: int,
    *,
    head: str | None = None,
    class_names=None,
    hidden_units: Sequence[int] = (64, 64),
    dropout: float = 0.1,
    l1: float = 0.0,
    l2: float = 0.0,
    batch_norm: bool = False,
    wide: bool = False,
    seed: int | None = None,
    name: str = "tabular_model",
) -> SupervisedTask:
    """A compiled dense network: inputs -> [Dense -> (BatchNorm) -> ReLU -> Dropout] x depth -> head.

    Args:
        features: what the model reads.
            * a fitted `keras_walk.data.TabularFeatures`: the model takes raw rows, a dict of
              columns, and its `FeatureSpace` layers encode them (train it on
              `features.dataset(...)`, predict on `features.rows(table)`);
            * the training features as an array or an all-numeric DataFrame of shape
              `(n, d)`: the model takes `(batch, d)` arrays and standardizes them with a
              `Normalization` layer fitted on this array (pass the training split only);
            * an integer `d`: `(batch, d)` inputs used as they are.
        num_classes: classes, labels or regression outputs.
        head: any `keras_walk.heads` name (`"binary"`, `"multiclass"`,
            `"multiclass_onehot"`, `"multilabel"`, `"regression"`, `"regression_mae"`,
            `"regression_huber"`); by default `"binary"` for 2 classes and `"multiclass"`
            for more.
        class_names: names of the classes (or outputs) in label order.
        hidden_units: width of each hidden layer; `()` gives a linear/logistic model.
        dropout: dropout rate after each hidden layer.
        l1: L1 penalty on the hidden layers' kernels.
        l2: L2 penalty on the hidden layers' kernels.
        batch_norm: batch normalization before each activation.
        wide: also feed the encoded inputs straight to the head, next to the last hidden
            layer ("wide & deep", Cheng et al. 2016): the head is then a linear model on
            the inputs plus whatever the hidden layers add.
        seed: seed of the dropout layers.
        name: the model's name.

    Returns:
        A compiled `Task` that saves to `.keras` with its preprocessing and compile state.

    Examples:

        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(size=(100, 4))
        >>> model = tabular_model(x, 1, head="regression", hidden_units=(8,))
        >>> model.output_shape, model.loss.name
        ((None, 1), 'mean_squared_error')
    """
    head = heads.chosen_head(head, num_classes, heads.DENSE_HEADS, "tables")
    units = tuple(positive_int("hidden_units", u) for u in hidden_units)
    dropout = rate("dropout", dropout)
    l1, l2 = positive_number("l1", l1, zero=True), positive_number("l2", l2, zero=True)
    inputs, encoded, table = _inputs(features)
    regularizer = keras.regularizers.L1L2(l1, l2) if (l1 or l2) else None
    x = encoded
    for i, width in enumerate(units):
        x = _hidden_layer(x, i, width, regularizer, batch_norm, dropout, seed)
    if wide and units:
        x = layers.Concatenate(name="wide_and_deep")([encoded, x])
    outputs = heads.dense_head(x, head, num_classes)
    return SupervisedTask(
        inputs, outputs, name=name, head=head, num_classes=num_classes,
        class_names=class_names, **table,
    )  # fmt: skip


def _hidden_layer(x, i: int, width: int, regularizer, batch_norm: bool, dropout: float, seed):
    """Dense -> (BatchNorm) -> ReLU -> (Dropout), the `i`-th hidden layer."""
    x = layers.Dense(
        width, use_bias=not batch_norm, kernel_regularizer=regularizer, name=f"dense_{i}"
    )(x)
    if batch_norm:
        x = FusedBatchNormalization(name=f"batch_norm_{i}")(x)
    x = layers.Activation("relu", name=f"relu_{i}")(x)
    if dropout:
        x = layers.Dropout(dropout, seed=seed, name=f"dropout_{i}")(x)
    return x


def _inputs(features):
    """`(inputs, encoded features, Task arguments that say how to read raw input)`."""
    if isinstance(features, TabularFeatures):
        inputs, encoded = features.model_inputs()
        return inputs, encoded, {
            "input_kind": "table", "columns": features.column_spec(), "impute": features.impute
        }  # fmt: skip
    if isinstance(features, bool) or features is None:
        raise ValueError(_FEATURES_ERROR.format(features=features))
    if isinstance(features, int | np.integer):
        if features < 1:
            raise ValueError(_FEATURES_ERROR.format(features=features))
        inputs = keras.Input((int(features),), name="features")
        return inputs, inputs, {"input_kind": "features"}
    array = np.asarray(features)
    if array.ndim != 2:
        raise ValueError(_FEATURES_ERROR.format(features=f"an array of shape {array.shape}"))
    check_features(array, names=("features", "y"))
    inputs = keras.Input((array.shape[1],), name="features")
    normalization = layers.Normalization(name="normalize")
    normalization.adapt(array.astype("float32"))
    return inputs, normalization(inputs), {"input_kind": "features"}


_FEATURES_ERROR = (
    "Invalid value for argument `features`. Expected a fitted `TabularFeatures`, the "
    "training features as a 2D array or numeric DataFrame, or a number of input columns. "
    "Received: features={features}"
)


@removed_arguments("loss", "one_hot_labels", "num_labels")
@builder(default_head="`binary`", heads=("binary",), compiles=False)
def binary_classifier(features, num_classes: int = 2, **options) -> SupervisedTask:
    """`tabular_model` with the `binary` head: 1 sigmoid unit, binary crossentropy, AUC.

    Examples:

        >>> binary_classifier(3, hidden_units=(4,)).output_shape
        (None, 1)
    """
    return tabular_model(features, num_classes, head="binary", **options)


@removed_arguments("loss", "one_hot_labels", "num_labels")
@builder(default_head="`multiclass`", heads=("multiclass", "multiclass_onehot"), compiles=False)
def multiclass_classifier(
    features, num_classes: int, *, head="multiclass", **options
) -> SupervisedTask:
    """`tabular_model` with a softmax head over `num_classes`: integer labels
    (`head="multiclass"`, sparse categorical crossentropy) or one-hot rows
    (`head="multiclass_onehot"`).

    Examples:

        >>> multiclass_classifier(3, 4).loss.name
        'sparse_categorical_crossentropy'
    """
    heads.check_head(head, ("multiclass", "multiclass_onehot"), "multiclass_classifier")
    return tabular_model(features, num_classes, head=head, **options)


@removed_arguments("loss", "one_hot_labels", "num_labels")
@builder(default_head="`multilabel`", heads=("multilabel",), compiles=False)
def multilabel_classifier(features, num_classes: int, **options) -> SupervisedTask:
    """`tabular_model` with the `multilabel` head: one sigmoid per label, multi-hot targets.

    Examples:

        >>> multilabel_classifier(3, 5).output_shape
        (None, 5)
    """
    return tabular_model(features, num_classes, head="multilabel", **options)


@removed_arguments("loss", "one_hot_labels", "num_labels")
@builder(default_head="`regression`", heads=heads.REGRESSION_HEADS, compiles=False)
def regressor(
    features, num_outputs: int = 1, *, head: str = "regression", **options
) -> SupervisedTask:
    """`tabular_model` with a linear head of `num_outputs` units: `head="regression"`
    (MSE), `"regression_mae"` or `"regression_huber"`.

    Examples:

        >>> regressor(3, head="regression_mae").loss.name
        'mean_absolute_error'
    """
    heads.check_head(head, heads.REGRESSION_HEADS, "regressor")
    return tabular_model(features, num_outputs, head=head, **options)
