"""Reusable blocks and layers that models are made of. They hold no task logic."""

from keras_walk.layers.blocks import conv_block, residual_block
from keras_walk.layers.imputed_normalization import ImputedNormalization

__all__ = ["ImputedNormalization", "conv_block", "residual_block"]
