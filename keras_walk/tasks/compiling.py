"""One place that turns `optimizer`, `learning_rate` and `weight_decay` into a Keras optimizer.

Every builder and `Task.compile(optimizer="auto")` go through `make_optimizer`, so the
defaults are the same everywhere: AdamW at 1e-3 with a decoupled weight decay of 1e-4.
"""

from __future__ import annotations

import keras

from keras_walk.arguments import in_range, is_number, one_of, positive_number

__all__ = ["DEFAULT_LEARNING_RATE", "DEFAULT_OPTIMIZER", "DEFAULT_WEIGHT_DECAY", "make_optimizer"]

DEFAULT_OPTIMIZER = "adamw"
DEFAULT_LEARNING_RATE = 1e-3
DEFAULT_WEIGHT_DECAY = 1e-4  # AdamW's; "adam" and "sgd" decay nothing unless asked
OPTIMIZERS = ("adamw", "adam", "sgd")


def make_optimizer(
    optimizer=DEFAULT_OPTIMIZER,
    learning_rate=None,
    weight_decay: float | None = None,
    beta_1: float | None = None,
) -> keras.optimizers.Optimizer:
    """A Keras optimizer from a name, or an optimizer instance as it is.

    Args:
        optimizer: `"adamw"` (default), `"adam"`, `"sgd"` (Nesterov momentum 0.9), or a
            `keras.optimizers.Optimizer`.
        learning_rate: a float or a `LearningRateSchedule`; `None` is 1e-3.
        weight_decay: decoupled weight decay; `None` is 1e-4 for `"adamw"` and none for
            `"adam"` and `"sgd"`. A value given with `"adam"` or `"sgd"` is applied (Keras 3
            optimizers all decay weights the decoupled way), never dropped.
        beta_1: Adam's and AdamW's first-moment decay (`None`: Keras's 0.9; DCGAN uses
            0.5).

    Raises:
        ValueError: for an unknown name, or `learning_rate` / `weight_decay` given with an
            optimizer instance (set them on the instance: they would be ignored).

    Examples:

        >>> make_optimizer().__class__.__name__, make_optimizer().weight_decay
        ('AdamW', 0.0001)
        >>> make_optimizer("adam", weight_decay=1e-2).weight_decay
        0.01
        >>> make_optimizer(keras.optimizers.SGD(), learning_rate=0.1)
        Traceback (most recent call last):
        ...
        ValueError: Invalid arguments: `learning_rate=0.1` was given with an optimizer instance (SGD), which would ignore it. Set it on the instance instead: keras.optimizers.SGD(learning_rate=...).
    """
    if isinstance(optimizer, keras.optimizers.Optimizer):
        _refuse_options_of_an_instance(optimizer, learning_rate, weight_decay, beta_1)
        return optimizer
    one_of("optimizer", optimizer, OPTIMIZERS)
    schedule = isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule)
    if learning_rate is not None and not schedule:
        if not (is_number(learning_rate) and learning_rate > 0):
            raise ValueError(
                "Invalid value for argument `learning_rate`. Expected a positive finite float, "
                f"a LearningRateSchedule or None. Received: learning_rate={learning_rate!r}"
            )
        learning_rate = float(learning_rate)
    if weight_decay is not None:
        weight_decay = positive_number("weight_decay", weight_decay, zero=True)
    learning_rate = DEFAULT_LEARNING_RATE if learning_rate is None else learning_rate
    moments = {} if beta_1 is None else {"beta_1": in_range("beta_1", beta_1, 0, 1)}
    if optimizer == "adamw":
        decay = DEFAULT_WEIGHT_DECAY if weight_decay is None else weight_decay
        return keras.optimizers.AdamW(learning_rate, weight_decay=decay, **moments)
    decay = weight_decay or None  # Keras optimizers take None for "no decay"
    if optimizer == "adam":
        return keras.optimizers.Adam(learning_rate, weight_decay=decay, **moments)
    if moments:
        raise ValueError(
            "Invalid arguments: `beta_1` is Adam's and AdamW's; SGD has no moment estimate. "
            f"Received: optimizer='sgd', beta_1={beta_1}"
        )
    return keras.optimizers.SGD(learning_rate, momentum=0.9, nesterov=True, weight_decay=decay)


def _refuse_options_of_an_instance(optimizer, learning_rate, weight_decay, beta_1) -> None:
    """An optimizer instance has its own rate, decay and moments: one given beside it
    would be ignored, so it is an error."""
    given = {"learning_rate": learning_rate, "weight_decay": weight_decay, "beta_1": beta_1}
    for argument, value in given.items():
        if value is not None:
            kind = type(optimizer).__name__
            raise ValueError(
                f"Invalid arguments: `{argument}={value!r}` was given with an optimizer "
                f"instance ({kind}), which would ignore it. Set it on the instance "
                f"instead: keras.optimizers.{kind}({argument}=...)."
            )
