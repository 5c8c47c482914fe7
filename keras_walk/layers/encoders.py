"""Sequence encoders: a sequence of vectors `(batch, steps, dim)` -> one vector per sample.

One name means one network in every builder: `text_classifier` embeds tokens and then
calls the same `encode_sequence` as `sequence_classifier` and `timeseries_forecaster` do
on numeric steps. `units` is always the encoder's width (filters, RNN units, the
transformer's feed-forward width).

| encoder | network |
|---|---|
| `conv1d` | Conv1D(units, 7, relu) -> MaxPool(3) -> Conv1D(units, 7, relu) -> global max pool |
| `fcn` | Wang et al.'s fully convolutional network: [Conv1D -> BatchNorm -> ReLU] per `filters` -> global average pool |
| `lstm`, `gru` | one recurrent layer of `units` (its last state) |
| `bilstm` | a bidirectional LSTM of `units` each way |
| `transformer` | a keras-hub `TransformerEncoder` (feed-forward `units`) -> average pool |
"""

from __future__ import annotations

from collections.abc import Sequence

from keras import layers

from keras_walk.arguments import positive_int
from keras_walk.layers.fused_batch_norm import FusedBatchNormalization

__all__ = ["SEQUENCE_ENCODERS", "encode_sequence"]

SEQUENCE_ENCODERS = ("conv1d", "fcn", "lstm", "gru", "bilstm", "transformer")


def encode_sequence(
    x,
    encoder="conv1d",
    *,
    units: int = 64,
    filters: Sequence[int] = (128, 256, 128),
    kernel_sizes: Sequence[int] = (8, 5, 3),
    num_heads: int = 4,
    allowed: Sequence[str] = SEQUENCE_ENCODERS,
):
    """Applies a named encoder (or your own) to a sequence tensor; returns a vector tensor.

    Args:
        x: a `(batch, steps, dim)` Keras tensor.
        encoder: a name from `allowed`, a Keras layer or model, or a callable
            `tensor -> tensor` (it must return `(batch, features)`).
        units: the width of `conv1d`, `lstm`, `gru`, `bilstm` and `transformer`.
        filters: filters of each `fcn` block.
        kernel_sizes: kernel size of each `fcn` block (one per entry of `filters`).
        num_heads: attention heads of `transformer`.
        allowed: the names this builder offers.

    Examples:

        >>> import keras
        >>> inputs = keras.Input((24, 3))
        >>> tuple(encode_sequence(inputs, "gru", units=8).shape)
        (None, 8)
    """
    if not isinstance(encoder, str):
        if not callable(encoder):
            raise ValueError(
                f"Invalid value for argument `encoder`. Expected one of {list(allowed)}, a "
                f"Keras layer or model, or a callable. Received: encoder={encoder!r}"
            )
        output = encoder(x)
        if len(output.shape) != 2:
            raise ValueError(
                "Invalid value for argument `encoder`: it must return one vector per sample, "
                f"shape (batch, features). Received: shape {tuple(output.shape)}"
            )
        return output
    if encoder not in allowed:
        raise ValueError(
            f"Invalid value for argument `encoder`. Expected one of {list(allowed)}, a Keras "
            f"layer or model, or a callable. Received: encoder={encoder!r}"
        )
    units = positive_int("units", units)
    if encoder == "conv1d":
        x = layers.Conv1D(units, 7, activation="relu", padding="same", name="conv_1")(x)
        x = layers.MaxPooling1D(3, name="pool_1")(x)
        x = layers.Conv1D(units, 7, activation="relu", padding="same", name="conv_2")(x)
        return layers.GlobalMaxPooling1D(name="pool")(x)
    if encoder == "fcn":
        if len(filters) != len(kernel_sizes) or not filters:
            raise ValueError(
                "Invalid values for `filters` and `kernel_sizes`: expected one kernel size per "
                f"block. Received: filters={filters}, kernel_sizes={kernel_sizes}"
            )
        for i, (width, kernel) in enumerate(zip(filters, kernel_sizes, strict=True)):
            x = layers.Conv1D(width, kernel, padding="same", use_bias=False, name=f"conv_{i}")(x)
            x = FusedBatchNormalization(momentum=0.9, name=f"batch_norm_{i}")(x)
            x = layers.ReLU(name=f"relu_{i}")(x)
        return layers.GlobalAveragePooling1D(name="pool")(x)
    if encoder in ("lstm", "gru"):
        return (layers.LSTM if encoder == "lstm" else layers.GRU)(units, name=encoder)(x)
    if encoder == "bilstm":
        return layers.Bidirectional(layers.LSTM(units, name="lstm"), name="bilstm")(x)
    import keras_hub

    x = keras_hub.layers.TransformerEncoder(
        intermediate_dim=units, num_heads=num_heads, dropout=0.1, name="transformer"
    )(x)
    return layers.GlobalAveragePooling1D(name="pool")(x)
