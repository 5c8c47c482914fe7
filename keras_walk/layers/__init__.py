"""Reusable blocks and layers that models are made of. They hold no task logic."""

from keras_walk.layers.blocks import conv_block, residual_block
from keras_walk.layers.contrastive import ContrastiveLogits
from keras_walk.layers.encoders import SEQUENCE_ENCODERS, encode_sequence
from keras_walk.layers.fused_batch_norm import FusedBatchNormalization
from keras_walk.layers.imputed_normalization import ImputedNormalization
from keras_walk.layers.missing_string_lookup import MissingStringLookup
from keras_walk.layers.nested import leaf_layers
from keras_walk.layers.pretrained_text import BertVocabularyTokenizer, TrimPadding
from keras_walk.layers.unet import SinusoidalEmbedding, noise_unet

__all__ = [
    "SEQUENCE_ENCODERS",
    "BertVocabularyTokenizer",
    "ContrastiveLogits",
    "FusedBatchNormalization",
    "ImputedNormalization",
    "MissingStringLookup",
    "SinusoidalEmbedding",
    "TrimPadding",
    "conv_block",
    "encode_sequence",
    "leaf_layers",
    "noise_unet",
    "residual_block",
]
