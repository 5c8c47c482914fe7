"""What the image generators (`diffusion_model`, `gan`) are fed, checked in one place:
training images, their labels when class-conditional, and `generate`'s arguments."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras_walk import heads
from keras_walk.arguments import is_integer, positive_shape
from keras_walk.data.checks import DataError, check_image_shape

__all__ = [
    "check_class_labels",
    "check_generator_shape",
    "check_num_images",
    "checked_images",
    "sampling_labels",
    "to_uint8",
    "training_pairs",
]


def checked_images(images, image_shape):
    """`images` as a NumPy array of pixels in [0, 255] shaped `(n, *image_shape)`; a
    `tf.data.Dataset` passes through (its shape is checked by `training_pairs`).

    Examples:

        >>> checked_images(np.full((2, 4, 4, 1), 0.5), (4, 4, 1))
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid images: expected pixel values in [0, 255], like uint8 images. Received: floats from 0.5 to 0.5, which look scaled to [0, 1]; multiply them by 255.
    """
    if isinstance(images, tf.data.Dataset):
        return images
    images = np.asarray(images)
    if images.dtype.kind not in "uif":
        raise DataError(
            f"Invalid images: expected numbers (uint8 pixels in [0, 255]). Received: dtype "
            f"{images.dtype}."
        )
    check_image_shape(images.shape[1:], image_shape)
    if images.dtype.kind == "f" and not np.isfinite(images).all():
        raise DataError(
            "Invalid input data: the images (`x`) hold NaN or inf. Expected pixel values in "
            "[0, 255]."
        )
    if images.size and (images.min() < 0 or images.max() > 255):
        raise DataError(
            "Invalid images: expected pixel values in [0, 255]. Received: values from "
            f"{images.min()} to {images.max()}."
        )
    if images.dtype.kind == "f" and images.size and images.max() <= 1.0:
        raise DataError(
            "Invalid images: expected pixel values in [0, 255], like uint8 images. "
            f"Received: floats from {images.min()} to {images.max()}, which look scaled to "
            "[0, 1]; multiply them by 255."
        )
    return images


def training_pairs(x, y, image_shape, conditional: bool, what: str):
    """`(x, y)` for `fit` after checking that labels come exactly when the model is
    class-conditional. An unconditional model drops a labelled dataset's labels."""
    if isinstance(x, tf.data.Dataset):
        spec = x.element_spec
        labelled = isinstance(spec, tuple) and len(spec) >= 2
        shape = tuple((spec[0] if isinstance(spec, tuple) else spec).shape)[1:]
        if len(shape) != len(image_shape) or any(
            a is not None and a != b for a, b in zip(shape, image_shape, strict=True)
        ):
            raise DataError(
                f"Invalid images: expected batches of shape (batch, "
                f"{', '.join(map(str, image_shape))}). Received: a dataset of batches of shape "
                f"(batch, {', '.join(map(str, shape))})."
            )
        if conditional and not labelled:
            raise ValueError(
                f"Invalid input data: a class-conditional {what} trains on (images, labels); "
                "the dataset holds images alone."
            )
        if not conditional and labelled:
            x = x.map(lambda images, *_: images, num_parallel_calls=tf.data.AUTOTUNE)
        return x, None
    if conditional and y is None:
        raise ValueError(
            f"Invalid input data: a class-conditional {what} trains on images and their "
            "labels: `fit(images, labels)`."
        )
    return x, y


def check_generator_shape(input_shape, argument: str, num_classes) -> tuple[int, int, int]:
    """Checks a generator builder's image shape (`(height, width, channels)`, any size:
    the builders pad or crop inside) and its `num_classes` (`None`, or an integer >= 2);
    returns the shape as Python ints."""
    input_shape = positive_shape(argument, input_shape, 3, "(height, width, channels)")
    if num_classes is not None and (not is_integer(num_classes) or num_classes < 2):
        raise ValueError(
            "Invalid value for argument `num_classes`. Expected an integer >= 2 (or None for "
            f"an unconditional model). Received: num_classes={num_classes!r}"
        )
    return input_shape


def check_class_labels(y, num_labels: int | None, what: str) -> None:
    """Raises `keras_walk.heads.LabelError` unless `y` holds class indices in
    `[0, num_labels)`; a model built without classes (`num_labels=None`) takes none."""
    if num_labels is None:
        raise heads.LabelError(
            f"Invalid labels: this {what} is unconditional and trains on images alone. Build "
            "it with `num_classes` to condition it on labels."
        )
    heads.check_labels(np.asarray(y), "multiclass", num_labels)


def to_uint8(pixels) -> np.ndarray:
    """Pixel values on the [0, 255] scale, rounded and clipped, as uint8."""
    return np.clip(np.round(pixels), 0, 255).astype("uint8")


def check_num_images(num_images) -> None:
    if not is_integer(num_images) or num_images < 1:
        raise ValueError(
            f"Invalid value for argument `num_images`. Expected an integer >= 1. "
            f"Received: num_images={num_images!r}"
        )


def sampling_labels(labels, count: int, num_labels: int | None, class_names=None, what="model"):
    """`generate`'s labels as int32 class indices, one per image, from one index or name
    for all images or one per image; `None` stays `None`. A model built without classes
    (`num_labels=None`) takes none.

    Examples:

        >>> sampling_labels("b", 3, 2, class_names=("a", "b"))
        array([1, 1, 1], dtype=int32)
    """
    if labels is None:
        return None
    if num_labels is None:
        raise ValueError(
            f"Invalid value for argument `labels`: this {what} is unconditional (built "
            "without `num_classes`)."
        )
    labels = np.asarray(labels)
    if labels.dtype.kind in "USO":
        names = list(class_names or ())
        unknown = sorted({str(v) for v in labels.ravel()} - set(names))
        if unknown:
            raise ValueError(
                f"Invalid value for argument `labels`: unknown class names {unknown}. "
                f"Expected indices or one of {names}."
            )
        labels = np.vectorize(names.index)(labels)
    labels = np.broadcast_to(labels, (count,)) if labels.ndim == 0 else labels
    if labels.shape != (count,) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"Invalid value for argument `labels`. Expected one class index for all images or "
            f"one per image, shape ({count},). Received: shape {labels.shape}, dtype "
            f"{labels.dtype}."
        )
    if labels.min() < 0 or labels.max() >= num_labels:
        raise ValueError(
            f"Invalid value for argument `labels`. Expected class indices in [0, {num_labels})."
            f" Received: values from {labels.min()} to {labels.max()}."
        )
    return labels.astype("int32")
