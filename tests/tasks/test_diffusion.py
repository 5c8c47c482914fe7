"""DDIM diffusion models (keras_walk/tasks/diffusion.py) on real 8x8 digits."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_walk as kw
from tests.training.test_training import StopAfter

SMALL = {"widths": (16, 32), "block_depth": 1, "embedding_dims": 16}


@pytest.fixture(scope="module")
def digits():
    return kw.data.load("digits", splits=("train", "test"))


@pytest.fixture(scope="module")
def trained(digits):
    """A class-conditional model trained long enough to draw digits (about 20 s)."""
    train, _ = digits
    keras.utils.set_random_seed(0)
    model = kw.tasks.diffusion_model(
        train.x, 10, class_names=kw.data.dataset_info("digits").class_names, widths=(32, 64),
        block_depth=1, learning_rate=3e-3, ema_momentum=0.99,
    )  # fmt: skip
    before = model.evaluate(train.x, train.y, verbose=0, return_dict=True)["loss"]
    history = model.fit(train.x, train.y, batch_size=64, epochs=40, verbose=0).history
    return model, before, history


@pytest.mark.slow
def test_it_learns_to_predict_the_noise(trained):
    model, before, history = trained
    assert history["loss"][-1] < 0.6 * before
    assert isinstance(model, kw.tasks.ImageGenerator) and model.conditional
    assert model.num_labels == 10 and model.loss.name == "mean_absolute_error"


def test_guided_samples_show_the_class_they_were_asked_for(trained, digits):
    # A digits classifier reads the samples: guidance must draw the asked-for digit.
    train, test = digits
    model, _, _ = trained
    keras.utils.set_random_seed(0)
    judge = kw.tasks.image_classifier((8, 8, 1), 10, learning_rate=3e-3, seed=0)
    judge.fit(train.x, train.y, batch_size=64, epochs=30, verbose=0)
    assert judge.evaluate(test.x, test.y, verbose=0, return_dict=True)["accuracy"] > 0.9
    labels = np.arange(200) % 10
    guided = model.generate(200, steps=20, labels=labels, guidance_scale=3.0, seed=0)
    accuracy = np.mean(np.argmax(judge.predict(guided, verbose=0), axis=1) == labels)
    assert accuracy > 0.6, accuracy
    unguided = model.generate(200, steps=20, seed=0)  # no label: any digit
    assert len(np.unique(np.argmax(judge.predict(unguided, verbose=0), axis=1))) >= 5


def test_same_seed_same_images_and_a_reload_draws_them_too(trained, tmp_path):
    model, _, _ = trained
    images = model.generate(6, steps=4, labels=[0, 1, 2, 3, 4, 5], seed=3)
    assert images.dtype == np.uint8 and images.shape == (6, 8, 8, 1)
    np.testing.assert_array_equal(
        images, model.generate(6, steps=4, labels=[0, 1, 2, 3, 4, 5], seed=3)
    )
    assert not np.array_equal(images, model.generate(6, steps=4, labels=[0, 1, 2, 3, 4, 5], seed=4))
    # Class names work as labels; fewer steps are cheaper and differ.
    by_name = model.generate(6, steps=4, labels=list(model.class_names[:6]), seed=3)
    np.testing.assert_array_equal(by_name, images)
    model.save(tmp_path / "ddim.keras")
    reloaded = keras.models.load_model(tmp_path / "ddim.keras")
    assert isinstance(reloaded, kw.tasks.DiffusionModel)
    np.testing.assert_array_equal(
        reloaded.generate(6, steps=4, labels=[0, 1, 2, 3, 4, 5], seed=3), images
    )
    assert reloaded.pixel_mean == model.pixel_mean
    for saved, average in zip(reloaded.average_weights, model.average_weights, strict=True):
        np.testing.assert_array_equal(saved.numpy(), average.numpy())
    assert int(reloaded.optimizer.iterations) == int(model.optimizer.iterations)


def test_sampling_uses_the_moving_average_of_the_weights(digits):
    train, _ = digits
    keras.utils.set_random_seed(0)
    model = kw.tasks.diffusion_model(train.x[:256], **SMALL, ema_momentum=0.9)
    model.fit(train.x[:256], batch_size=64, epochs=3, verbose=0)
    weights = [v.numpy() for v in model.trainable_weights]
    averages = [v.numpy() for v in model.average_weights]
    assert not all(np.array_equal(w, a) for w, a in zip(weights, averages, strict=True))
    images = model.generate(2, steps=2, seed=0)
    # Sampling swaps the average in and back: the weights are as they were ...
    for variable, value in zip(model.trainable_weights, weights, strict=True):
        np.testing.assert_array_equal(variable.numpy(), value)
    # ... and the images are those of a model whose weights are the average.
    copy = kw.tasks.diffusion_model(train.x[:256], **SMALL)
    for variable, value in zip(copy.trainable_weights, averages, strict=True):
        variable.assign(value)
    np.testing.assert_array_equal(copy.generate(2, steps=2, seed=0), images)


def test_unconditional_model_learns_pixel_statistics_on_first_fit(digits):
    train, _ = digits
    model = kw.tasks.diffusion_model((8, 8, 1), **SMALL)
    with pytest.raises(ValueError, match="pixel statistics"):
        model.generate(2)
    model.fit(kw.data.pipeline(train, 64), epochs=1, verbose=0)  # labels are dropped
    history = model.fit(train.x[:128], validation_data=train.x[128:192], epochs=1, verbose=0)
    assert "val_loss" in history.history
    assert abs(model.pixel_mean[0] - train.x.mean()) < 1.0
    assert not model.conditional and model.generate(3, steps=2, seed=0).shape == (3, 8, 8, 1)


@pytest.fixture(scope="module")
def untrained(digits):
    train, _ = digits
    return (
        kw.tasks.diffusion_model(train.x[:64], 10, **SMALL),
        kw.tasks.diffusion_model(train.x[:64], **SMALL),
        train,
    )


@pytest.mark.parametrize(
    "images, message",
    [
        (np.zeros((4, 8, 8)), "channel axis"),
        (np.zeros((4, 16, 16, 1)), "Invalid images"),
        (np.full((4, 8, 8, 1), -1.0), r"\[0, 255\]"),
        (np.full((4, 8, 8, 1), 300.0), r"\[0, 255\]"),
        (np.full((4, 8, 8, 1), 0.5), "multiply them by 255"),
        (np.full((4, 8, 8, 1), "a"), "numbers"),
    ],
)
def test_bad_images_are_refused_before_a_step(untrained, images, message):
    conditional, unconditional, _ = untrained
    with pytest.raises(ValueError, match=message):
        conditional.fit(images, np.zeros(4, "int64"), verbose=0)
    with pytest.raises(ValueError, match=message):
        unconditional.fit(images, verbose=0)
    assert int(conditional.optimizer.iterations) == 0


def test_bad_labels_and_sampling_arguments_are_refused(untrained):
    conditional, unconditional, train = untrained
    x = train.x[:8]
    cases = [
        (lambda: conditional.fit(x, np.full(8, 10), verbose=0), r"\[0, 10\)"),
        (lambda: conditional.fit(x, np.full(8, -1), verbose=0), "labels"),
        (lambda: conditional.fit(x, verbose=0), "labels"),
        (
            lambda: conditional.fit(tf.data.Dataset.from_tensor_slices(x).batch(4), verbose=0),
            "images alone",
        ),
        (
            lambda: conditional.fit(
                tf.data.Dataset.from_tensor_slices((x, np.full(8, 12))).batch(4), verbose=0
            ),
            r"\[0, 10\)",
        ),
        (
            lambda: conditional.fit(
                tf.data.Dataset.from_tensor_slices(np.zeros((8, 4, 4, 1), "uint8")).batch(4),
                verbose=0,
            ),
            "Invalid images",
        ),
        (lambda: unconditional.fit(x, np.zeros(8, "int64"), verbose=0), "unconditional"),
        (lambda: conditional.generate(0), "num_images"),
        (lambda: conditional.generate(2, steps=0), "steps"),
        (lambda: conditional.generate(2, labels=10), r"\[0, 10\)"),
        (lambda: conditional.generate(2, labels=[1, 2, 3]), "shape"),
        (lambda: conditional.generate(2, labels="sandal"), "unknown class names"),
        (lambda: conditional.generate(2, guidance_scale=2.0), "pass `labels`"),
        (lambda: conditional.generate(2, labels=1, guidance_scale=-1.0), "guidance_scale"),
        (lambda: unconditional.generate(2, guidance_scale=2.0), "unconditional"),
        (lambda: unconditional.generate(2, labels=1), "unconditional"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
    assert int(conditional.optimizer.iterations) == 0


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"images": (28, 28), "widths": (8, 16, 32, 64)}, r"\(height, width, channels\)"),
        ({"images": (8, 8, 1), "num_classes": 1}, "num_classes"),
        ({"images": (8, 8, 1), "num_classes": 3, "label_dropout": 0.0}, "classifier-free"),
        ({"images": (8, 8, 1), "ema_momentum": 1.0}, "ema_momentum"),
        ({"images": (8, 8, 1), "guidance_scale": -2.0}, "guidance_scale"),
    ],
)
def test_builder_arguments_are_checked(arguments, message):
    with pytest.raises(ValueError, match=message):
        kw.tasks.diffusion_model(**arguments)


def test_an_interrupted_fit_resumes_from_its_last_epoch(digits, tmp_path):
    train, _ = digits
    x, y = train.x[:256], train.y[:256]

    def build():
        keras.utils.set_random_seed(0)
        return kw.tasks.diffusion_model(x, 10, **SMALL)

    model = build()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, batch_size=64, epochs=4, verbose=0,
                  callbacks=[*kw.training.default_callbacks(tmp_path, monitor="loss"),
                             StopAfter(1)])  # fmt: skip
    resumed = build()
    trained = []  # the epochs the resumed fit trains
    count = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: trained.append(epoch))
    history = resumed.fit(x, y, batch_size=64, epochs=4, verbose=0,
                          callbacks=[*kw.training.default_callbacks(tmp_path, monitor="loss"),
                                     count])  # fmt: skip
    assert trained == [2, 3] and int(resumed.optimizer.iterations) == 4 * 4
    assert history.epoch == [0, 1, 2, 3] and len(history.history["loss"]) == 4
    assert resumed.generate(2, steps=2, labels=[0, 1], seed=0).shape == (2, 8, 8, 1)


def test_any_image_size_is_padded_inside_the_unet_and_generated_at_that_size(tmp_path):
    # 10x14 with three levels (multiples of 4): the U-Net sees 12x16, the noise is cropped.
    images = np.random.default_rng(0).integers(0, 256, (64, 10, 14, 1), dtype="uint8")
    model = kw.tasks.diffusion_model(images, widths=(8, 16, 16), block_depth=1, attention=False)
    assert model.output_shape == (None, 10, 14, 1)
    losses = model.fit(images, batch_size=16, epochs=3, verbose=0).history["loss"]
    assert np.isfinite(losses).all()
    generated = model.generate(2, steps=3, seed=0)
    assert generated.shape == (2, 10, 14, 1) and generated.dtype == np.uint8
    model.save(tmp_path / "odd.keras")
    reloaded = keras.models.load_model(tmp_path / "odd.keras")
    np.testing.assert_array_equal(reloaded.generate(2, steps=3, seed=0), generated)
