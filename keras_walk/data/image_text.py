"""Image-caption pairs that load offline: composed Fashion-MNIST scenes and emoji.

* **Fashion scenes** (`"fashion_scenes"`) are *composed*, not natural: 1 to 4 real
  Fashion-MNIST items on a 56x56 canvas, one per quadrant, with a caption that states
  exactly what is where ("a sneaker to the left of a bag at the top"). Captions are always
  right, so a model's errors are its own. Training scenes use only Fashion-MNIST's training
  images, test scenes only its test images.
* **Emoji** (`"emoji"`: Google's Noto, `"emoji_twitter"`: Twitter's Twemoji) are the same
  1,911 concepts drawn in two styles, 64x64 RGB on white, captioned with their Unicode CLDR
  names ("grinning face with smiling eyes"). The split is fixed by Unicode's order: every
  fifth emoji is in the test split, so both splits cover every category. Training on one
  style and searching the other is a test of concepts, not pixels.

Examples:

    >>> images, labels = np.zeros((3, 28, 28, 1), "uint8"), np.array([7, 8, 0])
    >>> scenes, captions = compose_scenes(images, labels, 2, seed=0)
    >>> scenes.shape, scenes.dtype
    ((2, 56, 56, 1), dtype('uint8'))
    >>> scene_caption({0: 7, 1: 8})
    'a sneaker to the left of a bag at the top'
    >>> scene_caption({0: 1, 3: 9, 2: 4})
    'a pair of trousers at the top left, a coat at the bottom left and an ankle boot at the bottom right'
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np

__all__ = [
    "ITEM_NAMES",
    "SLOT_NAMES",
    "compose_scenes",
    "emoji_available",
    "load_emoji",
    "load_fashion_scenes",
    "one_item_scenes",
    "place_items",
    "scene_caption",
]

# Fashion-MNIST's classes as the noun phrases captions use, in label order.
ITEM_NAMES = (
    "t-shirt", "pair of trousers", "pullover", "dress", "coat",
    "sandal", "shirt", "sneaker", "bag", "ankle boot",
)  # fmt: skip
# The four places on the canvas, in reading order: slot = 2 * row + column.
SLOT_NAMES = ("top left", "top right", "bottom left", "bottom right")
ITEM_SIZE = 28
SCENE_SIZE = 2 * ITEM_SIZE
SCENE_SEEDS = {"train": 0, "test": 1}
SCENE_COUNTS = {"train": 60_000, "test": 10_000}


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def scene_caption(items: dict[int, int]) -> str:
    """The one caption of a scene: `{slot: Fashion-MNIST label}` -> words.

    Two items side by side or one above the other are related ("to the left of",
    "above"); otherwise each item is placed ("at the top left"), in reading order.
    """
    if not items or any(slot not in range(4) for slot in items):
        raise ValueError(f"Invalid scene: expected 1 to 4 items in slots 0..3. Received: {items}")
    slots = sorted(items)
    names = [_article(ITEM_NAMES[items[slot]]) for slot in slots]
    if len(slots) == 2:
        first, second = slots
        if first // 2 == second // 2:  # same row
            row = "top" if first < 2 else "bottom"
            return f"{names[0]} to the left of {names[1]} at the {row}"
        if first % 2 == second % 2:  # same column
            side = "left" if first % 2 == 0 else "right"
            return f"{names[0]} above {names[1]} on the {side}"
    placed = [f"{name} at the {SLOT_NAMES[slot]}" for name, slot in zip(names, slots, strict=True)]
    if len(placed) == 1:
        return placed[0]
    return ", ".join(placed[:-1]) + " and " + placed[-1]


def _canvases(count: int, channels: int) -> np.ndarray:
    return np.zeros((count, SCENE_SIZE, SCENE_SIZE, channels), "uint8")


def _paste_slots(scenes: np.ndarray, images: np.ndarray, picks: np.ndarray) -> None:
    """Pastes `images[picks[scene, slot]]` into each scene's slot (where the pick is not -1),
    one slot for all scenes at a time."""
    for slot in range(4):
        chosen = picks[:, slot] >= 0
        row, column = divmod(slot, 2)
        scenes[
            chosen,
            row * ITEM_SIZE : (row + 1) * ITEM_SIZE,
            column * ITEM_SIZE : (column + 1) * ITEM_SIZE,
        ] = images[picks[chosen, slot]].reshape(-1, ITEM_SIZE, ITEM_SIZE, scenes.shape[-1])


def compose_scenes(images, labels, num_scenes: int, seed: int = 0, max_items: int = 4):
    """`num_scenes` canvases of 1 to `max_items` of `images` (28x28) and their captions.

    Each scene draws its number of items uniformly, its slots and its items at random
    (seeded: the same arguments give the same scenes).

    Returns:
        `(scenes, captions)`: uint8 `(num_scenes, 56, 56, channels)` and a string array.
    """
    labels = np.asarray(labels)
    scenes, placements = place_items(images, labels, num_scenes, seed, max_items)
    captions = [
        scene_caption({slot: int(labels[pick]) for slot, pick in placed.items()})
        for placed in placements
    ]
    return scenes, np.array(captions)


def _scene_picks(num_items: int, num_scenes: int, seed: int = 0, max_items: int = 4) -> np.ndarray:
    """Which item goes in each slot of each scene: int `(num_scenes, 4)`, -1 where a slot
    is empty. Each scene draws its number of items, its slots and its items in turn
    (the draws that `place_items` has always made, so the scenes stay the same)."""
    if not 1 <= max_items <= 4:
        raise ValueError(f"Invalid value for argument `max_items`: expected 1..4, got {max_items}")
    rng = np.random.default_rng(seed)
    picks = np.full((num_scenes, 4), -1, "int64")
    for scene in range(num_scenes):
        count = rng.integers(1, max_items + 1)
        slots = rng.choice(4, size=count, replace=False)
        picks[scene, slots] = rng.integers(0, num_items, size=count)
    return picks


def place_items(images, labels, num_scenes: int, seed: int = 0, max_items: int = 4):
    """The scenes of `compose_scenes` and, per scene, `{slot: index of its item}`: what
    captions (and segmentation masks) are made from."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.shape[1:3] != (ITEM_SIZE, ITEM_SIZE) or len(images) != len(labels):
        raise ValueError(
            f"Invalid items: expected images of shape (n, {ITEM_SIZE}, {ITEM_SIZE}, channels) "
            f"and n labels. Received: {images.shape} and {len(labels)} labels"
        )
    picks = _scene_picks(len(images), num_scenes, seed, max_items)
    scenes = _canvases(num_scenes, images.shape[-1] if images.ndim == 4 else 1)
    _paste_slots(scenes, images, picks)
    placements = [
        {slot: pick for slot, pick in enumerate(row) if pick >= 0} for row in picks.tolist()
    ]
    return scenes, placements


