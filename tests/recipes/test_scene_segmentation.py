import keras
import numpy as np
import pytest

from tests.helpers.scripts import smoke_run


@pytest.mark.slow
def test_smoke_run_learns_the_scenes_and_beats_the_background_baseline(tmp_path):
    import keras_walk as kw

    on_disk = smoke_run("recipes/vision/scene_segmentation.py", tmp_path)
    assert on_disk["smoke"] is True and on_disk["config"]["epochs"] == 2
    loss = on_disk["history"]["loss"]
    assert len(loss) == 2 and loss[-1] < loss[0], loss
    for png in ("scenes_curves.png", "scenes_test_samples.png"):
        assert (tmp_path / png).read_bytes()[:4] == b"\x89PNG"
    scores = on_disk["metrics"]["test"]
    assert scores["mean_iou"] > scores["baseline_all_background_mean_iou"]
    assert scores["flip_averaged_mean_iou"] > scores["baseline_all_background_mean_iou"]
    assert len(on_disk["tables"]["Fashion-MNIST scenes (mean IoU over 11 classes)"]) == 3

    # The saved segmenter reloads and agrees with the reported mean IoU.
    model = keras.models.load_model(tmp_path / "scenes_model.keras")
    assert model.head == "multiclass" and model.num_classes == 11
    test = kw.data.load("fashion_scene_masks", splits="test[:128]")
    ious = kw.metrics.class_iou(test.y, model.predict_masks(test.x), 11)
    assert np.isclose(np.nanmean(ious), scores["mean_iou"], atol=1e-4)
