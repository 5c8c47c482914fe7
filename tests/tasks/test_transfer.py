"""Transfer learning (keras_walk/tasks/transfer.py): `transfer` copies a trained backbone
under a new head, `fine_tune` trains the head with the backbone frozen, then all of it."""

import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.tasks import backbone_of, fine_tune, transfer


@pytest.fixture(scope="module")
def pretrained():
    """A small ResNet (with batch normalization) trained an epoch on 1,000 Fashion-MNIST
    images."""
    (train,) = kw.data.load("fashion_mnist", splits=("train[:1000]",))
    keras.utils.set_random_seed(0)
    model = kw.tasks.image_classifier((28, 28, 1), 10, backbone="small_resnet", dropout=0.0)
    model.fit(train.x, train.y, batch_size=128, epochs=1, verbose=0)
    return model


def test_transfer_copies_the_backbone_and_leaves_the_source_alone(pretrained):
    digits = kw.data.load("digits", splits=("train[:64]",))[0]
    target = transfer(pretrained, 10, input_shape=(8, 8, 1), class_names=list("0123456789"))
    source, copy = backbone_of(pretrained), backbone_of(target)
    assert copy is not source and copy.input_shape == (None, 28, 28, 1)
    for a, b in zip(source.get_weights(), copy.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    # 8x8 digits are resized inside the model to what the backbone learned on.
    assert target.get_layer("resize").output.shape[1:3] == (28, 28)
    before = [w.copy() for w in source.get_weights()]
    history = fine_tune(target, digits.x, digits.y, head_epochs=1, fine_tune_epochs=1, verbose=0)
    assert history["phase"] == ["head", "fine_tune"] and len(history["loss"]) == 2
    for a, b in zip(before, source.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # the pretrained model is untouched


def test_head_phase_freezes_the_backbone_then_fine_tuning_moves_it(pretrained):
    (digits,) = kw.data.load("digits", splits=("train[:256]",))
    target = transfer(pretrained, 10, input_shape=(8, 8, 1))
    backbone = backbone_of(target)
    start = [w.copy() for w in backbone.get_weights()]
    fine_tune(target, digits.x, digits.y, head_epochs=2, fine_tune_epochs=0, verbose=0)
    for a, b in zip(start, backbone.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # frozen: kernels and BN statistics alike
    history = fine_tune(
        target, digits.x, digits.y, head_epochs=0, fine_tune_epochs=2, batch_size=32, verbose=0
    )
    moved = [not np.array_equal(a, b) for a, b in zip(start, backbone.get_weights(), strict=True)]
    assert any(moved)
    # Batch normalization stays frozen while the rest fine-tunes.
    for layer in backbone.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            assert not layer.trainable
    assert history["phase"] == ["fine_tune"] * 2
    # Only the last layers: the first convolution stays as it was.
    target = transfer(pretrained, 10, input_shape=(8, 8, 1))
    backbone = backbone_of(target)
    first = next(layer for layer in backbone.layers if isinstance(layer, keras.layers.Conv2D))
    kernel = first.kernel.numpy().copy()
    fine_tune(target, digits.x, digits.y, head_epochs=0, fine_tune_epochs=1, unfreeze=2, verbose=0)
    np.testing.assert_array_equal(kernel, first.kernel.numpy())


def test_interrupted_fine_tune_resumes_without_repeating_the_head_phase(pretrained, tmp_path):
    (digits,) = kw.data.load("digits", splits=("train[:128]",))
    target = transfer(pretrained, 10, input_shape=(8, 8, 1))

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 2:  # the fine-tuning phase's first epoch (epochs 0-1: the head's)
                raise KeyboardInterrupt

    def callbacks(phase):
        return [Interrupt()] if phase == "fine_tune" else []

    with pytest.raises(KeyboardInterrupt):
        fine_tune(target, digits.x, digits.y, head_epochs=2, fine_tune_epochs=2,
                  callbacks=callbacks, backup_dir=tmp_path / "backup", verbose=0)  # fmt: skip
    # The finished head phase kept its last backup; the fine-tuning phase backed up epoch 2.
    assert (tmp_path / "backup" / "head" / "epoch-00002").is_dir()
    assert (tmp_path / "backup" / "fine_tune" / "epoch-00003").is_dir()
    trained = []  # the epochs the second call trains
    count = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: trained.append(epoch))
    history = fine_tune(
        target, digits.x, digits.y, head_epochs=2, fine_tune_epochs=2, callbacks=[count],
        backup_dir=tmp_path / "backup", verbose=0,
    )  # fmt: skip
    assert trained == [3]  # the head phase was done, and epoch 2 was backed up
    # The whole history, the restored epochs' logs included.
    assert history["phase"] == ["head", "head", "fine_tune", "fine_tune"]
    assert len(history["loss"]) == 4
    assert not (tmp_path / "backup").exists()


def test_bad_arguments_fail_before_any_training(pretrained):
    x, y = np.zeros((4, 28, 28, 1), "uint8"), np.zeros(4, "int64")
    inputs = keras.Input((28, 28, 1))
    flat = kw.tasks.SupervisedTask(
        inputs, keras.layers.Dense(3)(keras.layers.Flatten()(inputs)), name="flat",
        head="multiclass", num_classes=3,
    )  # fmt: skip
    with pytest.raises(ValueError, match="'flat' has no backbone to freeze or transfer"):
        fine_tune(flat, x, y)
    with pytest.raises(ValueError, match="has no backbone"):
        transfer(flat, 3)
    target = transfer(pretrained, 3)
    steps = int(target.optimizer.iterations)
    schedule = kw.training.warmup_cosine(1e-3, 10)
    for arguments, message in (
        ({"head_epochs": -1}, "`head_epochs`. Expected an integer >= 0"),
        ({"learning_rate": 0.0}, "`learning_rate`. Expected a positive float"),
        ({"unfreeze": 0}, "`unfreeze`. Expected None"),
        ({"unfreeze": 10_000}, "`unfreeze`. Expected None"),
    ):
        with pytest.raises(ValueError, match=message):
            fine_tune(target, x, y, **arguments)
    assert int(target.optimizer.iterations) == steps
    # A schedule alone is enough when there is no fine-tuning phase to divide it for.
    fine_tune(target, x, y, head_epochs=1, fine_tune_epochs=0, learning_rate=schedule, verbose=0)
    with pytest.raises(ValueError, match=r"need \(height, width, 1\)"):
        transfer(pretrained, 3, input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="`resize_to`. Expected"):
        kw.tasks.image_classifier((8, 8, 1), 3, resize_to=(28,))


def test_linear_probe_makes_the_head_the_fitted_logistic_regression():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (90, 8, 8, 1)).astype("uint8")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > 127).astype(int) + 2 * (
        x[:, 4:].mean(axis=(1, 2, 3)) > 127
    )
    task = kw.tasks.image_classifier((8, 8, 1), 4, head="multiclass", seed=0)
    before = kw.tasks.backbone_of(task).get_weights()
    chosen = kw.tasks.linear_probe(task, x, y, regularization=(0.1, 1.0))
    assert chosen in (0.1, 1.0)
    features = keras.Model(task.inputs, task.get_layer("pool").output).predict(x, verbose=0)
    regression = LogisticRegression(C=chosen, max_iter=3000).fit(features.astype("float64"), y)
    np.testing.assert_allclose(
        task.predict(x, verbose=0), regression.predict_proba(features), atol=2e-3
    )
    for kept, now in zip(before, kw.tasks.backbone_of(task).get_weights(), strict=True):
        np.testing.assert_array_equal(kept, now)  # the backbone is not touched


