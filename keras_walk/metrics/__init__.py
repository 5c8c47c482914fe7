"""Metrics beyond Keras's own: the quality of generated images (`image_quality`)."""

from keras_walk.metrics.image_quality import (
    ImageFeatures,
    class_accuracy,
    frechet_distance,
    image_features,
    kernel_distance,
    memorization,
)

__all__ = [
    "ImageFeatures",
    "class_accuracy",
    "frechet_distance",
    "image_features",
    "kernel_distance",
    "memorization",
]
