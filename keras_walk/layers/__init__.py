"""Reusable blocks and layers that models are made of. They hold no task logic."""

from keras_walk.layers.blocks import conv_block, residual_block
from keras_walk.layers.imputed_normalization import ImputedNormalization
from keras_walk.layers.pretrained_text import BertVocabularyTokenizer, TrimPadding

__all__ = [
    "BertVocabularyTokenizer",
    "ImputedNormalization",
    "TrimPadding",
    "conv_block",
    "residual_block",
]
