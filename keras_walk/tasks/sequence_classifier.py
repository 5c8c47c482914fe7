"""`sequence_classifier`: numeric sequences (signals, sensors) in, class probabilities out.

The default `"fcn"` encoder is the fully convolutional network of Wang, Yan and Oates
(2017), the strong baseline of the UCR archive and of keras-io's "Timeseries
classification from scratch": conv-BN-ReLU blocks with `filters` and `kernel_sizes`, then
global average pooling. The other encoders are those of `keras_walk.layers.encode_sequence`:
`"conv1d"`, `"lstm"`, `"gru"`, `"bilstm"`.

Variable lengths: give `input_shape=(None, features)` and pad the sequences (e.g. with
`keras.utils.pad_sequences(..., dtype="float32", padding="post")`). With `mask_value`,
padded steps (every feature equal to it) are masked and the recurrent encoders skip them.
Keras's `Conv1D` does not take masks: the convnets see the padding, so pad with a neutral
value (0 for z-normalized series).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from keras_walk import heads
from keras_walk.arguments import is_integer
from keras_walk.data.checks import check_features
from keras_walk.layers.encoders import encode_sequence
from keras_walk.tasks.building import CLASSIFIER_DEFAULT, builder
from keras_walk.tasks.conventions import removed_arguments
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["NUMERIC_SEQUENCE_ENCODERS", "sequence_classifier"]

# The shared encoders that read numeric steps (the transformer needs token positions).
NUMERIC_SEQUENCE_ENCODERS = ("fcn", "conv1d", "lstm", "gru", "bilstm")


@removed_arguments("one_hot_labels", "num_labels")
@builder(
    default_head=CLASSIFIER_DEFAULT,
    heads=heads.CLASSIFIER_HEADS,
    encoders=NUMERIC_SEQUENCE_ENCODERS,
)
def sequence_classifier(
    input_shape: tuple,
    num_classes: int,
    *,
    head: str | None = None,
    encoder="fcn",
    class_names=None,
    filters: tuple[int, ...] = (128, 256, 128),
    kernel_sizes: tuple[int, ...] = (8, 5, 3),
    units: int = 64,
    normalize=None,
    mask_value: float | None = None,
    dropout: float = 0.0,
    seed: int | None = None,
    name: str = "sequence_classifier",
) -> SupervisedTask:
    """A compiled classifier of numeric sequences of shape `(steps, features)`.

    See the module for the encoders and for sequences of different lengths.

    Args:
        input_shape: `(steps, features)`; `steps` may be `None`.
        num_classes: number of classes or labels.
        head: `"binary"`, `"multiclass"`, `"multiclass_onehot"` or `"multilabel"`; by
            default `"binary"` for 2 classes and `"multiclass"` for more.
        encoder: a name above, or a Keras layer, model or callable from the
            `(batch, steps, features)` tensor to one vector per sample.
        class_names: names of the classes in label order.
        filters: filters of each `fcn` block.
        kernel_sizes: kernel size of each `fcn` block (as many as `filters`).
        units: width of the other encoders.
        normalize: training sequences `(n, steps, features)` to fit a per-feature
            `Normalization` layer on, or `None` (UCR series come z-normalized).
        mask_value: padding value to mask, or `None`.
        dropout: dropout before the head.
        seed: seed of the dropout layer.
        name: the model's name.

    Returns:
        A compiled `Task` that takes sequences.

    Examples:

        >>> model = sequence_classifier((150, 1), 3, filters=(8, 8), kernel_sizes=(5, 3))
        >>> model.output_shape, model.head
        ((None, 3), 'multiclass')
    """
    head = heads.chosen_head(head, num_classes, what="sequences")
    input_shape = tuple(input_shape)
    if len(input_shape) != 2 or not is_integer(input_shape[1]) or input_shape[1] < 1:
        raise ValueError(
            "Invalid value for argument `input_shape`. Expected (steps, features) with a "
            f"known number of features. Received: input_shape={input_shape}"
        )
    steps = input_shape[0]
    input_shape = (None if steps is None else int(steps), int(input_shape[1]))
    normalization = _normalization(normalize, input_shape[1])
    # === Functional Model ===
    inputs = keras.Input(input_shape, name="sequences")
    x = inputs
    if mask_value is not None:
        x = layers.Masking(mask_value, name="mask")(x)
    if normalization is not None:
        x = normalization(x)
    x = encode_sequence(
        x, encoder, units=units, filters=filters, kernel_sizes=kernel_sizes,
        allowed=NUMERIC_SEQUENCE_ENCODERS,
    )  # fmt: skip
    outputs = heads.dense_head(x, head, num_classes, dropout=dropout, seed=seed)
    return SupervisedTask(
        inputs, outputs, name=name, head=head, num_classes=num_classes,
        class_names=class_names, input_kind="sequences",
    )  # fmt: skip


def _normalization(normalize, features: int):
    """A `Normalization` layer fitted per feature on the training sequences `normalize`,
    or `None` when they are `None`."""
    if normalize is None:
        return None
    data = np.asarray(normalize, dtype="float32")
    check_features(data)
    if data.ndim != 3 or data.shape[-1] != features:
        raise ValueError(
            "Invalid value for argument `normalize`. Expected training sequences of "
            f"shape (n, steps, {features}). Received: shape {data.shape}"
        )
    normalization = layers.Normalization(axis=-1, name="normalize")
    normalization.adapt(data)
    return normalization
