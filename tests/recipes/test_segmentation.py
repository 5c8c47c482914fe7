import keras
import numpy as np
import pytest

from tests.helpers.scripts import smoke_run


@pytest.mark.slow
def test_smoke_run_learns_the_cutouts_and_writes_everything(tmp_path):
    import keras_walk as kw

    on_disk = smoke_run("recipes/vision/segmentation.py", tmp_path)
    config = on_disk["config"]
    assert on_disk["smoke"] is True
    assert (config["frozen_epochs"], config["fine_tune_epochs"]) == (2, 0)
    # --precision auto: bfloat16 for these convolutions where the CPU computes it natively.
    expected = "mixed_bfloat16" if kw.distribute.cpu_has_bfloat16() else "float32"
    assert on_disk["config"]["precision"] == expected
    # The ImageNet encoder stays frozen while the decoder learns (`fine_tune`'s first phase).
    loss = on_disk["history"]["loss"]
    assert on_disk["history"]["phase"] == ["head", "head"] and loss[-1] < loss[0], loss
    assert not (tmp_path / "cutouts_backup").exists()  # the resumable backup, once finished
    assert (tmp_path / "cutouts_curves.png").read_bytes()[:4] == b"\x89PNG"
    # One U-Net learns emoji and clip-art together and is tested on each.
    metrics = on_disk["metrics"]
    splits = [f"{s}_{t}" for s in ("emoji", "clipart") for t in ("test", "test_new_photos")]
    assert set(metrics) == {*splits, "train_seconds"}
    for split in splits:
        assert metrics[split]["foreground_iou"] > metrics[split]["baseline_all_background_iou"] == 0
        assert (tmp_path / f"cutouts_{split}_samples.png").read_bytes()[:4] == b"\x89PNG"
    assert len(on_disk["tables"]["emoji and clip-art cut-outs (foreground IoU and Dice)"]) == 4

    # The saved segmenter reloads and agrees with the reported IoU; it names its training
    # data, every other emoji composite included.
    model = keras.models.load_model(tmp_path / "cutouts_model.keras")
    assert model.training_data.startswith("emoji_cutouts train[:256] (every 2) + clipart_cutouts")
    test = kw.data.load("emoji_cutouts", splits="test[:64]")
    predicted = model.predict_masks(test.x)
    iou = np.sum((predicted == 1) & (test.y == 1)) / np.sum((predicted == 1) | (test.y == 1))
    assert np.isclose(iou, metrics["emoji_test"]["foreground_iou"], atol=1e-4)
    flipped = model.predict_masks(test.x, test_time_flip=True)
    iou = np.sum((flipped == 1) & (test.y == 1)) / np.sum((flipped == 1) | (test.y == 1))
    assert np.isclose(iou, metrics["emoji_test"]["flip_averaged_foreground_iou"], atol=1e-4)
