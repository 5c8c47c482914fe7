import json
import time

import keras

from tests.helpers.scripts import load_script


def test_smoke_run_reports_the_baselines(tmp_path):
    recipe = load_script("recipes/timeseries/weather_forecasting.py")
    start = time.perf_counter()
    results = recipe.main(["--smoke", "--output-dir", str(tmp_path), "--seed", "1"])
    assert time.perf_counter() - start < 60  # issue #4: < 30 s, measured 10 s; 2x for slow hosts
    on_disk = json.loads((tmp_path / "results.json").read_text())
    assert on_disk["metrics"]["mae"] == results["metrics"]["mae"]
    assert set(on_disk["baselines"]) == {"persistence", "seasonal_naive"}
    assert 0 < on_disk["baselines"]["persistence"]["mae"] < 15  # °F, 6 h ahead
    loss = on_disk["history"]["lstm"]["loss"]
    assert loss[-1] < loss[0]
    for plot in ("test_mae.png", "validation_mae.png", "forecast.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.input_shape == (None, 72, 12) and model.output_shape == (None, 1)
