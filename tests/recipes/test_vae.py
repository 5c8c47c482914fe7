import keras
import numpy as np

from tests.helpers.scripts import smoke_run


def test_smoke_run_measures_its_samples_every_epoch(tmp_path):
    on_disk = smoke_run("recipes/generative/vae.py", tmp_path)
    metrics = on_disk["metrics"]
    assert metrics["frechet_distance"] > 0
    # Two short epochs: samples still far from real images, the real floor far closer.
    assert metrics["floor_frechet_distance"] < metrics["frechet_distance"]
    assert metrics["frechet_over_floor"] > 1
    assert len(on_disk["history"]["sample_frechet_distance"]) == 2
    assert on_disk["history"]["loss"][-1] < on_disk["history"]["loss"][0]
    for plot in ("samples.png", "samples_over_epochs.png", "frechet_distance.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")
    images = model.generate(4, seed=7)
    assert images.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(images, model.generate(4, seed=7))
