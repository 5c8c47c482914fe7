import json
import time

import keras

from tests.helpers.scripts import load_script


def test_smoke_run_trains_teacher_and_two_students_and_times_them(tmp_path):
    recipe = load_script("recipes/vision/distillation.py")
    start = time.perf_counter()
    results = recipe.main(["--smoke", "--output-dir", str(tmp_path), "--seed", "1"])
    seconds = time.perf_counter() - start
    assert seconds < 60, f"--smoke took {seconds:.0f} s"

    on_disk = json.loads((tmp_path / "results.json").read_text())
    assert on_disk["metrics"] == json.loads(json.dumps(results["metrics"]))
    metrics = on_disk["metrics"]
    for name in ("student alone", "student distilled"):
        assert metrics[name]["parameter_share"] <= 0.25  # the size limit
        assert metrics[name]["speedup"] > 0 and metrics[name]["inference_seconds"] > 0
    assert metrics["student alone"]["parameters"] == metrics["student distilled"]["parameters"]
    (table,) = on_disk["tables"].values()
    assert [row["model"] for row in table] == ["teacher", "student alone", "student distilled"]
    assert (tmp_path / "validation_accuracy.png").read_bytes()[:4] == b"\x89PNG"
    student = keras.models.load_model(tmp_path / "student.keras")
    assert student.count_params() == metrics["student distilled"]["parameters"]
