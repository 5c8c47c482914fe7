"""`timeseries_forecaster`: a window of the past in, the target's future out, in its own units."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from keras_walk import heads
from keras_walk.data.windows import ForecastWindows
from keras_walk.layers.encoders import encode_sequence
from keras_walk.tasks.building import builder
from keras_walk.tasks.conventions import removed_arguments
from keras_walk.tasks.sequence_classifier import NUMERIC_SEQUENCE_ENCODERS
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["timeseries_forecaster"]


@removed_arguments("loss")
@builder(
    default_head="`regression`", heads=heads.REGRESSION_HEADS, encoders=NUMERIC_SEQUENCE_ENCODERS
)
def timeseries_forecaster(
    windows,
    *,
    head: str = "regression",
    encoder="lstm",
    units: int = 32,
    dropout: float = 0.0,
    seed: int | None = None,
    name: str = "timeseries_forecaster",
) -> SupervisedTask:
    """A compiled forecaster for the windows of `keras_walk.data.forecasting_windows`.

    Inputs are standardized with the training period's mean and standard deviation (a
    `Normalization` layer with those statistics), and the outputs are scaled back to the
    targets' units, so the model reads raw windows and forecasts in, say, degrees.

    Args:
        windows: a `ForecastWindows`: it fixes the input shape, the number of outputs
            (`horizon` of them per target with `multi_step`, else one) and the statistics.
        head: `"regression"` (MSE), `"regression_mae"` or `"regression_huber"`.
        encoder: `"lstm"` (default), `"gru"`, `"bilstm"`, `"conv1d"`, `"fcn"` (see
            `keras_walk.layers.encode_sequence`), or your own layer, model or callable.
        units: width of the encoder.
        dropout: dropout before the head.
        seed: seed of the dropout layer.
        name: the model's name.

    Returns:
        A compiled `Task` from `(batch, input_width, features)` to `(batch, outputs)`.

    Examples:

        >>> import numpy as np
        >>> from keras_walk.data import forecasting_windows
        >>> series = {"temp": np.sin(np.arange(600) * 2 * np.pi / 24)}
        >>> windows = forecasting_windows(series, "temp", input_width=48, horizon=6)
        >>> timeseries_forecaster(windows, units=8).output_shape
        (None, 1)
    """
    if not isinstance(windows, ForecastWindows):
        raise ValueError(
            "Invalid value for argument `windows`. Expected the ForecastWindows of "
            f"keras_walk.data.forecasting_windows. Received: {type(windows).__name__}"
        )
    heads.check_head(head, heads.REGRESSION_HEADS, "forecasts")
    outputs_count = windows.train.targets.shape[-1]
    features = len(windows.feature_names)
    # Targets in their own units: scale the head's outputs by the training statistics.
    # Multi-step targets are ordered step by step, the targets inside each step.
    repeats = outputs_count // len(windows.target_names)
    target_mean = np.tile(windows.target_mean, repeats)
    target_std = np.tile(windows.target_std, repeats)
    # === Functional Model ===
    inputs = keras.Input((windows.input_width, features), name="window")
    x = layers.Normalization(axis=-1, mean=windows.mean, variance=windows.std**2, name="normalize")(
        inputs
    )
    x = encode_sequence(x, encoder, units=units, allowed=NUMERIC_SEQUENCE_ENCODERS)
    if dropout:
        x = layers.Dropout(dropout, seed=seed, name="dropout")(x)
    x = heads.dense_head(x, head, outputs_count)
    outputs = layers.Rescaling(
        scale=target_std.tolist(), offset=target_mean.tolist(), name="to_target_units"
    )(x)
    return SupervisedTask(
        inputs, outputs, name=name, head=head, num_classes=outputs_count,
        input_kind="sequences",
    )  # fmt: skip
