"""Metrics beyond Keras's own: the quality of generated images (`image_quality`) and
retrieval (`retrieval`: recall@k, median rank, in-batch contrastive accuracy) and
captions (`captions`: BLEU, CIDEr, exact match), segmentation (`segmentation`: Dice
beside Keras's IoU) and detection (`detection`: COCO mAP by pycocotools)."""

from keras_walk.metrics.captions import caption_metrics
from keras_walk.metrics.detection import mean_average_precision
from keras_walk.metrics.image_quality import (
    ImageFeatures,
    class_accuracy,
    frechet_distance,
    image_features,
    kernel_distance,
    memorization,
)
from keras_walk.metrics.retrieval import ContrastiveAccuracy, retrieval_metrics, retrieval_ranks
from keras_walk.metrics.segmentation import BinaryDice, MeanDice, class_iou, segmentation_metrics

__all__ = [
    "BinaryDice",
    "ContrastiveAccuracy",
    "ImageFeatures",
    "MeanDice",
    "caption_metrics",
    "class_accuracy",
    "class_iou",
    "frechet_distance",
    "image_features",
    "kernel_distance",
    "mean_average_precision",
    "memorization",
    "retrieval_metrics",
    "retrieval_ranks",
    "segmentation_metrics",
]
