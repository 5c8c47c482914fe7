"""Named real datasets that load offline, with their provenance and licence.

`load("fashion_mnist")` looks for a local copy first (an explicit `data_dir`, the
`KERAS_WALK_DATA` folder, Debian's `dataset-fashion-mnist` package, the Keras cache) and
downloads only when none is there and the network answers. With no copy and no network it
raises `DatasetUnavailableError` within seconds, saying how to get the data: it never hangs.
"""

from __future__ import annotations

import gzip
import os
import socket
import types
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from keras_walk.data.catalog import DataInfo, Registry
from keras_walk.data.image_text import EMOJI_CATEGORIES

__all__ = [
    "Arrays",
    "DatasetUnavailableError",
    "data_root",
    "dataset_info",
    "list_datasets",
    "load",
    "network_available",
]


class DatasetUnavailableError(ValueError):
    """A dataset has no local copy and cannot be downloaded (no network, or download off)."""


class Arrays(NamedTuple):
    """One split as NumPy arrays: `x, y = split` or `model.fit(*split)`."""

    x: np.ndarray
    y: np.ndarray


def labelled_subset(split: Arrays, count: int, seed: int = 0) -> Arrays:
    """`count` examples of `split`, as even across its classes as they allow (one of each
    class in turn, each class's examples in a seeded random order): how a small labelling
    budget would be spent, for experiments with few labels.

    Examples:

        >>> split = Arrays(np.arange(10), np.array([0] * 8 + [1] * 2))
        >>> np.bincount(labelled_subset(split, 6).y).tolist()
        [4, 2]
    """
    if not 0 < count <= len(split.y):
        raise ValueError(
            f"Invalid value for argument `count`. Expected 1..{len(split.y)} (the examples "
            f"there are). Received: count={count}"
        )
    rng = np.random.default_rng(seed)
    by_class = [rng.permutation(np.flatnonzero(split.y == c)) for c in np.unique(split.y)]
    in_turn = [c[i] for i in range(max(map(len, by_class))) for c in by_class if i < len(c)]
    picked = rng.permutation(np.asarray(in_turn[:count]))
    return Arrays(split.x[picked], split.y[picked])


def network_available(host: str = "storage.googleapis.com", timeout: float = 3.0) -> bool:
    """Whether `host` answers on port 443 within `timeout` seconds.

    `KERAS_WALK_OFFLINE=1` forces `False` (tests and air-gapped machines).
    """
    if os.environ.get("KERAS_WALK_OFFLINE", "") not in ("", "0"):
        return False
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def data_root() -> Path:
    """Where keras_walk keeps data files that no Python package ships: `$KERAS_WALK_DATA`,
    else `~/.cache/keras_walk` (`make setup` puts the npm corpora there)."""
    return Path(os.environ.get("KERAS_WALK_DATA") or Path.home() / ".cache" / "keras_walk")


# --- Fashion-MNIST ------------------------------------------------------------------------

_FASHION_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
_FASHION_DIRS = (
    "/usr/share/datasets/fashion-mnist",  # Debian: apt-get install dataset-fashion-mnist
    "~/.keras/datasets/fashion-mnist",  # keras.datasets.fashion_mnist.load_data() cache
)


def _read_idx(path: Path) -> np.ndarray:
    # The IDX format is 4 magic bytes (the last one = number of dimensions), one big-endian
    # int32 per dimension, then uint8 data. No maintained library reads it from a path of
    # our choosing (Keras's loader only reads its own download cache), so we parse it here.
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _find_fashion_dir(data_dir: Path | None) -> Path | None:
    candidates = []
    if data_dir is not None:
        candidates += [Path(data_dir), Path(data_dir) / "fashion-mnist"]
    candidates.append(data_root() / "fashion-mnist")
    if data_dir is None:
        candidates += [Path(d).expanduser() for d in _FASHION_DIRS]
    for folder in candidates:
        if all((folder / f).is_file() for pair in _FASHION_FILES.values() for f in pair):
            return folder
    return None


def _load_fashion_mnist(data_dir: Path | None, download: bool) -> dict[str, Arrays]:
    folder = _find_fashion_dir(data_dir)
    if folder is not None:
        return {
            split: Arrays(_read_idx(folder / images)[..., None], _read_idx(folder / labels))
            for split, (images, labels) in _FASHION_FILES.items()
        }
    where = f" in {data_dir}" if data_dir is not None else ""
    _require_download("fashion_mnist", download, f"no local copy{where}")
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    return {"train": Arrays(x_train[..., None], y_train), "test": Arrays(x_test[..., None], y_test)}


# --- scikit-learn digits ------------------------------------------------------------------

_DIGITS_TRAIN = 1437  # first 80% of the 1,797 images, in the file's own order


