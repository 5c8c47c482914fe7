"""`timeseries_forecaster`: a window of the past in, the target's future out, in its own units."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from keras_walk import distribute, heads
from keras_walk.tasks.optimizers import compile_for_head

__all__ = ["FORECAST_ENCODERS", "timeseries_forecaster"]

FORECAST_ENCODERS = ("lstm", "gru", "conv1d")


def timeseries_forecaster(
    windows,
    *,
    encoder: str = "lstm",
    units: int = 32,
    dropout: float = 0.0,
    loss: str = "mse",
    optimizer: str | keras.optimizers.Optimizer = "adam",
    learning_rate=1e-3,
    weight_decay: float = 1e-4,
    strategy="auto",
    jit_compile="auto",
    seed: int | None = None,
    name: str = "timeseries_forecaster",
) -> keras.Model:
    """A compiled forecaster for the windows of `keras_walk.data.forecasting_windows`.

    Inputs are standardized with the training period's mean and standard deviation (a
    `Normalization` layer with those statistics), and the outputs are scaled back to the
    targets' units, so the model reads raw windows and forecasts in, say, degrees.

    Args:
        windows: a `ForecastWindows`: it fixes the input shape, the number of outputs
            (`horizon` of them per target with `multi_step`, else one) and the statistics.
        encoder: `"lstm"` (default), `"gru"`, or `"conv1d"` (two convolutions and global
            max pooling).
        units: units of the recurrent layer, or filters of the convolutions.
        dropout: dropout before the head.
        loss: `"mse"`, `"mae"` or `"huber"`: a regression row of the heads table.
        optimizer: `"adam"`, `"adamw"`, `"sgd"` or an optimizer instance.
        learning_rate: a float or a learning-rate schedule.
        weight_decay: AdamW's decoupled weight decay.
        strategy: passed to `keras_walk.distribute.resolve_strategy`.
        jit_compile: XLA: `"auto"`, `True` or `False`.
        seed: seed of the dropout layer.
        name: the model's name.

    Returns:
        A compiled functional `keras.Model` from `(batch, input_width, features)` to
        `(batch, outputs)`.

    Examples:

        >>> import numpy as np
        >>> from keras_walk.data import forecasting_windows
        >>> series = {"temp": np.sin(np.arange(600) * 2 * np.pi / 24)}
        >>> windows = forecasting_windows(series, "temp", input_width=48, horizon=6)
        >>> timeseries_forecaster(windows, units=8).output_shape
        (None, 1)
    """
    if encoder not in FORECAST_ENCODERS:
        raise ValueError(
            f"Invalid value for argument `encoder`. Expected one of {list(FORECAST_ENCODERS)}. "
            f"Received: encoder={encoder!r}"
        )
    head = heads.regression_head(loss)
    outputs_count = windows.train.targets.shape[-1]
    features = len(windows.feature_names)
    # Targets in their own units: scale the head's outputs by the training statistics.
    # Multi-step targets are ordered step by step, the targets inside each step.
    repeats = outputs_count // len(windows.target_names)
    target_mean = np.tile(windows.target_mean, repeats)
    target_std = np.tile(windows.target_std, repeats)
    strategy = distribute.resolve_strategy(strategy)
    with strategy.scope():
        # === Functional Model ===
        inputs = keras.Input((windows.input_width, features), name="window")
        x = layers.Normalization(
            axis=-1, mean=windows.mean, variance=windows.std**2, name="normalize"
        )(inputs)
        if encoder == "conv1d":
            x = layers.Conv1D(units, 5, activation="relu", padding="same", name="conv_1")(x)
            x = layers.Conv1D(units, 5, activation="relu", padding="same", name="conv_2")(x)
            x = layers.GlobalMaxPooling1D(name="pool")(x)
        else:
            rnn = layers.LSTM if encoder == "lstm" else layers.GRU
            x = rnn(units, name=encoder)(x)
        if dropout:
            x = layers.Dropout(dropout, seed=seed, name="dropout")(x)
        x = heads.dense_head(x, head, outputs_count)
        outputs = layers.Rescaling(
            scale=target_std.tolist(), offset=target_mean.tolist(), name="to_target_units"
        )(x)
        model = keras.Model(inputs, outputs, name=name)
        compile_for_head(
            model, head, outputs_count, optimizer=optimizer, learning_rate=learning_rate,
            weight_decay=weight_decay, jit_compile=jit_compile,
        )  # fmt: skip
    return model
