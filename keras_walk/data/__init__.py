"""Data: named offline-first datasets, sources, checks and the tf.data pipeline."""

from keras_walk.data.augment import AUGMENTATIONS, image_augmentation
from keras_walk.data.checks import DataError, check_features, check_image_shape
from keras_walk.data.pipeline import pipeline
from keras_walk.data.registry import (
    Arrays,
    DatasetInfo,
    DatasetUnavailableError,
    dataset_info,
    list_datasets,
    load,
    network_available,
)
from keras_walk.data.sources import from_directory, from_tfds, to_tfds

__all__ = [
    "AUGMENTATIONS",
    "Arrays",
    "DataError",
    "DatasetInfo",
    "DatasetUnavailableError",
    "check_features",
    "check_image_shape",
    "dataset_info",
    "from_directory",
    "from_tfds",
    "image_augmentation",
    "list_datasets",
    "load",
    "network_available",
    "pipeline",
    "to_tfds",
]
