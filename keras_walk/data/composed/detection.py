"""Images with exact boxes and classes that load offline, for object detection.

**Fashion detection scenes** (`"fashion_detection"`) are *composed*: 1 to 5 real
Fashion-MNIST items, each scaled to 20-42 pixels, at random places on a 96x96 canvas.
Items may overlap (two boxes share at most 35% of their union, IoU <= 0.35), and where they
do the brighter pixel shows. Each box is the tightest rectangle around its item's visible
(non-black) pixels before pasting, so boxes are exact. Training scenes use only
Fashion-MNIST's training images, test scenes only its test images.

Labels are one array per image, `(max_objects, 5)` rows of `[x1, y1, x2, y2, class]` in
pixels (x to the right, y down, `x2`/`y2` exclusive), padded with rows of -1: the shape a
YOLO label file has, in one NumPy array that slices like any other.

Examples:

    >>> items = np.zeros((2, 28, 28), "uint8"); items[:, 4:24, 8:20] = 200
    >>> scenes, labels = compose_detection_scenes(items, np.array([3, 7]), 4, seed=0)
    >>> scenes.shape, labels.shape
    ((4, 96, 96, 1), (4, 5, 5))
    >>> boxes, classes = split_labels(labels)
    >>> bool(((classes == -1) | np.isin(classes, [3, 7])).all())
    True
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from keras_walk.data.arrays import Arrays
from keras_walk.data.fashion_mnist import load_fashion_mnist

__all__ = [
    "DETECTION_SCENE_SIZE",
    "box_iou",
    "check_boxes",
    "compose_detection_scenes",
    "load_fashion_detection",
    "split_labels",
]

DETECTION_SCENE_SIZE = 96
MAX_OBJECTS = 5
ITEM_SIDES = (20, 42)  # smallest and largest side of a pasted item, in pixels
MAX_OVERLAP = 0.35
DETECTION_COUNTS = {"train": 20_000, "test": 2_000}
DETECTION_SEEDS = {"train": 10, "test": 11}


def box_iou(boxes_a, boxes_b) -> np.ndarray:
    """Intersection over union of every box in `boxes_a` with every box in `boxes_b`,
    `[x1, y1, x2, y2]` rows: an `(len(a), len(b))` matrix.

    Examples:

        >>> box_iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 2, 2]]).round(4).tolist()
        [[0.1429, 1.0]]
    """
    a = np.asarray(boxes_a, "float64").reshape(-1, 4)[:, None]
    b = np.asarray(boxes_b, "float64").reshape(-1, 4)[None]
    width = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    height = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    intersection = width * height
    area = lambda box: (box[..., 2] - box[..., 0]) * (box[..., 3] - box[..., 1])  # noqa: E731
    union = area(a) + area(b) - intersection
    return np.where(union > 0, intersection / np.where(union > 0, union, 1), 0.0)


def check_boxes(boxes, image_size) -> None:
    """Raises a `ValueError` for boxes outside a `(height, width)` image or with
    `x2 <= x1` or `y2 <= y1`, naming the first bad box. Rows of -1 (padding) are skipped.

    Examples:

        >>> check_boxes([[4, 4, 2, 9]], (16, 16))
        Traceback (most recent call last):
        ...
        ValueError: Invalid box [4.0, 4.0, 2.0, 9.0] (box 0): expected [x1, y1, x2, y2] with x1 < x2 and y1 < y2.
    """
    boxes = np.asarray(boxes, "float64").reshape(-1, 4)
    height, width = image_size
    for index, box in enumerate(boxes):
        if (box == -1).all():
            continue
        x1, y1, x2, y2 = box
        if not (x1 < x2 and y1 < y2):
            raise ValueError(
                f"Invalid box {box.tolist()} (box {index}): expected [x1, y1, x2, y2] with "
                "x1 < x2 and y1 < y2."
            )
        if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
            raise ValueError(
                f"Invalid box {box.tolist()} (box {index}): outside the {height}x{width} image "
                f"(expected 0 <= x1 < x2 <= {width} and 0 <= y1 < y2 <= {height})."
            )


def split_labels(labels):
    """`(n, max_objects, 5)` labels -> `(boxes, classes)`: float32 `(n, max_objects, 4)` and
    int32 `(n, max_objects)`, padding rows still -1."""
    labels = np.asarray(labels)
    return labels[..., :4].astype("float32"), labels[..., 4].astype("int32")


def compose_detection_scenes(
    images, labels, num_scenes: int, seed: int = 0, *, size: int = DETECTION_SCENE_SIZE,
    max_objects: int = MAX_OBJECTS, item_sides=ITEM_SIDES, max_overlap: float = MAX_OVERLAP,
):  # fmt: skip
    """`num_scenes` canvases of 1 to `max_objects` of `images` (28x28 greyscale) and their
    labels (see the module's docstring). Seeded: the same arguments give the same scenes.

    Each scene draws its number of items uniformly; each item its picture, its side in
    `item_sides` and a place; a place whose box would overlap a placed box by more than
    `max_overlap` (IoU) is drawn again, up to 20 times, then the item is left out.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim == 4:
        images = images[..., 0]
    if images.ndim != 3 or len(images) != len(labels) or not len(images):
        raise ValueError(
            "Invalid items: expected a non-empty (n, height, width) image array and n labels. "
            f"Received: {images.shape} and {len(labels)} labels"
        )
    rng = np.random.default_rng(seed)
    scenes = np.zeros((num_scenes, size, size, 1), "uint8")
    rows = np.full((num_scenes, max_objects, 5), -1, "int32")
    for scene in range(num_scenes):
        placed = []
        for _ in range(rng.integers(1, max_objects + 1)):
            pick = rng.integers(len(images))
            side = int(rng.integers(item_sides[0], item_sides[1] + 1))
            item = np.asarray(Image.fromarray(images[pick]).resize((side, side), Image.BILINEAR))
            visible_rows = np.flatnonzero(item.max(axis=1) > 0)
            visible_columns = np.flatnonzero(item.max(axis=0) > 0)
            if not len(visible_rows):
                continue  # an all-black picture has nothing to find
            for _attempt in range(20):
                top, left = rng.integers(0, size - side + 1, 2)
                box = [
                    left + visible_columns[0], top + visible_rows[0],
                    left + visible_columns[-1] + 1, top + visible_rows[-1] + 1,
                ]  # fmt: skip
                if not placed or box_iou([box], [b for b, _ in placed]).max() <= max_overlap:
                    break
            else:
                continue
            window = scenes[scene, top : top + side, left : left + side, 0]
            np.maximum(window, item, out=window)
            placed.append((box, int(labels[pick])))
        for index, (box, label) in enumerate(placed):
            rows[scene, index] = [*box, label]
    return scenes, rows


def load_fashion_detection(data_dir, download) -> dict:
    """The catalog's loader for `"fashion_detection"`."""
    items = load_fashion_mnist(data_dir, download)
    return {
        split: Arrays(
            *compose_detection_scenes(
                *items[split], DETECTION_COUNTS[split], DETECTION_SEEDS[split]
            )
        )
        for split in ("train", "test")
    }
