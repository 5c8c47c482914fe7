"""Contrastive losses: CLIP's symmetric InfoNCE and SigLIP's sigmoid loss.

Keras has none (keras-team/keras#18203). Both read the `(batch, 2, global_batch)` logits of
`keras_walk.layers.ContrastiveLogits`: row `i`'s match is column `offset + i`, where
`offset` is where this replica's rows start in the global batch. `y_true` is not used:
in-batch pairs are the labels. The dual encoder and SimCLR (two views of one image) share
this code; SimCLR's NT-Xent is the `"softmax"` loss between the two views.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from keras_walk.layers.contrastive import replica_offset

__all__ = ["ContrastiveLoss", "check_contrastive_batch"]


def check_contrastive_batch(batch_size) -> None:
    """A contrastive loss needs negatives: at least two pairs per batch.

    Examples:

        >>> check_contrastive_batch(1)
        Traceback (most recent call last):
        ...
        ValueError: Invalid batch size 1 for a contrastive loss: each pair's negatives are the other pairs of its batch, so a batch needs at least 2. Use batch_size >= 2 (CLIP-style models learn best with hundreds).
    """
    if batch_size is not None and int(batch_size) < 2:
        raise ValueError(
            f"Invalid batch size {batch_size} for a contrastive loss: each pair's negatives "
            "are the other pairs of its batch, so a batch needs at least 2. Use batch_size "
            ">= 2 (CLIP-style models learn best with hundreds)."
        )


@keras.saving.register_keras_serializable(package="keras_walk")
class ContrastiveLoss(keras.losses.Loss):
    """Per-pair contrastive loss on `ContrastiveLogits`' output.

    * `"softmax"` (InfoNCE, CLIP): the mean of the cross-entropies that pick pair `i`'s
      text among all texts and its image among all images.
    * `"sigmoid"` (SigLIP): every image-text pair of the batch is a binary problem (match
      or not); the loss sums the log-sigmoid terms over the row.

    Examples:

        >>> logits = tf.constant([[[5.0, 0.0], [5.0, 0.0]], [[0.0, 5.0], [0.0, 5.0]]])
        >>> round(float(ContrastiveLoss()(tf.zeros(2), logits)), 4)
        0.0067
    """

    def __init__(self, kind: str = "softmax", name: str | None = None, **kwargs):
        if kind not in ("softmax", "sigmoid"):
            raise ValueError(
                "Invalid value for argument `kind`. Expected 'softmax' or 'sigmoid'. "
                f"Received: kind={kind!r}"
            )
        super().__init__(name=name or f"{kind}_contrastive", **kwargs)
        self.kind = kind

    def call(self, y_true, y_pred):
        logits = tf.convert_to_tensor(y_pred)
        local = tf.shape(logits)[0]
        matches = replica_offset(local) + tf.range(local)
        if self.kind == "softmax":
            losses = [
                tf.nn.sparse_softmax_cross_entropy_with_logits(matches, logits[:, side])
                for side in (0, 1)
            ]
            return (losses[0] + losses[1]) / 2.0
        signs = 2.0 * tf.one_hot(matches, tf.shape(logits)[2]) - 1.0
        return -tf.reduce_sum(tf.math.log_sigmoid(signs * logits[:, 0]), axis=-1)

    def get_config(self):
        return {**super().get_config(), "kind": self.kind}
