"""Data: named offline-first datasets and tables, sources, checks, tf.data pipelines."""

import importlib.abc
import sys

from keras_walk.data.arrays import Arrays, labelled_subset
from keras_walk.data.augment import AUGMENTATIONS, image_augmentation
from keras_walk.data.catalog import (
    catalog,
    catalog_table,
    data_info,
    dataset_info,
    list_datasets,
    load,
)
from keras_walk.data.checks import (
    DataError,
    LabelError,
    check_features,
    check_image_files,
    check_image_shape,
    check_texts,
)
from keras_walk.data.corpora import Corpus, corpus_info, list_corpora, load_corpus
from keras_walk.data.files import DatasetUnavailableError, data_root, network_available
from keras_walk.data.pipeline import pipeline
from keras_walk.data.pretrained import list_pretrained, pretrained_info, pretrained_preset
from keras_walk.data.registry import DataInfo, Registry
from keras_walk.data.sources import from_directory, from_tfds, to_tfds
from keras_walk.data.tables import (
    Table,
    list_tables,
    load_series,
    load_table,
    split_validation,
    table_info,
)
from keras_walk.data.tabular import MISSING, TabularFeatures, encode_labels, multi_hot
from keras_walk.data.tokens import Vocabulary, next_token_windows
from keras_walk.data.windows import ForecastSplit, ForecastWindows, forecasting_windows

__all__ = [
    "AUGMENTATIONS",
    "MISSING",
    "Arrays",
    "Corpus",
    "DataInfo",
    "DataError",
    "DatasetUnavailableError",
    "Registry",
    "ForecastSplit",
    "LabelError",
    "ForecastWindows",
    "Table",
    "TabularFeatures",
    "Vocabulary",
    "catalog",
    "catalog_table",
    "check_features",
    "check_image_files",
    "check_image_shape",
    "check_texts",
    "corpus_info",
    "data_info",
    "data_root",
    "dataset_info",
    "encode_labels",
    "forecasting_windows",
    "from_directory",
    "from_tfds",
    "image_augmentation",
    "labelled_subset",
    "list_corpora",
    "list_datasets",
    "list_pretrained",
    "list_tables",
    "load",
    "load_corpus",
    "load_series",
    "load_table",
    "multi_hot",
    "network_available",
    "next_token_windows",
    "pipeline",
    "pretrained_info",
    "pretrained_preset",
    "split_validation",
    "table_info",
    "to_tfds",
]

# Modules that moved when the package was layered: importing or reading the old name
# raises an error that names the new one.
_MOVED_MODULES = {
    "image_text": "keras_walk.data.composed.scenes (the scenes) and keras_walk.data.emoji",
    "segmentation": "keras_walk.data.composed.cutouts (the scene masks: composed.scenes)",
    "detection": "keras_walk.data.composed.detection",
}


def _moved(name: str) -> str:
    return f"`keras_walk.data.{name}` is now {_MOVED_MODULES[name]}."


class _MovedModuleFinder(importlib.abc.MetaPathFinder):
    """Consulted last, after every finder found no such file: a moved module's old name
    raises `ModuleNotFoundError` naming the new one."""

    def find_spec(self, fullname, path, target=None):
        _, _, name = fullname.rpartition("keras_walk.data.")
        if fullname.startswith("keras_walk.data.") and name in _MOVED_MODULES:
            raise ModuleNotFoundError(_moved(name), name=fullname)
        return None


sys.meta_path.append(_MovedModuleFinder())


def __getattr__(name):
    if name in _MOVED_MODULES:
        raise AttributeError(_moved(name))
    raise AttributeError(f"module 'keras_walk.data' has no attribute {name!r}")
