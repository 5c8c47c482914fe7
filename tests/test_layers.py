import keras
import numpy as np

from keras_walk import layers


def test_conv_block_shapes_and_batch_norm():
    inputs = keras.Input((8, 8, 2))
    model = keras.Model(inputs, layers.conv_block(inputs, 4, convs=2, name="b"))
    assert model.output_shape == (None, 8, 8, 4)
    assert [type(layer).__name__ for layer in model.layers[1:]] == [
        "Conv2D", "FusedBatchNormalization", "ReLU", "Conv2D", "FusedBatchNormalization", "ReLU"
    ]  # fmt: skip
    valid = layers.conv_block(inputs, 4, convs=1, batch_norm=False, padding="valid", name="v")
    assert tuple(valid.shape) == (None, 6, 6, 4)


def test_residual_block_starts_as_identity_plus_shortcut():
    inputs = keras.Input((8, 8, 4))
    model = keras.Model(inputs, layers.residual_block(inputs, 4, name="r"))
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 4)).astype("float32")
    # Zero-initialised last gamma: the residual branch adds nothing at first.
    np.testing.assert_allclose(model.predict(x, verbose=0), np.maximum(x, 0), atol=1e-5)
    down = layers.residual_block(inputs, 8, stride=2, name="d")
    assert tuple(down.shape) == (None, 4, 4, 8)
