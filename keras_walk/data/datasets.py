"""Named image and sequence datasets that load offline, as `Arrays` per split.

`load_arrays(info)` reads one of them. It looks for a local copy first (an explicit
`data_dir`, the `KERAS_WALK_DATA` folder, Debian's packages, the Keras cache) and
downloads only when none is there and the network answers. With no copy and no network it
raises `DatasetUnavailableError` within seconds, saying how to get the data: it never hangs.
The datasets composed from these are in `keras_walk.data.composed`; `keras_walk.data.load`
loads any of them by name.
"""

from __future__ import annotations

import os
import types
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from tensorflow_datasets.core import splits as tfds_splits

from keras_walk.data.arrays import Arrays
from keras_walk.data.emoji import (
    EMOJI_CATEGORIES,
    emoji_available,
    load_emoji,
    load_emoji_categories,
)
from keras_walk.data.fashion_mnist import (
    FASHION_CLASSES,
    FASHION_HOW_TO_GET,
    fashion_mnist_available,
    load_fashion_mnist,
)
from keras_walk.data.files import DatasetUnavailableError, module_available
from keras_walk.data.registry import DataInfo, Registry

__all__ = ["DATASETS", "EMOJI_HOW_TO_GET", "EMOJI_NOTE", "load_arrays"]

# --- scikit-learn digits ------------------------------------------------------------------

_DIGITS_TRAIN = 1437  # first 80% of the 1,797 images, in the file's own order


def _load_digits(_data_dir: Path | None, _download: bool) -> dict[str, Arrays]:
    bunch = load_digits()
    # Pixel values are 0..16; scale them to 0..255 uint8 so every image dataset shares a range.
    images = np.round(bunch.images * (255.0 / 16.0)).astype(np.uint8)[..., None]
    labels = bunch.target.astype(np.int64)
    return {
        "train": Arrays(images[:_DIGITS_TRAIN], labels[:_DIGITS_TRAIN]),
        "test": Arrays(images[_DIGITS_TRAIN:], labels[_DIGITS_TRAIN:]),
    }


# --- UCR time series classification archive (through aeon) -------------------------------


def _ucr_loader(archive_name: str, class_names: tuple[str, ...]):
    def load(_data_dir: Path | None, _download: bool) -> dict[str, Arrays]:
        try:
            from aeon.datasets import load_classification
        except ImportError:
            raise DatasetUnavailableError(
                f"Dataset {archive_name!r} needs aeon: pip install aeon (a dependency of "
                "keras_walk)."
            ) from None
        index = {name: i for i, name in enumerate(class_names)}
        splits = {}
        for split in ("train", "test"):
            # aeon ships these few UCR sets inside its wheel; other names would download.
            x, y = load_classification(archive_name, split=split)
            series = np.transpose(np.asarray(x, dtype="float32"), (0, 2, 1))  # (n, steps, channels)
            splits[split] = Arrays(series, np.array([index[str(label)] for label in y], "int64"))
        return splits

    return load


_UCR = "Dau, Bagnall, et al. (2019). The UCR time series archive. IEEE/CAA JAS 6(6)."


EMOJI_NOTE = (
    "1,911 emoji (skin-tone variants left out), 64x64 RGB on white, captioned with their "
    "Unicode CLDR names; every fifth emoji in Unicode order is in the test split. "
    "Images from the npm package emoji-datasource-{style} 16.0.0 (iamcal/emoji-data)."
)
EMOJI_HOW_TO_GET = (
    "Run `make setup`: it runs `npm pack emoji-datasource-{style}@16.0.0` in "
    "$KERAS_WALK_DATA (~/.cache/keras_walk). The file is read as it is, never unpacked."
)


def _emoji(style: str):
    return lambda data_dir, _download: load_emoji(style, data_dir)


def _emoji_categories(data_dir, _download):
    return load_emoji_categories(data_dir)


