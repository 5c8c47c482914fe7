"""Emoji that load offline, as image-caption pairs and as a 9-class image dataset.

`"emoji"` (Google's Noto) and `"emoji_twitter"` (Twitter's Twemoji) are the same 1,911
concepts drawn in two styles, 64x64 RGB on white, captioned with their Unicode CLDR names
("grinning face with smiling eyes"). The split is fixed by Unicode's order: every fifth
emoji is in the test split, so both splits cover every category. Training on one style and
searching the other is a test of concepts, not pixels. `"emoji_categories"` labels the
Noto emoji with their Unicode category. The files are the npm packages
`emoji-datasource-{google,twitter}` that `make setup` fetches, read as they are.

Examples:

    >>> _emoji_caption({"name": "GRINNING FACE"})
    'grinning face'
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_walk.data.arrays import Arrays
from keras_walk.data.files import DatasetUnavailableError, data_root

__all__ = [
    "EMOJI_CATEGORIES",
    "emoji_available",
    "emoji_rgba",
    "load_emoji",
    "load_emoji_categories",
]

EMOJI_VERSION = "16.0.0"
EMOJI_STYLES = {"google": "Noto Emoji (Google)", "twitter": "Twemoji (Twitter)"}
EMOJI_COUNT = 1911  # emoji.json's entries: skin-tone variants are left out
EMOJI_TEST_EVERY = 5


def emoji_package(style: str) -> Path:
    """Where `make setup` keeps the npm package of the emoji drawn in `style`."""
    return data_root() / f"emoji-datasource-{style}-{EMOJI_VERSION}.tgz"


def emoji_available(style: str) -> bool:
    """Whether the npm package of the emoji drawn in `style` is on this machine."""
    return emoji_package(style).is_file()


def load_emoji(style: str, data_dir: Path | None = None) -> dict:
    """The catalog's loader for `"emoji"` and `"emoji_twitter"`: the npm package's 64x64
    PNGs, composited on white, with their CLDR names as captions."""
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
    """The catalog's loader for `"emoji_categories"`: the Noto emoji labelled with their
    Unicode category (9 classes), the same train/test split as `"emoji"`, and
    `test_twemoji`: the test emoji as Twitter draws them, a style training never saw."""

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
