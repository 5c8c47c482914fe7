import keras

from tests.helpers.scripts import smoke_run


def test_smoke_run_trains_teacher_and_two_students_and_times_them(tmp_path):
    on_disk = smoke_run("recipes/vision/distillation.py", tmp_path)
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
