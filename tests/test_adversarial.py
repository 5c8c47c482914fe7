"""FGSM and adversarial training (keras_walk/adversarial.py)."""

import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.adversarial import accuracy_under_attack, adversarial_fit, fgsm


def _brightness_model():
    """Class 0's logit is the mean pixel / 255, class 1's is 0: bright images are class 0."""
    inputs = keras.Input((4, 4, 1))
    head = keras.layers.Dense(2, activation="softmax")
    model = keras.Model(inputs, head(keras.layers.Flatten()(inputs)), name="brightness")
    kernel = np.zeros((16, 2))
    kernel[:, 0] = 1 / (16 * 255)
    head.set_weights([kernel, np.zeros(2)])
    return model


def test_fgsm_moves_every_pixel_against_the_true_class():
    model = _brightness_model()
    x = np.full((2, 4, 4, 1), 100.0, "float32")
    x[1, 0, 0] = 10  # near the bottom of the range: clipped at 0
    attacked = fgsm(model, x, np.array([0, 1]), 0.1)
    # Image 0 is class 0 (bright): the attack darkens it; image 1 is class 1: brightens.
    np.testing.assert_allclose(attacked[0], 100 - 25.5)
    assert attacked[1, 0, 0, 0] == pytest.approx(10 + 25.5)
    np.testing.assert_allclose(attacked[1, 1:, :, 0], 125.5)
    dark = fgsm(model, np.full((1, 4, 4, 1), 10.0), np.array([0]), 0.1)
    np.testing.assert_allclose(dark, 0)  # clipped to the value range
    np.testing.assert_allclose(fgsm(model, x, np.array([0, 1]), 0.0), x)


@pytest.fixture(scope="module")
def trained():
    (train,) = kw.data.load("fashion_mnist", splits=("train[:3000]",))
    keras.utils.set_random_seed(0)
    model = kw.tasks.image_classifier(
        (28, 28, 1), 10, backbone=lambda shape: kw.tasks.backbones.basic_convnet(shape, (8, 16))
    )
    model.fit(train.x, train.y, batch_size=128, epochs=3, verbose=0)
    return model, train


def test_small_attacks_cost_accuracy_and_adversarial_training_trains_the_task(trained, tmp_path):
    model, train = trained
    x, y = train.x[:500], train.y[:500]
    scores = accuracy_under_attack(model, x, y, (0.0, 0.05, 0.1))
    clean = float(np.mean(model.predict(x, verbose=0).argmax(-1) == y))
    assert scores[0.0] == pytest.approx(clean)
    assert scores[0.1] < scores[0.05] < scores[0.0] - 0.1, scores
    before = [w.copy() for w in model.get_weights()]
    steps = int(model.optimizer.iterations)
    history = adversarial_fit(model, x, y, epsilon=0.1, epochs=5, batch_size=50, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert int(model.optimizer.iterations) == steps + 50  # the task's own optimizer stepped
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    model.save(tmp_path / "robust.keras")  # still a plain Task
    reloaded = keras.models.load_model(tmp_path / "robust.keras")
    np.testing.assert_allclose(
        reloaded.predict(x[:8], verbose=0), model.predict(x[:8], verbose=0), atol=1e-5
    )


def test_bad_arguments_are_refused_before_any_work(trained):
    model, train = trained
    x, y = train.x[:4], train.y[:4]
    with pytest.raises(
        ValueError, match=r"`epsilon`. Expected a share of the value range in \[0, 1\]"
    ):
        fgsm(model, x, y, 1.5)
    with pytest.raises(ValueError, match="`adversarial_weight`. Expected a float in"):
        adversarial_fit(model, x, y, adversarial_weight=2)
    with pytest.raises(
        ValueError, match=r"expected a non-empty batch of images of shape \(28, 28, 1\)"
    ):
        fgsm(model, x[:, :20], y, 0.1)
    with pytest.raises(ValueError, match="one label each"):
        accuracy_under_attack(model, x, y[:3])
    with pytest.raises(kw.heads.LabelError):
        fgsm(model, x, np.full(4, 12), 0.1)
