import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data import DataError


def hourly(length=600):
    t = np.arange(length, dtype="float32")
    return {"temp": 10 + 5 * np.sin(2 * np.pi * t / 24) + t / 100, "step": t}


def test_windows_pair_past_with_the_right_future():
    series = hourly()
    w = kw.data.forecasting_windows(
        series, "temp", input_width=48, horizon=6, features=["step"], season=24
    )
    # The "step" feature says which step each input row is: check the alignment with it.
    first = w.train.inputs[0, :, 0]
    assert first.tolist() == list(range(48))
    assert w.train.targets[0, 0] == pytest.approx(series["temp"][47 + 6])
    assert w.train.persistence[0, 0] == pytest.approx(series["temp"][47])
    assert w.train.seasonal_naive[0, 0] == pytest.approx(series["temp"][47 + 6 - 24])
    batch_x, batch_y = next(iter(w.train.dataset(batch_size=4)))
    np.testing.assert_allclose(batch_x.numpy(), w.train.inputs[:4])
    np.testing.assert_allclose(batch_y.numpy(), w.train.targets[:4])


def test_no_window_reaches_into_another_period():
    series = hourly()
    w = kw.data.forecasting_windows(
        series, "temp", input_width=48, horizon=6, features=["step", "temp"]
    )
    for split in (w.train, w.val, w.test):
        steps_seen = split.inputs[:, :, 0]
        assert steps_seen.min() >= split.start and steps_seen.max() < split.stop
        last_target_step = split.inputs[-1, -1, 0] + 6
        assert last_target_step < split.stop
    assert w.train.stop <= w.val.start and w.val.stop <= w.test.start
    # Statistics come from the training period only.
    assert w.mean[0] == pytest.approx(np.mean(series["step"][: w.train.stop]))


def test_multi_step_targets():
    w = kw.data.forecasting_windows(
        hourly(), "temp", input_width=24, horizon=3, multi_step=True, season=24
    )
    assert w.train.targets.shape[1] == 3 and w.train.persistence.shape[1] == 3
    model = kw.tasks.timeseries_forecaster(w, units=4)
    assert model.output_shape == (None, 3)


def test_horizon_longer_than_the_series_or_a_period():
    with pytest.raises(
        DataError, match="600 steps cannot hold a window of 500 steps and a horizon of 200"
    ):
        kw.data.forecasting_windows(hourly(), "temp", input_width=500, horizon=200)
    with pytest.raises(
        DataError,
        match="the validation period has 90 steps, too few for a window of 80 steps and a horizon of 24",
    ):
        kw.data.forecasting_windows(hourly(), "temp", input_width=80, horizon=24)


def test_bad_series():
    series = hourly()
    series["temp"][10] = np.nan
    with pytest.raises(
        DataError, match="column 'temp' has 1 missing or infinite values \\(first at step 10\\)"
    ):
        kw.data.forecasting_windows(series, "temp", input_width=24, horizon=1)
    with pytest.raises(DataError, match=r"no column\(s\) \['pressure'\]"):
        kw.data.forecasting_windows(hourly(), "pressure", input_width=24, horizon=1)
    with pytest.raises(ValueError, match="three positive fractions that sum to 1"):
        kw.data.forecasting_windows(
            hourly(), "temp", input_width=24, horizon=1, splits=(0.9, 0.2, 0.1)
        )
    with pytest.raises(DataError, match="needs 19 steps of history"):
        kw.data.forecasting_windows(hourly(), "temp", input_width=12, horizon=6, season=24)


def test_forecaster_learns_and_speaks_in_target_units(tmp_path):
    import keras

    keras.utils.set_random_seed(0)
    w = kw.data.forecasting_windows(hourly(1200), "temp", input_width=48, horizon=6, season=24)
    model = kw.tasks.timeseries_forecaster(w, encoder="gru", units=16, learning_rate=1e-2, seed=0)
    model.fit(w.train.dataset(64, shuffle=True, seed=0), epochs=8, verbose=0)
    forecast = model.predict(w.test.inputs, verbose=0)
    error = np.mean(np.abs(forecast - w.test.targets))
    assert error < np.mean(np.abs(w.test.persistence - w.test.targets)) * 0.5
    model.save(tmp_path / "forecaster.keras")
    reloaded = keras.models.load_model(tmp_path / "forecaster.keras")
    np.testing.assert_allclose(
        reloaded.predict(w.test.inputs[:5], verbose=0), forecast[:5], rtol=1e-5
    )


def test_unknown_forecast_encoder_and_loss():
    w = kw.data.forecasting_windows(hourly(), "temp", input_width=24, horizon=1)
    with pytest.raises(
        ValueError, match=r"Expected one of \['fcn', 'conv1d', 'lstm', 'gru', 'bilstm'\]"
    ):
        kw.tasks.timeseries_forecaster(w, encoder="transformer")
    with pytest.raises(ValueError, match=r"Argument `loss` was removed .* head='regression'"):
        kw.tasks.timeseries_forecaster(w, loss="mae")
