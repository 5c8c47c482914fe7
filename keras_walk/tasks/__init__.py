"""Task builders: each returns a compiled `Task`, a functional Keras model that checks
what it is fed and saves to `.keras` with its compile state, of one of four families
(`keras_walk.tasks.task`): `SupervisedTask` (a head, classes, labels), `ImageGenerator`,
`Embedder` and `SequenceGenerator`.

Every builder has the same call shape (see `keras_walk.tasks.conventions`): the data or
shapes it adapts on, then `num_classes` (`num_outputs` for regressors), then keyword-only
options, `head=` first, and the compile options every builder shares
(`keras_walk.tasks.building`).
"""

import functools

from keras_walk.layers.encoders import SEQUENCE_ENCODERS
from keras_walk.tasks import backbones, conventions
from keras_walk.tasks.autoencoder import ImageAutoencoder, autoencoder, vae
from keras_walk.tasks.captioner import ImageCaptioner, image_captioner
from keras_walk.tasks.compiling import make_optimizer
from keras_walk.tasks.contrastive_pretrainer import (
    ContrastivePretrainer,
    contrastive_pretrainer,
)
from keras_walk.tasks.diffusion import DiffusionModel, diffusion_model
from keras_walk.tasks.distiller import Distiller, distiller
from keras_walk.tasks.dual_encoder import DualEncoder, dual_encoder
from keras_walk.tasks.efficientnet_lite import efficientnet_lite0
from keras_walk.tasks.embedder import Embedder, SearchResults
from keras_walk.tasks.ensemble import average_ensemble
from keras_walk.tasks.gan import GAN, gan
from keras_walk.tasks.generator import ImageGenerator
from keras_walk.tasks.image_classifier import image_classifier
from keras_walk.tasks.image_segmenter import ImageSegmenter, encoder_unet, image_segmenter, unet
from keras_walk.tasks.language_model import LanguageModel, language_model
from keras_walk.tasks.object_detector import ObjectDetector, object_detector
from keras_walk.tasks.sequence_classifier import sequence_classifier
from keras_walk.tasks.sequence_generator import SequenceGenerator
from keras_walk.tasks.supervised import SupervisedTask
from keras_walk.tasks.tabular import (
    binary_classifier,
    multiclass_classifier,
    multilabel_classifier,
    regressor,
    tabular_model,
)
from keras_walk.tasks.task import Task
from keras_walk.tasks.text_classifier import (
    choose_text_encoder,
    text_classifier,
    token_lengths,
)
from keras_walk.tasks.timeseries_forecaster import timeseries_forecaster
from keras_walk.tasks.transfer import backbone_of, fine_tune, linear_probe, transfer

# The builders in the order of the docs' table; each carries its own `builder_info`.
_BUILDERS = (
    image_classifier, text_classifier, sequence_classifier, tabular_model, binary_classifier,
    multiclass_classifier, multilabel_classifier, regressor, timeseries_forecaster,
    language_model, average_ensemble, autoencoder, vae, diffusion_model, gan, image_captioner,
    contrastive_pretrainer, dual_encoder, object_detector, image_segmenter, distiller, transfer,
)  # fmt: skip
BUILDERS = {builder.__name__: builder.builder_info for builder in _BUILDERS}
builder_table = functools.partial(conventions.builder_table, _BUILDERS)

__all__ = [
    "BUILDERS",
    "ContrastivePretrainer",
    "DiffusionModel",
    "Distiller",
    "DualEncoder",
    "Embedder",
    "GAN",
    "ImageAutoencoder",
    "ImageCaptioner",
    "ImageGenerator",
    "ImageSegmenter",
    "LanguageModel",
    "ObjectDetector",
    "SEQUENCE_ENCODERS",
    "SearchResults",
    "SequenceGenerator",
    "SupervisedTask",
    "Task",
    "autoencoder",
    "average_ensemble",
    "backbone_of",
    "backbones",
    "binary_classifier",
    "builder_table",
    "choose_text_encoder",
    "contrastive_pretrainer",
    "diffusion_model",
    "distiller",
    "dual_encoder",
    "efficientnet_lite0",
    "encoder_unet",
    "fine_tune",
    "gan",
    "image_captioner",
    "image_classifier",
    "image_segmenter",
    "language_model",
    "linear_probe",
    "make_optimizer",
    "multiclass_classifier",
    "multilabel_classifier",
    "object_detector",
    "regressor",
    "sequence_classifier",
    "tabular_model",
    "text_classifier",
    "timeseries_forecaster",
    "token_lengths",
    "transfer",
    "unet",
    "vae",
]
