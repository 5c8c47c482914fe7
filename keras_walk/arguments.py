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

from collections.abc import Collection

__all__ = ["in_range", "is_model", "non_empty", "one_of", "positive_int", "positive_number"]


def _fail(name: str, expected: str, value) -> ValueError:
    return ValueError(
        f"Invalid value for argument `{name}`. Expected {expected}. Received: {name}={value!r}"
    )


def positive_int(name: str, value) -> int:
    """`value` if it is an integer >= 1 (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(name, "a positive integer", value)
    return value


def positive_number(name: str, value, *, zero: bool = False) -> float:
    """`value` if it is a number > 0 (>= 0 with `zero=True`)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (value >= 0 if zero else value > 0)
    ):
        raise _fail(name, "a number >= 0" if zero else "a positive number", value)
    return float(value)


def in_range(name: str, value, low: float, high: float, *, closed: bool = False) -> float:
    """`value` if `low < value < high` (`low <= value <= high` with `closed=True`)."""
    inside = isinstance(value, int | float) and not isinstance(value, bool) and (
        low <= value <= high if closed else low < value < high
    )  # fmt: skip
    if not inside:
        relation = "<=" if closed else "<"
        raise _fail(name, f"{low} {relation} {name} {relation} {high}", value)
    return float(value)


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
