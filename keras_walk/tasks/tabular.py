"""Dense models for vector and tabular data, one builder per loss type.

`tabular_model` does the work; `binary_classifier`, `multiclass_classifier`,
`multilabel_classifier` and `regressor` only choose its head from `keras_walk.heads`.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers

from keras_walk import distribute, heads
from keras_walk.data.checks import check_features
from keras_walk.data.tabular import TabularFeatures
from keras_walk.tasks.optimizers import compile_for_head

__all__ = [
    "binary_classifier",
    "multiclass_classifier",
    "multilabel_classifier",
    "regressor",
    "tabular_model",
]


def tabular_model(
    features,
    head: str = "binary",
    num_classes: int = 2,
    *,
    hidden_units: Sequence[int] = (64, 64),
    dropout: float = 0.1,
    l1: float = 0.0,
    l2: float = 0.0,
    batch_norm: bool = False,
    wide: bool = False,
    optimizer: str | keras.optimizers.Optimizer = "adamw",
    learning_rate=1e-3,
    weight_decay: float = 1e-4,
    strategy="auto",
    jit_compile="auto",
    seed: int | None = None,
    name: str = "tabular_model",
) -> keras.Model:
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
        head: a `keras_walk.heads` name (`"binary"`, `"multiclass"`,
            `"multiclass_onehot"`, `"multilabel"`, `"regression"`, `"regression_mae"`,
            `"regression_huber"`).
        num_classes: classes, labels or regression outputs (2 for `binary`).
        hidden_units: width of each hidden layer; `()` gives a linear/logistic model.
        dropout: dropout rate after each hidden layer.
        l1: L1 penalty on the hidden layers' kernels.
        l2: L2 penalty on the hidden layers' kernels.
        batch_norm: batch normalization before each activation.
        wide: also feed the encoded inputs straight to the head, next to the last hidden
            layer ("wide & deep", Cheng et al. 2016): the head is then a linear model on
            the inputs plus whatever the hidden layers add.
        optimizer: `"adamw"`, `"adam"`, `"sgd"` or an optimizer instance.
        learning_rate: a float or a learning-rate schedule.
        weight_decay: AdamW's decoupled weight decay.
        strategy: passed to `keras_walk.distribute.resolve_strategy`; the model is built and
            compiled in its scope.
        jit_compile: XLA: `"auto"`, `True` or `False`.
        seed: seed of the dropout layers.
        name: the model's name.

    Returns:
        A compiled functional `keras.Model` that saves to `.keras` with its compile state.

    Examples:

        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(size=(100, 4))
        >>> model = tabular_model(x, head="regression", num_classes=1, hidden_units=(8,))
        >>> model.output_shape, model.loss.name
        ((None, 1), 'mean_squared_error')
    """
    heads.output_units(head, num_classes)
    units = tuple(hidden_units)
    if any(isinstance(u, bool) or not isinstance(u, int | np.integer) or u < 1 for u in units):
        raise ValueError(
            "Invalid value for argument `hidden_units`. Expected positive integers. "
            f"Received: hidden_units={hidden_units!r}"
        )
    if not 0 <= dropout < 1:
        raise ValueError(
            "Invalid value for argument `dropout`. Expected a float in [0, 1). "
            f"Received: dropout={dropout}"
        )
    if l1 < 0 or l2 < 0:
        raise ValueError(f"Invalid values for `l1` and `l2`: expected >= 0. Received: {l1}, {l2}")
    strategy = distribute.resolve_strategy(strategy)
    with strategy.scope():
        # === Layers and inputs ===
        inputs, encoded = _inputs(features)
        x = encoded
        regularizer = keras.regularizers.L1L2(l1, l2) if (l1 or l2) else None
        # === Functional Model ===
        for i, width in enumerate(units):
            x = layers.Dense(
                width, use_bias=not batch_norm, kernel_regularizer=regularizer, name=f"dense_{i}"
            )(x)
            if batch_norm:
                x = layers.BatchNormalization(name=f"batch_norm_{i}")(x)
            x = layers.Activation("relu", name=f"relu_{i}")(x)
            if dropout:
                x = layers.Dropout(dropout, seed=seed, name=f"dropout_{i}")(x)
        if wide and units:
            x = layers.Concatenate(name="wide_and_deep")([encoded, x])
        outputs = heads.dense_head(x, head, num_classes)
        model = keras.Model(inputs, outputs, name=name)
        compile_for_head(
            model, head, num_classes, optimizer=optimizer, learning_rate=learning_rate,
            weight_decay=weight_decay, jit_compile=jit_compile,
        )  # fmt: skip
    return model


def _inputs(features):
    if isinstance(features, TabularFeatures):
        return features.model_inputs()
    if isinstance(features, bool) or features is None:
        raise ValueError(_FEATURES_ERROR.format(features=features))
    if isinstance(features, int | np.integer):
        if features < 1:
            raise ValueError(_FEATURES_ERROR.format(features=features))
        inputs = keras.Input((int(features),), name="features")
        return inputs, inputs
    array = np.asarray(features)
    if array.ndim != 2:
        raise ValueError(_FEATURES_ERROR.format(features=f"an array of shape {array.shape}"))
    check_features(array)
    inputs = keras.Input((array.shape[1],), name="features")
    normalization = layers.Normalization(name="normalize")
    normalization.adapt(array.astype("float32"))
    return inputs, normalization(inputs)


_FEATURES_ERROR = (
    "Invalid value for argument `features`. Expected a fitted `TabularFeatures`, the "
    "training features as a 2D array or numeric DataFrame, or a number of input columns. "
    "Received: features={features}"
)


def binary_classifier(features, **kwargs) -> keras.Model:
    """`tabular_model` with the `binary` head: 1 sigmoid unit, binary crossentropy, AUC.

    Examples:

        >>> binary_classifier(3, hidden_units=(4,)).output_shape
        (None, 1)
    """
    return tabular_model(features, "binary", 2, **kwargs)


def multiclass_classifier(
    features, num_classes: int, *, one_hot_labels: bool = False, **kwargs
) -> keras.Model:
    """`tabular_model` with a softmax head over `num_classes`: integer labels by default
    (sparse categorical crossentropy), one-hot rows with `one_hot_labels=True`.

    Examples:

        >>> multiclass_classifier(3, num_classes=4).loss.name
        'sparse_categorical_crossentropy'
    """
    head = "multiclass_onehot" if one_hot_labels else "multiclass"
    return tabular_model(features, head, num_classes, **kwargs)


def multilabel_classifier(features, num_labels: int, **kwargs) -> keras.Model:
    """`tabular_model` with the `multilabel` head: one sigmoid per label, multi-hot targets.

    Examples:

        >>> multilabel_classifier(3, num_labels=5).output_shape
        (None, 5)
    """
    return tabular_model(features, "multilabel", num_labels, **kwargs)


def regressor(features, num_outputs: int = 1, *, loss: str = "mse", **kwargs) -> keras.Model:
    """`tabular_model` with a linear head of `num_outputs` units and the loss `"mse"`,
    `"mae"` or `"huber"`.

    Examples:

        >>> regressor(3, loss="mae").loss.name
        'mean_absolute_error'
    """
    return tabular_model(features, heads.regression_head(loss), num_outputs, **kwargs)
