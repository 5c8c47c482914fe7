"""Learning-rate schedules the recipes share."""

from __future__ import annotations

import keras

from keras_walk.arguments import positive_int, positive_number, rate

__all__ = ["warmup_cosine"]


def warmup_cosine(
    peak_learning_rate: float,
    total_steps: int,
    warmup_fraction: float = 0.125,
    start_fraction: float = 0.0,
    end_fraction: float = 0.0,
) -> keras.optimizers.schedules.CosineDecay:
    """A linear warm-up to `peak_learning_rate`, then cosine decay: the one-cycle shape that
    trains fast in few epochs (and what fine-tuning a pretrained network wants).

    Args:
        peak_learning_rate: the rate reached at the end of the warm-up.
        total_steps: training steps in all (epochs x steps per epoch).
        warmup_fraction: share of the steps spent warming up (0 for none; at least one
            step otherwise).
        start_fraction: the first step's rate, as a fraction of the peak.
        end_fraction: the last step's rate, as a fraction of the peak.

    Examples:

        >>> schedule = warmup_cosine(1e-3, total_steps=100, warmup_fraction=0.1)
        >>> [round(float(schedule(step)), 6) for step in (0, 10, 100)]
        [0.0, 0.001, 0.0]
    """
    total_steps = positive_int("total_steps", total_steps)
    peak_learning_rate = positive_number("peak_learning_rate", peak_learning_rate)
    warmup_fraction = rate("warmup_fraction", warmup_fraction)
    warmup = max(1, int(warmup_fraction * total_steps)) if warmup_fraction else 0
    if not warmup:
        return keras.optimizers.schedules.CosineDecay(
            peak_learning_rate, total_steps, alpha=end_fraction
        )
    return keras.optimizers.schedules.CosineDecay(
        peak_learning_rate * start_fraction,
        total_steps - warmup,
        alpha=end_fraction,
        warmup_target=peak_learning_rate,
        warmup_steps=warmup,
    )
