"""Reusable blocks that backbones are made of. They hold no task logic."""

from keras_walk.layers.blocks import conv_block, residual_block

__all__ = ["conv_block", "residual_block"]
