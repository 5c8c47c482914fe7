"""What users pass to `fit`, `evaluate` and `predict`, turned into what a model takes.

A `keras_walk.tasks.Task` knows its input kind and calls `to_model_inputs` on every `x`
and `to_labels` on every `y`, so NumPy arrays (numeric, unicode or object strings), lists
of strings, pandas DataFrames and Series all work, and bad input fails here, in plain
words, before a training step.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras_walk.data.checks import (
    DataError,
    LabelError,
    check_features,
    check_image_shape,
    check_texts,
)

__all__ = ["INPUT_KINDS", "first_labels", "to_labels", "to_model_inputs"]

# images: (h, w, c) pixels; sequences: (steps, features); features: flat numeric vectors;
# table: a dict of named columns; text: raw strings; tokens: integer token ids; image_text:
# images and their captions (dual encoders and captioners check those themselves).
INPUT_KINDS = ("images", "sequences", "features", "table", "text", "tokens", "image_text")
LABEL_BATCHES_CHECKED = 8  # batches of a tf.data.Dataset whose labels `fit` checks


def to_model_inputs(x, kind: str, input_shape=None, table_check=None):
    """`x` as the model's inputs, checked for its kind. Datasets pass through untouched.

    Args:
        x: what the user passed.
        kind: one of `INPUT_KINDS`.
        input_shape: one sample's expected shape (images, sequences, features).
        table_check: for tables, a function from a DataFrame or dict to checked columns.

    Examples:

        >>> to_model_inputs(["great", "awful"], "text").dtype
        dtype('O')
        >>> to_model_inputs(np.zeros((2, 8, 8)), "images", (8, 8, 1))
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.DataError: Invalid images: expected rank 3 per sample, shape (8, 8, 1). Received: images of shape (8, 8). Add a channel axis with `x[..., None]`.
    """
    if x is None or isinstance(x, tf.data.Dataset | tf.Tensor):
        return x
    if kind == "table":
        return table_check(x)
    if kind == "text":
        if hasattr(x, "columns"):  # a one-column DataFrame
            if len(x.columns) != 1:
                raise DataError(
                    "Invalid input data: a text model takes one column of strings. Received: "
                    f"a DataFrame with columns {list(x.columns)}."
                )
            x = x[x.columns[0]]
        return check_texts(_to_numpy(x), "x")
    array = _to_numpy(x)
    if kind == "tokens":
        return array
    if array.dtype.kind in "USO":
        raise DataError(
            f"Invalid input data: this model takes numeric {kind}. Received: strings "
            f"(dtype {array.dtype})."
        )
    check_features(array)
    if input_shape is not None:
        sample = tuple(array.shape[1:])
        if kind == "features":
            if sample != tuple(input_shape):
                raise DataError(
                    f"Invalid input data: expected rows of {input_shape[-1]} features, shape "
                    f"(n, {input_shape[-1]}). Received: shape {array.shape}."
                )
        else:
            check_image_shape(sample, input_shape)
    return array


def to_labels(y):
    """Labels as a NumPy array (from a list, a pandas Series or DataFrame, or a tensor).

    Raises:
        LabelError: rows of labels of different lengths (a ragged list): pad them, or
            encode label lists with `keras_walk.data.multi_hot`.
    """
    if y is None or isinstance(y, tf.data.Dataset):
        return y
    try:
        return _to_numpy(y)
    except ValueError:
        raise LabelError(
            "Invalid value for argument `y`: its rows have different lengths (a ragged "
            "list). Give one label per sample, or encode lists of labels with "
            "`keras_walk.data.multi_hot(y, num_classes)`."
        ) from None


def first_labels(dataset: tf.data.Dataset, batches: int = LABEL_BATCHES_CHECKED):
    """The labels of a dataset's first `batches` elements, stacked; `None` if unlabelled.

    A dataset may be huge or endless, so only its start is read.
    """
    spec = dataset.element_spec
    if not (isinstance(spec, tuple) and len(spec) in (2, 3)):
        return None
    labels = [element[1] for element in dataset.take(batches).as_numpy_iterator()]
    if not labels:
        raise DataError("Invalid input data: the dataset is empty (0 elements).")
    if isinstance(labels[0], dict):
        return None  # several named outputs: checked by the model that has them
    batched = len(spec[1].shape) > 0 and all(np.ndim(label) > 0 for label in labels)
    return np.concatenate(labels) if batched else np.stack(labels)


def _to_numpy(x):
    if hasattr(x, "to_numpy"):  # pandas Series or DataFrame
        return x.to_numpy()
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(x)