def one_item_scenes(images, seed: int = 0) -> np.ndarray:
    """Each 28x28 image alone on a scene canvas, in a random quadrant (seeded): how a
    model trained on scenes sees single Fashion-MNIST items (zero-shot classification)."""
    images = np.asarray(images)
    slots = np.random.default_rng(seed).integers(0, 4, size=len(images))
    picks = np.full((len(images), 4), -1, "int64")
    picks[np.arange(len(images)), slots] = np.arange(len(images))
    scenes = _canvases(len(images), images.shape[-1] if images.ndim == 4 else 1)
    _paste_slots(scenes, images, picks)
    return scenes


def load_fashion_scenes(data_dir: Path | None, download) -> dict:
    """The registry's loader for `"fashion_scenes"`: scenes from each Fashion-MNIST split."""
    from keras_walk.data.registry import Arrays, _load_fashion_mnist

    items = _load_fashion_mnist(data_dir, download)
    return {
        split: Arrays(*compose_scenes(*items[split], SCENE_COUNTS[split], SCENE_SEEDS[split]))
        for split in ("train", "test")
    }


# --- Emoji -------------------------------------------------------------------------------

EMOJI_VERSION = "16.0.0"
EMOJI_STYLES = {"google": "Noto Emoji (Google)", "twitter": "Twemoji (Twitter)"}
EMOJI_COUNT = 1911  # emoji.json's entries: skin-tone variants are left out
EMOJI_TEST_EVERY = 5


def emoji_package(style: str) -> Path:
    from keras_walk.data.registry import data_root

    return data_root() / f"emoji-datasource-{style}-{EMOJI_VERSION}.tgz"


def emoji_available(style: str) -> bool:
    return emoji_package(style).is_file()


