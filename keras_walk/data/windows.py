"""Forecasting windows that cannot leak the future: split by time first, then window.

`forecasting_windows` cuts a multivariate series into contiguous train / validation / test
periods, then builds each period's `(past window, future target)` pairs with
`keras.utils.timeseries_dataset_from_array` from that period alone: no window of one split
holds a single step of another. Normalization statistics come from the training period.
It also returns, for each window, what the persistence and seasonal-naive baselines
predict, so that every forecast is reported beside them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from keras_walk.arguments import is_number, positive_int
from keras_walk.data.checks import DataError, to_columns

__all__ = ["ForecastSplit", "ForecastWindows", "forecasting_windows"]


@dataclasses.dataclass
class ForecastSplit:
    """One period's windows: `inputs` `(n, input_width, features)`, `targets`
    `(n, outputs)`, the two baselines' forecasts (shaped like `targets`), the period's
    `[start, stop)` steps in the whole series, and the rows the windows are cut from."""

    inputs: np.ndarray
    targets: np.ndarray
    persistence: np.ndarray
    seasonal_naive: np.ndarray | None
    start: int
    stop: int
    rows: np.ndarray
    input_width: int

    def dataset(self, batch_size: int = 64, shuffle: bool = False, seed: int | None = None):
        """A batched, prefetched `tf.data.Dataset` of `(inputs, targets)`."""
        return keras.utils.timeseries_dataset_from_array(
            self.rows, self.targets, sequence_length=self.input_width,
            batch_size=batch_size, shuffle=shuffle, seed=seed,
        ).prefetch(tf.data.AUTOTUNE)  # fmt: skip


@dataclasses.dataclass
class ForecastWindows:
    """The three splits, what built them, and the training period's statistics of the
    inputs (`mean`, `std`, per feature) and of the targets (`target_mean`, `target_std`)."""

    train: ForecastSplit
    val: ForecastSplit
    test: ForecastSplit
    feature_names: list[str]
    target_names: list[str]
    input_width: int
    horizon: int
    multi_step: bool
    mean: np.ndarray
    std: np.ndarray
    target_mean: np.ndarray
    target_std: np.ndarray


def forecasting_windows(
    series,
    targets: Sequence[str] | str,
    input_width: int,
    horizon: int,
    *,
    multi_step: bool = False,
    splits: Sequence[float] = (0.7, 0.15, 0.15),
    season: int | None = None,
    features: Sequence[str] | None = None,
) -> ForecastWindows:
    """Splits a series by time into train / validation / test and windows each period.

    Args:
        series: a DataFrame (or dict of equal-length columns) in time order, one row per step.
        targets: the column(s) to forecast.
        input_width: steps of history in each window.
        horizon: how many steps ahead the forecast reaches.
        multi_step: forecast every step `1..horizon` (targets of `horizon * len(targets)`
            values) instead of only step `horizon`.
        splits: fractions of the steps for train, validation and test, in time order.
        season: the seasonal period, a positive number of steps (24 for hourly data with a
            daily cycle), for the seasonal-naive baseline, or `None` for no such baseline.
        features: the input columns (default: every column; targets included).

    Raises:
        DataError: a horizon or window that does not fit in a period, NaN in the inputs
            or the targets, a missing or non-numeric column.

    Examples:

        >>> import numpy as np
        >>> series = {"temp": np.sin(np.arange(600) * 2 * np.pi / 24)}
        >>> windows = forecasting_windows(series, "temp", input_width=48, horizon=6, season=24)
        >>> windows.train.inputs.shape, windows.train.targets.shape
        ((367, 48, 1), (367, 1))
        >>> windows.train.stop <= windows.val.start  # periods never overlap
        True
    """
    input_width = positive_int("input_width", input_width)
    horizon = positive_int("horizon", horizon)
    if season is not None:
        season = positive_int("season", season)
    if (
        len(splits) != 3
        or not all(is_number(f) and f > 0 for f in splits)
        or not math.isclose(sum(splits), 1.0)
    ):
        raise ValueError(
            "Invalid value for argument `splits`. Expected three positive fractions that sum "
            f"to 1 (train, validation, test). Received: splits={tuple(splits)}"
        )
    x, y, feature_names, target_names = _checked_series(series, targets, features)
    periods = _periods(len(x), splits, input_width, horizon)
    train_start, train_stop = periods[0]
    mean = x[train_start:train_stop].mean(axis=0)
    std = x[train_start:train_stop].std(axis=0) + 1e-7
    target_mean = y[train_start:train_stop].mean(axis=0)
    target_std = y[train_start:train_stop].std(axis=0) + 1e-7
    made = [
        _split(x, y, start, stop, input_width, horizon, multi_step, season)
        for start, stop in periods
    ]
    return ForecastWindows(
        *made, feature_names, target_names, input_width, horizon, multi_step, mean, std,
        target_mean, target_std,
    )  # fmt: skip


def _checked_series(series, targets, features):
    """`(x, y, feature names, target names)`: the columns as float32 arrays, every name
    present, every value a finite number (inputs and targets alike)."""
    columns = to_columns(series, "series", "a pandas DataFrame or a dict of columns in time order")
    target_names = [targets] if isinstance(targets, str) else list(targets)
    feature_names = list(features) if features is not None else list(columns)
    for argument, names in (("targets", target_names), ("features", feature_names)):
        if not names:
            raise ValueError(f"Invalid value for argument `{argument}`: it is empty.")
        missing = [name for name in names if name not in columns]
        if missing:
            raise DataError(
                f"Invalid value for argument `{argument}`: `series` has no column(s) "
                f"{missing}. Columns: {list(columns)}"
            )
    arrays = {}
    for name in dict.fromkeys(feature_names + target_names):
        try:
            arrays[name] = np.asarray(columns[name], "float32")
        except (TypeError, ValueError):
            raise DataError(
                f"Invalid series: column {name!r} is not numeric (e.g. {columns[name][0]!r}). "
                "Forecasting reads numbers: encode it, or leave it out of `features`."
            ) from None
        bad = ~np.isfinite(arrays[name])
        if bad.any():
            raise DataError(
                f"Invalid series: column {name!r} has {int(bad.sum())} missing or infinite "
                f"values (first at step {int(np.flatnonzero(bad)[0])}). Interpolate or fill "
                "them first."
            )
    x = np.stack([arrays[name] for name in feature_names], axis=-1)
    y = np.stack([arrays[name] for name in target_names], axis=-1)
    return x, y, feature_names, target_names


def _periods(length: int, splits, width: int, horizon: int) -> list[tuple[int, int]]:
    """`(start, stop)` of the train, validation and test periods, each long enough for one
    window of `width` steps and `horizon`."""
    if length < width + horizon:
        raise DataError(
            f"Invalid series: {length} steps cannot hold a window of {width} steps and "
            f"a horizon of {horizon}."
        )
    edges = [int(round(b * length)) for b in np.cumsum([0, *splits])]
    periods = list(zip(edges[:-1], edges[1:], strict=True))
    for name, (start, stop) in zip(("train", "validation", "test"), periods, strict=True):
        if stop - start < width + horizon:
            raise DataError(
                f"Invalid forecasting setup: the {name} period has {stop - start} steps, too "
                f"few for a window of {width} steps and a horizon of {horizon} "
                f"({width + horizon} steps). Shorten the window or the horizon, or give "
                "that period a larger share."
            )
    return periods


def _split(x, y, start, stop, width, horizon, multi_step, season):
    x, y = x[start:stop], y[start:stop]
    count = len(x) - width - horizon + 1
    # Window i reads steps [i, i + width) and forecasts step i + width - 1 + horizon
    # (or every step up to it): all of them inside this period.
    inputs = np.lib.stride_tricks.sliding_window_view(x[: count + width - 1], width, axis=0)
    inputs = np.ascontiguousarray(np.moveaxis(inputs, -1, 1))
    last = width - 1
    if multi_step:
        future = np.stack([y[last + h : last + h + count] for h in range(1, horizon + 1)], axis=1)
    else:
        future = y[last + horizon : last + horizon + count][:, None]
    targets = future.reshape(count, -1)
    observed = y[last : last + count]  # the last observed target values
    steps = range(1, horizon + 1) if multi_step else (horizon,)
    persistence = np.stack([observed for _ in steps], axis=1).reshape(count, -1)
    seasonal = None
    if season is not None:
        rows = []
        for h in steps:
            back = season * math.ceil(h / season)
            if last + h - back < 0:
                raise DataError(
                    f"Invalid forecasting setup: the seasonal-naive forecast of step {h} needs "
                    f"{back - h + 1} steps of history; the window has {width}."
                )
            rows.append(y[last + h - back : last + h - back + count])
        seasonal = np.stack(rows, axis=1).reshape(count, -1)
    return ForecastSplit(
        inputs, targets, persistence, seasonal, start, stop, x[: count + width - 1], width
    )
