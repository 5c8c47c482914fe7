import json
import time

import keras

from tests.helpers.scripts import load_script


def test_smoke_run_trains_both_datasets(tmp_path):
    recipe = load_script("recipes/sequences/signal_classification.py")
    start = time.perf_counter()
    recipe.main(["--smoke", "--output-dir", str(tmp_path), "--seed", "1"])
    assert time.perf_counter() - start < 60  # issue #4: < 30 s, measured 11 s; 2x for slow hosts
    results = json.loads((tmp_path / "results.json").read_text())
    for name in ("gunpoint", "italy_power_demand"):
        loss = results["history"][name]["loss"]
        assert loss[-1] < loss[0]
        assert (
            results["metrics"][f"{name}_accuracy"]
            > results["baselines"]["majority"][f"{name}_accuracy"]
        )
        assert keras.models.load_model(tmp_path / f"{name}.keras").input_shape[1:] in (
            (150, 1),
            (24, 1),
        )
        assert (tmp_path / f"{name}_confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
