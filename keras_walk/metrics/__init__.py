"""Metrics beyond Keras's own: the quality of generated images (`image_quality`) and
retrieval (`retrieval`: recall@k, median rank, in-batch contrastive accuracy) and
captions (`captions`: BLEU, CIDEr, exact match), segmentation (`segmentation`: Dice
beside Keras's IoU) and detection (`detection`: COCO mAP by pycocotools)."""

from keras_walk.metrics.captions import caption_metrics
from keras_walk.metrics.detection import mean_average_precision
from keras_walk.metrics.image_quality import (
    class_accuracy,
    frechet_distance,
    kernel_distance,
    memorization,
)
from keras_walk.metrics.retrieval import ContrastiveAccuracy, retrieval_metrics, retrieval_ranks
from keras_walk.metrics.segmentation import BinaryDice, MeanDice, class_iou, segmentation_metrics

__all__ = [
    "BinaryDice",
    "ContrastiveAccuracy",
    "MeanDice",
    "caption_metrics",
    "class_accuracy",
    "class_iou",
    "frechet_distance",
    "kernel_distance",
    "mean_average_precision",
    "memorization",
    "retrieval_metrics",
    "retrieval_ranks",
    "segmentation_metrics",
]

# The trained feature network moved above `keras_walk.tasks`, which trains it: metrics are
# pure functions and Metric classes that import no model.
_MOVED = {
    "image_features": "keras_walk.feature_networks.image_features",
    "ImageFeatures": "keras_walk.feature_networks.ImageFeatures",
}


def __getattr__(name):
    if name in _MOVED:
        raise AttributeError(
            f"`keras_walk.metrics.{name}` is now `{_MOVED[name]}` (the metrics import no "
            "model; the feature network is a trained Task)."
        )
    raise AttributeError(f"module 'keras_walk.metrics' has no attribute {name!r}")
