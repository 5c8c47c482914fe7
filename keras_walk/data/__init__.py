"""Data: named offline-first datasets and tables, sources, checks, tf.data pipelines."""

from keras_walk.data.augment import AUGMENTATIONS, image_augmentation
from keras_walk.data.catalog import DataInfo, catalog, catalog_table
from keras_walk.data.checks import (
    DataError,
    LabelError,
    check_features,
    check_image_files,
    check_image_shape,
    check_texts,
)
from keras_walk.data.corpora import Corpus, corpus_info, list_corpora, load_corpus
from keras_walk.data.pipeline import pipeline
from keras_walk.data.pretrained import list_pretrained, pretrained_info, pretrained_preset
from keras_walk.data.registry import (
    Arrays,
    DatasetUnavailableError,
    data_root,
    dataset_info,
    labelled_subset,
    list_datasets,
    load,
    network_available,
)
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
