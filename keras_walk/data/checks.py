"""Checks that run on data before training starts, so bad input fails in seconds."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["DataError", "check_features", "check_image_shape", "check_texts", "to_columns"]


class DataError(ValueError):
    """Input data that cannot be trained on: empty, NaN, wrong shape, mismatched lengths."""


def check_features(x, y=None) -> None:
    """Checks that `x` is non-empty, finite and as long as `y`.

    Examples:

        >>> import numpy as np
        >>> check_features(np.zeros((2, 3)), np.array([0, 1]))
        >>> check_features(np.array([[0.0, np.nan]]))
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid input data: `x` contains 1 NaN or infinite values (first at index (0, 1)). Impute or drop them before training.
    """
    x = np.asarray(x)
    if x.ndim == 0 or len(x) == 0:
        raise DataError("Invalid input data: the dataset is empty (0 samples).")
    if y is not None and len(y) != len(x):
        raise DataError(
            f"Invalid input data: `x` has {len(x)} samples but `y` has {len(y)}. "
            "Expected the same number of samples."
        )
    if np.issubdtype(x.dtype, np.floating):
        bad = ~np.isfinite(x)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise DataError(
                f"Invalid input data: `x` contains {int(bad.sum())} NaN or infinite values "
                f"(first at index {first}). Impute or drop them before training."
            )
    elif not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise DataError(f"Invalid input data: expected numeric `x`. Received: dtype {x.dtype}.")


def check_image_shape(shape, input_shape) -> None:
    """Checks one sample's shape against a model's `input_shape`: an image
    `(height, width, channels)`, or a sequence `(steps, features)` when `input_shape` has two
    entries. `None` entries of `input_shape` accept any size.

    Examples:

        >>> check_image_shape((150, 3), (150, 1))
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid sequences: expected 1 features per step, shape (150, 1). Received: 3 features, shape (150, 3).
    """
    shape = tuple(shape)
    expected = tuple(input_shape)
    what, channels = (
        ("sequences", "features per step") if len(expected) == 2 else ("images", "channels")
    )
    if len(shape) != len(expected):
        hint = (
            f" Add a {'feature' if len(expected) == 2 else 'channel'} axis with `x[..., None]`."
            if len(shape) == len(expected) - 1
            else ""
        )
        raise DataError(
            f"Invalid {what}: expected rank {len(expected)} per sample, shape {expected}. "
            f"Received: {what} of shape {shape}.{hint}"
        )
    if expected[-1] is not None and shape[-1] != expected[-1]:
        received = channels.split()[0]
        raise DataError(
            f"Invalid {what}: expected {expected[-1]} {channels}, shape {expected}. "
            f"Received: {shape[-1]} {received}, shape {shape}."
        )
    for got, want in zip(shape[:-1], expected[:-1], strict=True):
        if want is not None and got is not None and got != want:
            fix = (
                "Resize them (e.g. `keras.layers.Resizing`) or build the model for this size."
                if what == "images"
                else "Pad or cut them to that length, or build the model with steps=None."
            )
            raise DataError(
                f"Invalid {what}: expected shape {expected}. Received: shape {shape}. {fix}"
            )


def check_texts(texts) -> np.ndarray:
    """Checks that `texts` is a non-empty list or array of strings; returns an object array.

    Bytes are decoded as UTF-8 (what a `tf.data` pipeline yields).

    Examples:

        >>> check_texts(["good", "bad"]).tolist()
        ['good', 'bad']
        >>> check_texts([3, 4])
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid input data: a text model takes strings. Received: int at index 0 (3). Convert the column to text first, or use a numeric model.
    """
    if isinstance(texts, str | bytes):
        raise DataError(
            "Invalid input data: expected a list or array of strings. Received: a single "
            "string; wrap it in a list."
        )
    values = (
        np.asarray(texts, dtype=object).reshape(-1)
        if not isinstance(texts, np.ndarray)
        else texts.reshape(-1)
    )
    if len(values) == 0:
        raise DataError("Invalid input data: the list of texts is empty (0 samples).")
    decoded = []
    for index, value in enumerate(values):
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if not isinstance(value, str):
            raise DataError(
                "Invalid input data: a text model takes strings. Received: "
                f"{type(value).__name__} at index {index} ({value!r}). Convert the column to "
                "text first, or use a numeric model."
            )
        decoded.append(value)
    return np.array(decoded, dtype=object)


def to_columns(data, what: str, expected: str) -> dict[str, np.ndarray]:
    """A pandas DataFrame or a mapping of columns as a dict of NumPy arrays, keyed by name.

    `what` and `expected` word the error: e.g. `"table"` and `"a pandas DataFrame or a dict
    of columns"`.
    """
    if hasattr(data, "columns") and hasattr(data, "to_numpy"):  # a pandas DataFrame
        return {str(name): data[name].to_numpy() for name in data.columns}
    if isinstance(data, Mapping):
        return {str(name): np.asarray(values) for name, values in data.items()}
    raise DataError(f"Invalid {what}: expected {expected}. Received: {type(data).__name__}.")
