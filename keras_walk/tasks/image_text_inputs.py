"""What the image-text Tasks (`dual_encoder`, `image_captioner`) are fed, checked in one
place: captions, image-caption pairs (arrays or a batched dataset) and the builders'
`images` argument (training images or their shape)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras_walk.arguments import is_integer
from keras_walk.data.checks import DataError, check_texts
from keras_walk.tasks.generative_inputs import checked_images

__all__ = ["check_captions", "checked_pair_dataset", "checked_pairs", "pairs_input_shape"]


def check_captions(captions) -> np.ndarray:
    """Captions as an object array of non-empty strings, or a `DataError`.

    Examples:

        >>> check_captions(["a bag", " "])
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid captions: caption 1 is empty (' '). Every image needs a caption with words in it.
    """
    captions = check_texts(captions, "captions")
    for index, caption in enumerate(captions):
        if not caption.strip():
            raise DataError(
                f"Invalid captions: caption {index} is empty ({caption!r}). Every image needs "
                "a caption with words in it."
            )
    return captions


def _check_counts(images, captions) -> None:
    if len(images) != len(captions):
        raise ValueError(
            f"Invalid input data: {len(images)} images but {len(captions)} captions. "
            "Expected one caption per image."
        )


def checked_pairs(images, captions, image_shape, what: str):
    """`(images, captions)` checked: pixels of `image_shape`, non-empty string captions,
    one per image."""
    if captions is None:
        raise ValueError(
            f"Invalid input data: a {what} trains on images and their captions: "
            "`fit(images, captions)` or a dataset of (image, caption) pairs."
        )
    images, captions = checked_images(images, image_shape), check_captions(captions)
    _check_counts(images, captions)
    return images, captions


def checked_pair_dataset(dataset: tf.data.Dataset, image_shape) -> int:
    """Checks a batched dataset of `(images, captions)` on its first batch; returns that
    batch's size."""
    spec = dataset.element_spec
    if not (isinstance(spec, tuple) and len(spec) == 2 and spec[1].dtype == tf.string):
        raise ValueError(
            "Invalid input data: expected a batched dataset of (images, captions), captions "
            f"as strings. Received: a dataset of {spec}"
        )
    first = next(iter(dataset.take(1)), None)
    if first is None:
        raise DataError("Invalid input data: the dataset is empty (0 elements).")
    if len(first[0].shape) != len(image_shape) + 1:
        raise DataError(
            "Invalid input data: expected batches of images (batch, "
            f"{', '.join(map(str, image_shape))}). Received: elements of shape "
            f"{tuple(first[0].shape)}; batch the dataset first."
        )
    checked_images(first[0].numpy(), image_shape)
    check_captions(first[1].numpy())
    return int(first[0].shape[0])


def pairs_input_shape(images, captions) -> tuple[np.ndarray, tuple[int, ...]]:
    """A builder's `(images, captions)`: the checked captions and the image shape, from
    training images (one per caption) or a shape `(height, width, channels)`."""
    captions = check_captions(captions)
    shape_given = isinstance(images, tuple | list) and all(is_integer(d) for d in images)
    if not shape_given:
        images = np.asarray(images)
        _check_counts(images, captions)
    input_shape = tuple(int(d) for d in (images if shape_given else images.shape[1:]))
    if len(input_shape) != 3:
        raise ValueError(
            "Invalid value for argument `images`. Expected images (n, height, width, "
            f"channels) or their shape. Received: shape {input_shape}"
        )
    return captions, input_shape