def _load_digits(_data_dir: Path | None, _download: bool) -> dict[str, Arrays]:
    from sklearn.datasets import load_digits

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


def _module(name: str):
    def available() -> bool:
        import importlib.util

        return importlib.util.find_spec(name) is not None

    return available


def _fashion_scenes(data_dir, download):
    from keras_walk.data.image_text import load_fashion_scenes

    return load_fashion_scenes(data_dir, download)


def _emoji(style: str):
    def load(data_dir, _download):
        from keras_walk.data.image_text import load_emoji

        return load_emoji(style, data_dir)

    def available() -> bool:
        from keras_walk.data.image_text import emoji_available

        return emoji_available(style)

    return load, available


_EMOJI = {style: _emoji(style) for style in ("google", "twitter")}


def _emoji_categories(data_dir, _download):
    from keras_walk.data.image_text import load_emoji_categories

    return load_emoji_categories(data_dir)


def _emoji_cutouts(data_dir, _download):
    from keras_walk.data.segmentation import load_emoji_cutouts

    return load_emoji_cutouts(data_dir)


def _clipart_cutouts(data_dir, _download):
    from keras_walk.data.segmentation import CLIPART_ROOT, load_clipart_cutouts

    return load_clipart_cutouts(data_dir or CLIPART_ROOT)


def _clipart_cutouts_available() -> bool:
    from keras_walk.data.segmentation import CLIPART_ROOT

    return CLIPART_ROOT.is_dir() and _module("skimage")()


def _fashion_scene_masks(data_dir, download):
    from keras_walk.data.segmentation import load_fashion_scene_masks

    return load_fashion_scene_masks(data_dir, download)


def _fashion_detection(data_dir, download):
    from keras_walk.data.detection import load_fashion_detection

    return load_fashion_detection(data_dir, download)


def _emoji_cutouts_available() -> bool:
    return _EMOJI["google"][1]() and _module("skimage")()


_EMOJI_NOTE = (
    "1,911 emoji (skin-tone variants left out), 64x64 RGB on white, captioned with their "
    "Unicode CLDR names; every fifth emoji in Unicode order is in the test split. "
    "Images from the npm package emoji-datasource-{style} 16.0.0 (iamcal/emoji-data)."
)
_EMOJI_HOW = (
    "Run `make setup`: it runs `npm pack emoji-datasource-{style}@16.0.0` in "
    "$KERAS_WALK_DATA (~/.cache/keras_walk). The file is read as it is, never unpacked."
)


FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
# What every set composed from Fashion-MNIST shares: availability, licence, citation and
# how to get the files.
_FASHION_DERIVED = {
    "available": lambda: _find_fashion_dir(None) is not None,
    "license": "MIT (Fashion-MNIST)",
    "citation": "Xiao, Rasul, Vollgraf (2017). Fashion-MNIST. arXiv:1708.07747",
    "how_to_get": "As fashion_mnist: `apt-get install dataset-fashion-mnist` (`make setup`).",
}


