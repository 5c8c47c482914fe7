import numpy as np

from tests.helpers.scripts import load_script, smoke_run


def test_smoke_run_compares_scratch_with_imagenet_transfer_on_two_styles(tmp_path):
    on_disk = smoke_run("recipes/vision/imagenet_transfer.py", tmp_path)
    metrics = on_disk["metrics"]
    for test in ("noto", "twemoji"):
        accuracy = metrics[test]["accuracy"]
        for method in ("scratch", "feature_transfer", "fine_tuned"):
            score = accuracy[method]["27"]
            assert 0 <= score["mean"] <= 1 and score["std"] == 0  # one seed
        assert accuracy["scratch_same_network"] == {}  # --smoke skips the costly row
        gain = accuracy["fine_tuned"]["27"]["mean"] - accuracy["scratch"]["27"]["mean"]
        assert np.isclose(metrics[test]["fine_tuned_gain_points"]["27"], gain * 100, atol=0.01)
        assert (tmp_path / f"{test}_accuracy.png").read_bytes()[:4] == b"\x89PNG"
        # 'People & Body' is the largest training class; predicting it always scores this.
        assert 0.1 < metrics["majority_baseline"][test] < 0.3
    assert [row["labelled images"] for table in on_disk["tables"].values() for row in table] == [
        27, 27,
    ]  # fmt: skip


def test_the_test_sets_keep_every_class_when_thinned():
    recipe = load_script("recipes/vision/imagenet_transfer.py")
    _train, tests, class_names = recipe.make_data({"test_every": 6})
    for test in tests.values():
        assert len(np.unique(test.y)) == len(class_names) == 9
