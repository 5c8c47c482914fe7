from types import SimpleNamespace

import keras
import numpy as np

import keras_walk as kw
from tests.helpers.scripts import load_script, smoke_run


def test_smoke_run_compares_four_ways_on_two_targets_and_reuses_the_source(tmp_path):
    on_disk = smoke_run("recipes/vision/transfer_learning.py", tmp_path)
    metrics = on_disk["metrics"]
    assert 1 / 6 < metrics["source_test_accuracy"] <= 1  # one epoch on 1,024 images
    for target in ("tops", "digits"):
        accuracy = metrics[target]["accuracy"]
        for method in ("scratch", "scratch_constant", "feature_transfer", "fine_tuned"):
            score = accuracy[method]["20"]
            assert 0 <= score["mean"] <= 1 and score["std"] == 0  # one seed
        gain = accuracy["fine_tuned"]["20"]["mean"] - accuracy["scratch"]["20"]["mean"]
        assert np.isclose(metrics[target]["fine_tuned_gain_points"]["20"], gain * 100, atol=0.01)
        assert (tmp_path / f"{target}_accuracy_vs_labels.png").read_bytes()[:4] == b"\x89PNG"
    assert len(on_disk["tables"]) == 2
    for table in on_disk["tables"].values():
        assert [row["labelled images"] for row in table] == [20]
    pretrained = keras.models.load_model(tmp_path / "pretrained.keras")
    assert pretrained.class_names == ("Trouser", "Dress", "Sandal", "Sneaker", "Bag", "Ankle boot")

    # A rerun reuses the saved source model instead of pretraining again.
    recipe = load_script("recipes/vision/transfer_learning.py")
    reused, history = recipe.pretrain(SimpleNamespace(output_dir=tmp_path), None, None, None)
    assert history is None and reused.count_params() == pretrained.count_params()


def test_classes_are_selected_and_relabelled_without_overlap():
    recipe = load_script("recipes/vision/transfer_learning.py")
    from keras_walk.data import Arrays

    arrays = Arrays(np.arange(10)[:, None], np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    tops = recipe.select_classes(arrays, recipe.TOPS)
    assert tops.y.tolist() == [0, 1, 2, 3] and tops.x[:, 0].tolist() == [0, 2, 4, 6]
    assert not set(recipe.TOPS) & set(recipe.SOURCE_CLASSES)
    x, y = kw.data.labelled_subset(Arrays(np.zeros((100, 1)), np.repeat(np.arange(4), 25)), 20, 0)
    assert np.bincount(y).tolist() == [5, 5, 5, 5]


def test_every_target_model_takes_the_same_steps_from_an_endless_reshuffled_stream():
    recipe = load_script("recipes/vision/transfer_learning.py")
    config = recipe.FULL
    # (all steps, the head's): 20 labels are one step an epoch, 100 four, 1,000 thirty-two.
    assert recipe.step_counts(20, config) == (500, 166)
    assert recipe.step_counts(100, config) == (500, 41 * 4)
    assert recipe.step_counts(1000, config) == (16 * 32, 5 * 32)
    x, y = np.arange(20)[:, None, None, None].astype("uint8"), np.arange(20) % 4
    passes = [
        batch[0].numpy().ravel().tolist() for batch in recipe.batches(x, y, config, 0).take(3)
    ]
    assert all(sorted(order) == list(range(20)) for order in passes)  # every image, once a pass
    assert len({tuple(order) for order in passes}) == 3  # in a new order each time