DATASETS = Registry(
    "dataset",
    (
        DataInfo(
            name="fashion_mnist",
            kind="images",
            size="70,000 images (30 MB)",
            available=fashion_mnist_available,
            description="70,000 28x28 greyscale images of clothing in 10 classes (Zalando).",
            source="https://github.com/zalandoresearch/fashion-mnist",
            license="MIT",
            citation="Xiao, Rasul, Vollgraf (2017). Fashion-MNIST. arXiv:1708.07747",
            input_shape=(28, 28, 1),
            num_classes=10,
            class_names=FASHION_CLASSES,
            splits={"train": 60000, "test": 10000},
            how_to_get=FASHION_HOW_TO_GET,
            loader=load_fashion_mnist,
        ),
        DataInfo(
            name="digits",
            kind="images",
            size="1,797 images",
            available=module_available("sklearn"),
            description="1,797 8x8 greyscale handwritten digits (UCI, shipped in scikit-learn).",
            source="https://archive.ics.uci.edu/dataset/80",
            license="CC BY 4.0",
            citation="Alpaydin, Kaynak (1998). Optical Recognition of Handwritten Digits. UCI.",
            input_shape=(8, 8, 1),
            num_classes=10,
            class_names=tuple(str(d) for d in range(10)),
            splits={"train": _DIGITS_TRAIN, "test": 1797 - _DIGITS_TRAIN},
            how_to_get="Install scikit-learn: the data ships inside its wheel.",
            loader=_load_digits,
        ),
        DataInfo(
            name="gunpoint",
            kind="sequences",
            size="200 series of 150 steps",
            available=module_available("aeon"),
            description=(
                "UCR GunPoint: 150-step hand-position series of an actor drawing a gun or "
                "pointing a finger; the official 50 / 150 split."
            ),
            source="https://www.timeseriesclassification.com/description.php?Dataset=GunPoint",
            license="UCR archive terms (free for research, cite the archive)",
            citation=_UCR,
            input_shape=(150, 1),
            num_classes=2,
            class_names=("1", "2"),
            splits={"train": 50, "test": 150},
            how_to_get="pip install aeon (a dependency of keras_walk): it ships the data.",
            loader=_ucr_loader("GunPoint", ("1", "2")),
        ),
        DataInfo(
            name="italy_power_demand",
            kind="sequences",
            size="1,096 series of 24 steps",
            available=module_available("aeon"),
            description=(
                "UCR ItalyPowerDemand: 24-hour electricity demand curves of Italy, winter or "
                "summer days; the official 67 / 1,029 split."
            ),
            source="https://www.timeseriesclassification.com/description.php?Dataset=ItalyPowerDemand",
            license="UCR archive terms (free for research, cite the archive)",
            citation=_UCR,
            input_shape=(24, 1),
            num_classes=2,
            class_names=("1", "2"),
            splits={"train": 67, "test": 1029},
            how_to_get="pip install aeon (a dependency of keras_walk): it ships the data.",
            loader=_ucr_loader("ItalyPowerDemand", ("1", "2")),
        ),
        DataInfo(
            name="emoji",
            kind="image_text",
            size="1,911 images with captions",
            available=lambda: emoji_available("google"),
            description="Google's Noto Emoji: " + EMOJI_NOTE.format(style="google"),
            source="https://github.com/googlefonts/noto-emoji via https://github.com/iamcal/emoji-data",
            license="Apache-2.0 (Noto Emoji images); MIT (emoji-data metadata)",
            citation="Google, Noto Emoji; Cal Henderson, emoji-data 16.0.0",
            input_shape=(64, 64, 3),
            splits={"train": 1529, "test": 382},
            how_to_get=EMOJI_HOW_TO_GET.format(style="google"),
            loader=_emoji("google"),
        ),
        DataInfo(
            name="emoji_twitter",
            kind="image_text",
            size="1,911 images with captions",
            available=lambda: emoji_available("twitter"),
            description="Twitter's Twemoji, the same concepts as `emoji` in another style: "
            + EMOJI_NOTE.format(style="twitter"),
            source="https://github.com/jdecked/twemoji via https://github.com/iamcal/emoji-data",
            license="CC-BY 4.0 (Twemoji images, credit Twitter, Inc.); MIT (emoji-data metadata)",
            citation="Twitter, Inc., Twemoji; Cal Henderson, emoji-data 16.0.0",
            input_shape=(64, 64, 3),
            splits={"train": 1529, "test": 382},
            how_to_get=EMOJI_HOW_TO_GET.format(style="twitter"),
            loader=_emoji("twitter"),
        ),
        DataInfo(
            name="emoji_categories",
            kind="images",
            size="1,906 images in 9 classes, and 381 in another style",
            available=lambda: emoji_available("google") and emoji_available("twitter"),
            description=(
                "The Noto emoji of `emoji` labelled with their Unicode category (Smileys & "
                "Emotion, People & Body, Animals & Nature, Food & Drink, Travel & Places, "
                "Activities, Objects, Symbols, Flags; the 5 'Component' swatches left out), "
                "64x64 RGB on white, the same split (every fifth in Unicode order is test). "
                "test_twemoji: the same test emoji drawn by Twitter, a style training never "
                "sees. Neighbours in Unicode order are often variants of one picture (a "
                "man and a woman running), so the test split is easier than new drawings "
                "would be; test_twemoji is the harder one."
            ),
            source="https://github.com/iamcal/emoji-data (emoji.json's category), images as `emoji` and `emoji_twitter`",
            license="Apache-2.0 (Noto Emoji); CC-BY 4.0 (Twemoji, credit Twitter, Inc.); MIT (emoji-data metadata)",
            citation="Google, Noto Emoji; Twitter, Inc., Twemoji; Cal Henderson, emoji-data 16.0.0; Unicode CLDR",
            input_shape=(64, 64, 3),
            class_names=EMOJI_CATEGORIES,
            num_classes=len(EMOJI_CATEGORIES),
            splits={"train": 1525, "test": 381, "test_twemoji": 381},
            how_to_get=EMOJI_HOW_TO_GET.format(style="google")
            + " The same for emoji-datasource-twitter.",
            loader=_emoji_categories,
        ),
    ),
)


