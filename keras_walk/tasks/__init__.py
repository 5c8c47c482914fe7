"""Task builders: each returns a compiled `Task`, a functional Keras model that knows its
head, classes and inputs, and saves to `.keras` with all of them.

Every builder has the same call shape (see `keras_walk.tasks.conventions`): the data or
shapes it adapts on, then `num_classes` (`num_outputs` for regressors), then keyword-only
options, `head=` first.
"""

from keras_walk import heads
from keras_walk.layers.encoders import SEQUENCE_ENCODERS
from keras_walk.tasks import backbones
from keras_walk.tasks.autoencoder import ImageAutoencoder, autoencoder, vae
from keras_walk.tasks.captioner import DECODERS as CAPTION_DECODERS
from keras_walk.tasks.captioner import ImageCaptioner, image_captioner
from keras_walk.tasks.compiling import make_optimizer
from keras_walk.tasks.contrastive_pretrainer import (
    ContrastivePretrainer,
    contrastive_pretrainer,
)
from keras_walk.tasks.conventions import builder_table
from keras_walk.tasks.diffusion import DiffusionModel, diffusion_model
from keras_walk.tasks.distiller import Distiller, distiller
from keras_walk.tasks.dual_encoder import TEXT_ENCODERS as DUAL_TEXT_ENCODERS
from keras_walk.tasks.dual_encoder import DualEncoder, dual_encoder
from keras_walk.tasks.efficientnet_lite import efficientnet_lite0
from keras_walk.tasks.ensemble import average_ensemble
from keras_walk.tasks.gan import GAN, gan
from keras_walk.tasks.image_classifier import image_classifier
from keras_walk.tasks.image_segmenter import ImageSegmenter, encoder_unet, image_segmenter, unet
from keras_walk.tasks.language_model import LM_ENCODERS, LanguageModel, language_model
from keras_walk.tasks.object_detector import ObjectDetector, object_detector
from keras_walk.tasks.sequence_classifier import NUMERIC_SEQUENCE_ENCODERS, sequence_classifier
from keras_walk.tasks.tabular import (
    binary_classifier,
    multiclass_classifier,
    multilabel_classifier,
    regressor,
    tabular_model,
)
from keras_walk.tasks.task import Task
from keras_walk.tasks.text_classifier import (
    ENCODERS as TEXT_ENCODERS,
)
from keras_walk.tasks.text_classifier import (
    choose_text_encoder,
    text_classifier,
    token_lengths,
)
from keras_walk.tasks.timeseries_forecaster import timeseries_forecaster
from keras_walk.tasks.transfer import backbone_of, fine_tune, linear_probe, transfer

_CLASSIFIER = "`binary` for 2 classes, else `multiclass`"
# What `builder_table` (the docs' table of builders) reads besides the signatures.
BUILDERS = {
    "image_classifier": {
        "default_head": _CLASSIFIER, "heads": heads.CLASSIFIER_HEADS,
        "encoders": tuple(backbones.BACKBONES),
    },
    "text_classifier": {
        "default_head": _CLASSIFIER, "heads": heads.CLASSIFIER_HEADS, "encoders": TEXT_ENCODERS,
    },
    "sequence_classifier": {
        "default_head": _CLASSIFIER, "heads": heads.CLASSIFIER_HEADS,
        "encoders": NUMERIC_SEQUENCE_ENCODERS,
    },
    "tabular_model": {"default_head": _CLASSIFIER, "heads": heads.DENSE_HEADS, "encoders": ()},
    "binary_classifier": {"default_head": "`binary`", "heads": ("binary",), "encoders": ()},
    "multiclass_classifier": {
        "default_head": "`multiclass`", "heads": ("multiclass", "multiclass_onehot"),
        "encoders": (),
    },
    "multilabel_classifier": {
        "default_head": "`multilabel`", "heads": ("multilabel",), "encoders": (),
    },
    "regressor": {"default_head": "`regression`", "heads": heads.REGRESSION_HEADS, "encoders": ()},
    "timeseries_forecaster": {
        "default_head": "`regression`", "heads": heads.REGRESSION_HEADS,
        "encoders": NUMERIC_SEQUENCE_ENCODERS,
    },
    "language_model": {
        "default_head": "`multiclass` over the vocabulary", "heads": ("multiclass",),
        "encoders": LM_ENCODERS,
    },
    "average_ensemble": {"default_head": "its members'", "heads": ("any",), "encoders": ()},
    "autoencoder": {"default_head": "`reconstruction`", "heads": ("reconstruction",), "encoders": ()},
    "vae": {"default_head": "`reconstruction` + KL", "heads": ("reconstruction",), "encoders": ()},
    "diffusion_model": {"default_head": "`noise`", "heads": ("noise",), "encoders": ("unet",)},
    "gan": {"default_head": "`adversarial`", "heads": ("adversarial",), "encoders": ()},
    "image_captioner": {
        "default_head": "`multiclass` over the vocabulary, per word", "heads": ("multiclass",),
        "encoders": tuple(backbones.BACKBONES) + CAPTION_DECODERS,
    },
    "contrastive_pretrainer": {
        "default_head": "`contrastive` (two views)", "heads": ("contrastive",),
        "encoders": tuple(backbones.BACKBONES),
    },
    "dual_encoder": {
        "default_head": "`contrastive`", "heads": ("contrastive",),
        "encoders": tuple(backbones.BACKBONES) + DUAL_TEXT_ENCODERS,
    },
    "object_detector": {
        "default_head": "`detection`: objectness, box and class per grid cell",
        "heads": ("detection",), "encoders": ("basic_convnet",),
    },
    "image_segmenter": {
        "default_head": f"{_CLASSIFIER}, per pixel", "heads": ("binary", "multiclass"),
        "encoders": ("unet", *backbones.BACKBONES),
    },
    "distiller": {
        "default_head": "its student's, trained on the teacher's softened probabilities",
        "heads": ("multiclass",), "encoders": ("any teacher and student Task",),
    },
    "transfer": {
        "default_head": _CLASSIFIER, "heads": heads.CLASSIFIER_HEADS,
        "encoders": ("a trained Task's backbone",),
    },
}  # fmt: skip

__all__ = [
    "BUILDERS",
    "ContrastivePretrainer",
    "DiffusionModel",
    "Distiller",
    "DualEncoder",
    "GAN",
    "ImageAutoencoder",
    "ImageCaptioner",
    "ImageSegmenter",
    "LanguageModel",
    "ObjectDetector",
    "SEQUENCE_ENCODERS",
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