DATASETS = Registry(
    "dataset",
    (
        DataInfo(
            name="fashion_mnist",
            kind="images",
            size="70,000 images (30 MB)",
            available=lambda: _find_fashion_dir(None) is not None,
            description="70,000 28x28 greyscale images of clothing in 10 classes (Zalando).",
            source="https://github.com/zalandoresearch/fashion-mnist",
            license="MIT",
            citation="Xiao, Rasul, Vollgraf (2017). Fashion-MNIST. arXiv:1708.07747",
            input_shape=(28, 28, 1),
            num_classes=10,
            class_names=FASHION_CLASSES,
            splits={"train": 60000, "test": 10000},
            how_to_get=(
                "Install Debian's package (`apt-get install dataset-fashion-mnist`, "
                "which `make setup` does), or copy the four .gz files into "
                "$KERAS_WALK_DATA/fashion-mnist, or connect to the internet and pass "
                "download=True."
            ),
            loader=_load_fashion_mnist,
        ),
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
            source="composed by keras_walk.data.image_text from Fashion-MNIST",
            **_FASHION_DERIVED,
            input_shape=(56, 56, 1),
            splits={"train": 60000, "test": 10000},
            loader=_fashion_scenes,
        ),
        DataInfo(
            name="emoji",
            kind="image_text",
            size="1,911 images with captions",
            available=_EMOJI["google"][1],
            description="Google's Noto Emoji: " + _EMOJI_NOTE.format(style="google"),
            source="https://github.com/googlefonts/noto-emoji via https://github.com/iamcal/emoji-data",
            license="Apache-2.0 (Noto Emoji images); MIT (emoji-data metadata)",
            citation="Google, Noto Emoji; Cal Henderson, emoji-data 16.0.0",
            input_shape=(64, 64, 3),
            splits={"train": 1529, "test": 382},
            how_to_get=_EMOJI_HOW.format(style="google"),
            loader=_EMOJI["google"][0],
        ),
        DataInfo(
            name="emoji_twitter",
            kind="image_text",
            size="1,911 images with captions",
            available=_EMOJI["twitter"][1],
            description="Twitter's Twemoji, the same concepts as `emoji` in another style: "
            + _EMOJI_NOTE.format(style="twitter"),
            source="https://github.com/jdecked/twemoji via https://github.com/iamcal/emoji-data",
            license="CC-BY 4.0 (Twemoji images, credit Twitter, Inc.); MIT (emoji-data metadata)",
            citation="Twitter, Inc., Twemoji; Cal Henderson, emoji-data 16.0.0",
            input_shape=(64, 64, 3),
            splits={"train": 1529, "test": 382},
            how_to_get=_EMOJI_HOW.format(style="twitter"),
            loader=_EMOJI["twitter"][0],
        ),
        DataInfo(
            name="emoji_categories",
            kind="images",
            size="1,906 images in 9 classes, and 381 in another style",
            available=lambda: _EMOJI["google"][1]() and _EMOJI["twitter"][1](),
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
            how_to_get=_EMOJI_HOW.format(style="google")
            + " The same for emoji-datasource-twitter.",
            loader=_emoji_categories,
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
            how_to_get=_EMOJI_HOW.format(style="google") + " scikit-image is a dependency.",
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
            source="composed by keras_walk.data.segmentation from Fashion-MNIST",
            **_FASHION_DERIVED,
            input_shape=(56, 56, 1),
            num_classes=11,
            class_names=("background", *FASHION_CLASSES),
            splits={"train": 60000, "test": 10000},
            loader=_fashion_scene_masks,
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
            source="composed by keras_walk.data.detection from Fashion-MNIST",
            **_FASHION_DERIVED,
            input_shape=(96, 96, 1),
            num_classes=10,
            class_names=FASHION_CLASSES,
            splits={"train": 20000, "test": 2000},
            loader=_fashion_detection,
        ),
        DataInfo(
            name="digits",
            kind="images",
            size="1,797 images",
            available=_module("sklearn"),
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
            available=_module("aeon"),
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
            available=_module("aeon"),
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
    ),
)


def _require_download(name: str, download: bool | str, reason: str) -> None:
    info = DATASETS.get(name)
    if download is False:
        raise DatasetUnavailableError(
            f"Dataset {name!r} is not available: {reason} and download=False. {info.how_to_get}"
        )
    if not network_available():
        raise DatasetUnavailableError(
            f"Dataset {name!r} is not available: {reason} and no network to download it "
            f"from. {info.how_to_get}"
        )


list_datasets = DATASETS.names
dataset_info = DATASETS.get


def load(
    name: str,
    splits: str | Sequence[str] = ("train", "test"),
    data_dir: str | os.PathLike | None = None,
    download: bool | str = "auto",
) -> Arrays | list[Arrays]:
    """Loads a named dataset as NumPy arrays, one `Arrays(x, y)` per split.

    Args:
        name: one of `list_datasets()`.
        splits: TFDS-style split strings: `"train"`, `"train[:90%]"`, `"train[54000:]"`,
            `"train+test"`. A single string returns a single `Arrays`.
        data_dir: a folder holding the files; by default the known local places are searched.
        download: `"auto"` downloads only when no local copy exists and the network
            answers; `False` never downloads; `True` downloads if no local copy exists.

    Examples:

        >>> train, test = load("digits")
        >>> train.x.shape, test.x.shape
        ((1437, 8, 8, 1), (360, 8, 8, 1))
        >>> head = load("digits", splits="train[:10%]")
        >>> head.x.shape
        (144, 8, 8, 1)
    """
    info = dataset_info(name)
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
            raise ValueError(f"Invalid split {spec!r} for dataset {name!r}: it is empty.")
        result.append(arrays)
    return result[0] if single else result


def _parse_split(spec: str, sizes: dict[str, int]):
    # TFDS owns the split mini-language ("train[:90%]+test"); reuse its parser so that our
    # slices mean exactly what they mean in `tfds.load`.
    from tensorflow_datasets.core import splits as tfds_splits

    infos = {k: types.SimpleNamespace(num_examples=v) for k, v in sizes.items()}
    try:
        return tfds_splits.ReadInstruction.from_spec(spec).to_absolute(infos)
    except (ValueError, KeyError, AssertionError) as error:
        raise ValueError(
            f"Invalid split {spec!r}. Expected a split of {sorted(sizes)} with an optional "
            f"slice such as 'train[:90%]' or 'train[54000:]'. ({error})"
        ) from None
