"""`Arrays`, one split as NumPy arrays, and the labelled subsets taken from one.

Examples:

    >>> x, y = Arrays(np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    >>> x.shape, y.tolist()
    ((4, 2), [0, 1, 0, 1])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Arrays", "labelled_subset"]


class Arrays(NamedTuple):
    """One split as NumPy arrays: `x, y = split` or `model.fit(*split)`."""

    x: np.ndarray
    y: np.ndarray


def labelled_subset(split: Arrays, count: int, seed: int = 0) -> Arrays:
    """`count` examples of `split`, as even across its classes as they allow (one of each
    class in turn, each class's examples in a seeded random order): how a small labelling
    budget would be spent, for experiments with few labels.

    Examples:

        >>> split = Arrays(np.arange(10), np.array([0] * 8 + [1] * 2))
        >>> np.bincount(labelled_subset(split, 6).y).tolist()
        [4, 2]
    """
    if not 0 < count <= len(split.y):
        raise ValueError(
            f"Invalid value for argument `count`. Expected 1..{len(split.y)} (the examples "
            f"there are). Received: count={count}"
        )
    rng = np.random.default_rng(seed)
    by_class = [rng.permutation(np.flatnonzero(split.y == c)) for c in np.unique(split.y)]
    in_turn = [c[i] for i in range(max(map(len, by_class))) for c in by_class if i < len(c)]
    picked = rng.permutation(np.asarray(in_turn[:count]))
    return Arrays(split.x[picked], split.y[picked])
