"""One catalog of named data, and one `load` for all of it.

Every named thing `keras_walk.data` can load is a `DataInfo` in one of the registries that
`REGISTRIES` lists, in this order: image and sequence datasets, composed datasets, tables,
series, corpora and pretrained checkpoints. `catalog()` lists them with their kind, size,
licence, source and whether they are available offline on this machine now; `load(name)`
loads any of them, dispatching on its kind.

Examples:

    >>> sorted({info.kind for info in catalog()})
    ['corpus', 'detection', 'image_text', 'images', 'pretrained', 'segmentation', 'sequences', 'series', 'table']
    >>> load("breast_cancer", test_fraction=0.25).train.shape
    (426, 31)
    >>> load("digits", "test").x.shape
    (360, 8, 8, 1)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from keras_walk.data.composed import COMPOSED
from keras_walk.data.corpora import CORPORA, load_corpus
from keras_walk.data.datasets import DATASETS, load_arrays
from keras_walk.data.pretrained import PRETRAINED, pretrained_preset
from keras_walk.data.registry import DataInfo, Registry
from keras_walk.data.tables import SERIES, TABLES, load_series, load_table

__all__ = [
    "ARRAY_KINDS",
    "LOADERS",
    "REGISTRIES",
    "catalog",
    "catalog_table",
    "data_info",
    "dataset_info",
    "list_datasets",
    "load",
]

REGISTRIES: tuple[Registry, ...] = (DATASETS, COMPOSED, TABLES, SERIES, CORPORA, PRETRAINED)
# The datasets that load as `Arrays` per split, whether read or composed.
ARRAY_DATASETS = Registry("dataset", [*DATASETS, *COMPOSED])
ALL = Registry("data", [info for registry in REGISTRIES for info in registry])

list_datasets = ARRAY_DATASETS.names
dataset_info = ARRAY_DATASETS.get
data_info = ALL.get


def _load_arrays(name, splits=("train", "test"), data_dir=None, download="auto"):
    return load_arrays(dataset_info(name), splits, data_dir, download)


# The kinds that load as `Arrays` per split.
ARRAY_KINDS = ("images", "image_text", "segmentation", "detection", "sequences")
# Each kind's loader: its first argument is the name, the others are what `load` forwards.
LOADERS: dict[str, Callable] = {
    **dict.fromkeys(ARRAY_KINDS, _load_arrays),
    "table": load_table,
    "series": load_series,
    "corpus": load_corpus,
    "pretrained": pretrained_preset,
}


def load(name: str, *args, **options):
    """Loads any named data of the catalog; what it takes and returns depends on its kind.

    * datasets (images, image_text, segmentation, detection, sequences): `splits`,
      `data_dir`, `download` (see `keras_walk.data.datasets.load_arrays`); one `Arrays(x, y)`
      per split;
    * `table`: `test_fraction`, `seed`; a `Table(train, test, info)` (`load_table`);
    * `series`: nothing; one DataFrame in time order (`load_series`);
    * `corpus`: `validation_every`; a `Corpus(train, validation, info)` (`load_corpus`);
    * `pretrained`: nothing; the checkpoint's local directory (`pretrained_preset`).

    Raises `ValueError` listing the names for an unknown name, and `TypeError` naming the
    arguments its kind takes for one it does not.

    Examples:

        >>> train, test = load("digits")
        >>> head = load("digits", splits="train[:10%]")
        >>> head.x.shape
        (144, 8, 8, 1)
        >>> load("penguins", splits="train")
        Traceback (most recent call last):
        ...
        TypeError: Invalid argument for `load('penguins')`, a 'table': it takes test_fraction, seed. Received: splits='train'
    """
    info = data_info(name)
    loader = LOADERS[info.kind]
    signature = inspect.signature(loader)
    parameters = list(signature.parameters)[1:]
    try:
        signature.bind(name, *args, **options)
    except TypeError:
        received = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in options.items()]
        takes = ", ".join(parameters) if parameters else "no other argument"
        raise TypeError(
            f"Invalid argument for `load({name!r})`, a {info.kind!r}: it takes {takes}. "
            f"Received: {', '.join(received)}"
        ) from None
    return loader(name, *args, **options)


def catalog() -> list[DataInfo]:
    """Every named dataset, table, series, corpus and pretrained checkpoint."""
    return [info for registry in REGISTRIES for info in registry]


def catalog_table() -> str:
    """The catalog as a markdown table: name, kind, size, licence, source, and whether it
    is available offline here now (the docs' data page shows it)."""
    rows = [
        "| name | kind | size | licence | source | offline here |",
        "|---|---|---|---|---|---|",
    ]
    for info in catalog():
        offline = "yes" if info.available() else "no: " + info.how_to_get.replace("|", "/")
        rows.append(
            f"| `{info.name}` | {info.kind} | {info.size} | {info.license} | "
            f"{info.source} | {offline} |"
        )
    return "\n".join(rows) + "\n"
