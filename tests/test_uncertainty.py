"""MC dropout and deep ensembles (keras_walk/uncertainty.py) on small models whose
outputs are known."""

import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.uncertainty import predict_with_uncertainty


def _constant(probabilities, name):
    """A model that answers `probabilities` whatever its 3 inputs are."""
    inputs = keras.Input((3,))
    head = keras.layers.Dense(len(probabilities), activation="softmax", kernel_initializer="zeros")
    model = keras.Model(inputs, head(inputs), name=name)
    head.bias.assign(np.log(probabilities))
    return model


def test_ensemble_measures_match_a_hand_computed_case():
    sure_a, sure_b = _constant([0.9, 0.1], "a"), _constant([0.1, 0.9], "b")
    x = np.zeros((4, 3), "float32")
    result = predict_with_uncertainty([sure_a, sure_b], x)
    assert result["method"] == "ensemble"
    np.testing.assert_allclose(result["probabilities"], 0.5, atol=1e-6)
    np.testing.assert_allclose(result["max_probability"], 0.5, atol=1e-6)
    np.testing.assert_allclose(result["entropy"], np.log(2), atol=1e-6)
    member_entropy = -(0.9 * np.log(0.9) + 0.1 * np.log(0.1))
    np.testing.assert_allclose(result["mutual_information"], np.log(2) - member_entropy, atol=1e-6)
    np.testing.assert_allclose(result["std"], 0.4, atol=1e-6)
    # Members that agree: no disagreement, whatever their own doubt.
    agree = predict_with_uncertainty([sure_a, _constant([0.9, 0.1], "c")], x)
    np.testing.assert_allclose(agree["mutual_information"], 0, atol=1e-6)


class _Spy(keras.layers.Layer):
    """Records the `training` flag it is called with."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, inputs, training=None):
        self.seen.append(training)
        return inputs


def test_mc_dropout_samples_only_the_dropout_layers():
    inputs = keras.Input((16,))
    spy = _Spy()
    x = keras.layers.Dropout(0.5)(spy(keras.layers.Dense(16, activation="relu")(inputs)))
    model = keras.Model(inputs, keras.layers.Dense(4, activation="softmax")(x))
    data = np.random.default_rng(0).normal(size=(32, 16)).astype("float32")
    result = predict_with_uncertainty(model, data, samples=10)
    assert result["method"] == "mc_dropout" and result["probabilities"].shape == (32, 4)
    assert result["std"].max() > 0.01 and result["mutual_information"].mean() > 0
    assert spy.seen and not any(spy.seen)  # every other layer ran in inference mode
    # Afterwards dropout is off again: two plain calls agree.
    np.testing.assert_array_equal(np.asarray(model(data)), np.asarray(model(data)))
    # Many passes average out to about the plain prediction (dropout is unbiased on
    # average; the softmax bends it a little).
    many = predict_with_uncertainty(model, data, samples=200)
    assert np.abs(many["probabilities"] - np.asarray(model(data))).mean() < 0.05


def test_a_sigmoid_output_reads_as_two_classes():
    model = kw.tasks.binary_classifier(3, hidden_units=(8,), dropout=0.3)
    result = predict_with_uncertainty(model, np.zeros((5, 3), "float32"), samples=4)
    assert result["probabilities"].shape == (5, 2)
    np.testing.assert_allclose(result["probabilities"].sum(-1), 1, atol=1e-6)


def test_models_that_cannot_be_sampled_are_refused():
    no_dropout = _constant([0.5, 0.5], "plain")
    with pytest.raises(ValueError, match="'plain' has no Dropout layer"):
        predict_with_uncertainty(no_dropout, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="at least 2 models"):
        predict_with_uncertainty([no_dropout], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="outputs of one shape"):
        predict_with_uncertainty(
            [no_dropout, _constant([0.2, 0.3, 0.5], "three")], np.zeros((2, 3))
        )
    model = kw.tasks.image_classifier((8, 8, 1), 3, dropout=0.5)
    with pytest.raises(ValueError, match="`samples`. Expected an integer >= 2"):
        predict_with_uncertainty(model, np.zeros((2, 8, 8, 1)), samples=1)
