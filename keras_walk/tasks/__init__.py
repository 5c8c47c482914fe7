"""Task builders: each returns a compiled, serializable Keras functional model."""

from keras_walk.tasks import backbones
from keras_walk.tasks.image_classifier import image_classifier

__all__ = ["backbones", "image_classifier"]
