"""Metrics beyond Keras's own: the quality of generated images (`image_quality`) and
retrieval (`retrieval`: recall@k, median rank, in-batch contrastive accuracy) and
captions (`captions`: BLEU, CIDEr, exact match)."""

from keras_walk.metrics.captions import caption_metrics
from keras_walk.metrics.image_quality import (
    ImageFeatures,
    class_accuracy,
    frechet_distance,
    image_features,
    kernel_distance,
    memorization,
)
from keras_walk.metrics.retrieval import ContrastiveAccuracy, retrieval_metrics, retrieval_ranks

__all__ = [
    "ContrastiveAccuracy",
    "ImageFeatures",
    "caption_metrics",
    "class_accuracy",
    "frechet_distance",
    "image_features",
    "kernel_distance",
    "memorization",
    "retrieval_metrics",
    "retrieval_ranks",
]
