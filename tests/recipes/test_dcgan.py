import keras
import numpy as np

from tests.helpers.scripts import smoke_run


def test_smoke_run_measures_its_samples_every_epoch(tmp_path):
    on_disk = smoke_run("recipes/generative/dcgan.py", tmp_path)
    metrics = on_disk["metrics"]
    assert metrics["frechet_distance"] > 0
    assert metrics["floor_frechet_distance"] < metrics["frechet_distance"]
    assert len(on_disk["history"]["sample_frechet_distance"]) == 2
    # Class-conditional: each epoch's samples are also read for their class.
    assert all(0 <= a <= 1 for a in on_disk["history"]["sample_class_accuracy"])
    assert len(on_disk["history"]["sample_class_accuracy"]) == 2
    assert on_disk["history"]["discriminator_loss"] and on_disk["history"]["generator_loss"]
    for plot in ("samples.png", "samples_over_epochs.png", "quality_curve.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")
    images = model.generate(4, labels="Bag", seed=7)
    assert images.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(images, model.generate(4, labels=8, seed=7))
