"""Segmentation data (keras_walk/data/segmentation.py): exact masks, held-out backgrounds,
and augmentation that moves masks with their images."""

import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data.segmentation import BACKGROUNDS, background_photos, paste_cutouts


def test_cutout_masks_are_exactly_where_the_cutout_is():
    rgba = np.zeros((2, 32, 32, 4), "uint8")
    rgba[:, 8:24, 8:24] = (255, 0, 255, 255)  # an opaque magenta square
    photo = np.full((48, 48, 3), 40, "uint8")  # a grey photograph: no magenta anywhere
    images, masks = paste_cutouts(rgba, [photo], copies=3, seed=0, min_scale=0.5)
    assert images.shape == (6, 32, 32, 3) and masks.shape == (6, 32, 32)
    # Green is 40 (1 - alpha) after blending: the cut-out's share of each pixel is readable
    # from it, and the mask is exactly the pixels it covers by more than half.
    share = 1 - images[..., 1] / 40
    assert masks[share > 0.55].all() and not masks[share < 0.45].any()
    assert masks.any(axis=(1, 2)).all()  # every image has its cut-out
    assert 0 < masks.mean() < 0.3
    again, _ = paste_cutouts(rgba, [photo], copies=3, seed=0, min_scale=0.5)
    np.testing.assert_array_equal(images, again)  # seeded


def test_cutouts_split_emoji_and_photographs():
    assert not set(BACKGROUNDS["train"]) & set(BACKGROUNDS["new"])
    train, test, new_photos = kw.data.load(
        "emoji_cutouts", splits=("train", "test", "test_new_photos")
    )
    info = kw.data.dataset_info("emoji_cutouts")
    for split, data in (("train", train), ("test", test), ("test_new_photos", new_photos)):
        assert len(data.x) == info.splits[split]
        assert data.x.shape[1:] == info.input_shape and data.y.shape == data.x.shape[:3]
        assert set(np.unique(data.y)) == {0, 1}
        assert 0.1 < data.y.mean() < 0.6  # the emoji cover a good share, never all
    # Training and test backgrounds are disjoint parts of the same photographs.
    for first, rest in zip(background_photos("train"), background_photos("test"), strict=True):
        assert first.shape[2] == rest.shape[2] == 3
        assert min(first.shape[:2]) >= 64 and min(rest.shape[:2]) >= 64
        assert first.size > 2 * rest.size  # 70% / 30%


def test_scene_masks_label_every_item_pixel_with_its_class():
    scenes, masks = kw.data.load("fashion_scene_masks", splits="test[:200]")
    np.testing.assert_array_equal(masks > 0, scenes[..., 0] > 0)
    assert masks.max() <= 10
    items = kw.data.load("fashion_mnist", splits="test")
    # The same seeds as `fashion_scenes`: the same pictures.
    captioned, _ = kw.data.load("fashion_scenes", splits="test[:200]")
    np.testing.assert_array_equal(captioned, scenes)
    assert items.y.max() == 9


@pytest.mark.parametrize("augment", ["flip", "light"])
def test_pipeline_moves_masks_with_their_images(augment):
    rng = np.random.default_rng(0)
    images = np.zeros((16, 16, 16, 1), "uint8")
    for image in images:  # a bright rectangle at a random place
        top, left = rng.integers(0, 8, 2)
        image[top : top + 6, left : left + 5] = 200
    masks = (images[..., 0] > 0).astype("uint8")
    ds = kw.data.pipeline((images, masks), 8, augment=augment, masks=True, seed=1,
                          head="binary", num_classes=2)  # fmt: skip
    moved = 0
    for x, y in ds:
        bright, labelled = np.asarray(x)[..., 0] > 100, np.asarray(y) > 0
        # Flips move whole pixels; shifts by a fraction of a pixel blur the image's edges
        # (bilinear) while the mask moves to the nearest pixel: edge pixels may differ.
        assert np.mean(bright != labelled) <= (0 if augment == "flip" else 0.01)
        assert y.dtype == masks.dtype and y.shape[1:] == (16, 16)
        moved += 1
    assert moved == 2
    flipped = np.concatenate([np.asarray(x) for x, _ in ds])
    assert not np.array_equal(flipped, images)  # the augmentation did something
    with pytest.raises(ValueError, match="Expected only 0 and 1"):
        kw.data.pipeline((images, masks * 2), 8, masks=True, head="binary", num_classes=2)


def test_recolour_gives_one_photograph_many_colour_schemes():
    rgba = np.zeros((1, 16, 16, 4), "uint8")
    rgba[0, 4:8, 4:8] = 255
    photo = np.zeros((32, 32, 3), "uint8")
    photo[..., 0] = 200  # red everywhere
    plain, _ = paste_cutouts(rgba, [photo], copies=24, seed=0)
    recoloured, masks = paste_cutouts(rgba, [photo], copies=24, seed=0, recolour=True)
    corner = lambda images: {tuple(image[15, 15]) for image in images}  # noqa: E731
    assert corner(plain) == {(200, 0, 0)}
    assert len(corner(recoloured)) >= 4  # red, green, blue and inverted schemes
    # Only the colours change: the cut-outs are where they were.
    np.testing.assert_array_equal(masks, paste_cutouts(rgba, [photo], 24, 0)[1])
