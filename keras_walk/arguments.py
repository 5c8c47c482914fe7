"""Argument checks that builders and tools run before any work, with Keras's message style
(`Invalid value for argument `name`. Expected .... Received: name=...`), so that a bad
argument fails at once and says which one it is.

Examples:

    >>> positive_int("latent_dim", 0)
    Traceback (most recent call last):
    ...
    ValueError: Invalid value for argument `latent_dim`. Expected a positive integer. Received: latent_dim=0
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Collection

__all__ = [
    "in_range",
    "is_integer",
    "is_model",
    "is_number",
    "non_empty",
    "non_negative_int",
    "one_of",
    "positive_int",
    "positive_number",
    "positive_shape",
    "rate",
    "removed_arguments",
]


def _fail(name: str, expected: str, value) -> ValueError:
    return ValueError(
        f"Invalid value for argument `{name}`. Expected {expected}. Received: {name}={value!r}"
    )


def is_integer(value) -> bool:
    """Whether `value` is an integer: a Python or NumPy integer, not a bool.

    >>> import numpy as np
    >>> is_integer(3), is_integer(np.int64(3)), is_integer(True), is_integer(3.0)
    (True, True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value) -> bool:
    """Whether `value` is a finite real number: a Python or NumPy integer or float, not a
    bool, not NaN or infinite.

    >>> import numpy as np
    >>> is_number(0.5), is_number(np.float32(0.5)), is_number(float("nan")), is_number("1")
    (True, True, False, False)
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def positive_int(name: str, value) -> int:
    """`value` as an `int` if it is an integer >= 1 (Python or NumPy; not a bool)."""
    if not is_integer(value) or value < 1:
        raise _fail(name, "a positive integer", value)
    return int(value)


def non_negative_int(name: str, value) -> int:
    """`value` as an `int` if it is an integer >= 0 (Python or NumPy; not a bool)."""
    if not is_integer(value) or value < 0:
        raise _fail(name, "an integer >= 0", value)
    return int(value)


def positive_number(name: str, value, *, zero: bool = False) -> float:
    """`value` as a `float` if it is a finite number > 0 (>= 0 with `zero=True`)."""
    if not is_number(value) or not (value >= 0 if zero else value > 0):
        raise _fail(name, "a finite number >= 0" if zero else "a finite positive number", value)
    return float(value)


def in_range(name: str, value, low: float, high: float, *, closed: bool = False) -> float:
    """`value` as a `float` if `low < value < high` (`low <= value <= high` with
    `closed=True`)."""
    inside = is_number(value) and (low <= value <= high if closed else low < value < high)
    if not inside:
        relation = "<=" if closed else "<"
        raise _fail(name, f"{low} {relation} {name} {relation} {high}", value)
    return float(value)


def rate(name: str, value) -> float:
    """`value` as a `float` if it is a finite number in [0, 1): a dropout or warm-up rate.

    >>> rate("dropout", 1.0)
    Traceback (most recent call last):
    ...
    ValueError: Invalid value for argument `dropout`. Expected a float in [0, 1). Received: dropout=1.0
    """
    if not (is_number(value) and 0 <= value < 1):
        raise _fail(name, "a float in [0, 1)", value)
    return float(value)


def positive_shape(name: str, value, rank: int, expected: str) -> tuple[int, ...]:
    """`value` as a tuple of `rank` Python ints >= 1 (NumPy integers welcome), or a
    `ValueError` that says `expected` (for example "(height, width, channels)").

    >>> import numpy as np
    >>> positive_shape("input_shape", np.array([28, 28, 1]), 3, "(height, width, channels)")
    (28, 28, 1)
    """
    try:
        dims = tuple(value)
    except TypeError:
        dims = None
    if dims is None or len(dims) != rank or not all(is_integer(d) and d >= 1 for d in dims):
        raise _fail(name, f"{expected}, {rank} positive integers", value)
    return tuple(int(d) for d in dims)


def one_of(name: str, value, choices: Collection):
    """`value` if it is one of `choices`."""
    if value not in choices:
        raise _fail(name, f"one of {sorted(choices)}", value)
    return value


def non_empty(name: str, value):
    """`value` if it has at least one element."""
    if len(value) == 0:
        raise ValueError(f"Invalid value for argument `{name}`: it is empty.")
    return value


def is_model(name: str, value):
    """`value` if it is a Keras model."""
    import keras

    if not isinstance(value, keras.Model):
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a Keras model. "
            f"Received: {type(value).__name__} {value!r:.60}"
        )
    return value


def removed_arguments(**new_spellings: str):
    """A decorator for a public function whose arguments were removed: each keyword of
    `new_spellings` is an old argument name, its value what to use instead. Passing an old
    argument raises a `ValueError` that says so, rather than Python's bare `TypeError`.

    >>> @removed_arguments(size="batch_size")
    ... def batches(batch_size=32):
    ...     return batch_size
    >>> batches(size=8)
    Traceback (most recent call last):
    ...
    ValueError: Argument `size` was removed from `batches`: use batch_size instead. Received: size=8
    """

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            for name, instead in new_spellings.items():
                if name in kwargs:
                    raise ValueError(
                        f"Argument `{name}` was removed from `{function.__name__}`: use "
                        f"{instead} instead. Received: {name}={kwargs[name]!r}"
                    )
            return function(*args, **kwargs)

        return wrapper

    return decorate
