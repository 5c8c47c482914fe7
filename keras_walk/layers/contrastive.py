"""`ContrastiveLogits`: the similarity of every image to every text, scaled by a learnt
temperature, across all replicas of a distribution strategy.

Keras has no contrastive layer or loss (keras-team/keras#18203); this one and
`keras_walk.losses.ContrastiveLoss` follow CLIP (Radford et al. 2021) and SigLIP (Zhai et
al. 2023). Under a `MirroredStrategy` each replica compares its own rows with the
embeddings of *every* replica (`ReplicaContext.all_gather`, whose gradient TensorFlow
defines), so the negatives are the global batch, as in CLIP.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf

__all__ = ["ContrastiveLogits", "gather_replicas", "replica_offset", "unit_embedding"]

# CLIP's initial temperature 0.07 (scale 1 / 0.07) and its cap on the scale, 100; SigLIP's
# initial scale 10 and bias -10.
_INITIAL = {"softmax": (math.log(1 / 0.07), 0.0), "sigmoid": (math.log(10.0), -10.0)}
CONTRASTIVE_LOSSES = tuple(_INITIAL)  # CLIP's softmax (InfoNCE) and SigLIP's sigmoid
MAX_SCALE = 100.0


def unit_embedding(x, projection_dim: int):
    """`x` -> Dense(`projection_dim`) -> L2-normalized: the embeddings `ContrastiveLogits`
    compares (layers named "projection" and "normalize").

    Both compute in float32 under mixed precision, as every head does: bfloat16's 8-bit
    mantissa would blur the similarities that the temperature then multiplies by up to 100.

    Examples:

        >>> inputs = keras.Input((5,))
        >>> unit_embedding(inputs, 3).dtype
        'float32'
    """
    x = keras.layers.Dense(projection_dim, dtype="float32", name="projection")(x)
    return keras.layers.UnitNormalization(dtype="float32", name="normalize")(x)


def _replica_context():
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return None
    return context


def gather_replicas(values):
    """`values` of every replica, concatenated on the batch axis (itself with one replica)."""
    context = _replica_context()
    return values if context is None else context.all_gather(values, axis=0)


def replica_offset(local_batch):
    """Where this replica's rows start in the gathered batch (0 with one replica)."""
    context = _replica_context()
    if context is None:
        return tf.constant(0, "int32")
    sizes = context.all_gather(tf.reshape(tf.cast(local_batch, "int32"), (1,)), axis=0)
    return tf.reduce_sum(sizes[: context.replica_id_in_sync_group])


@keras.saving.register_keras_serializable(package="keras_walk")
class ContrastiveLogits(keras.layers.Layer):
    """`[a, b]` (L2-normalized embeddings of matching pairs, `(batch, dim)` each) ->
    `(batch, 2, global_batch)`: row `i` holds `scale * a_i . b_j + bias` over every `b_j`
    (`[:, 0]`) and `scale * b_i . a_j + bias` (`[:, 1]`).

    Args:
        loss: `"softmax"` (CLIP's InfoNCE: learnt scale starting at 1 / 0.07, no bias) or
            `"sigmoid"` (SigLIP: scale starting at 10, a learnt bias starting at -10).

    Examples:

        >>> a = keras.ops.convert_to_tensor([[1.0, 0.0], [0.0, 1.0]])
        >>> logits = ContrastiveLogits("sigmoid")([a, a])
        >>> tuple(logits.shape), float(logits[0, 0, 0]), float(logits[0, 0, 1])
        ((2, 2, 2), 0.0, -10.0)
    """

    def __init__(self, loss: str = "softmax", **kwargs):
        super().__init__(**kwargs)
        if loss not in _INITIAL:
            raise ValueError(
                f"Invalid value for argument `loss`. Expected one of {sorted(_INITIAL)}. "
                f"Received: loss={loss!r}"
            )
        self.loss = loss
        log_scale, bias = _INITIAL[loss]
        self.log_scale = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(log_scale), name="log_scale"
        )
        self.bias = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(bias),
            trainable=loss == "sigmoid",
            name="bias",
        )

    @property
    def scale(self):
        """The temperature's inverse, `exp(log_scale)`, capped at 100 as in CLIP."""
        return tf.minimum(tf.exp(self.log_scale), MAX_SCALE)

    def call(self, inputs):
        a, b = inputs
        a_all, b_all = gather_replicas(a), gather_replicas(b)
        a_to_b = tf.matmul(a, b_all, transpose_b=True)
        b_to_a = tf.matmul(b, a_all, transpose_b=True)
        return self.scale * tf.stack([a_to_b, b_to_a], axis=1) + self.bias

    def compute_output_shape(self, input_shapes):
        return (input_shapes[0][0], 2, None)

    def get_config(self):
        return {**super().get_config(), "loss": self.loss}
