"""Each tabular recipe's --smoke run writes its results and plots, and learns."""

import keras
import numpy as np
import pytest

from tests.helpers.scripts import load_script, smoke_run

RECIPES = {
    # recipe: (metric, floor after a few smoke epochs, baseline that must lose, plots)
    "breast_cancer": ("auc", 0.95, "majority", ("training_curves.png", "confusion_matrix.png")),
    "penguins": ("accuracy", 0.80, "majority", ("training_curves.png", "confusion_matrix.png")),
    "ames_house_prices": ("rmse", None, "mean", ("training_curves.png", "predicted_vs_true.png")),
    "movie_genres": ("micro_f1", 0.2, "majority", ("training_curves.png", "per_label_f1.png")),
}


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_smoke_run(name, tmp_path):
    metric, floor, baseline, plots = RECIPES[name]
    on_disk = smoke_run(f"recipes/tabular/{name}.py", tmp_path)
    smoke_epochs = load_script(f"recipes/tabular/{name}.py").SMOKE["epochs"]
    assert on_disk["smoke"] is True and on_disk["config"]["epochs"] == smoke_epochs
    loss = on_disk["history"]["loss"]
    assert loss[-1] < loss[0]  # it learns
    model_value, baseline_value = on_disk["metrics"][metric], on_disk["baselines"][baseline][metric]
    if metric == "rmse":
        assert model_value < baseline_value  # the model beats the mean
    else:
        assert model_value > floor and model_value > baseline_value
    for plot in plots:
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    assert keras.models.load_model(tmp_path / "model.keras") is not None


def test_penguins_model_predicts_raw_rows_after_reload(tmp_path):
    recipe = load_script("recipes/tabular/penguins.py")
    results = recipe.main(["--smoke", "--output-dir", str(tmp_path), "--epochs", "8"])
    prediction = results["raw_row_prediction"]
    assert prediction["species"] in ("Adelie", "Chinstrap", "Gentoo")
    assert 0.0 < prediction["probability"] <= 1.0
    model = keras.models.load_model(tmp_path / "model.keras")
    row = {
        "island": np.array(["Dream"], dtype=object),
        "sex": np.array(["female"], dtype=object),
        "bill_length_mm": np.array([np.nan], "float32"),  # a hole, filled inside the model
        "bill_depth_mm": np.array([18.0], "float32"),
        "flipper_length_mm": np.array([190.0], "float32"),
        "body_mass_g": np.array([3500.0], "float32"),
    }
    probabilities = model.predict(row, verbose=0)
    assert probabilities.shape == (1, 3) and np.isclose(probabilities.sum(), 1.0, atol=1e-5)
