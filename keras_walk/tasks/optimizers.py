"""One place that turns a builder's `optimizer` argument into a Keras optimizer and compiles
the model with its head's loss and metrics."""

from __future__ import annotations

import keras

from keras_walk import heads

__all__ = ["compile_for_head", "make_optimizer"]


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


def compile_for_head(
    model: keras.Model,
    head: str,
    num_classes: int,
    *,
    optimizer,
    learning_rate,
    weight_decay: float,
    jit_compile,
) -> keras.Model:
    """Compiles `model` with an optimizer from `make_optimizer` and the loss and metrics of
    `head` from the heads table; returns it. Every builder ends with this call."""
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate, weight_decay),
        jit_compile=jit_compile,
        **heads.compile_args(head, num_classes),
    )
    return model
