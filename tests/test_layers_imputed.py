import keras
import numpy as np
import pytest

from keras_walk.layers import ImputedNormalization


def test_adapt_learns_median_and_standardizes():
    layer = ImputedNormalization()
    layer.adapt(np.array([[1.0], [2.0], [np.nan], [10.0]]))
    assert layer.median == 2.0
    out = np.asarray(layer(np.array([[np.nan], [2.0]])))
    assert np.allclose(out[:, 1], [1.0, 0.0])  # the missing flag
    assert out[0, 0] == out[1, 0]  # a hole is treated as the median


def test_config_round_trip_and_errors():
    layer = ImputedNormalization()
    layer.adapt(np.array([1.0, 3.0]))
    clone = ImputedNormalization.from_config(layer.get_config())
    x = np.array([[np.nan], [5.0]], "float32")
    np.testing.assert_allclose(np.asarray(clone(x)), np.asarray(layer(x)))
    assert (
        keras.saving.get_registered_name(ImputedNormalization) == "keras_walk>ImputedNormalization"
    )
    with pytest.raises(ValueError, match="every value is missing"):
        ImputedNormalization().adapt(np.array([np.nan, np.nan]))
    with pytest.raises(ValueError, match="must be adapted"):
        ImputedNormalization()(x)
