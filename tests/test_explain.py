"""Grad-CAM, filters and activations (keras_walk/explain.py) on a small Fashion-MNIST
convnet and on hand-built models whose answer is known."""

import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.explain import feature_map_layer, first_layer_filters, grad_cam, layer_activations


def _two_channel_model():
    """A fixed model whose answer is known: an identity 1x1 convolution keeps the two
    channels; class 0's logit is the sum of channel 0, class 1's the sum of channel 1."""
    inputs = keras.Input((8, 8, 2))
    copy = keras.layers.Conv2D(2, 1, use_bias=False, name="copy")
    head = keras.layers.Dense(2, activation="softmax", name="head")
    outputs = head(keras.layers.Flatten()(copy(inputs)))
    copy.set_weights([np.eye(2).reshape(1, 1, 2, 2)])
    reads = np.zeros((8, 8, 2, 2))
    reads[..., 0, 0] = reads[..., 1, 1] = 1
    head.set_weights([reads.reshape(128, 2), np.zeros(2)])
    return keras.Model(inputs, outputs)


def test_grad_cam_weights_the_channels_that_carry_the_class():
    model = _two_channel_model()
    # Channel 0 lit in the top-left quadrant, channel 1 in the bottom-right one.
    image = np.zeros((1, 8, 8, 2), "float32")
    image[0, :4, :4, 0] = 1
    image[0, 4:, 4:, 1] = 2
    for class_index, lit, dark in (
        (0, np.s_[:4, :4], np.s_[4:, 4:]),
        (1, np.s_[4:, 4:], np.s_[:4, :4]),
    ):
        heatmap = grad_cam(model, image, class_index)[0]
        assert heatmap.shape == (8, 8) and heatmap.max() == pytest.approx(1.0)
        assert heatmap[lit].mean() > 0.8 and heatmap[dark].mean() < 0.05, heatmap.round(2)
    # By default each image's predicted class: channel 1 is brighter -> class 1's map.
    assert grad_cam(model, image)[0][4:, 4:].mean() > 0.8


@pytest.fixture(scope="module")
def classifier():
    (train,) = kw.data.load("fashion_mnist", splits=("train[:3000]",))
    keras.utils.set_random_seed(0)
    model = kw.tasks.image_classifier((28, 28, 1), 10, class_names=kw.data.dataset_info(
        "fashion_mnist").class_names)  # fmt: skip
    model.fit(train.x, train.y, batch_size=128, epochs=2, verbose=0)
    return model, train


def test_grad_cam_on_a_trained_task_stays_on_the_item(classifier, tmp_path):
    model, train = classifier
    assert feature_map_layer(model).name == "basic_convnet"
    heatmaps = grad_cam(model, train.x[:32])
    assert heatmaps.shape == (32, 28, 28) and 0 <= heatmaps.min() and heatmaps.max() <= 1
    # The evidence lies on the garment more than on the black background around it.
    on_item = train.x[:32, ..., 0] > 0
    density_on, density_off = heatmaps[on_item].mean(), heatmaps[~on_item].mean()
    assert density_on > 1.3 * density_off, (density_on, density_off)
    kw.plots.plot_grad_cam(train.x[:6], heatmaps[:6], tmp_path / "cam.png",
                              titles=model.predict_labels(train.x[:6]))  # fmt: skip
    assert (tmp_path / "cam.png").read_bytes()[:4] == b"\x89PNG"


def test_filters_and_activations_of_a_nested_backbone(classifier):
    model, train = classifier
    kernels = first_layer_filters(model)
    assert kernels.shape == (32, 3, 3, 1)
    backbone = kw.tasks.backbone_of(model)
    first = backbone.get_layer(index=1)
    np.testing.assert_array_equal(kernels[0, ..., 0], np.asarray(first.kernel)[..., 0, 0])
    activations = layer_activations(model, train.x[:4])
    # The first convolution on the rescaled image, computed by hand.
    expected = first(train.x[:4].astype("float32") / 255.0)
    np.testing.assert_allclose(activations, np.asarray(expected), atol=1e-5)
    later = [leaf.name for leaf in backbone.layers if isinstance(leaf, keras.layers.Conv2D)][-1]
    assert layer_activations(model, train.x[:2], later).shape == (2, 7, 7, 128)


def test_bad_input_is_refused_before_any_work(classifier):
    model, _ = classifier
    with pytest.raises(ValueError, match=r"expected a non-empty batch of shape \(n, 28, 28, 1\)"):
        grad_cam(model, np.zeros((2, 32, 32, 1)))
    with pytest.raises(ValueError, match="non-empty"):
        grad_cam(model, np.zeros((0, 28, 28, 1)))
    with pytest.raises(ValueError, match=r"`class_index`. Expected classes in \[0, 10\)"):
        grad_cam(model, np.zeros((2, 28, 28, 1)), 10)
    with pytest.raises(ValueError, match="not a \\(height, width, channels\\) feature map"):
        grad_cam(model, np.zeros((2, 28, 28, 1)), layer="pool")
    dense = kw.tasks.binary_classifier(3, hidden_units=(4,))
    with pytest.raises(ValueError, match="no convolutional feature map"):
        feature_map_layer(dense)
    with pytest.raises(ValueError, match="`layer`. Expected one of"):
        layer_activations(model, np.zeros((1, 28, 28, 1)), "nope")
