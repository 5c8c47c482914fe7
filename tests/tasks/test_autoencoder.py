"""Autoencoders and VAEs (keras_walk/tasks/autoencoder.py)."""

import keras
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

import keras_walk as kw


@pytest.fixture(scope="module")
def digits():
    return kw.data.load("digits", splits=("train", "test"))


def test_autoencoder_learns_without_labels_from_arrays_and_pipelines(digits):
    train, test = digits
    keras.utils.set_random_seed(0)
    model = kw.tasks.autoencoder((8, 8, 1), latent_dim=8, filters=(16, 32), learning_rate=3e-3)
    before = model.evaluate(test.x, verbose=0, return_dict=True)["loss"]
    history = model.fit(train.x, validation_data=test.x, batch_size=64, epochs=10, verbose=0)
    # A labelled pipeline works too: the class labels are dropped, the images are the targets.
    model.fit(kw.data.pipeline(train, 64, shuffle=True, seed=0), epochs=2, verbose=0)
    after = model.evaluate(test.x, verbose=0, return_dict=True)
    assert after["loss"] < before * 0.7 and history.history["val_loss"][-1] < before
    reconstructions = model.reconstruct(test.x[:5])
    assert reconstructions.dtype == np.uint8 and reconstructions.shape == (5, 8, 8, 1)
    assert model.encode(test.x[:5]).shape == (5, 8)


def test_reconstruction_error_flags_classes_never_seen(digits):
    # Trained on the digits 0-4 only, the autoencoder reconstructs 5-9 worse.
    train, test = digits
    keras.utils.set_random_seed(0)
    model = kw.tasks.autoencoder((8, 8, 1), latent_dim=4, filters=(16, 32), learning_rate=3e-3)
    model.fit(train.x[train.y < 5], batch_size=32, epochs=30, verbose=0)
    scores = model.anomaly_scores(test.x)
    assert scores.shape == (len(test.x),) and np.all(scores >= 0)
    assert roc_auc_score(test.y >= 5, scores) > 0.7


def test_vae_generates_the_same_images_for_the_same_seed_and_reloads(digits, tmp_path):
    train, _ = digits
    keras.utils.set_random_seed(0)
    model = kw.tasks.vae((8, 8, 1), latent_dim=2, kl_weight=0.5, filters=(8, 16), seed=0)
    model.fit(train.x, batch_size=64, epochs=2, verbose=0)
    assert len(model.losses) == 1  # the KL term, added by the sampling layer
    images = model.generate(6, seed=3)
    assert images.shape == (6, 8, 8, 1) and images.dtype == np.uint8
    np.testing.assert_array_equal(images, model.generate(6, seed=3))
    assert not np.array_equal(images, model.generate(6, seed=4))
    model.save(tmp_path / "vae.keras")
    reloaded = keras.models.load_model(tmp_path / "vae.keras")
    np.testing.assert_array_equal(reloaded.generate(6, seed=3), images)
    assert reloaded.variational and reloaded.summary_card()["image_shape"] == [8, 8, 1]


def test_kl_weight_pulls_the_codes_towards_the_prior(digits):
    train, _ = digits
    spread = {}
    for weight in (0.0, 5.0):
        keras.utils.set_random_seed(0)
        model = kw.tasks.vae((8, 8, 1), latent_dim=2, kl_weight=weight, filters=(8, 16), seed=0)
        model.fit(train.x, batch_size=64, epochs=5, verbose=0)
        spread[weight] = float(np.abs(model.encode(train.x)).mean())
    assert spread[5.0] < spread[0.0]


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: kw.tasks.autoencoder((0, 30, 1)), "3 positive integers"),
        (lambda: kw.tasks.autoencoder((28, 28)), r"\(height, width, channels\)"),
        (lambda: kw.tasks.autoencoder((28, 28, 1), latent_dim=0), "positive integer"),
        (
            lambda: kw.tasks.vae((28, 28, 1), kl_weight=-1),
            "`kl_weight`. Expected a finite number >= 0",
        ),
        (lambda: kw.tasks.autoencoder((8, 8, 1)).generate(2), "samples the prior of a VAE"),
    ],
)
def test_bad_arguments_fail_clearly(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_targets_outside_the_unit_interval_are_refused(digits):
    train, _ = digits
    model = kw.tasks.autoencoder((8, 8, 1), latent_dim=2, filters=(4, 8))
    with pytest.raises(ValueError, match=r"Expected pixel intensities in \[0, 1\]"):
        model.fit(train.x, train.x.astype("float32"), epochs=1, verbose=0)  # not / 255
    assert int(model.optimizer.iterations) == 0


@pytest.mark.parametrize("build", [kw.tasks.autoencoder, kw.tasks.vae])
def test_any_image_size_reconstructs_to_that_size(build, tmp_path):
    # 30x27 is not a multiple of 4: the decoder makes 32x28 and crops to the image.
    rng = np.random.default_rng(0)
    images = np.repeat(rng.integers(0, 256, (64, 30, 1, 1), dtype="uint8"), 27, axis=2)
    images = np.repeat(images, 3, axis=3)  # vertical stripes, RGB
    keras.utils.set_random_seed(0)
    model = build((30, 27, 3), latent_dim=8, filters=(8, 16), seed=0)
    assert model.output_shape == (None, 30, 27, 3)
    losses = model.fit(images, batch_size=16, epochs=4, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    assert model.reconstruct(images[:2]).shape == (2, 30, 27, 3)
    assert model.anomaly_scores(images[:5]).shape == (5,)
    model.save(tmp_path / "odd.keras")
    reloaded = keras.models.load_model(tmp_path / "odd.keras")
    np.testing.assert_allclose(reloaded.encode(images[:4]), model.encode(images[:4]), atol=1e-5)
