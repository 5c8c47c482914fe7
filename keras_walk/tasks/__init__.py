"""Task builders: each returns a compiled, serializable Keras functional model."""

from keras_walk.tasks import backbones
from keras_walk.tasks.ensemble import average_ensemble
from keras_walk.tasks.image_classifier import image_classifier
from keras_walk.tasks.language_model import LanguageModel, language_model
from keras_walk.tasks.sequence_classifier import sequence_classifier
from keras_walk.tasks.tabular import (
    binary_classifier,
    multiclass_classifier,
    multilabel_classifier,
    regressor,
    tabular_model,
)
from keras_walk.tasks.text_classifier import choose_text_encoder, text_classifier, token_lengths
from keras_walk.tasks.timeseries_forecaster import timeseries_forecaster

__all__ = [
    "LanguageModel",
    "average_ensemble",
    "backbones",
    "binary_classifier",
    "choose_text_encoder",
    "image_classifier",
    "language_model",
    "multiclass_classifier",
    "multilabel_classifier",
    "regressor",
    "sequence_classifier",
    "tabular_model",
    "text_classifier",
    "timeseries_forecaster",
    "token_lengths",
]
