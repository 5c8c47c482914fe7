"""Segmentation data (keras_walk/data/segmentation.py): exact masks, held-out backgrounds,
and augmentation that moves masks with their images."""

import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data.composed.cutouts import (
    BACKGROUNDS,
    _composed_splits,
    background_photos,
    clipart_rgba,
    paste_cutouts,
)
from keras_walk.data.files import DatasetUnavailableError


def test_composed_splits_are_kept_on_disk_and_recomposed_when_their_inputs_change(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("KERAS_WALK_DATA", str(tmp_path))
    rgba = np.zeros((3, 64, 64, 4), "uint8")
    rgba[:, 16:48, 16:48] = (255, 0, 255, 255)
    is_test = np.array([False, False, True])
    copies = {"train": 1, "test": 1, "test_new_photos": 1}
    composed = _composed_splits(rgba, is_test, copies)
    kept = list(tmp_path.glob("cutouts_*.npz"))
    assert len(kept) == 1 and not list(tmp_path.glob("*.tmp.npz"))
    read = _composed_splits(rgba, is_test, copies)  # from the file this time
    for split, (images, masks) in composed.items():
        np.testing.assert_array_equal(read[split].x, images)
        np.testing.assert_array_equal(read[split].y, masks)
        assert not read[split].x.flags.writeable and not images.flags.writeable
    assert len(read["train"].x) == 2 and len(read["test"].x) == 1
    rgba[0, 20, 20] = (0, 255, 0, 255)  # one pixel of one cut-out changed
    _composed_splits(rgba, is_test, copies)
    assert len(list(tmp_path.glob("cutouts_*.npz"))) == 2


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


def _png(path, rgba):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(rgba, "uint8"), "RGBA").save(path)


def test_clipart_keeps_drawings_with_a_silhouette_and_groups_their_variants(tmp_path):
    disc = np.zeros((40, 60, 4), "uint8")  # a red disc on a transparent, wider canvas
    rows, cols = np.mgrid[:40, :60]
    disc[(rows - 20) ** 2 + (cols - 40) ** 2 < 15**2] = (255, 0, 0, 255)
    square = np.zeros((30, 30, 4), "uint8")
    square[5:25, 5:25] = (0, 0, 255, 255)
    triangle = np.zeros((30, 30, 4), "uint8")
    triangle[np.tril(np.ones((30, 30), bool))] = (0, 255, 0, 255)
    _png(tmp_path / "animals/deer_01.png", disc)
    _png(tmp_path / "animals/deer_02.png", square)
    _png(tmp_path / "animals/deer_03.png", triangle)
    _png(tmp_path / "animals/zz_copy.png", disc)  # the same pixels as deer_01: left out
    _png(tmp_path / "photos/opaque.png", np.full((20, 20, 4), 200, "uint8"))  # no silhouette
    _png(tmp_path / "shapes/stars/star.png", triangle)  # generated shapes are left out
    _png(tmp_path / "special/gradients/fill.png", disc)
    rgba, names, is_test = clipart_rgba(tmp_path, size=32)
    assert names.tolist() == ["animals/deer_01.png", "animals/deer_02.png", "animals/deer_03.png"]
    assert rgba.shape == (3, 32, 32, 4)
    # Cropped to what it draws and centred on a square: the disc and the square fill it.
    disc_drawn, square_drawn = rgba[0, ..., 3] > 127, rgba[1, ..., 3] > 127
    assert disc_drawn[16].all() and disc_drawn[:, 16].all() and not disc_drawn[0, 0]
    assert square_drawn.all()
    assert rgba[..., :3][rgba[..., 3] == 0].max(initial=0) == 0  # no colour where nothing is
    assert len(set(is_test.tolist())) == 1  # deer_01, _02 and _03: one group, one split
    with pytest.raises(DatasetUnavailableError, match="apt-get install openclipart-png"):
        clipart_rgba(tmp_path / "nowhere")


def test_clipart_cutouts_load_with_exact_masks_in_the_stated_splits():
    info = kw.data.dataset_info("clipart_cutouts")
    splits = ("train", "test", "test_new_photos")
    for split, data in zip(splits, kw.data.load("clipart_cutouts", splits=splits), strict=True):
        assert len(data.x) == info.splits[split]
        assert data.x.shape[1:] == info.input_shape and data.y.shape == data.x.shape[:3]
        assert set(np.unique(data.y)) == {0, 1}
        assert 0.1 < data.y.mean() < 0.7


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
    ds = kw.data.pipeline((images, masks), 8, augment=augment, masks=True, seed=1)
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
    # The segmenter that trains on the masks checks them against its head.
    segmenter = kw.tasks.image_segmenter((16, 16, 1), 2, filters=(4, 8), seed=0)
    with pytest.raises(ValueError, match="Expected only 0 and 1"):
        segmenter.fit(kw.data.pipeline((images, masks * 2), 8, masks=True), verbose=0)


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
