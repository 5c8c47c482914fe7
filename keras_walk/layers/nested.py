"""`leaf_layers`: the layers of a model with nested models opened up."""

from __future__ import annotations

import keras

__all__ = ["leaf_layers"]


def leaf_layers(model: keras.Model):
    """Yields `model`'s layers in order, each nested `keras.Model` (a backbone, an
    augmentation `Sequential`) replaced by its own leaf layers.

    Examples:

        >>> import keras_walk as kw
        >>> model = kw.tasks.image_classifier((8, 8, 1), 3)
        >>> [layer.name for layer in leaf_layers(model)][:4]
        ['images', 'rescale', 'images', 'block1_conv1']
    """
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from leaf_layers(layer)
        else:
            yield layer