def load_emoji(style: str, data_dir: Path | None = None) -> dict:
    """The registry's loader for `"emoji"` and `"emoji_twitter"`: the npm package's 64x64
    PNGs, composited on white, with their CLDR names as captions."""
    from keras_walk.data.registry import Arrays

    rgba, captions, test = emoji_rgba(style, data_dir)
    images = np.stack([_on_white(image) for image in rgba])
    return {
        "train": Arrays(images[~test], captions[~test]),
        "test": Arrays(images[test], captions[test]),
    }


# Unicode's emoji categories in its order; the ninth, "Component", is 5 hair-colour
# swatches, no picture of a thing, and is left out.
EMOJI_CATEGORIES = (
    "Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink",
    "Travel & Places", "Activities", "Objects", "Symbols", "Flags",
)  # fmt: skip


def load_emoji_categories(data_dir: Path | None = None) -> dict:
    """The registry's loader for `"emoji_categories"`: the Noto emoji labelled with their
    Unicode category (9 classes), the same train/test split as `"emoji"`, and
    `test_twemoji`: the test emoji as Twitter draws them, a style training never saw."""
    from keras_walk.data.registry import Arrays

    def labelled(style, test_only):
        rgba, _captions, is_test, categories = emoji_rgba(style, data_dir, categories=True)
        keep = np.isin(categories, EMOJI_CATEGORIES) & (is_test | (not test_only))
        labels = np.array([EMOJI_CATEGORIES.index(c) for c in categories[keep]])
        images = np.stack([_on_white(image) for image in rgba[keep]])  # only rows returned
        return images, labels, is_test[keep]

    images, labels, is_test = labelled("google", test_only=False)
    other_images, other_labels, _ = labelled("twitter", test_only=True)
    return {
        "train": Arrays(images[~is_test], labels[~is_test]),
        "test": Arrays(images[is_test], labels[is_test]),
        "test_twemoji": Arrays(other_images, other_labels),
    }


def emoji_rgba(style: str, data_dir: Path | None = None, categories: bool = False):
    """The npm package's emoji as they are: `(rgba, captions, is_test)`, uint8
    `(1911, 64, 64, 4)` images whose alpha channel is each emoji's exact silhouette, and
    with `categories=True` a fourth array, each emoji's Unicode category."""
    import tensorflow as tf

    from keras_walk.data.registry import DatasetUnavailableError

    path = (Path(data_dir) if data_dir else emoji_package(style).parent) / emoji_package(style).name
    if not path.is_file():
        name = "emoji" if style == "google" else f"emoji_{style}"
        raise DatasetUnavailableError(
            f"Dataset {name!r} is not available: no {path}. Run `make setup` (it runs "
            f"`npm pack emoji-datasource-{style}@{EMOJI_VERSION}` in $KERAS_WALK_DATA)."
        )
    # One pass over the gzip stream: looking members up by name would re-read it each time.
    folder, files = f"package/img/{style}/64/", {}
    with tarfile.open(path, "r|gz") as archive:
        for member in archive:
            if member.name == "package/emoji.json" or member.name.startswith(folder):
                files[member.name] = archive.extractfile(member).read()
    entries = sorted(
        (e for e in json.loads(files["package/emoji.json"]) if e.get(f"has_img_{style}")),
        key=lambda e: e["sort_order"],
    )
    rgba = np.stack(
        [tf.io.decode_png(files[folder + entry["image"]], channels=4).numpy() for entry in entries]
    )
    captions = np.array([_emoji_caption(entry) for entry in entries])
    is_test = np.arange(len(entries)) % EMOJI_TEST_EVERY == EMOJI_TEST_EVERY - 1
    if categories:
        return rgba, captions, is_test, np.array([entry["category"] for entry in entries])
    return rgba, captions, is_test


def _on_white(rgba: np.ndarray) -> np.ndarray:
    alpha = rgba[..., 3:].astype("float32") / 255.0
    rgb = rgba[..., :3].astype("float32") * alpha + 255.0 * (1.0 - alpha)
    return np.round(rgb).astype("uint8")


def _emoji_caption(entry: dict) -> str:
    # emoji.json's `name` is Unicode's CLDR name in capitals ("GRINNING FACE"), older
    # entries in upper case, newer ones in title case; flags read "Egypt Flag".
    return entry["name"].lower() if entry.get("name") else entry["short_name"].replace("_", " ")
