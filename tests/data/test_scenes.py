"""Image-caption datasets: composed scenes (keras_walk/data/composed/scenes.py) and emoji."""

import re

import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data.composed import scenes as composed_scenes

SLOT_WORDS = {"top left": 0, "top right": 1, "bottom left": 2, "bottom right": 3}


def _items_in(scene):
    """Which quadrants of a 56x56 scene hold an item (any non-zero pixel)."""
    quadrants = scene[..., 0].reshape(2, 28, 2, 28).transpose(0, 2, 1, 3).reshape(4, -1)
    return set(np.flatnonzero(quadrants.max(axis=1) > 0))


def test_scene_captions_say_exactly_what_is_where():
    items, labels = kw.data.load("fashion_mnist", "test[:500]")
    scenes, captions = composed_scenes.compose_scenes(items, labels, 300, seed=3)
    assert scenes.shape == (300, 56, 56, 1) and scenes.dtype == np.uint8
    names = "|".join(sorted(composed_scenes.ITEM_NAMES, key=len, reverse=True))
    for scene, caption in zip(scenes, captions, strict=True):
        mentioned = re.findall(rf"\b(?:a|an) ({names})\b", caption)
        assert 1 <= len(mentioned) <= 4
        assert len(mentioned) == len(_items_in(scene)), caption
        for _name, slot in re.findall(
            rf"(?:a|an) ({names}) at the ({'|'.join(SLOT_WORDS)})", caption
        ):
            assert SLOT_WORDS[slot] in _items_in(scene), caption
    # Every grammar appears: placed items, side by side and stacked pairs.
    assert any("to the left of" in c for c in captions) and any(" above " in c for c in captions)
    assert any(c.count(" at the ") == 4 for c in captions)
    again, same = composed_scenes.compose_scenes(items, labels, 300, seed=3)
    np.testing.assert_array_equal(again, scenes)
    assert list(same) == list(captions)


def test_scene_caption_grammar():
    assert composed_scenes.scene_caption({3: 7}) == "a sneaker at the bottom right"
    assert composed_scenes.scene_caption({1: 8, 3: 0}) == "a bag above a t-shirt on the right"
    assert (
        composed_scenes.scene_caption({2: 9, 3: 4})
        == "an ankle boot to the left of a coat at the bottom"
    )
    assert composed_scenes.scene_caption({0: 5, 3: 6}) == (
        "a sandal at the top left and a shirt at the bottom right"
    )
    with pytest.raises(ValueError, match="expected 1 to 4 items in slots 0..3"):
        composed_scenes.scene_caption({4: 1})


def test_fashion_scenes_splits_come_from_their_own_fashion_mnist_split():
    train, test = kw.data.load("fashion_scenes")
    assert train.x.shape == (60000, 56, 56, 1) and test.x.shape == (10000, 56, 56, 1)
    assert train.y.dtype.kind == "U" and len(set(test.y)) > 1000
    fashion_train, fashion_test = kw.data.load("fashion_mnist")
    # The top-left item of a test scene is a Fashion-MNIST test image, never a training one.
    corner = next(s for s in test.x[:50] if 0 in _items_in(s))[:28, :28]
    assert (fashion_test.x == corner).all(axis=(1, 2, 3)).any()
    assert not (fashion_train.x == corner).all(axis=(1, 2, 3)).any()


def test_one_item_scenes_place_each_image_in_one_quadrant():
    items, _ = kw.data.load("fashion_mnist", "test[:20]")
    scenes = composed_scenes.one_item_scenes(items, seed=0)
    assert scenes.shape == (20, 56, 56, 1)
    assert all(len(_items_in(s)) == 1 for s in scenes)
    assert scenes.reshape(20, -1).sum(1).tolist() == items.reshape(20, -1).sum(1).tolist()


def test_emoji_styles_share_concepts_and_split():
    google_train, google_test = kw.data.load("emoji")
    twitter_train, twitter_test = kw.data.load("emoji_twitter")
    assert google_train.x.shape == (1529, 64, 64, 3) and google_test.x.shape == (382, 64, 64, 3)
    assert list(google_train.y) == list(twitter_train.y)
    assert list(google_test.y) == list(twitter_test.y)
    assert "grinning face" in set(google_train.y)
    assert not set(google_train.y) & set(google_test.y) - {"", None}
    # Composited on white, and the two styles draw differently.
    assert google_train.x[:, 0, 0].min() == 255
    assert np.abs(google_train.x.astype(int) - twitter_train.x).mean() > 10


def test_emoji_categories_label_every_picture_with_its_unicode_category():
    train, test, twemoji = kw.data.load(
        "emoji_categories", splits=("train", "test", "test_twemoji")
    )
    info = kw.data.dataset_info("emoji_categories")
    assert (len(train.y), len(test.y), len(twemoji.y)) == (1525, 381, 381)
    assert info.class_names[0] == "Smileys & Emotion" and info.num_classes == 9
    assert np.bincount(train.y, minlength=9).min() > 50  # every class is there to learn
    # The same split as the captioned emoji: "grinning face" is the first training emoji.
    captioned_train, _ = kw.data.load("emoji")
    np.testing.assert_array_equal(train.x[0], captioned_train.x[0])
    assert train.y[0] == 0 and info.class_names[train.y[-1]] == "Flags"
    # The other style: the same test emoji and labels, drawn differently.
    np.testing.assert_array_equal(test.y, twemoji.y)
    assert np.abs(test.x.astype(int) - twemoji.x).mean() > 10


def test_emoji_absent_names_its_setup_step(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_WALK_DATA", str(tmp_path))
    assert not kw.data.dataset_info("emoji").available()
    with pytest.raises(kw.data.DatasetUnavailableError, match=r"Run `make setup` .*npm pack"):
        kw.data.load("emoji")
