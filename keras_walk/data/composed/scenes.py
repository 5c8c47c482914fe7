"""Image-caption pairs composed from Fashion-MNIST: `"fashion_scenes"`.

The scenes are *composed*, not natural: 1 to 4 real Fashion-MNIST items on a 56x56
canvas, one per quadrant, with a caption that states exactly what is where ("a sneaker to
the left of a bag at the top"). Captions are always right, so a model's errors are its own.
Training scenes use only Fashion-MNIST's training images, test scenes only its test images.
`"fashion_scene_masks"` are the same scenes (same seeds, same items) with a class per
pixel, for segmentation: 0 for background, `1 + label` where an item's pixel is not black.

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

from pathlib import Path

import numpy as np

from keras_walk.data.arrays import Arrays
from keras_walk.data.fashion_mnist import load_fashion_mnist

__all__ = [
    "ITEM_NAMES",
    "SLOT_NAMES",
    "compose_scenes",
    "load_fashion_scene_masks",
    "load_fashion_scenes",
    "one_item_scenes",
    "place_items",
    "scene_caption",
    "scene_masks",
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


def paste_slots(scenes: np.ndarray, images: np.ndarray, picks: np.ndarray) -> None:
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
    paste_slots(scenes, images, picks)
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
    paste_slots(scenes, images, picks)
    return scenes


def load_fashion_scenes(data_dir: Path | None, download) -> dict:
    """The catalog's loader for `"fashion_scenes"`: scenes from each Fashion-MNIST split."""
    items = load_fashion_mnist(data_dir, download)
    return {
        split: Arrays(*compose_scenes(*items[split], SCENE_COUNTS[split], SCENE_SEEDS[split]))
        for split in ("train", "test")
    }


def scene_masks(images, labels, placements) -> np.ndarray:
    """Per-pixel classes of composed scenes (see `place_items`): 0 for background,
    `1 + label` where an item's pixel is not black."""
    images, labels = np.asarray(images), np.asarray(labels)
    picks = np.array([[placed.get(slot, -1) for slot in range(4)] for placed in placements])
    picks = picks.reshape(len(placements), 4)
    classes = (1 + labels).astype("uint8")[:, None, None]
    item_masks = np.where(images.reshape(-1, ITEM_SIZE, ITEM_SIZE) > 0, classes, np.uint8(0))
    masks = np.zeros((len(placements), SCENE_SIZE, SCENE_SIZE, 1), "uint8")
    paste_slots(masks, item_masks, picks)
    return masks[..., 0]


def load_fashion_scene_masks(data_dir, download) -> dict:
    """The catalog's loader for `"fashion_scene_masks"`: the scenes of `"fashion_scenes"`
    (same seeds, same items) with a class per pixel."""
    items = load_fashion_mnist(data_dir, download)
    splits = {}
    for split in ("train", "test"):
        images, labels = items[split]
        scenes, placements = place_items(images, labels, SCENE_COUNTS[split], SCENE_SEEDS[split])
        splits[split] = Arrays(scenes, scene_masks(images, labels, placements))
    return splits
