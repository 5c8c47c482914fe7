"""The image-text recipes' smoke runs: they write results, plots and reloadable models."""

import json

import keras
import numpy as np
import pytest

import keras_walk as kw
from tests.helpers.scripts import load_script


@pytest.mark.slow
def test_dual_encoder_smoke_run(tmp_path):
    recipe = load_script("recipes/multimodal/dual_encoder.py")
    results = recipe.main(["--smoke", "--output-dir", str(tmp_path), "--seed", "1"])
    on_disk = json.loads((tmp_path / "results.json").read_text())
    metrics = on_disk["metrics"]
    assert on_disk["smoke"] is True
    assert set(metrics["zero_shot_accuracy_by_template"]) == set(recipe.TEMPLATES)
    assert 0 <= metrics["zero_shot_accuracy"] <= 1
    for gallery in ("all_twemoji", "test_twemoji"):
        entry = metrics["emoji_retrieval"][gallery]
        assert set(entry) == {"model", "tfidf_pixels", "chance_recall@10"}
        assert entry["model"]["queries"] == entry["model"]["gallery"]
    assert metrics["scene_retrieval"]["text_to_image"]["gallery"] == 300
    assert results["metrics"]["zero_shot_accuracy"] == metrics["zero_shot_accuracy"]
    for plot in ("scene_search.png", "emoji_search.png", "zero_shot_confusion.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "scene_model.keras")
    assert model.encode_texts(["a bag at the top left"]).shape == (1, 128)


@pytest.mark.slow
def test_captioning_smoke_run(tmp_path):
    recipe = load_script("recipes/multimodal/captioning.py")
    recipe.main(["--smoke", "--output-dir", str(tmp_path), "--seed", "1"])
    on_disk = json.loads((tmp_path / "results.json").read_text())
    metrics = on_disk["metrics"]
    for dataset in ("scenes", "emoji"):
        assert set(metrics[dataset]) == {"greedy", "beam", "nearest_neighbour", "token_accuracy"}
        assert set(metrics[dataset]["beam"]) >= {"bleu_1", "bleu_4", "cider", "exact_match"}
    assert metrics["reloaded_captions_identical"] is True
    assert len(on_disk["examples"]["scenes"]) == 8
    for plot in ("scene_captions.png", "emoji_captions.png", "training_curves.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "emoji_model.keras")
    assert len(model.caption(np.zeros((2, 64, 64, 3), "uint8"))) == 2


def test_simclr_smoke_run(tmp_path, monkeypatch):
    recipe = load_script("recipes/multimodal/simclr.py")
    schedules = {}
    one_schedule = recipe.classifier_fit_options

    def spy(run, name, config):
        options = one_schedule(run, name, config)
        schedules[name] = {
            type(c).__name__: c.patience for c in options["callbacks"] if hasattr(c, "patience")
        }
        return options

    monkeypatch.setattr(recipe, "classifier_fit_options", spy)
    recipe.main(["--smoke", "--output-dir", str(tmp_path), "--seed", "1"])
    # The baseline from scratch trains on the same schedule as the pretrained classifier:
    # a constant-rate baseline flattered SimCLR by 2.3 points.
    expected = {"ReduceLROnPlateau": 3, "EarlyStopping": 10}
    assert schedules == {"scratch": expected, "probe": expected, "fine_tune": expected}
    on_disk = json.loads((tmp_path / "results.json").read_text())
    rows = on_disk["tables"]["test accuracy with 5,000 labels"]
    assert [row["model"] for row in rows] == ["fine tuned", "from scratch", "linear probe", "knn"]
    assert all(0 <= row["test accuracy"] <= 1 for row in rows)
    assert set(on_disk["metrics"]["epochs_run"]) == {"from_scratch", "fine_tuned", "linear_probe"}
    # A convnet: bfloat16 by default where the CPU computes it natively (measured faster).
    native = kw.distribute.cpu_has_bfloat16()
    assert on_disk["config"]["precision"] == ("mixed_bfloat16" if native else "float32")
    pretrainer = keras.models.load_model(tmp_path / "pretrainer.keras")
    assert pretrainer.encode(np.zeros((2, 28, 28, 1), "uint8")).shape[0] == 2
    for plot in ("validation_accuracy.png", "pretraining_curves.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
