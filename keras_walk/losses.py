"""Losses Keras lacks: contrastive (CLIP's symmetric InfoNCE, SigLIP's sigmoid loss),
per-pixel segmentation (crossentropy, soft Dice, or both) and a grid detector's.

Keras has no contrastive loss (keras-team/keras#18203). Both contrastive losses read the `(batch, 2, global_batch)` logits of
`keras_walk.layers.ContrastiveLogits`: row `i`'s match is column `offset + i`, where
`offset` is where this replica's rows start in the global batch. `y_true` is not used:
in-batch pairs are the labels. The dual encoder and SimCLR (two views of one image) share
this code; SimCLR's NT-Xent is the `"softmax"` loss between the two views.
"""

from __future__ import annotations

import keras
import tensorflow as tf

from keras_walk.layers.contrastive import CONTRASTIVE_LOSSES, replica_offset

__all__ = [
    "SEGMENTATION_LOSSES",
    "ContrastiveLoss",
    "DetectionLoss",
    "SegmentationLoss",
    "check_contrastive_batch",
    "grid_targets",
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
        if kind not in CONTRASTIVE_LOSSES:
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


@keras.saving.register_keras_serializable(package="keras_walk")
class DetectionLoss(keras.losses.Loss):
    """The loss of a YOLO-style grid detector (Redmon et al. 2016), one value per image.

    `y_pred` is the grid, `(batch, rows, columns, 5 + num_classes)`: per cell an objectness
    logit, four box logits and the class logits. `y_true` is the labels of
    `keras_walk.data.composed.detection`, `(batch, max_objects, 5)` rows of
    `[x1, y1, x2, y2, class]` in pixels, padded with -1. Each box is assigned to the cell
    that holds its centre; that cell learns:

    * objectness 1 (every other cell 0): binary crossentropy, the mean over the object cells
      plus the mean over the empty ones, so the many empty cells do not drown the few full;
    * the box: `sigmoid` of its four box logits should be the centre's offset within the
      cell (x, y in [0, 1]) and the box's width and height as shares of the image; L1,
      weighted by `box_weight`;
    * the class: sparse categorical crossentropy on the class logits.

    Keras has no detection loss for a plain grid (keras-hub's RetinaNet and YOLOv8 losses
    belong to their anchor and feature-pyramid heads), hence this one.

    Args:
        image_size: `(height, width)` of the images, to turn pixels into grid units.
        box_weight: weight of the box term.
    """

    def __init__(self, image_size=None, box_weight: float = 5.0, name="detection", **kwargs):
        super().__init__(name=name, **kwargs)
        self.image_size = None if image_size is None else tuple(int(s) for s in image_size)
        self.box_weight = float(box_weight)

    def call(self, y_true, y_pred):
        if self.image_size is None:
            raise ValueError(
                "DetectionLoss needs `image_size=(height, width)` to place boxes on the grid."
            )
        y_pred = tf.cast(y_pred, "float32")
        targets = grid_targets(y_true, tf.shape(y_pred)[1:3], self.image_size)
        positive = targets[..., 0]
        count = tf.maximum(tf.reduce_sum(positive, axis=(1, 2)), 1.0)
        empty = tf.maximum(tf.reduce_sum(1.0 - positive, axis=(1, 2)), 1.0)
        per_image = lambda values, weights, total: (  # noqa: E731
            tf.reduce_sum(values * weights, axis=(1, 2)) / total
        )
        objectness = tf.nn.sigmoid_cross_entropy_with_logits(labels=positive, logits=y_pred[..., 0])
        box_error = tf.reduce_sum(tf.abs(tf.sigmoid(y_pred[..., 1:5]) - targets[..., 1:5]), -1)
        class_error = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.cast(targets[..., 5], "int32"), logits=y_pred[..., 5:]
        )
        return (
            per_image(objectness, positive, count)
            + per_image(objectness, 1.0 - positive, empty)
            + self.box_weight * per_image(box_error, positive, count)
            + per_image(class_error, positive, count)
        )

    def get_config(self):
        return {
            **super().get_config(), "image_size": self.image_size, "box_weight": self.box_weight,
        }  # fmt: skip


def grid_targets(labels, grid_shape, image_size):
    """Padded `[x1, y1, x2, y2, class]` labels -> the grid a detector should predict,
    `(batch, rows, columns, 6)`: objectness, the centre's offset in its cell (x, y), width
    and height as shares of the image, class. Two boxes centred in one cell: one of them
    is kept (with 0.35 overlap at most in keras_walk's scenes, this is rare)."""
    labels = tf.cast(labels, "float32")
    rows, columns = tf.cast(grid_shape[0], "float32"), tf.cast(grid_shape[1], "float32")
    height, width = float(image_size[0]), float(image_size[1])
    x = (labels[..., 0] + labels[..., 2]) / 2.0 / width * columns
    y = (labels[..., 1] + labels[..., 3]) / 2.0 / height * rows
    column = tf.clip_by_value(tf.floor(x), 0.0, columns - 1.0)
    row = tf.clip_by_value(tf.floor(y), 0.0, rows - 1.0)
    values = tf.stack(
        [
            tf.ones_like(x), x - column, y - row,
            (labels[..., 2] - labels[..., 0]) / width, (labels[..., 3] - labels[..., 1]) / height,
            labels[..., 4],
        ],
        axis=-1,
    )  # fmt: skip
    batch = tf.broadcast_to(tf.cast(tf.range(tf.shape(labels)[0])[:, None], "float32"), tf.shape(x))
    indices = tf.cast(tf.stack([batch, row, column], axis=-1), "int32")
    valid = labels[..., 4] >= 0
    shape = tf.stack([tf.shape(labels)[0], tf.cast(rows, "int32"), tf.cast(columns, "int32"), 6])
    return tf.tensor_scatter_nd_update(
        tf.zeros(shape), tf.boolean_mask(indices, valid), tf.boolean_mask(values, valid)
    )
