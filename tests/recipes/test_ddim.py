import keras
import numpy as np
import pytest

from tests.helpers.scripts import smoke_run


@pytest.mark.slow
def test_smoke_run_measures_quality_sweeps_and_reloads(tmp_path):
    on_disk = smoke_run("recipes/generative/ddim.py", tmp_path)
    metrics = on_disk["metrics"]
    assert metrics["frechet_distance"] > 0
    assert metrics["floor_frechet_distance"] < metrics["frechet_distance"]
    assert 0 <= metrics["class_accuracy"] <= 1
    assert metrics["generate_100_images_20_steps_seconds"] > 0
    assert len(on_disk["history"]["sample_frechet_distance"]) == 2
    # Class-conditional: each epoch's samples are also read for their class.
    assert all(0 <= a <= 1 for a in on_disk["history"]["sample_class_accuracy"])
    assert len(on_disk["history"]["sample_class_accuracy"]) == 2
    assert on_disk["history"]["loss"][-1] < on_disk["history"]["loss"][0]
    sweeps = on_disk["sweeps"]
    assert [p["guidance_scale"] for p in sweeps["guidance"]] == [1.0, 3.0]
    assert [p["steps"] for p in sweeps["steps"]] == [2, 5]
    for plot in ("samples.png", "samples_over_epochs.png", "quality_curve.png", "sweeps.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")
    images = model.generate(4, steps=3, labels="Sneaker", seed=7)
    assert images.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(images, model.generate(4, steps=3, labels=7, seed=7))
