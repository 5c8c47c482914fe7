"""Image augmentation from core Keras preprocessing layers."""

from __future__ import annotations

import keras

__all__ = ["AUGMENTATIONS", "image_augmentation"]

AUGMENTATIONS = ("flip", "light", "randaugment", "contrastive")


def image_augmentation(
    preset: str = "light", seed: int | None = None, bounding_box_format: str | None = None
) -> keras.Sequential:
    """A `keras.Sequential` of random image layers, usable in a model or in `Dataset.map`.

    Presets: `"flip"` (horizontal flip), `"light"` (flip + shift by up to 10%),
    `"randaugment"` (`keras.layers.RandAugment` on 0..255 pixels), `"contrastive"` (the
    strong, varied views SimCLR learns from: flip, shift by up to 20%, zoom, contrast and
    brightness, on 0..255 pixels). The layers are active only when called with
    `training=True`.

    Examples:

        >>> import numpy as np
        >>> augment = image_augmentation("light", seed=0)
        >>> augment(np.zeros((2, 28, 28, 1), "float32"), training=True).shape
        TensorShape([2, 28, 28, 1])
    """
    boxes = {} if bounding_box_format is None else {"bounding_box_format": bounding_box_format}
    if preset == "flip":
        layers = [keras.layers.RandomFlip("horizontal", seed=seed, **boxes)]
    elif preset == "light":
        layers = [
            keras.layers.RandomFlip("horizontal", seed=seed, **boxes),
            keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed, **boxes),
        ]
    elif preset == "randaugment":
        layers = [keras.layers.RandAugment(value_range=(0, 255), seed=seed)]
    elif preset == "contrastive":
        # After keras-io's SimCLR example (crops and colour changes matter most, Chen et
        # al. 2020, 3.3); for greyscale images "colour" is contrast and brightness.
        layers = [
            keras.layers.RandomFlip("horizontal", seed=seed),
            keras.layers.RandomTranslation(0.2, 0.2, fill_mode="constant", seed=seed),
            keras.layers.RandomZoom((-0.4, 0.0), fill_mode="constant", seed=seed),
            keras.layers.RandomContrast(0.5, value_range=(0, 255), seed=seed),
            keras.layers.RandomBrightness(0.3, value_range=(0, 255), seed=seed),
        ]
    else:
        raise ValueError(
            f"Invalid value for argument `preset`. Expected one of {list(AUGMENTATIONS)}. "
            f"Received: preset={preset!r}"
        )
    return keras.Sequential(layers, name=f"augment_{preset}")


def augmentation_layer(
    augment, seed: int | None = None, bounding_box_format: str | None = None
) -> keras.Layer | None:
    """`None`, a preset name or a Keras layer -> `None` or a layer (the one place that decides)."""
    if augment is None or isinstance(augment, keras.Layer):
        return augment
    if isinstance(augment, str):
        if bounding_box_format is not None and augment != "flip":
            # Shifts, zooms and RandAugment can push a box partly off the canvas, which
            # Keras clips; keras_walk's detection labels are only tested with flips.
            raise ValueError(
                f"Invalid value for argument `augment` with boxes: {augment!r} would change "
                "the pictures in ways its boxes cannot follow exactly. Use 'flip', or pass "
                "your own Keras layers made with bounding_box_format='xyxy'."
            )
        if augment not in AUGMENTATIONS:
            raise ValueError(
                f"Invalid value for argument `augment`. Expected one of {list(AUGMENTATIONS)} "
                f"or a Keras layer. Received: augment={augment!r}"
            )
        return image_augmentation(augment, seed=seed, bounding_box_format=bounding_box_format)
    raise ValueError(
        "Invalid value for argument `augment`. Expected a preset name or a Keras layer. "
        f"Received: augment={augment!r}"
    )
