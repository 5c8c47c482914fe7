"""SimCLR pretraining (keras_walk/tasks/contrastive_pretrainer.py) on real Fashion-MNIST."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_walk as kw

SMALL = {"backbone": lambda shape: kw.tasks.backbones.basic_convnet(shape, (16, 32)),
         "projection_dim": 32, "projection_units": 64, "learning_rate": 2e-3}  # fmt: skip


@pytest.fixture(scope="module")
def fashion():
    return kw.data.load("fashion_mnist", splits=("train[:4000]", "test[:1000]"))


@pytest.fixture(scope="module")
def pretrained(fashion):
    train, _ = fashion
    keras.utils.set_random_seed(0)
    model = kw.tasks.contrastive_pretrainer((28, 28, 1), seed=0, **SMALL)
    history = model.fit(train.x, batch_size=128, epochs=10, verbose=0).history
    return model, history


@pytest.mark.slow
def test_pretraining_learns_features_that_separate_classes(pretrained, fashion):
    model, history = pretrained
    train, test = fashion
    assert history["loss"][-1] < 0.7 * history["loss"][0], history["loss"]
    # kNN on the encoder's features, with labels it never saw in training, beats the same
    # encoder at its random initialization (itself a fair kNN feature: about 0.72 here).
    from sklearn.neighbors import KNeighborsClassifier

    def knn(encoder_model):
        knn = KNeighborsClassifier(10, metric="cosine").fit(encoder_model.encode(train.x), train.y)
        return np.mean(knn.predict(encoder_model.encode(test.x)) == test.y)

    keras.utils.set_random_seed(0)
    untrained = kw.tasks.contrastive_pretrainer((28, 28, 1), seed=0, **SMALL)
    assert knn(model) > knn(untrained) + 0.02


def test_views_differ_so_the_task_is_not_trivial(pretrained, fashion):
    model, _ = pretrained
    train, _ = fashion
    logits = model(train.x[:16].astype("float32"), training=True).numpy()[:, 0]
    scale = float(model.get_layer("contrastive_logits").scale)
    # Identical views would put every diagonal entry at the maximum similarity, 1 x scale.
    assert np.diagonal(logits).mean() < 0.99 * scale


def test_to_classifier_fine_tunes_or_probes_a_copy(pretrained, fashion):
    model, _ = pretrained
    train, test = fashion
    before = [w.copy() for w in model.encoder.get_weights()]
    probe = model.to_classifier(10, freeze_encoder=True, learning_rate=1e-2, dropout=0.0)
    probe.fit(train.x[:2000], train.y[:2000], batch_size=64, epochs=8, verbose=0)
    frozen = probe.get_layer("encoder")
    assert not frozen.trainable
    for a, b in zip(frozen.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)
    assert np.mean(probe.predict_labels(test.x) == test.y) > 0.6
    tuned = model.to_classifier(10, learning_rate=3e-4)
    tuned.fit(train.x[:256], train.y[:256], batch_size=64, epochs=1, verbose=0)
    assert any(not np.allclose(a, b) for a, b in
               zip(tuned.get_layer("encoder").get_weights(), before, strict=True))  # fmt: skip
    for a, b in zip(model.encoder.get_weights(), before, strict=True):  # the original is intact
        np.testing.assert_array_equal(a, b)


def test_round_trip_and_dataset_input(pretrained, fashion, tmp_path):
    model, _ = pretrained
    train, _ = fashion
    model.save(tmp_path / "simclr.keras")
    reloaded = keras.models.load_model(tmp_path / "simclr.keras")
    assert isinstance(reloaded, kw.tasks.ContrastivePretrainer)
    np.testing.assert_allclose(reloaded.encode(train.x[:8]), model.encode(train.x[:8]), atol=1e-5)
    steps = int(reloaded.optimizer.iterations)
    reloaded.fit(tf.data.Dataset.from_tensor_slices(train.x[:256]).batch(64), epochs=1, verbose=0)
    assert int(reloaded.optimizer.iterations) == steps + 4


def test_bad_input(fashion):
    train, _ = fashion
    with pytest.raises(ValueError, match="needs random views"):
        kw.tasks.contrastive_pretrainer((28, 28, 1), augment=None)
    model = kw.tasks.contrastive_pretrainer((28, 28, 1), **SMALL)
    with pytest.raises(ValueError, match="Invalid batch size 1 for a contrastive loss"):
        model.fit(train.x[:8], batch_size=1)
    # An embedder's `predict` is its `encode`: the graph's logits are a training signal.
    np.testing.assert_array_equal(model.predict(train.x[:2]), model.encode(train.x[:2]))
    with pytest.raises(ValueError, match="expected pixel values in \\[0, 255\\]"):
        model.fit(train.x[:8] / 255.0)


def test_mixed_bfloat16_keeps_the_projection_head_and_logits_in_float32(fashion):
    train, _ = fashion
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = kw.tasks.contrastive_pretrainer(
            (28, 28, 1), backbone=lambda shape: kw.tasks.backbones.basic_convnet(shape, (8,)),
            seed=0,
        )  # fmt: skip
    finally:
        keras.mixed_precision.set_global_policy("float32")
    dtypes = {layer.name: layer.compute_dtype for layer in model._flatten_layers()}
    assert dtypes["block1_conv1"] == "bfloat16"  # the encoder gets the speed
    for name in ("hidden", "projection", "normalize", "contrastive_logits"):
        assert dtypes[name] == "float32", name
    assert model(train.x[:4]).dtype == "float32"
    assert model.encode(train.x[:4]).dtype == np.float32  # scikit-learn refuses bfloat16
    history = model.fit(train.x[:256], batch_size=64, epochs=1, verbose=0).history
    assert np.isfinite(history["loss"][0])
