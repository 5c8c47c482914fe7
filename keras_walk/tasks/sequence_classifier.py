"""`sequence_classifier`: numeric sequences (signals, sensors) in, class probabilities out."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from keras_walk import distribute, heads
from keras_walk.data.checks import check_features
from keras_walk.tasks.optimizers import compile_for_head

__all__ = ["SEQUENCE_ENCODERS", "sequence_classifier"]

SEQUENCE_ENCODERS = ("conv1d", "lstm", "gru")
_SEQUENCE_HEADS = ("binary", "multiclass", "multiclass_onehot", "multilabel")


def sequence_classifier(
    num_classes: int,
    input_shape: tuple,
    *,
    head: str = "multiclass",
    encoder: str = "conv1d",
    filters: tuple[int, ...] = (128, 256, 128),
    kernel_sizes: tuple[int, ...] = (8, 5, 3),
    units: int = 64,
    normalize=None,
    mask_value: float | None = None,
    dropout: float = 0.0,
    optimizer: str | keras.optimizers.Optimizer = "adam",
    learning_rate=1e-3,
    weight_decay: float = 1e-4,
    strategy="auto",
    jit_compile="auto",
    seed: int | None = None,
    name: str = "sequence_classifier",
) -> keras.Model:
    """A compiled classifier of numeric sequences of shape `(steps, features)`.

    The `"conv1d"` encoder is the fully convolutional network (FCN) of Wang, Yan and Oates
    (2017), the strong baseline of the UCR archive and of keras-io's "Timeseries
    classification from scratch": conv-BN-ReLU blocks with `filters` and `kernel_sizes`,
    then global average pooling. `"lstm"` and `"gru"` read the sequence with one recurrent
    layer of `units`.

    Variable lengths: give `input_shape=(None, features)` and pad the sequences (e.g. with
    `keras.utils.pad_sequences(..., dtype="float32", padding="post")`). With `mask_value`,
    padded steps (every feature equal to it) are masked and the recurrent encoders skip
    them. Keras's `Conv1D` does not take masks: the convnet sees the padding, so pad with a
    neutral value (0 for z-normalized series).

    Args:
        num_classes: number of classes (2 for `binary`) or labels.
        input_shape: `(steps, features)`; `steps` may be `None`.
        head: `"binary"`, `"multiclass"`, `"multiclass_onehot"` or `"multilabel"`.
        encoder: `"conv1d"` (default), `"lstm"` or `"gru"`.
        filters: filters of each convolution block.
        kernel_sizes: kernel size of each block (as many as `filters`).
        units: units of the recurrent layer.
        normalize: training sequences `(n, steps, features)` to fit a per-feature
            `Normalization` layer on, or `None` (UCR series come z-normalized).
        mask_value: padding value to mask, or `None`.
        dropout: dropout before the head.
        optimizer: `"adam"`, `"adamw"`, `"sgd"` or an optimizer instance.
        learning_rate: a float or a learning-rate schedule.
        weight_decay: AdamW's decoupled weight decay.
        strategy: passed to `keras_walk.distribute.resolve_strategy`.
        jit_compile: XLA: `"auto"`, `True` or `False`.
        seed: seed of the dropout layer.
        name: the model's name.

    Returns:
        A compiled functional `keras.Model`.

    Examples:

        >>> model = sequence_classifier(2, (150, 1), filters=(8, 8), kernel_sizes=(5, 3))
        >>> model.output_shape
        (None, 2)
    """
    if encoder not in SEQUENCE_ENCODERS:
        raise ValueError(
            f"Invalid value for argument `encoder`. Expected one of {list(SEQUENCE_ENCODERS)}. "
            f"Received: encoder={encoder!r}"
        )
    if head not in _SEQUENCE_HEADS:
        raise ValueError(
            f"Invalid value for argument `head`. Expected one of {list(_SEQUENCE_HEADS)}. "
            f"Received: head={head!r}"
        )
    heads.output_units(head, num_classes)
    input_shape = tuple(input_shape)
    if len(input_shape) != 2 or not isinstance(input_shape[1], int) or input_shape[1] < 1:
        raise ValueError(
            "Invalid value for argument `input_shape`. Expected (steps, features) with a "
            f"known number of features. Received: input_shape={input_shape}"
        )
    if len(filters) != len(kernel_sizes) or not filters:
        raise ValueError(
            "Invalid values for `filters` and `kernel_sizes`: expected one kernel size per "
            f"block. Received: filters={filters}, kernel_sizes={kernel_sizes}"
        )
    strategy = distribute.resolve_strategy(strategy)
    with strategy.scope():
        # === Layers ===
        normalization = None
        if normalize is not None:
            data = np.asarray(normalize, dtype="float32")
            check_features(data)
            if data.ndim != 3 or data.shape[-1] != input_shape[1]:
                raise ValueError(
                    "Invalid value for argument `normalize`. Expected training sequences of "
                    f"shape (n, steps, {input_shape[1]}). Received: shape {data.shape}"
                )
            normalization = layers.Normalization(axis=-1, name="normalize")
            normalization.adapt(data)
        # === Functional Model ===
        inputs = keras.Input(input_shape, name="sequences")
        x = inputs
        if mask_value is not None:
            x = layers.Masking(mask_value, name="mask")(x)
        if normalization is not None:
            x = normalization(x)
        if encoder == "conv1d":
            for i, (width, kernel) in enumerate(zip(filters, kernel_sizes, strict=True)):
                x = layers.Conv1D(width, kernel, padding="same", use_bias=False, name=f"conv_{i}")(
                    x
                )
                x = layers.BatchNormalization(momentum=0.9, name=f"batch_norm_{i}")(x)
                x = layers.ReLU(name=f"relu_{i}")(x)
            x = layers.GlobalAveragePooling1D(name="pool")(x)
        else:
            rnn = layers.LSTM if encoder == "lstm" else layers.GRU
            x = rnn(units, name=encoder)(x)
        if dropout:
            x = layers.Dropout(dropout, seed=seed, name="dropout")(x)
        outputs = heads.dense_head(x, head, num_classes)
        model = keras.Model(inputs, outputs, name=name)
        compile_for_head(
            model, head, num_classes, optimizer=optimizer, learning_rate=learning_rate,
            weight_decay=weight_decay, jit_compile=jit_compile,
        )  # fmt: skip
    return model
