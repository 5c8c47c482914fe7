import keras

from tests.helpers.scripts import smoke_run


def test_smoke_run_explains_attacks_and_hardens(tmp_path):
    on_disk = smoke_run("recipes/vision/explain_and_attack.py", tmp_path)
    metrics = on_disk["metrics"]
    plain = metrics["accuracy_vs_epsilon"]
    assert set(plain) == {"0.0", "0.1"} and plain["0.1"] <= plain["0.0"]
    assert set(metrics["adversarially_trained_accuracy_vs_epsilon"]) == {"0.0", "0.1"}
    assert 0 < metrics["grad_cam_heat_on_item"] <= 1 and 0 < metrics["item_pixel_share"] < 1
    for name in (
        "first_layer_filters.png", "first_layer_activations.png", "grad_cam.png",
        "fgsm_samples.png", "accuracy_vs_epsilon.png", "training_curves.png",
    ):  # fmt: skip
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG", name
    robust = keras.models.load_model(tmp_path / "adversarially_trained.keras")
    assert robust.head == "multiclass" and robust.class_names[0] == "T-shirt/top"
