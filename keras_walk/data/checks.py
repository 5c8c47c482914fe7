"""Checks that run on data before training starts, so bad input fails in seconds."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

__all__ = [
    "DataError", "LabelError", "check_features", "check_image_files", "check_image_shape",
    "check_texts", "to_columns",
]  # fmt: skip


class DataError(ValueError):
    """Input data that cannot be trained on: empty, NaN, wrong shape, mismatched lengths."""


# Where labels are checked against a head, for the data functions that once took `head=`
# and `num_classes=` to check them a second time.
LABELS_CHECKED_IN_FIT = (
    "a Task's `fit`, which checks the labels against its head before the first step (for a "
    "model of your own, `keras_walk.heads.check_labels(y, head, num_classes)`)"
)


class LabelError(ValueError):
    """Labels that do not fit the head they are given to (also `keras_walk.heads.LabelError`)."""


def check_features(x, y=None, *, names: tuple[str, str] = ("x", "y")) -> None:
    """Checks that `x` is non-empty, finite and as long as `y`; messages call them by
    `names` (the caller's argument names).

    Examples:

        >>> import numpy as np
        >>> check_features(np.zeros((2, 3)), np.array([0, 1]))
        >>> check_features(np.array([[0.0, np.nan]]))
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid input data: `x` contains 1 NaN or infinite values (first at index (0, 1)). Impute or drop them before training.
    """
    x = np.asarray(x)
    x_name, y_name = names
    if x.ndim == 0 or len(x) == 0:
        raise DataError(f"Invalid input data: `{x_name}` is empty (0 samples).")
    if y is not None and len(y) != len(x):
        raise DataError(
            f"Invalid input data: `{x_name}` has {len(x)} samples but `{y_name}` has "
            f"{len(y)}. Expected the same number of samples."
        )
    if np.issubdtype(x.dtype, np.floating):
        bad = ~np.isfinite(x)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise DataError(
                f"Invalid input data: `{x_name}` contains {int(bad.sum())} NaN or infinite "
                f"values (first at index {first}). Impute or drop them before training."
            )
    elif not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise DataError(
            f"Invalid input data: expected numeric `{x_name}`. Received: dtype {x.dtype}."
        )


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


def check_texts(texts, name: str = "texts") -> np.ndarray:
    """Checks that `texts` is a non-empty list or array of strings, not all of them blank;
    returns an object array. Messages call it `name` (the caller's argument name).

    Bytes are decoded as UTF-8 (what a `tf.data` pipeline yields).

    Examples:

        >>> check_texts(["good", "bad"]).tolist()
        ['good', 'bad']
        >>> check_texts([3, 4])
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid input data: a text model takes strings in `texts`. Received: int at index 0 (3). Convert the column to text first, or use a numeric model.
    """
    if isinstance(texts, str | bytes):
        raise DataError(
            f"Invalid input data: expected `{name}` to be a list or array of strings. "
            "Received: a single string; wrap it in a list."
        )
    values = (
        np.asarray(texts, dtype=object).reshape(-1)
        if not isinstance(texts, np.ndarray)
        else texts.reshape(-1)
    )
    if len(values) == 0:
        raise DataError(f"Invalid input data: `{name}` is empty (0 texts).")
    decoded = []
    for index, value in enumerate(values):
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if not isinstance(value, str):
            raise DataError(
                f"Invalid input data: a text model takes strings in `{name}`. Received: "
                f"{type(value).__name__} at index {index} ({value!r}). Convert the column to "
                "text first, or use a numeric model."
            )
        decoded.append(value)
    if not any(text.strip() for text in decoded):
        raise DataError(f"Invalid input data: all {len(decoded)} texts in `{name}` are blank.")
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


# The formats Keras's image_dataset_from_directory reads: the bytes each file must start
# with, and (for a file cut short by an interrupted copy) the bytes it must end with.
_IMAGE_FORMATS = {
    ".png": (b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"),
    ".jpg": (b"\xff\xd8\xff", b"\xff\xd9"),
    ".jpeg": (b"\xff\xd8\xff", b"\xff\xd9"),
    ".gif": (b"GIF8", b";"),
    ".bmp": (b"BM", None),
}
_TAIL = 1024  # JPEG and GIF writers may pad after the end marker; look this far back


def check_image_files(directory: str | os.PathLike, limit: int = 5) -> None:
    """Checks every image file under `directory` before any is decoded: not empty, starting
    with its format's signature (a text file named `.png` fails) and ending with its end
    marker (a PNG or JPEG cut short fails). Reads two small chunks per file, not the pixels.

    Raises:
        DataError: naming the first `limit` bad files and why, with the count of all.

    Examples:

        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "cat.png").write_text("not a picture")
        >>> check_image_files(folder)
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid image files in `directory`: 1 of 1 are not whole images: cat.png (not a .png file: it starts with b'not a pi'). Remove or replace them.
    """
    files = sorted(
        path for path in Path(directory).rglob("*")
        if path.suffix.lower() in _IMAGE_FORMATS and path.is_file()
    )  # fmt: skip
    bad = [(path, why) for path in files if (why := _image_file_problem(path))]
    if bad:
        listed = ", ".join(f"{path.name} ({why})" for path, why in bad[:limit])
        more = f" and {len(bad) - limit} more" if len(bad) > limit else ""
        raise DataError(
            f"Invalid image files in `directory`: {len(bad)} of {len(files)} are not whole "
            f"images: {listed}{more}. Remove or replace them."
        )


def _image_file_problem(path: Path) -> str | None:
    head_signature, end_marker = _IMAGE_FORMATS[path.suffix.lower()]
    size = path.stat().st_size
    if size == 0:
        return "empty"
    with open(path, "rb") as file:
        head = file.read(len(head_signature))
        file.seek(max(0, size - _TAIL))
        tail = file.read()
    if head != head_signature:
        return f"not a {path.suffix.lower()} file: it starts with {head[:8]!r}"
    if end_marker is not None and end_marker not in tail:
        return "truncated: its end marker is missing"
    return None
