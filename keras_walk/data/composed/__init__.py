"""Datasets composed from others so that every label is exact: captioned scenes and their
masks (`scenes`), cut-outs pasted on photographs (`cutouts`) and detection scenes with
boxes (`detection`), all made from Fashion-MNIST, the emoji or Open Clip Art drawings.

`COMPOSED` is their catalog entries; `keras_walk.data.load(name)` loads them.

Examples:

    >>> COMPOSED.names()
    ['clipart_cutouts', 'emoji_cutouts', 'fashion_detection', 'fashion_scene_masks', 'fashion_scenes']
"""

from __future__ import annotations

from keras_walk.data.composed.cutouts import CLIPART_ROOT, load_clipart_cutouts, load_emoji_cutouts
from keras_walk.data.composed.detection import load_fashion_detection
from keras_walk.data.composed.scenes import load_fashion_scene_masks, load_fashion_scenes
from keras_walk.data.datasets import EMOJI_HOW_TO_GET
from keras_walk.data.emoji import emoji_available
from keras_walk.data.fashion_mnist import FASHION_CLASSES, fashion_mnist_available
from keras_walk.data.files import module_available
from keras_walk.data.registry import DataInfo, Registry

__all__ = ["COMPOSED"]

# What every set composed from Fashion-MNIST shares: availability, licence, citation and
# how to get the files.
FASHION_DERIVED = {
    "available": fashion_mnist_available,
    "license": "MIT (Fashion-MNIST)",
    "citation": "Xiao, Rasul, Vollgraf (2017). Fashion-MNIST. arXiv:1708.07747",
    "how_to_get": "As fashion_mnist: `apt-get install dataset-fashion-mnist` (`make setup`).",
}


def _emoji_cutouts(data_dir, _download):
    return load_emoji_cutouts(data_dir)


def _clipart_cutouts(data_dir, _download):
    return load_clipart_cutouts(data_dir or CLIPART_ROOT)


def _emoji_cutouts_available() -> bool:
    return emoji_available("google") and module_available("skimage")()


def _clipart_cutouts_available() -> bool:
    return CLIPART_ROOT.is_dir() and module_available("skimage")()


COMPOSED = Registry(
    "composed dataset",
    (
        DataInfo(
            name="fashion_scenes",
            kind="image_text",
            size="70,000 composed scenes (56x56) with captions",
            description=(
                "COMPOSED, not natural: 1-4 Fashion-MNIST items on a 56x56 canvas, one per "
                "quadrant, each with the one exact caption of what is where ('a sneaker to "
                "the left of a bag at the top'). Train scenes use Fashion-MNIST's training "
                "images only, test scenes its test images only (fixed seeds)."
            ),
            source="composed by keras_walk.data.composed.scenes from Fashion-MNIST",
            **FASHION_DERIVED,
            input_shape=(56, 56, 1),
            splits={"train": 60000, "test": 10000},
            loader=load_fashion_scenes,
        ),
        DataInfo(
            name="emoji_cutouts",
            kind="segmentation",
            size="12,230 composed images (64x64) with foreground masks",
            available=_emoji_cutouts_available,
            description=(
                "COMPOSED for segmentation: each Noto emoji (its alpha channel is the exact "
                "mask) scaled to 40-100% and pasted at a random place on a random crop of a "
                "real photograph or texture from scikit-image (CC0 / public domain). train: "
                "the training emoji x 6 on the first 70% of 11 photographs (colours varied); "
                "test: the test emoji (every fifth) x 4 on the last 30% of the same "
                "photographs; test_new_photos: the test emoji x 4 on 4 photographs training "
                "never sees (chelsea, coffee, gravel, rocket)."
            ),
            source="emoji-datasource-google 16.0.0 (npm) on scikit-image's skimage.data pictures",
            license="Apache-2.0 (Noto Emoji); CC0 / public domain (scikit-image pictures)",
            citation="Google, Noto Emoji; van der Walt et al. (2014), scikit-image, PeerJ 2:e453",
            input_shape=(64, 64, 3),
            num_classes=2,
            class_names=("background", "emoji"),
            splits={"train": 1529 * 6, "test": 382 * 4, "test_new_photos": 382 * 4},
            how_to_get=EMOJI_HOW_TO_GET.format(style="google") + " scikit-image is a dependency.",
            loader=_emoji_cutouts,
        ),
        DataInfo(
            name="clipart_cutouts",
            kind="segmentation",
            size="10,086 composed images (64x64) with foreground masks",
            available=_clipart_cutouts_available,
            description=(
                "COMPOSED for segmentation like `emoji_cutouts`, from 5,043 Open Clip Art "
                "Library drawings with a transparent background (the alpha channel is the "
                "exact mask), each cropped to what it draws; generated stars, gradients, "
                "patterns, drawings with no transparent pixel and exact duplicates left out. "
                "A drawing's numbered variants stay in one split. train: 4,006 drawings x 2 on "
                "the training photographs (colours varied); test: 1,037 other drawings x 1 "
                "on the held-out 30% of them; test_new_photos: the test drawings on the 4 "
                "photographs training never sees."
            ),
            source="Debian openclipart-png 0.18 (openclipart.org) on scikit-image's pictures",
            license="public domain (Open Clip Art Library); CC0 / public domain (scikit-image)",
            citation="Open Clip Art Library 0.18; van der Walt et al. (2014), scikit-image",
            input_shape=(64, 64, 3),
            num_classes=2,
            class_names=("background", "drawing"),
            splits={"train": 4006 * 2, "test": 1037, "test_new_photos": 1037},
            how_to_get=(
                "`apt-get install openclipart-png` (run by `make setup`): PNG files under "
                "/usr/share/openclipart/png; pass `data_dir` to read another copy of that "
                "folder. scikit-image is a dependency."
            ),
            loader=_clipart_cutouts,
        ),
        DataInfo(
            name="fashion_scene_masks",
            kind="segmentation",
            size="70,000 composed scenes (56x56) with per-pixel classes",
            description=(
                "COMPOSED: the scenes of `fashion_scenes` (1-4 Fashion-MNIST items, one per "
                "quadrant) with a class per pixel: 0 background, 1 + the item's label where "
                "its pixel is not black."
            ),
            source="composed by keras_walk.data.composed.scenes from Fashion-MNIST",
            **FASHION_DERIVED,
            input_shape=(56, 56, 1),
            num_classes=11,
            class_names=("background", *FASHION_CLASSES),
            splits={"train": 60000, "test": 10000},
            loader=load_fashion_scene_masks,
        ),
        DataInfo(
            name="fashion_detection",
            kind="detection",
            size="22,000 composed scenes (96x96) with boxes and classes",
            description=(
                "COMPOSED for detection: 1-5 Fashion-MNIST items scaled to 20-42 pixels at "
                "random places on a 96x96 canvas, overlapping by at most 0.35 IoU (the "
                "brighter pixel shows); labels are (5, 5) rows of [x1, y1, x2, y2, class] "
                "per image, exact boxes around each item's visible pixels, padded with -1. "
                "Train scenes use Fashion-MNIST's training images only, test scenes its test "
                "images only (fixed seeds)."
            ),
            source="composed by keras_walk.data.composed.detection from Fashion-MNIST",
            **FASHION_DERIVED,
            input_shape=(96, 96, 1),
            num_classes=10,
            class_names=FASHION_CLASSES,
            splits={"train": 20000, "test": 2000},
            loader=load_fashion_detection,
        ),
    ),
)
