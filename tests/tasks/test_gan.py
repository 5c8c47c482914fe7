"""DCGANs (keras_walk/tasks/gan.py) on real 8x8 digits."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_walk as kw

SMALL = {"latent_dim": 16, "filters": (16, 32)}


@pytest.fixture(scope="module")
def digits():
    return kw.data.load("digits", splits=("train", "test"))


@pytest.mark.slow
def test_conditional_gan_draws_the_asked_for_digit_and_reloads(digits, tmp_path):
    train, test = digits
    keras.utils.set_random_seed(0)
    model = kw.tasks.gan(
        (8, 8, 1), 10, class_names=kw.data.dataset_info("digits").class_names, latent_dim=32,
        filters=(32, 64), learning_rate=1e-3,
    )  # fmt: skip
    history = model.fit(train.x, train.y, batch_size=32, epochs=40, verbose=0).history
    assert set(history) == {"discriminator_loss", "generator_loss", "real_accuracy"}
    # Both networks learn: two Adam updates per batch, one for each.
    assert int(model.optimizer.iterations) == 2 * 40 * int(np.ceil(len(train.x) / 32))
    judge = kw.tasks.image_classifier((8, 8, 1), 10, learning_rate=3e-3, seed=0)
    judge.fit(train.x, train.y, batch_size=64, epochs=30, verbose=0)
    labels = np.arange(200) % 10
    images = model.generate(200, labels=labels, seed=0)
    assert images.dtype == np.uint8 and images.shape == (200, 8, 8, 1)
    accuracy = np.mean(np.argmax(judge.predict(images, verbose=0), axis=1) == labels)
    assert accuracy > 0.5, accuracy
    np.testing.assert_array_equal(images, model.generate(200, labels=labels, seed=0))
    by_name = model.generate(3, labels=list(model.class_names[:3]), seed=5)
    np.testing.assert_array_equal(by_name, model.generate(3, labels=[0, 1, 2], seed=5))
    model.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert isinstance(reloaded, kw.tasks.GAN) and reloaded.num_labels == model.num_labels
    np.testing.assert_array_equal(reloaded.generate(200, labels=labels, seed=0), images)
    assert int(reloaded.optimizer.iterations) == int(model.optimizer.iterations)
    reloaded.fit(train.x[:64], train.y[:64], batch_size=32, epochs=1, verbose=0)
    assert int(reloaded.optimizer.iterations) == int(model.optimizer.iterations) + 4


def test_label_smoothing_rewards_a_discriminator_that_is_not_certain():
    # With one-sided smoothing s, the loss on real images is lowest where the discriminator
    # says "real" with probability 1 - s, not 1; generated images keep target 0.
    smoothed = kw.tasks.gan((8, 8, 1), **SMALL, label_smoothing=0.2)
    plain = kw.tasks.gan((8, 8, 1), **SMALL, label_smoothing=0.0)
    fake = tf.fill((4, 1), -5.0)

    def real_loss(model, probability):
        logit = float(np.log(probability / (1 - probability)))
        return float(model.discriminator_loss(tf.fill((4, 1), logit), fake))

    losses = {p: real_loss(smoothed, p) for p in (0.6, 0.8, 0.99)}
    assert min(losses, key=losses.get) == 0.8
    assert real_loss(plain, 0.99) < real_loss(plain, 0.8)
    assert float(smoothed.discriminator_loss(tf.fill((4, 1), 5.0), -fake)) > 5


def test_unconditional_gan_takes_images_alone_and_pipelines(digits):
    train, _ = digits
    model = kw.tasks.gan((8, 8, 1), **SMALL)
    model.fit(kw.data.pipeline(train, 64), epochs=1, verbose=0)  # labels are dropped
    # Validation images alone, like the training images.
    history = model.fit(train.x[:128], validation_data=train.x[128:192], epochs=1, verbose=0)
    assert "val_discriminator_loss" in history.history
    assert not model.conditional and model.generate(3, seed=0).shape == (3, 8, 8, 1)


def test_bad_input_is_refused_before_a_step(digits):
    train, _ = digits
    conditional = kw.tasks.gan((8, 8, 1), 10, **SMALL)
    unconditional = kw.tasks.gan((8, 8, 1), **SMALL)
    x = train.x[:8]
    cases = [
        (lambda: conditional.fit(x[..., 0], np.zeros(8, "int64"), verbose=0), "channel axis"),
        (
            lambda: conditional.fit(np.full((8, 8, 8, 1), 0.5), np.zeros(8, "int64"), verbose=0),
            "multiply them by 255",
        ),
        (lambda: unconditional.fit(np.full((8, 8, 8, 1), 256.0), verbose=0), r"\[0, 255\]"),
        (lambda: conditional.fit(x, np.full(8, 10), verbose=0), r"\[0, 10\)"),
        (lambda: conditional.fit(x, verbose=0), "labels"),
        (
            lambda: conditional.fit(tf.data.Dataset.from_tensor_slices(x).batch(4), verbose=0),
            "images alone",
        ),
        (lambda: unconditional.fit(x, np.zeros(8, "int64"), verbose=0), "unconditional"),
        (lambda: conditional.generate(0), "num_images"),
        (lambda: conditional.generate(2, labels=11), r"\[0, 10\)"),
        (lambda: unconditional.generate(2, labels=1), "unconditional"),
        (lambda: kw.tasks.gan((28, 28), filters=(8, 16, 32)), r"\(height, width, channels\)"),
        (lambda: kw.tasks.gan((8, 8, 1), 1), "num_classes"),
        (lambda: kw.tasks.gan((8, 8, 1), label_smoothing=0.5), "label_smoothing"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
    assert int(conditional.optimizer.iterations) == 0
    assert int(unconditional.optimizer.iterations) == 0


def test_any_image_size_generates_that_size(tmp_path):
    # 28x28 with three stride-2 levels: the generator makes 32x32 and crops to 28x28.
    images = np.random.default_rng(0).integers(0, 256, (32, 28, 20, 3), dtype="uint8")
    model = kw.tasks.gan((28, 20, 3), 2, latent_dim=8, filters=(8, 16, 32))
    assert model.generator.output_shape == (None, 28, 20, 3)
    model.fit(images, np.arange(32) % 2, batch_size=16, epochs=1, verbose=0)
    generated = model.generate(3, labels=[0, 1, 1], seed=0)
    assert generated.shape == (3, 28, 20, 3) and generated.dtype == np.uint8
    model.save(tmp_path / "odd.keras")
    reloaded = keras.models.load_model(tmp_path / "odd.keras")
    np.testing.assert_array_equal(reloaded.generate(3, labels=[0, 1, 1], seed=0), generated)
