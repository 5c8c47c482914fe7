import keras

from tests.helpers.scripts import smoke_run


def test_smoke_run_trains_both_datasets(tmp_path):
    results = smoke_run("recipes/sequences/signal_classification.py", tmp_path)
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