def load_arrays(
    info: DataInfo,
    splits: str | Sequence[str] = ("train", "test"),
    data_dir: str | os.PathLike | None = None,
    download: bool | str = "auto",
) -> Arrays | list[Arrays]:
    """Loads the dataset `info` names as NumPy arrays, one `Arrays(x, y)` per split
    (`keras_walk.data.load(name, ...)` calls it for datasets).

    Args:
        info: the dataset's entry in `DATASETS` or `keras_walk.data.composed.COMPOSED`.
        splits: TFDS-style split strings: `"train"`, `"train[:90%]"`, `"train[54000:]"`,
            `"train+test"`. A single string returns a single `Arrays`.
        data_dir: a folder holding the files; by default the known local places are searched.
        download: `"auto"` downloads only when no local copy exists and the network
            answers; `False` never downloads; `True` downloads if no local copy exists.

    Examples:

        >>> train, test = load_arrays(DATASETS.get("digits"))
        >>> train.x.shape, test.x.shape
        ((1437, 8, 8, 1), (360, 8, 8, 1))
        >>> head = load_arrays(DATASETS.get("digits"), splits="train[:10%]")
        >>> head.x.shape
        (144, 8, 8, 1)
    """
    if download not in (True, False, "auto"):
        raise ValueError(
            "Invalid value for argument `download`. Expected True, False or 'auto'. "
            f"Received: download={download!r}"
        )
    single = isinstance(splits, str)
    split_list = [splits] if single else list(splits)
    if not split_list:
        raise ValueError("Invalid value for argument `splits`: expected at least one split.")
    # Parse every split before reading any file, so a typo fails fast.
    instructions = [_parse_split(spec, info.splits) for spec in split_list]
    data = info.loader(Path(data_dir) if data_dir is not None else None, download)
    result = []
    for spec, parts in zip(split_list, instructions, strict=True):
        xs = [data[part.splitname].x[part.from_ : part.to] for part in parts]
        ys = [data[part.splitname].y[part.from_ : part.to] for part in parts]
        arrays = Arrays(np.concatenate(xs), np.concatenate(ys))
        if len(arrays.y) == 0:
            raise ValueError(f"Invalid split {spec!r} for dataset {info.name!r}: it is empty.")
        result.append(arrays)
    return result[0] if single else result


def _parse_split(spec: str, sizes: dict[str, int]):
    # TFDS owns the split mini-language ("train[:90%]+test"); reuse its parser so that our
    # slices mean exactly what they mean in `tfds.load`.
    infos = {k: types.SimpleNamespace(num_examples=v) for k, v in sizes.items()}
    try:
        return tfds_splits.ReadInstruction.from_spec(spec).to_absolute(infos)
    except (ValueError, KeyError, AssertionError) as error:
        raise ValueError(
            f"Invalid split {spec!r}. Expected a split of {sorted(sizes)} with an optional "
            f"slice such as 'train[:90%]' or 'train[54000:]'. ({error})"
        ) from None
