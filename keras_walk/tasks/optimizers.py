"""One place that turns a builder's `optimizer` argument into a Keras optimizer."""

from __future__ import annotations

import keras

__all__ = ["make_optimizer"]


def make_optimizer(
    optimizer, learning_rate, weight_decay: float = 1e-4
) -> keras.optimizers.Optimizer:
    """`"adamw"`, `"adam"`, `"sgd"` (Nesterov momentum 0.9) or an optimizer instance as is.

    Examples:

        >>> make_optimizer("adamw", 1e-3).__class__.__name__
        'AdamW'
    """
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    if optimizer == "adamw":
        return keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay)
    if optimizer == "adam":
        return keras.optimizers.Adam(learning_rate)
    if optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=0.9, nesterov=True)
    raise ValueError(
        "Invalid value for argument `optimizer`. Expected 'adamw', 'adam', 'sgd' or a "
        f"keras.optimizers.Optimizer. Received: optimizer={optimizer!r}"
    )
