import keras

from tests.helpers.scripts import smoke_run


def test_smoke_run_reports_the_baselines(tmp_path):
    on_disk = smoke_run("recipes/timeseries/weather_forecasting.py", tmp_path)
    assert set(on_disk["baselines"]) == {"persistence", "seasonal_naive"}
    assert 0 < on_disk["baselines"]["persistence"]["mae"] < 15  # °F, 6 h ahead
    loss = on_disk["history"]["lstm"]["loss"]
    assert loss[-1] < loss[0]
    for plot in ("test_mae.png", "validation_mae.png", "forecast.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.input_shape == (None, 72, 12) and model.output_shape == (None, 1)
