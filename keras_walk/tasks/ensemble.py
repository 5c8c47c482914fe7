"""`average_ensemble`: several trained models with the same inputs, one model out."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from keras_walk import heads

__all__ = ["average_ensemble"]


def average_ensemble(
    models: Sequence[keras.Model], head: str, num_classes: int = 2, name: str = "ensemble"
) -> keras.Model:
    """Averages the outputs of trained models that take the same inputs.

    Models that err differently cancel part of each other's errors (Chollet, Deep Learning
    with Python, 13.1.3). The result is one functional model, compiled with the head's loss
    and metrics, that saves to and reloads from a single `.keras` file.

    Args:
        models: trained models with identical input signatures and output shapes.
        head: their `keras_walk.heads` head (for the loss and metrics of `evaluate`).
        num_classes: the head's number of classes.
        name: the ensemble's name.

    Examples:

        >>> a = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        >>> b = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        >>> average_ensemble([a, b], "binary").output_shape
        (None, 1)
    """
    models = list(models)
    if len(models) < 2:
        raise ValueError(
            "Invalid value for argument `models`. Expected at least 2 models. "
            f"Received: {len(models)}"
        )
    names = [model.name for model in models]
    if len(set(names)) < len(names):
        raise ValueError(
            f"Invalid value for argument `models`: their names must differ. Received: {names}. "
            "Build each with its own `name=`."
        )
    shapes = {tuple(model.output_shape) for model in models}
    if len(shapes) > 1:
        raise ValueError(
            f"Invalid value for argument `models`: output shapes differ: {sorted(shapes)}"
        )
    template = models[0].inputs
    inputs = [keras.Input(shape=t.shape[1:], dtype=t.dtype, name=t.name) for t in template]
    feed = inputs[0] if len(inputs) == 1 else inputs
    outputs = keras.layers.Average(name="average")([model(feed) for model in models])
    ensemble = keras.Model(inputs[0] if len(inputs) == 1 else inputs, outputs, name=name)
    ensemble.compile(optimizer="adam", **heads.compile_args(head, num_classes))
    return ensemble
