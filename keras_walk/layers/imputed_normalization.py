"""`ImputedNormalization`: a numeric column with missing values -> (normalized value, is-missing)."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

__all__ = ["ImputedNormalization"]


@keras.saving.register_keras_serializable(package="keras_walk")
class ImputedNormalization(keras.layers.Layer):
    """Fills NaN with the training median, standardizes, and appends a missing-value flag.

    Keras's `Normalization` passes NaN through (one missing value makes the loss NaN) and
    no Keras layer imputes, so this one does both in the model itself: the same fill value
    is then used in training and at inference on raw rows. `adapt` learns the median and
    the mean and variance of the filled column from the training split.

    Args:
        median: the fill value (set by `adapt`; given when restored from a config).
        mean: the mean of the filled training column (set by `adapt`).
        variance: the variance of the filled training column (set by `adapt`).

    Examples:

        >>> import numpy as np
        >>> layer = ImputedNormalization()
        >>> layer.adapt(np.array([[1.0], [2.0], [3.0], [np.nan]]))
        >>> np.asarray(layer(np.array([[np.nan], [3.0]])), "float64").round(3).tolist()
        [[0.0, 1.0], [1.414, 0.0]]
    """

    def __init__(self, median=None, mean=None, variance=None, **kwargs):
        super().__init__(**kwargs)
        self.median = None if median is None else float(median)
        self.mean = None if mean is None else float(mean)
        self.variance = None if variance is None else float(variance)

    def adapt(self, data) -> None:
        """Learns the statistics from an array or a (batched) `tf.data.Dataset` of values."""
        if hasattr(data, "as_numpy_iterator"):
            values = np.concatenate([np.ravel(batch) for batch in data.as_numpy_iterator()])
        else:
            values = np.ravel(np.asarray(data, dtype="float64"))
        present = values[~np.isnan(values)]
        if present.size == 0:
            raise ValueError(
                "Invalid data for `ImputedNormalization.adapt`: every value is missing, "
                "so there is nothing to learn a fill value from."
            )
        self.median = float(np.median(present))
        filled = np.where(np.isnan(values), self.median, values)
        self.mean = float(filled.mean())
        self.variance = float(filled.var())

    def call(self, inputs):
        if self.median is None:
            raise ValueError("`ImputedNormalization` must be adapted (`.adapt(data)`) first.")
        inputs = ops.cast(inputs, "float32")
        missing = ops.isnan(inputs)
        filled = ops.where(missing, self.median, inputs)
        scaled = (filled - self.mean) / ops.sqrt(ops.maximum(self.variance, 1e-12))
        return ops.concatenate([scaled, ops.cast(missing, "float32")], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 2 * input_shape[-1])

    def get_config(self):
        return {
            **super().get_config(),
            "median": self.median,
            "mean": self.mean,
            "variance": self.variance,
        }
