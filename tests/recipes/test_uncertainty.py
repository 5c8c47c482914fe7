import numpy as np

from tests.helpers.scripts import load_script, smoke_run


def test_smoke_run_scores_three_predictors_in_and_out_of_distribution(tmp_path):
    on_disk = smoke_run("recipes/vision/uncertainty.py", tmp_path)
    for name in ("one model", "MC dropout", "deep ensemble"):
        scores = on_disk["metrics"][name]
        assert 0.1 <= scores["mean_max_probability_digits"] <= 1
        assert 0 <= scores["auroc_fashion_vs_digits"] <= 1
        assert 0 <= scores["test_accuracy"] <= 1
    (table,) = on_disk["tables"].values()
    assert [row["predictor"] for row in table] == ["one model", "MC dropout", "deep ensemble"]
    for name in ("confidence_histograms.png", "digits_as_clothes.png", "member_curves.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_digits_become_28x28_images_of_the_same_digit():
    recipe = load_script("recipes/vision/uncertainty.py")
    config = {**recipe.SMOKE, "ood_limit": 20}
    *_, ood, digits = recipe.load_data(config)
    assert ood.shape == (20, 28, 28, 1) and ood.dtype == np.uint8 and len(digits) == 20
    assert ood.max() > 200  # strokes stay bright after resizing
