"""Segmentation metrics: IoU from Keras, and Dice from the same confusion matrix.

Keras's `MeanIoU` and `BinaryIoU` keep a confusion matrix over every pixel seen. Dice
(the F1 score of pixels) is `2 TP / (2 TP + FP + FN)` per class, a function of that same
matrix (`Dice = 2 IoU / (1 + IoU)` class by class), so `MeanDice` and `BinaryDice` only
change how Keras's metrics read it out.

Examples:

    >>> import numpy as np
    >>> masks = np.array([[[0, 1], [1, 1]]]); predicted = np.array([[[0, 1], [0, 1]]])
    >>> scores = np.eye(2)[predicted].astype("float32")
    >>> dice = MeanDice(2)
    >>> _ = dice.update_state(masks, scores)
    >>> round(float(dice.result()), 4)  # background 2/3, foreground 4/5
    0.7333
"""

from __future__ import annotations

import keras
import numpy as np

from keras_walk.arguments import one_of, positive_int

__all__ = ["BinaryDice", "MeanDice", "class_iou", "segmentation_metrics"]


def class_iou(masks, predicted, num_classes: int) -> np.ndarray:
    """IoU of each class over all the pixels of two arrays of class ids, as NumPy
    computes it after `predict_masks`: `(num_classes,)` floats, NaN for a class neither
    array has (so that `np.nanmean` is the mean IoU over the classes present). Pooled over
    every pixel, as Keras's `MeanIoU` pools them, not averaged image by image.

    Examples:

        >>> masks = np.array([[[0, 1], [1, 1]]]); predicted = np.array([[[0, 1], [0, 1]]])
        >>> class_iou(masks, predicted, 3).round(4).tolist()  # 1/2, 2/3, absent
        [0.5, 0.6667, nan]
    """
    num_classes = positive_int("num_classes", num_classes)
    masks, predicted = np.asarray(masks), np.asarray(predicted)
    if masks.shape != predicted.shape:
        raise ValueError(
            "Invalid masks: `masks` and `predicted` must have the same shape. Received: "
            f"{masks.shape} and {predicted.shape}"
        )
    for name, ids in (("masks", masks), ("predicted", predicted)):
        if ids.size and (ids.min() < 0 or ids.max() >= num_classes):
            raise ValueError(
                f"Invalid {name}: class ids must be in [0, {num_classes}) for "
                f"num_classes={num_classes}. Received ids from {ids.min()} to {ids.max()}"
            )
    # One confusion matrix in one pass (bincount), rather than two comparisons per class.
    matrix = np.bincount(
        masks.reshape(-1).astype("int64") * num_classes + predicted.reshape(-1),
        minlength=num_classes * num_classes,
    )[: num_classes * num_classes].reshape(num_classes, num_classes)
    union = matrix.sum(0) + matrix.sum(1) - np.diag(matrix)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, np.diag(matrix) / union, np.nan)


def _dice(metric) -> keras.KerasTensor:
    ops = keras.ops
    matrix = ops.cast(metric.total_cm, "float32")
    true_positives = ops.diag(matrix)
    # Row sums are the true pixels of each class, column sums the predicted ones.
    total = ops.sum(matrix, axis=0) + ops.sum(matrix, axis=1)
    ids = ops.convert_to_tensor(metric.target_class_ids, "int32")
    true_positives, total = ops.take(true_positives, ids), ops.take(total, ids)
    present = ops.cast(total > 0, "float32")
    dice = 2.0 * true_positives / ops.maximum(total, 1.0)
    return ops.sum(dice * present) / ops.maximum(ops.sum(present), 1.0)


@keras.saving.register_keras_serializable(package="keras_walk")
class MeanDice(keras.metrics.MeanIoU):
    """Mean Dice over classes for sparse masks and per-pixel class probabilities (the
    `multiclass` head): Keras's `MeanIoU` with `sparse_y_pred=False`, read out as Dice."""

    def __init__(self, num_classes, name="dice", sparse_y_pred=False, **kwargs):
        super().__init__(num_classes, name=name, sparse_y_pred=sparse_y_pred, **kwargs)

    def result(self):
        return _dice(self)


@keras.saving.register_keras_serializable(package="keras_walk")
class BinaryDice(keras.metrics.BinaryIoU):
    """Dice of the foreground (class 1) for a `binary` per-pixel head: Keras's
    `BinaryIoU` with `target_class_ids=[1]`, read out as Dice."""

    def __init__(self, target_class_ids=(1,), threshold=0.5, name="dice", **kwargs):
        super().__init__(target_class_ids, threshold, name=name, **kwargs)

    def result(self):
        return _dice(self)


def segmentation_metrics(head: str, num_classes: int) -> list:
    """Pixel accuracy, IoU and Dice for a per-pixel head: for `binary`, of the foreground
    (`iou`, `dice`); for `multiclass`, their means over the classes (`mean_iou`, `dice`)."""
    one_of("head", head, ("binary", "multiclass"))
    if head == "multiclass":
        num_classes = positive_int("num_classes", num_classes)
    if head == "binary":
        return [
            keras.metrics.BinaryAccuracy(name="accuracy"),
            keras.metrics.BinaryIoU(target_class_ids=[1], name="iou"),
            BinaryDice(),
        ]
    return [
        keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
        keras.metrics.MeanIoU(num_classes, sparse_y_pred=False, name="mean_iou"),
        MeanDice(num_classes),
    ]
