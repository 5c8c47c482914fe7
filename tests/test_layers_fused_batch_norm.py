"""`FusedBatchNormalization` must be Keras's `BatchNormalization`, only faster."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_walk.layers import FusedBatchNormalization

RNG = np.random.default_rng(0)
X = (RNG.normal(size=(6, 5, 4, 3)) * 3 + 2).astype("float32")


def pair(**kwargs):
    fused, plain = FusedBatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs)
    for layer in (fused, plain):
        layer.build(X.shape)
    for source, target in zip(plain.weights, fused.weights, strict=True):
        source.assign(RNG.normal(size=source.shape).astype("float32") ** 2 + 0.5)
        target.assign(source)
    return fused, plain


@pytest.mark.parametrize("kwargs", [{}, {"center": False}, {"scale": False, "momentum": 0.5}])
def test_training_step_matches_keras_outputs_gradients_and_moving_statistics(kwargs):
    fused, plain = pair(**kwargs)
    results = []
    for layer in (fused, plain):
        x = tf.constant(X)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(y * tf.sin(x))  # any non-trivial upstream gradient
        grads = tape.gradient(loss, [x, *layer.trainable_variables])
        results.append((y, grads, [w.numpy() for w in layer.non_trainable_weights]))
    (y_fused, g_fused, stats_fused), (y_plain, g_plain, stats_plain) = results
    np.testing.assert_allclose(y_fused, y_plain, atol=1e-4)
    for a, b in zip(g_fused, g_plain, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-3)
    for a, b in zip(stats_fused, stats_plain, strict=True):  # biased variance, as Keras's
        np.testing.assert_allclose(a, b, rtol=1e-5)
    assert not np.allclose(stats_fused[1], stats_fused[1] * 0 + 1)  # they did move


def test_inference_uses_moving_statistics_like_keras():
    fused, plain = pair()
    np.testing.assert_allclose(fused(X, training=False), plain(X, training=False), atol=1e-4)
    fused.trainable = False  # frozen: inference mode even when training, as in Keras
    before = fused.moving_mean.numpy()
    np.testing.assert_allclose(fused(X, training=True), plain(X, training=False), atol=1e-4)
    np.testing.assert_array_equal(fused.moving_mean.numpy(), before)


def test_bfloat16_stays_bfloat16_and_close_to_float32():
    fused, plain = pair(dtype="mixed_bfloat16")
    y = fused(X, training=True)
    assert y.dtype == tf.bfloat16
    np.testing.assert_allclose(
        tf.cast(y, "float32"), tf.cast(plain(X, training=True), "float32"), atol=0.05
    )
    assert fused.moving_mean.dtype == "float32"


@pytest.mark.parametrize("shape", [(120, 3), (6, 20, 3), (1, 1, 1, 3)])
def test_dense_and_sequence_features_match_keras_too(shape):
    x = X.reshape(-1)[: int(np.prod(shape))].reshape(shape)
    fused, plain = pair_built(shape)
    for training in (True, False):
        np.testing.assert_allclose(
            fused(x, training=training), plain(x, training=training), atol=1e-4
        )
    np.testing.assert_allclose(fused.moving_variance, plain.moving_variance, rtol=1e-5)


def test_masks_other_axes_and_ranks_fall_back_to_keras():
    seq, mask = X.reshape(6, 20, 3), np.arange(120).reshape(6, 20) % 3 > 0
    outputs = [layer(seq, training=True, mask=mask) for layer in pair_built(seq.shape)]
    np.testing.assert_allclose(*outputs, atol=1e-5)
    for axis, x in ((1, X), (-1, X.reshape(6, 5, 2, 2, 3))):
        layers = [
            cls(axis=axis) for cls in (FusedBatchNormalization, keras.layers.BatchNormalization)
        ]
        np.testing.assert_allclose(*[layer(x, training=True) for layer in layers], atol=1e-5)


def pair_built(shape):
    layers = FusedBatchNormalization(), keras.layers.BatchNormalization()
    for layer in layers:
        layer.build(shape)
    return layers


def test_saves_and_reloads_in_a_model(tmp_path):
    inputs = keras.Input((5, 4, 3))
    model = keras.Model(inputs, FusedBatchNormalization(name="bn")(inputs))
    model.compile("sgd", "mse")
    model.fit(X, X, epochs=1, verbose=0)  # moves the statistics
    model.save(tmp_path / "m.keras")
    restored = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(restored.get_layer("bn"), FusedBatchNormalization)
    np.testing.assert_array_equal(restored.predict(X, verbose=0), model.predict(X, verbose=0))


def fused_ops(layer, x, **kwargs):
    graph = tf.function(lambda x: layer(x, training=True, **kwargs)).get_concrete_function(x).graph
    return [op.type for op in graph.get_operations() if op.type.startswith("FusedBatchNorm")]


def test_the_fused_kernel_is_what_runs_and_fallbacks_do_not_use_it():
    for shape in ((120, 3), (6, 20, 3), X.shape):
        x = tf.constant(X.reshape(shape))
        assert fused_ops(pair_built(shape)[0], x) == ["FusedBatchNormV3"]
    seq = tf.constant(X.reshape(6, 20, 3))
    assert fused_ops(pair_built(seq.shape)[0], seq, mask=tf.ones((6, 20), bool)) == []
    assert fused_ops(FusedBatchNormalization(axis=1), tf.constant(X)) == []
