import json
import time

import keras
import numpy as np
import pytest

from tests.helpers.scripts import load_script


@pytest.mark.slow
def test_smoke_run_learns_both_segmenters_and_writes_everything(tmp_path):
    import keras_walk as kw

    recipe = load_script("recipes/vision/segmentation.py")
    # Reading the composed cut-outs is done once a process (composing them once a machine,
    # by `make setup`): not part of what --smoke's time limit measures.
    for dataset in ("emoji_cutouts", "clipart_cutouts"):
        kw.data.load(dataset, splits="test[:1]")
    start = time.perf_counter()
    results = recipe.main(["--smoke", "--output-dir", str(tmp_path), "--seed", "1"])
    seconds = time.perf_counter() - start
    assert seconds < 60, f"--smoke took {seconds:.0f} s"

    on_disk = json.loads((tmp_path / "results.json").read_text())
    assert on_disk["metrics"] == json.loads(json.dumps(results["metrics"]))
    assert on_disk["smoke"] is True and on_disk["config"]["cutouts"]["epochs"] == 2
    cutouts, scenes = on_disk["metrics"]["cutouts"], on_disk["metrics"]["scenes"]["test"]
    for name in ("cutouts", "scenes"):
        loss = on_disk["history"][f"{name}_loss"]
        assert len(loss) == 2 and loss[-1] < loss[0], (name, loss)
        assert (tmp_path / f"{name}_curves.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "scenes_test_samples.png").read_bytes()[:4] == b"\x89PNG"
    # One U-Net learns emoji and clip-art together and is tested on each.
    splits = [f"{s}_{t}" for s in ("emoji", "clipart") for t in ("test", "test_new_photos")]
    assert set(cutouts) == {*splits, "train_seconds"}
    for split in splits:
        assert cutouts[split]["foreground_iou"] > cutouts[split]["baseline_all_background_iou"] == 0
        assert (tmp_path / f"cutouts_{split}_samples.png").is_file()
    assert len(on_disk["tables"]["emoji and clip-art cut-outs (foreground IoU and Dice)"]) == 4
    assert scenes["mean_iou"] > scenes["baseline_all_background_mean_iou"]
    assert scenes["flip_averaged_mean_iou"] > scenes["baseline_all_background_mean_iou"]
    assert len(on_disk["tables"]) == 2

    # The saved cut-out segmenter reloads and agrees with the reported IoU.
    model = keras.models.load_model(tmp_path / "cutouts_model.keras")
    test = kw.data.load("emoji_cutouts", splits="test[:64]")
    predicted = model.predict_masks(test.x)
    iou = np.sum((predicted == 1) & (test.y == 1)) / np.sum((predicted == 1) | (test.y == 1))
    assert np.isclose(iou, cutouts["emoji_test"]["foreground_iou"], atol=1e-4)
    flipped = model.predict_masks(test.x, test_time_flip=True)
    iou = np.sum((flipped == 1) & (test.y == 1)) / np.sum((flipped == 1) | (test.y == 1))
    assert np.isclose(iou, cutouts["emoji_test"]["flip_averaged_foreground_iou"], atol=1e-4)
