import functools

import keras
import keras_hub
import numpy as np
import pytest

import keras_walk as kw

TINY = functools.partial(kw.tasks.backbones.basic_convnet, filters=(8, 16), convs_per_block=1)


@pytest.fixture(scope="module")
def digits():
    return kw.data.load("digits")


@pytest.mark.parametrize(
    "head, num_classes, shape", [("multiclass", 10, (None, 10)), ("multilabel", 4, (None, 4)),
                                 ("binary", 2, (None, 1)), ("multiclass_onehot", 3, (None, 3))]
)  # fmt: skip
def test_heads_and_shapes(head, num_classes, shape):
    model = kw.tasks.image_classifier((16, 16, 3), num_classes, backbone=TINY, head=head)
    assert model.output_shape == shape
    assert model.loss.name == kw.heads.get_head(head).loss().name
    assert model.layers[-1].activation.__name__ == kw.heads.get_head(head).activation


@pytest.mark.parametrize("backbone", ["basic_convnet", "small_resnet"])
def test_named_backbones(backbone):
    model = kw.tasks.image_classifier((16, 16, 1), 5, backbone=backbone)
    assert model.get_layer(backbone).output.shape[1:3] == ((4, 4) if backbone == "basic_convnet"
                                                           else (4, 4))  # fmt: skip
    assert model.predict(np.zeros((2, 16, 16, 1), "uint8"), verbose=0).shape == (2, 5)


def test_keras_applications_backbone_without_download():
    backbone = keras.applications.MobileNetV3Small(
        input_shape=(32, 32, 3), include_top=False, weights=None, include_preprocessing=False
    )
    model = kw.tasks.image_classifier((32, 32, 3), 3, backbone=backbone, rescale=1 / 255)
    assert model.predict(np.zeros((2, 32, 32, 3), "uint8"), verbose=0).shape == (2, 3)


def test_keras_hub_backbone_without_download(tmp_path):
    def resnet(input_shape):
        return keras_hub.models.ResNetBackbone(
            input_conv_filters=[64], input_conv_kernel_sizes=[3], stackwise_num_filters=[64, 32],
            stackwise_num_blocks=[1, 1], stackwise_num_strides=[1, 2], block_type="basic_block",
            use_pre_activation=False, image_shape=input_shape,
        )  # fmt: skip

    model = kw.tasks.image_classifier((16, 16, 3), 4, backbone=resnet)
    x = np.random.default_rng(0).integers(0, 255, (3, 16, 16, 3)).astype("uint8")
    model.fit(x, np.array([0, 1, 3]), epochs=1, verbose=0)  # builds the optimizer state too
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "hub.keras")
    np.testing.assert_allclose(
        keras.models.load_model(tmp_path / "hub.keras").predict(x, verbose=0), before, atol=1e-6
    )


def test_save_load_round_trip_with_compile_state(tmp_path, digits):
    train, test = digits
    schedule = keras.optimizers.schedules.CosineDecay(
        1e-3, 100, warmup_target=3e-3, warmup_steps=10
    )
    model = kw.tasks.image_classifier((8, 8, 1), 10, backbone=TINY, augment="flip",
                                      learning_rate=schedule, seed=0)  # fmt: skip
    model.fit(train.x[:256], train.y[:256], epochs=1, batch_size=64, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(test.x, verbose=0), model.predict(test.x, verbose=0), atol=1e-6
    )
    # The compile state came back: optimizer with its schedule and step, loss, metrics.
    assert isinstance(loaded.optimizer, keras.optimizers.AdamW)
    assert (
        loaded.optimizer.get_config()["learning_rate"]
        == model.optimizer.get_config()["learning_rate"]
    )
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) == 4
    assert loaded.loss.name == "sparse_categorical_crossentropy"
    assert loaded.evaluate(test.x, test.y, verbose=0, return_dict=True).keys() == {
        "loss",
        "accuracy",
    }
    np.testing.assert_allclose(loaded.evaluate(test.x, test.y, verbose=0),
                               model.evaluate(test.x, test.y, verbose=0), rtol=1e-5)  # fmt: skip
    loaded.fit(train.x[:64], train.y[:64], epochs=1, verbose=0)  # training continues
    assert int(loaded.optimizer.iterations) == 6


def test_learns_digits(digits):
    train, test = digits
    model = kw.tasks.image_classifier((8, 8, 1), 10, learning_rate=3e-3, seed=0)
    model.fit(kw.data.pipeline(train, 64, shuffle=True, seed=0), epochs=12, verbose=0)
    assert model.evaluate(test.x, test.y, verbose=0)[1] > 0.88


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_classes": 1}, "needs at least 2 classes. Received: num_classes=1"),
        ({"num_classes": 0}, "Received: num_classes=0"),
        ({"input_shape": (28, 28)}, r"Expected \(height, width, channels\), 3 positive integers. Received: input_shape=\(28, 28\)"),
        ({"backbone": "resnet9000"}, r"Expected one of \['basic_convnet', 'efficientnet_lite0', 'small_resnet'\].*resnet9000"),
        ({"head": "regression"}, "for images. Received: head='regression'"),
        ({"pooling": "median"}, "Received: pooling='median'"),
        ({"optimizer": "adagrad2"}, "Received: optimizer='adagrad2'"),
        ({"dropout": 1.0}, r"Expected a float in \[0, 1\)"),
        ({"augment": "rotate"}, "Received: augment='rotate'"),
        ({"strategy": "gpu_cluster"}, "Received: strategy='gpu_cluster'"),
        ({"backbone": lambda shape: "not a model"}, "must return a keras.Model"),
    ],
)  # fmt: skip
def test_bad_arguments(kwargs, message):
    arguments = {"num_classes": 10, "input_shape": (28, 28, 1), "backbone": TINY, **kwargs}
    with pytest.raises(ValueError, match=message):
        kw.tasks.image_classifier(**arguments)


def test_backbone_channel_mismatch():
    rgb = kw.tasks.backbones.basic_convnet((16, 16, 3), filters=(4,))
    with pytest.raises(ValueError, match="expects 3 channels, the images have 1"):
        kw.tasks.image_classifier((16, 16, 1), 10, backbone=rgb)
