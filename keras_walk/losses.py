"""Losses Keras lacks: contrastive (CLIP's symmetric InfoNCE, SigLIP's sigmoid loss) and
per-pixel segmentation (crossentropy, soft Dice, or both).

Keras has no contrastive loss (keras-team/keras#18203). Both contrastive losses read the `(batch, 2, global_batch)` logits of
`keras_walk.layers.ContrastiveLogits`: row `i`'s match is column `offset + i`, where
`offset` is where this replica's rows start in the global batch. `y_true` is not used:
in-batch pairs are the labels. The dual encoder and SimCLR (two views of one image) share
this code; SimCLR's NT-Xent is the `"softmax"` loss between the two views.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from keras_walk.layers.contrastive import replica_offset

__all__ = [
    "SEGMENTATION_LOSSES",
    "ContrastiveLoss",
    "SegmentationLoss",
    "check_contrastive_batch",
]


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


SEGMENTATION_LOSSES = ("crossentropy", "dice", "dice+crossentropy")


@keras.saving.register_keras_serializable(package="keras_walk")
class SegmentationLoss(keras.losses.Loss):
    """Per-pixel crossentropy, soft Dice, or their sum, for a `binary` or `multiclass`
    per-pixel head; masks are integer class ids, `(batch, height, width[, 1])`.

    Soft Dice is `1 - 2|Y.P| / (|Y| + |P|)` per image and class, on probabilities (Milletari
    et al. 2016), averaged over the classes present in the image or predicted. It measures
    overlap, so a small object counts as much as a large background. Keras's own
    `keras.losses.Dice` takes one-hot targets and pools the whole batch: this one takes the
    masks the heads table's sparse labels use and scores each image.

    Examples:

        >>> import numpy as np
        >>> masks = np.array([[[0, 1], [1, 1]]])
        >>> perfect = np.eye(2)[masks].astype("float32")
        >>> round(float(SegmentationLoss("dice", "multiclass", 2)(masks, perfect)), 4)
        0.0
        >>> round(float(SegmentationLoss("dice", "binary", 2)(masks, perfect[..., 1:])), 4)
        0.0
    """

    def __init__(self, kind="crossentropy", head="multiclass", num_classes=2, name=None, **kwargs):
        self.check_kind(kind)
        if head not in ("binary", "multiclass"):
            raise ValueError(
                "Invalid value for argument `head`. Expected 'binary' or 'multiclass'. "
                f"Received: head={head!r}"
            )
        super().__init__(name=name or kind.replace("+", "_"), **kwargs)
        self.kind, self.head, self.num_classes = kind, head, int(num_classes)

    @staticmethod
    def check_kind(kind) -> None:
        if kind not in SEGMENTATION_LOSSES:
            raise ValueError(
                f"Invalid value for argument `loss`. Expected one of {list(SEGMENTATION_LOSSES)}. "
                f"Received: loss={kind!r}"
            )

    def call(self, y_true, y_pred):
        ops = keras.ops
        y_pred = ops.cast(y_pred, "float32")
        masks = ops.reshape(y_true, ops.shape(y_pred)[:3])
        if self.head == "binary":
            target = ops.cast(ops.expand_dims(masks, -1), "float32")
            crossentropy = keras.losses.binary_crossentropy(target, y_pred)
        else:
            target = ops.one_hot(ops.cast(masks, "int32"), self.num_classes)
            crossentropy = keras.losses.sparse_categorical_crossentropy(masks, y_pred)
        losses = []
        if "crossentropy" in self.kind:
            losses.append(ops.mean(crossentropy, axis=(1, 2)))
        if "dice" in self.kind:
            overlap = ops.sum(target * y_pred, axis=(1, 2))
            total = ops.sum(target, axis=(1, 2)) + ops.sum(y_pred, axis=(1, 2))
            present = ops.cast(total > 1e-6, "float32")
            dice = 1.0 - 2.0 * overlap / ops.maximum(total, 1e-6)
            losses.append(ops.sum(dice * present, -1) / ops.maximum(ops.sum(present, -1), 1.0))
        return losses[0] if len(losses) == 1 else losses[0] + losses[1]

    def get_config(self):
        return {
            **super().get_config(), "kind": self.kind, "head": self.head,
            "num_classes": self.num_classes,
        }  # fmt: skip