def test_linear_probe_reads_an_encoder_that_pools_itself():
    """A SimCLR classifier's encoder ends in its own pooling (no `pool` layer in the
    classifier): the probe reads what the head reads, and then predicts what the
    regression on the encoder's features predicts."""
    from sklearn.linear_model import LogisticRegression

    from keras_walk.tasks.backbones import basic_convnet

    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (60, 8, 8, 1)).astype("uint8")
    y = (x[:, :4].mean(axis=(1, 2, 3)) > 127).astype(int)
    pretrainer = kw.tasks.contrastive_pretrainer(
        (8, 8, 1), backbone=lambda s: basic_convnet(s, (4, 8)), projection_dim=4, seed=0
    )
    task = pretrainer.to_classifier(2, head="multiclass", seed=0)
    chosen = kw.tasks.linear_probe(task, x, y, regularization=(1.0,))
    features = pretrainer.encode(x)
    regression = LogisticRegression(C=chosen, max_iter=3000).fit(features.astype("float64"), y)
    np.testing.assert_allclose(
        task.predict(x, verbose=0), regression.predict_proba(features), atol=2e-3
    )


def test_linear_probe_refuses_other_heads_and_missing_classes():
    x = np.zeros((12, 8, 8, 1), "uint8")
    with pytest.raises(ValueError, match="head='binary'"):
        kw.tasks.linear_probe(kw.tasks.image_classifier((8, 8, 1), 2), x, np.arange(12) % 2)
    with pytest.raises(ValueError, match=r"every class 0..3 needs at least one example"):
        kw.tasks.linear_probe(kw.tasks.image_classifier((8, 8, 1), 4), x, np.arange(12) % 3)
