"""Fashion-MNIST's files: found on this machine, read with an IDX reader, or downloaded.

Several datasets are made from Fashion-MNIST (the scenes, their masks, the detection
scenes), so its reading sits below all of them.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import keras
import numpy as np

from keras_walk.data.arrays import Arrays
from keras_walk.data.files import data_root, require_download

__all__ = [
    "FASHION_CLASSES",
    "FASHION_HOW_TO_GET",
    "fashion_mnist_available",
    "find_fashion_dir",
    "load_fashion_mnist",
    "read_idx",
]

FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
FASHION_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
FASHION_DIRS = (
    "/usr/share/datasets/fashion-mnist",  # Debian: apt-get install dataset-fashion-mnist
    "~/.keras/datasets/fashion-mnist",  # keras.datasets.fashion_mnist.load_data() cache
)
FASHION_HOW_TO_GET = (
    "Install Debian's package (`apt-get install dataset-fashion-mnist`, "
    "which `make setup` does), or copy the four .gz files into "
    "$KERAS_WALK_DATA/fashion-mnist, or connect to the internet and pass "
    "download=True."
)


def read_idx(path: Path) -> np.ndarray:
    """The array in a gzipped IDX file (the MNIST family's format)."""
    # The IDX format is 4 magic bytes (the last one = number of dimensions), one big-endian
    # int32 per dimension, then uint8 data. No maintained library reads it from a path of
    # our choosing (Keras's loader only reads its own download cache), so we parse it here.
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find_fashion_dir(data_dir: Path | None) -> Path | None:
    """The first folder holding Fashion-MNIST's four files: `data_dir` (or its
    `fashion-mnist` folder), `$KERAS_WALK_DATA/fashion-mnist`, then Debian's and Keras's
    places when no `data_dir` is given; `None` when there is none."""
    candidates = []
    if data_dir is not None:
        candidates += [Path(data_dir), Path(data_dir) / "fashion-mnist"]
    candidates.append(data_root() / "fashion-mnist")
    if data_dir is None:
        candidates += [Path(d).expanduser() for d in FASHION_DIRS]
    for folder in candidates:
        if all((folder / f).is_file() for pair in FASHION_FILES.values() for f in pair):
            return folder
    return None


def fashion_mnist_available() -> bool:
    """Whether Fashion-MNIST is on this machine now."""
    return find_fashion_dir(None) is not None


def load_fashion_mnist(data_dir: Path | None, download: bool | str) -> dict[str, Arrays]:
    """Fashion-MNIST's `train` and `test` splits, images `(n, 28, 28, 1)` uint8."""
    folder = find_fashion_dir(data_dir)
    if folder is not None:
        return {
            split: Arrays(read_idx(folder / images)[..., None], read_idx(folder / labels))
            for split, (images, labels) in FASHION_FILES.items()
        }
    where = f" in {data_dir}" if data_dir is not None else ""
    require_download("fashion_mnist", download, f"no local copy{where}", FASHION_HOW_TO_GET)
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    return {"train": Arrays(x_train[..., None], y_train), "test": Arrays(x_test[..., None], y_test)}
