"""Task builders: each returns a compiled, serializable Keras functional model."""

from keras_walk.tasks import backbones
from keras_walk.tasks.image_classifier import image_classifier
from keras_walk.tasks.tabular import (
    binary_classifier,
    multiclass_classifier,
    multilabel_classifier,
    regressor,
    tabular_model,
)

__all__ = [
    "backbones",
    "binary_classifier",
    "image_classifier",
    "multiclass_classifier",
    "multilabel_classifier",
    "regressor",
    "tabular_model",
]
