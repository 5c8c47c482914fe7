"""Bad input, everywhere: every public builder, data loader, pipeline and tool is fed the
wrong thing (wrong dtype, shape or rank, NaN and infinity, nothing at all, labels that do
not fit the head, unknown names, files that are missing, empty, truncated or not what
their extension says) and must raise a `ValueError` (or a named subclass: `DataError`,
`LabelError`, `DatasetUnavailableError`) whose message names the argument, before any
training starts. The command line answers the same mistakes with a usage error naming
the parameter. `docs/user-guide/reliability.md` states how many cases there are.
"""

from __future__ import annotations

import functools
import os
import re

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import keras_walk as kw
from keras_walk.data.checks import DataError
from keras_walk.heads import LabelError

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, (8, 8, 8, 1)).astype("uint8")
LABELS = np.arange(8) % 3
TEXTS = np.array(["a good film", "a bad film", "good acting", "bad plot"] * 2)
NAN = np.float32("nan")


# --- Small models and data, built once ------------------------------------------------


@functools.cache
def classifier():
    return kw.tasks.image_classifier(
        (8, 8, 1), 3, backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (4,), 1), seed=0
    )


@functools.cache
def binary_text_model():
    return kw.tasks.text_classifier(TEXTS, 2, max_tokens=50, sequence_length=8, seed=0)


@functools.cache
def table():
    return pd.DataFrame({"age": [20.0, 30.0, 40.0, 50.0] * 2, "city": ["a", "b", "a", "c"] * 2})


@functools.cache
def tabular():
    features = kw.data.TabularFeatures(numeric=["age"], categorical=["city"])
    features.adapt(table())
    return kw.tasks.tabular_model(features, 2, hidden_units=(4,), seed=0)


@functools.cache
def sequence_model():
    return kw.tasks.sequence_classifier((16, 2), 3, filters=(4,), kernel_sizes=(3,), seed=0)


@functools.cache
def segmenter():
    return kw.tasks.image_segmenter((16, 16, 1), 3, filters=(4, 8), seed=0)


@functools.cache
def detector():
    return kw.tasks.object_detector((32, 32, 3), 2, filters=(4, 8, 8, 8))


@functools.cache
def autoencoder():
    return kw.tasks.autoencoder((8, 8, 1), latent_dim=2, filters=(4,), seed=0)


@functools.cache
def series():
    steps = np.arange(200, dtype="float32")
    return pd.DataFrame({"temp": np.sin(steps / 10), "wind": np.cos(steps / 7)})


@functools.cache
def windows():
    return kw.data.forecasting_windows(series(), "temp", input_width=12, horizon=1)


def with_environment(**variables):
    """A decorator that runs a call with environment variables set, then restores them."""

    def decorate(call):
        def run(*args, **kwargs):
            saved = {name: os.environ.get(name) for name in variables}
            os.environ.update(variables)
            try:
                return call(*args, **kwargs)
            finally:
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value

        return run

    return decorate


def fit(model, x, y=None, **options):
    return lambda files: model().fit(x, y, epochs=1, verbose=0, **options)


def predict(model, x):
    return lambda files: model().predict(x, verbose=0)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Files that are not what they claim: text named .png, a truncated PNG, an empty JPEG,
    a folder of each, a CSV without the model's columns."""
    root = tmp_path_factory.mktemp("bad_files")
    good = root / "good.png"
    keras.utils.save_img(good, IMAGES[0].repeat(3, axis=-1))
    paths = {"good": good, "missing": root / "missing.png"}
    paths["text_png"] = root / "notes.png"
    paths["text_png"].write_text("this is not a picture\n")
    paths["truncated_png"] = root / "truncated.png"
    paths["truncated_png"].write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    paths["empty_jpg"] = root / "empty.jpg"
    paths["empty_jpg"].write_bytes(b"")
    for name in ("text_png", "truncated_png", "empty_jpg"):
        folder = root / f"dir_{name}" / "cats"
        folder.mkdir(parents=True)
        keras.utils.save_img(folder / "fine.png", IMAGES[1].repeat(3, axis=-1))
        (folder / paths[name].name).write_bytes(paths[name].read_bytes())
        paths[f"dir_{name}"] = folder.parent
    paths["empty_dir"] = root / "empty_dir"
    paths["empty_dir"].mkdir()
    paths["wrong_csv"] = root / "rows.csv"
    paths["wrong_csv"].write_text("height,colour\n1.0,red\n")
    paths["truncated_keras"] = root / "model.keras"
    paths["truncated_keras"].write_bytes(b"PK\x03\x04 not a whole zip")
    paths["text_keras"] = root / "notes.keras"
    paths["text_keras"].write_text("hello")
    return paths


# --- The cases: (id, call, the error, a pattern its message must contain) --------------

CASES = [
    # kw.data.pipeline
    (
        "pipeline/batch_size_zero",
        lambda f: kw.data.pipeline((IMAGES, LABELS), 0),
        ValueError,
        "batch_size",
    ),
    (
        "pipeline/batch_size_float",
        lambda f: kw.data.pipeline((IMAGES, LABELS), 2.5),
        ValueError,
        "batch_size",
    ),
    (
        "pipeline/batch_size_bool",
        lambda f: kw.data.pipeline((IMAGES, LABELS), True),
        ValueError,
        "batch_size",
    ),
    ("pipeline/empty", lambda f: kw.data.pipeline((IMAGES[:0], LABELS[:0])), DataError, "`x`"),
    (
        "pipeline/nan",
        lambda f: kw.data.pipeline((np.full((4, 3), NAN), LABELS[:4])),
        DataError,
        "`x`",
    ),
    (
        "pipeline/inf",
        lambda f: kw.data.pipeline((np.full((4, 3), np.inf), LABELS[:4])),
        DataError,
        "`x`",
    ),
    ("pipeline/lengths", lambda f: kw.data.pipeline((IMAGES, LABELS[:5])), DataError, "`y`"),
    (
        "pipeline/object_dtype",
        lambda f: kw.data.pipeline((np.array([{}, {}]), [0, 1])),
        DataError,
        "`data`",
    ),
    # Labels are checked once, by the Task that trains on the pipeline.
    (
        "pipeline/label_too_big",
        lambda f: classifier().fit(kw.data.pipeline((IMAGES, LABELS + 5), 4), epochs=1, verbose=0),
        LabelError,
        "labels",
    ),
    (
        "pipeline/label_negative",
        lambda f: classifier().fit(kw.data.pipeline((IMAGES, LABELS - 1), 4), epochs=1, verbose=0),
        LabelError,
        "labels",
    ),
    (
        "pipeline/label_float",
        lambda f: classifier().fit(
            kw.data.pipeline((IMAGES, LABELS + 0.5), 4), epochs=1, verbose=0
        ),
        LabelError,
        "labels",
    ),
    (
        "pipeline/label_nan",
        lambda f: binary_text_model().fit(
            kw.data.pipeline((TEXTS, np.full(8, NAN)), 4), epochs=1, verbose=0
        ),
        LabelError,
        "labels",
    ),
    (
        "pipeline/binary_label_2",
        lambda f: binary_text_model().fit(
            kw.data.pipeline((TEXTS, LABELS), 4), epochs=1, verbose=0
        ),
        LabelError,
        "labels",
    ),
    (
        "pipeline/onehot_for_sparse",
        lambda f: classifier().fit(
            kw.data.pipeline((IMAGES, np.eye(3)[LABELS]), 4), epochs=1, verbose=0
        ),
        LabelError,
        "labels",
    ),
    (
        "pipeline/removed_head",
        lambda f: kw.data.pipeline((IMAGES, LABELS), head="multiclass"),
        ValueError,
        "`head` was removed",
    ),
    (
        "pipeline/removed_num_classes",
        lambda f: kw.data.pipeline((IMAGES, LABELS), num_classes=3),
        ValueError,
        "`num_classes` was removed",
    ),
    (
        "pipeline/unknown_augment",
        lambda f: kw.data.pipeline((IMAGES, LABELS), augment="spin"),
        ValueError,
        "augment",
    ),
    (
        "pipeline/input_shape_channels",
        lambda f: kw.data.pipeline((IMAGES, LABELS), input_shape=(8, 8, 3)),
        DataError,
        "images",
    ),
    (
        "pipeline/input_shape_rank",
        lambda f: kw.data.pipeline((IMAGES[..., 0], LABELS), input_shape=(8, 8, 1)),
        DataError,
        "images",
    ),
    (
        "pipeline/masks_and_boxes",
        lambda f: kw.data.pipeline((IMAGES, LABELS), masks=True, boxes=True),
        ValueError,
        "masks",
    ),
    ("pipeline/dict_data", lambda f: kw.data.pipeline({"x": IMAGES}), ValueError, "data"),
    ("pipeline/texts_labels", lambda f: kw.data.pipeline((TEXTS, [0, 1])), DataError, "labels"),
    ("pipeline/blank_texts", lambda f: kw.data.pipeline(np.array(["", " "])), DataError, "`data`"),
    (
        "pipeline/sortish_without_shuffle",
        lambda f: kw.data.pipeline((TEXTS, LABELS), sortish=True),
        ValueError,
        "sortish",
    ),
    (
        "pipeline/sortish_lengths",
        lambda f: kw.data.pipeline((TEXTS, LABELS), shuffle=True, sortish=[1, 2]),
        ValueError,
        "sortish",
    ),
    (
        "pipeline/shuffle_buffer_zero",
        lambda f: kw.data.pipeline((IMAGES, LABELS), shuffle=True, shuffle_buffer=0),
        ValueError,
        "shuffle_buffer",
    ),
    (
        "pipeline/dataset_labels",
        lambda f: classifier().fit(
            kw.data.pipeline(tf.data.Dataset.from_tensor_slices((IMAGES, LABELS + 7)), 4),
            epochs=1,
            verbose=0,
        ),
        LabelError,
        "labels",
    ),
    (
        "pipeline/dataset_shape",
        lambda f: kw.data.pipeline(
            tf.data.Dataset.from_tensor_slices((IMAGES, LABELS)), input_shape=(4, 4, 1)
        ),
        DataError,
        "images",
    ),
    # kw.data loaders
    ("load/unknown_name", lambda f: kw.data.load("fashion_mnistt"), ValueError, "name"),
    ("load/name_not_string", lambda f: kw.data.load(7), ValueError, "name"),
    ("load/bad_split", lambda f: kw.data.load("digits", splits="train[:abc]"), ValueError, "split"),
    (
        "load/unknown_split",
        lambda f: kw.data.load("digits", splits="validation"),
        ValueError,
        "split",
    ),
    (
        "load/download_value",
        lambda f: kw.data.load("digits", download="maybe"),
        ValueError,
        "download",
    ),
    ("dataset_info/unknown", lambda f: kw.data.dataset_info("imagenet-22k"), ValueError, "name"),
    ("load_table/unknown", lambda f: kw.data.load_table("titanicc"), ValueError, "name"),
    (
        "load_table/fraction_one",
        lambda f: kw.data.load_table("penguins", test_fraction=1.0),
        ValueError,
        "test_fraction",
    ),
    (
        "load_table/fraction_zero",
        lambda f: kw.data.load_table("penguins", test_fraction=0),
        ValueError,
        "test_fraction",
    ),
    ("table_info/unknown", lambda f: kw.data.table_info("nope"), ValueError, "name"),
    ("load_series/unknown", lambda f: kw.data.load_series("mars_weather"), ValueError, "name"),
    ("load_corpus/unknown", lambda f: kw.data.load_corpus("shakespeare_2"), ValueError, "name"),
    (
        "load_corpus/validation_every",
        lambda f: kw.data.load_corpus(validation_every=0),
        ValueError,
        "validation_every",
    ),
    ("corpus_info/unknown", lambda f: kw.data.corpus_info("nope"), ValueError, "name"),
    (
        "pretrained_preset/unknown",
        lambda f: kw.data.pretrained_preset("gpt-17"),
        ValueError,
        "name",
    ),
    ("pretrained_info/unknown", lambda f: kw.data.pretrained_info("gpt-17"), ValueError, "name"),
    (
        "from_tfds/not_prepared",
        lambda f: kw.data.from_tfds("mnist", "train", data_dir=f["empty_dir"]),
        kw.data.DatasetUnavailableError,
        "'mnist'",
    ),
    (
        "from_directory/missing",
        lambda f: kw.data.from_directory(f["missing"], (8, 8)),
        ValueError,
        "directory",
    ),
    (
        "from_directory/a_file",
        lambda f: kw.data.from_directory(f["good"], (8, 8)),
        ValueError,
        "directory",
    ),
    (
        "from_directory/empty",
        lambda f: kw.data.from_directory(f["empty_dir"], (8, 8)),
        ValueError,
        "directory",
    ),
    (
        "from_directory/text_as_png",
        lambda f: kw.data.from_directory(f["dir_text_png"], (8, 8)),
        DataError,
        "notes.png",
    ),
    (
        "from_directory/truncated_png",
        lambda f: kw.data.from_directory(f["dir_truncated_png"], (8, 8)),
        DataError,
        "truncated.png",
    ),
    (
        "from_directory/empty_jpg",
        lambda f: kw.data.from_directory(f["dir_empty_jpg"], (8, 8)),
        DataError,
        "empty.jpg",
    ),
    (
        "from_directory/image_size",
        lambda f: kw.data.from_directory(f["dir_text_png"].parent, (0, 8)),
        ValueError,
        "image_size",
    ),
    (
        "from_directory/color_mode",
        lambda f: kw.data.from_directory(f["dir_text_png"].parent, (8, 8), color_mode="cmyk"),
        ValueError,
        "color_mode",
    ),
    (
        "from_directory/validation_split",
        lambda f: kw.data.from_directory(
            f["dir_text_png"].parent, (8, 8), validation_split=1.5, subset="training"
        ),
        ValueError,
        "validation_split",
    ),
    (
        "from_directory/subset",
        lambda f: kw.data.from_directory(f["dir_text_png"].parent, (8, 8), subset="training"),
        ValueError,
        "subset",
    ),
    (
        "image_augmentation/unknown",
        lambda f: kw.data.image_augmentation("wild"),
        ValueError,
        "preset",
    ),
    (
        "check_image_shape/channels",
        lambda f: kw.data.check_image_shape((8, 8, 3), (8, 8, 1)),
        DataError,
        "channels",
    ),
    ("check_texts/numbers", lambda f: kw.data.check_texts(np.arange(3)), DataError, "text"),
    ("check_texts/empty", lambda f: kw.data.check_texts([]), DataError, "text"),
    ("check_features/empty", lambda f: kw.data.check_features(np.zeros((0, 3))), DataError, "`x`"),
    (
        "check_features/strings",
        lambda f: kw.data.check_features(np.array([[b"a"]], dtype=object)),
        DataError,
        "`x`",
    ),
    (
        "encode_labels/unknown",
        lambda f: kw.data.encode_labels(["cat", "emu"], ["cat", "dog"]),
        ValueError,
        "emu",
    ),
    (
        "encode_labels/no_classes",
        lambda f: kw.data.encode_labels(["cat"], []),
        ValueError,
        "class_names",
    ),
    ("multi_hot/no_classes", lambda f: kw.data.multi_hot([["cat"]], []), ValueError, "class_names"),
    (
        "multi_hot/a_string",
        lambda f: kw.data.multi_hot("cat", ["cat", "dog"]),
        ValueError,
        "label_sets",
    ),
    (
        "split_validation/fraction",
        lambda f: kw.data.split_validation(table(), fraction=1.5),
        ValueError,
        "fraction",
    ),
    (
        "split_validation/stratify",
        lambda f: kw.data.split_validation(table(), stratify="colour"),
        ValueError,
        "stratify",
    ),
    (
        "forecasting_windows/target",
        lambda f: kw.data.forecasting_windows(series(), "rain", 12, 1),
        ValueError,
        "targets",
    ),
    (
        "forecasting_windows/input_width",
        lambda f: kw.data.forecasting_windows(series(), "temp", 0, 1),
        ValueError,
        "input_width",
    ),
    (
        "forecasting_windows/horizon",
        lambda f: kw.data.forecasting_windows(series(), "temp", 12, 0),
        ValueError,
        "horizon",
    ),
    (
        "forecasting_windows/splits",
        lambda f: kw.data.forecasting_windows(series(), "temp", 12, 1, splits=(0.5, 0.2, 0.2)),
        ValueError,
        "splits",
    ),
    (
        "forecasting_windows/too_short",
        lambda f: kw.data.forecasting_windows(series().iloc[:10], "temp", 12, 1),
        ValueError,
        "series",
    ),
    (
        "forecasting_windows/nan",
        lambda f: kw.data.forecasting_windows(series().assign(temp=NAN), "temp", 12, 1),
        ValueError,
        "series",
    ),
    (
        "forecasting_windows/features",
        lambda f: kw.data.forecasting_windows(series(), "temp", 12, 1, features=["pressure"]),
        ValueError,
        "features",
    ),
    (
        "forecasting_windows/target_nan",
        lambda f: kw.data.forecasting_windows(
            series().assign(temp=series().temp.where(series().index != 50)),
            "temp",
            12,
            1,
            features=["wind"],
        ),
        DataError,
        "column 'temp' has 1 missing",
    ),
    (
        "forecasting_windows/string_column",
        lambda f: kw.data.forecasting_windows(series().assign(city="Oslo"), "temp", 12, 1),
        DataError,
        "column 'city' is not numeric",
    ),
    (
        "forecasting_windows/no_targets",
        lambda f: kw.data.forecasting_windows(series(), [], 12, 1),
        ValueError,
        "`targets`: it is empty",
    ),
    (
        "forecasting_windows/season_zero",
        lambda f: kw.data.forecasting_windows(series(), "temp", 12, 1, season=0),
        ValueError,
        "`season`",
    ),
    (
        "forecasting_windows/season_negative",
        lambda f: kw.data.forecasting_windows(series(), "temp", 12, 1, season=-24),
        ValueError,
        "`season`",
    ),
    (
        "load_table/test_fraction_string",
        lambda f: kw.data.load_table("penguins", test_fraction="0.2"),
        ValueError,
        "`test_fraction`",
    ),
    (
        "load/an_argument_of_another_kind",
        lambda f: kw.data.load("penguins", splits="train"),
        TypeError,
        "it takes test_fraction, seed",
    ),
    (
        "TabularFeatures.infer/label_not_a_column",
        lambda f: kw.data.TabularFeatures.infer(table(), label="lable"),
        DataError,
        "`label`: the frame has no column 'lable'",
    ),
    (
        "resolve_strategy/malformed_tf_config",
        lambda f: with_environment(TF_CONFIG="{not json")(kw.distribute.resolve_strategy)(),
        ValueError,
        "Invalid TF_CONFIG: not JSON",
    ),
    (
        "majority/binary_given_three_classes",
        lambda f: kw.baselines.majority("binary").fit(np.zeros((6, 2)), [0, 1, 2] * 2),
        LabelError,
        "`binary` head",
    ),
    (
        "tfidf_logistic/numbers_for_texts",
        lambda f: kw.baselines.tfidf_logistic(min_df=1).fit(np.arange(8), np.arange(8) % 2),
        DataError,
        "strings in `x`",
    ),
    (
        "fit/ragged_labels",
        fit(classifier, IMAGES[:2], [[0, 1], [2]]),
        LabelError,
        "argument `y`: its rows have different lengths",
    ),
    (
        "fit/batch_size_negative",
        fit(classifier, IMAGES, LABELS, batch_size=-1),
        ValueError,
        "`batch_size`",
    ),
    (
        "predict/batch_size_zero",
        lambda f: classifier().predict(IMAGES, batch_size=0, verbose=0),
        ValueError,
        "`batch_size`",
    ),
    (
        "next_token_windows/negative_ids",
        lambda f: kw.data.next_token_windows(np.array([1, -2, 3] * 20), 4),
        ValueError,
        "`ids`: token ids are indices",
    ),
    (
        "multi_hot/class_names_not_a_list",
        lambda f: kw.data.multi_hot([["a"]], 3),
        ValueError,
        "`class_names`",
    ),
    (
        "next_token_windows/length",
        lambda f: kw.data.next_token_windows(np.arange(100), 0),
        ValueError,
        "sequence_length",
    ),
    (
        "next_token_windows/too_short",
        lambda f: kw.data.next_token_windows(np.arange(5), 10),
        ValueError,
        "ids",
    ),
    (
        "next_token_windows/floats",
        lambda f: kw.data.next_token_windows(np.linspace(0, 1, 100), 10),
        ValueError,
        "ids",
    ),
    (
        "next_token_windows/batch_size",
        lambda f: kw.data.next_token_windows(np.arange(100), 10, batch_size=0),
        ValueError,
        "batch_size",
    ),
    # kw.heads
    ("heads/get_unknown", lambda f: kw.heads.get_head("softmaxx"), ValueError, "head"),
    (
        "heads/output_units_zero",
        lambda f: kw.heads.output_units("multiclass", 0),
        ValueError,
        "num_classes",
    ),
    (
        "heads/multiclass_one_class",
        lambda f: kw.heads.output_units("multiclass", 1),
        ValueError,
        "num_classes",
    ),
    (
        "heads/check_labels_strings",
        lambda f: kw.heads.check_labels(np.array(["a", "b"]), "multiclass", 2),
        LabelError,
        "labels",
    ),
    (
        "heads/check_labels_multilabel",
        lambda f: kw.heads.check_labels(np.array([[0, 2]]), "multilabel", 2),
        LabelError,
        "labels",
    ),
    (
        "heads/check_labels_multilabel_width",
        lambda f: kw.heads.check_labels(np.array([[0, 1, 1]]), "multilabel", 2),
        LabelError,
        "labels",
    ),
    (
        "heads/check_labels_regression_width",
        lambda f: kw.heads.check_labels(np.zeros((4, 3)), "regression", 2),
        LabelError,
        "labels",
    ),
    (
        "heads/check_labels_empty",
        lambda f: kw.heads.check_labels(np.array([]), "multiclass", 2),
        LabelError,
        "labels",
    ),
    ("heads/compile_args_unknown", lambda f: kw.heads.compile_args("ranking"), ValueError, "head"),
    ("heads/default_head", lambda f: kw.heads.default_head(0), ValueError, "num_classes"),
    # kw.tasks.image_classifier: arguments, then what fit and predict are fed
    (
        "image_classifier/rank",
        lambda f: kw.tasks.image_classifier((28, 28), 10),
        ValueError,
        "input_shape",
    ),
    (
        "image_classifier/zero_size",
        lambda f: kw.tasks.image_classifier((0, 28, 1), 10),
        ValueError,
        "input_shape",
    ),
    (
        "image_classifier/num_classes_zero",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 0),
        ValueError,
        "num_classes",
    ),
    (
        "image_classifier/num_classes_float",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 2.5),
        ValueError,
        "num_classes",
    ),
    (
        "image_classifier/head",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, head="sigmoid"),
        ValueError,
        "head",
    ),
    (
        "image_classifier/backbone",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, backbone="resnet9000"),
        ValueError,
        "backbone",
    ),
    (
        "image_classifier/augment",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, augment="wild"),
        ValueError,
        "augment",
    ),
    (
        "image_classifier/class_names",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, class_names=["a", "b"]),
        ValueError,
        "class_names",
    ),
    (
        "image_classifier/dropout",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, dropout=1.5),
        ValueError,
        "dropout",
    ),
    (
        "image_classifier/pooling",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, pooling="median"),
        ValueError,
        "pooling",
    ),
    (
        "image_classifier/optimizer",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, optimizer="adamz"),
        ValueError,
        "optimizer",
    ),
    (
        "image_classifier/learning_rate",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, learning_rate=-1.0),
        ValueError,
        "learning_rate",
    ),
    (
        "image_classifier/resize_to",
        lambda f: kw.tasks.image_classifier((8, 8, 1), 3, resize_to=(0, 4)),
        ValueError,
        "resize_to",
    ),
    (
        "image_classifier.fit/channels",
        fit(classifier, IMAGES.repeat(3, axis=-1), LABELS),
        DataError,
        "images",
    ),
    ("image_classifier.fit/rank", fit(classifier, IMAGES[..., 0], LABELS), DataError, "images"),
    ("image_classifier.fit/label_range", fit(classifier, IMAGES, LABELS + 3), LabelError, "labels"),
    (
        "image_classifier.fit/label_strings",
        fit(classifier, IMAGES, np.array(list("abcabcab"))),
        LabelError,
        "labels",
    ),
    (
        "image_classifier.fit/onehot",
        fit(classifier, IMAGES, np.eye(3)[LABELS]),
        LabelError,
        "labels",
    ),
    ("image_classifier.fit/lengths", fit(classifier, IMAGES, LABELS[:3]), DataError, "`y` has 3"),
    ("image_classifier.fit/empty", fit(classifier, IMAGES[:0], LABELS[:0]), DataError, "`x`"),
    (
        "image_classifier.fit/nan",
        fit(classifier, np.full((8, 8, 8, 1), NAN), LABELS),
        DataError,
        "`x`",
    ),
    ("image_classifier.fit/no_labels", fit(classifier, IMAGES), ValueError, "`y`"),
    (
        "image_classifier.fit/validation",
        fit(classifier, IMAGES, LABELS, validation_data=(IMAGES, LABELS + 9)),
        LabelError,
        "labels",
    ),
    (
        "image_classifier.fit/dataset_labels",
        fit(classifier, tf.data.Dataset.from_tensor_slices((IMAGES, LABELS + 9)).batch(4)),
        LabelError,
        "labels",
    ),
    (
        "image_classifier.predict/channels",
        predict(classifier, IMAGES.repeat(3, axis=-1)),
        DataError,
        "images",
    ),
    (
        "image_classifier.predict/strings",
        predict(classifier, np.array(["an image"])),
        DataError,
        "images",
    ),
    (
        "image_classifier.evaluate/labels",
        lambda f: classifier().evaluate(IMAGES, LABELS + 3, verbose=0),
        LabelError,
        "labels",
    ),
    (
        "image_classifier.predict_labels/threshold",
        lambda f: classifier().predict_labels(IMAGES, threshold=2.0),
        ValueError,
        "threshold",
    ),
    (
        "multilabel_classifier/labels",
        fit(
            lambda: kw.tasks.multilabel_classifier(4, 3),
            np.zeros((4, 4)),
            np.array([[0, 1, 2]] * 4),
        ),
        LabelError,
        "labels",
    ),
    (
        "regressor/labels_nan",
        fit(lambda: kw.tasks.regressor(4), np.zeros((4, 4)), np.full(4, NAN)),
        LabelError,
        "labels",
    ),
    ("regressor/features", lambda f: kw.tasks.regressor(0), ValueError, "features"),
    (
        "binary_classifier/labels",
        fit(lambda: kw.tasks.binary_classifier(4), np.zeros((4, 4)), np.array([0, 1, 2, 1])),
        LabelError,
        "labels",
    ),
    # text
    ("text_classifier/empty", lambda f: kw.tasks.text_classifier([], 2), DataError, "text"),
    (
        "text_classifier/numbers",
        lambda f: kw.tasks.text_classifier(np.arange(5), 2),
        DataError,
        "text",
    ),
    (
        "text_classifier/encoder",
        lambda f: kw.tasks.text_classifier(TEXTS, 2, encoder="gpt"),
        ValueError,
        "encoder",
    ),
    (
        "text_classifier/num_classes",
        lambda f: kw.tasks.text_classifier(TEXTS, 0),
        ValueError,
        "num_classes",
    ),
    (
        "text_classifier/sequence_length",
        lambda f: kw.tasks.text_classifier(TEXTS, 2, sequence_length=0),
        ValueError,
        "sequence_length",
    ),
    (
        "text_classifier/ngrams",
        lambda f: kw.tasks.text_classifier(TEXTS, 2, ngrams=0),
        ValueError,
        "ngrams",
    ),
    (
        "text_classifier/max_tokens",
        lambda f: kw.tasks.text_classifier(TEXTS, 2, max_tokens=1),
        ValueError,
        "max_tokens",
    ),
    (
        "text_classifier/standardize",
        lambda f: kw.tasks.text_classifier(TEXTS, 2, standardize="stem"),
        ValueError,
        "standardize",
    ),
    (
        "text_classifier/preset",
        lambda f: kw.tasks.text_classifier(TEXTS, 2, encoder="pretrained", preset="gpt-17"),
        ValueError,
        "preset",
    ),
    (
        "text_classifier.fit/numbers",
        fit(binary_text_model, np.arange(8), LABELS % 2),
        DataError,
        "text",
    ),
    ("text_classifier.fit/labels", fit(binary_text_model, TEXTS, LABELS), LabelError, "labels"),
    (
        "text_classifier.fit/lengths",
        fit(binary_text_model, TEXTS, LABELS[:2] % 2),
        DataError,
        "`y` has 2",
    ),
    ("text_classifier.predict/images", predict(binary_text_model, IMAGES), DataError, "text"),
    ("choose_text_encoder/empty", lambda f: kw.tasks.choose_text_encoder([]), DataError, "text"),
    ("language_model/empty", lambda f: kw.tasks.language_model(""), ValueError, "text"),
    (
        "language_model/level",
        lambda f: kw.tasks.language_model("abc " * 100, level="byte"),
        ValueError,
        "level",
    ),
    (
        "language_model/encoder",
        lambda f: kw.tasks.language_model("abc " * 100, encoder="mamba"),
        ValueError,
        "encoder",
    ),
    (
        "language_model/sequence_length",
        lambda f: kw.tasks.language_model("abc " * 100, sequence_length=0),
        ValueError,
        "sequence_length",
    ),
    (
        "language_model/short_text",
        lambda f: kw.tasks.language_model("abc", sequence_length=100),
        ValueError,
        "text",
    ),
    (
        "language_model/not_text",
        lambda f: kw.tasks.language_model(np.arange(10)),
        ValueError,
        "text",
    ),
    # tabular
    (
        "tabular_model/empty",
        lambda f: kw.tasks.tabular_model(table().iloc[:0], 2),
        ValueError,
        "features",
    ),
    (
        "tabular_model/num_classes",
        lambda f: kw.tasks.tabular_model(table(), 0),
        ValueError,
        "num_classes",
    ),
    (
        "tabular_model/hidden_units",
        lambda f: kw.tasks.tabular_model(table(), 2, hidden_units=(0,)),
        ValueError,
        "hidden_units",
    ),
    (
        "tabular_model/dropout",
        lambda f: kw.tasks.tabular_model(table(), 2, dropout=-0.1),
        ValueError,
        "dropout",
    ),
    (
        "tabular_model/head",
        lambda f: kw.tasks.tabular_model(table(), 2, head="ordinal"),
        ValueError,
        "head",
    ),
    (
        "tabular_model/array",
        lambda f: kw.tasks.tabular_model(np.zeros(4), 2),
        ValueError,
        "features",
    ),
    (
        "tabular_model.fit/missing_column",
        fit(tabular, table().drop(columns="city"), LABELS % 2),
        DataError,
        "city",
    ),
    ("tabular_model.fit/labels", fit(tabular, table(), LABELS), LabelError, "labels"),
    (
        "tabular_model.predict/missing_column",
        predict(tabular, table().drop(columns="age")),
        DataError,
        "age",
    ),
    (
        "tabular_model.predict/text_in_numbers",
        predict(tabular, table().assign(age="old")),
        DataError,
        "age",
    ),
    # sequences and timeseries
    (
        "sequence_classifier/input_shape",
        lambda f: kw.tasks.sequence_classifier((16,), 3),
        ValueError,
        "input_shape",
    ),
    (
        "sequence_classifier/encoder",
        lambda f: kw.tasks.sequence_classifier((16, 2), 3, encoder="wavenet"),
        ValueError,
        "encoder",
    ),
    (
        "sequence_classifier/kernel_sizes",
        lambda f: kw.tasks.sequence_classifier((16, 2), 3, filters=(4, 8), kernel_sizes=(3,)),
        ValueError,
        "kernel_sizes",
    ),
    (
        "sequence_classifier/num_classes",
        lambda f: kw.tasks.sequence_classifier((16, 2), 0),
        ValueError,
        "num_classes",
    ),
    (
        "sequence_classifier.fit/features",
        fit(sequence_model, np.zeros((4, 16, 3), "float32"), LABELS[:4]),
        DataError,
        "sequences",
    ),
    (
        "sequence_classifier.fit/rank",
        fit(sequence_model, np.zeros((4, 16), "float32"), LABELS[:4]),
        DataError,
        "sequences",
    ),
    (
        "sequence_classifier.fit/nan",
        fit(sequence_model, np.full((4, 16, 2), NAN), LABELS[:4]),
        DataError,
        "`x`",
    ),
    (
        "timeseries_forecaster/windows",
        lambda f: kw.tasks.timeseries_forecaster(np.zeros((4, 12, 2))),
        ValueError,
        "windows",
    ),
    (
        "timeseries_forecaster/encoder",
        lambda f: kw.tasks.timeseries_forecaster(windows(), encoder="prophet"),
        ValueError,
        "encoder",
    ),
    (
        "timeseries_forecaster/head",
        lambda f: kw.tasks.timeseries_forecaster(windows(), head="multiclass"),
        ValueError,
        "head",
    ),
    (
        "timeseries_forecaster.fit/shape",
        fit(
            lambda: kw.tasks.timeseries_forecaster(windows(), units=4),
            np.zeros((4, 5, 2), "float32"),
            np.zeros((4, 1)),
        ),
        DataError,
        "sequences",
    ),
    # segmentation and detection
    (
        "image_segmenter/input_shape",
        lambda f: kw.tasks.image_segmenter((16, 16), 3, filters=(4, 8)),
        ValueError,
        "input_shape",
    ),
    (
        "image_segmenter/loss",
        lambda f: kw.tasks.image_segmenter((16, 16, 1), 3, filters=(4, 8), loss="hinge"),
        ValueError,
        "loss",
    ),
    (
        "image_segmenter/num_classes",
        lambda f: kw.tasks.image_segmenter((16, 16, 1), 0, filters=(4, 8)),
        ValueError,
        "num_classes",
    ),
    (
        "image_segmenter/filters",
        lambda f: kw.tasks.image_segmenter((16, 16, 1), 3, filters=()),
        ValueError,
        "filters",
    ),
    (
        "image_segmenter.fit/mask_shape",
        fit(segmenter, np.zeros((2, 16, 16, 1), "uint8"), np.zeros((2, 8, 8), "int32")),
        ValueError,
        "masks",
    ),
    (
        "image_segmenter.fit/mask_values",
        fit(segmenter, np.zeros((2, 16, 16, 1), "uint8"), np.full((2, 16, 16), 7)),
        LabelError,
        "labels",
    ),
    (
        "image_segmenter.fit/images",
        fit(segmenter, np.zeros((2, 16, 16, 3), "uint8"), np.zeros((2, 16, 16), "int32")),
        DataError,
        "images",
    ),
    (
        "unet/input_shape",
        lambda f: kw.tasks.unet((10, 10, 1), filters=(4, 8, 16)),
        ValueError,
        "input_shape",
    ),
    (
        "object_detector/input_shape",
        lambda f: kw.tasks.object_detector((30, 30), 2),
        ValueError,
        "input_shape",
    ),
    (
        "object_detector/num_classes",
        lambda f: kw.tasks.object_detector((32, 32, 3), 0),
        ValueError,
        "num_classes",
    ),
    (
        "object_detector/head",
        lambda f: kw.tasks.object_detector((32, 32, 3), 2, head="multiclass"),
        ValueError,
        "head",
    ),
    (
        "object_detector.fit/boxes_shape",
        fit(detector, np.zeros((2, 32, 32, 3), "uint8"), np.zeros((2, 4, 4))),
        LabelError,
        "labels",
    ),
    (
        "object_detector.fit/box_class",
        fit(
            detector,
            np.zeros((2, 32, 32, 3), "uint8"),
            np.array([[[0, 0, 8, 8, 5]]] * 2, "float32"),
        ),
        ValueError,
        "class",
    ),
    # generative
    ("autoencoder/input_shape", lambda f: kw.tasks.autoencoder((8, 8)), ValueError, "input_shape"),
    (
        "autoencoder/latent_dim",
        lambda f: kw.tasks.autoencoder((8, 8, 1), latent_dim=0),
        ValueError,
        "latent_dim",
    ),
    (
        "autoencoder.fit/shape",
        fit(autoencoder, np.zeros((4, 9, 9, 1), "uint8")),
        DataError,
        "images",
    ),
    ("autoencoder.fit/nan", fit(autoencoder, np.full((4, 8, 8, 1), NAN)), DataError, "`x`"),
    ("vae/kl_weight", lambda f: kw.tasks.vae((8, 8, 1), kl_weight=-1.0), ValueError, "kl_weight"),
    ("vae/latent_dim", lambda f: kw.tasks.vae((8, 8, 1), latent_dim=-2), ValueError, "latent_dim"),
    ("gan/latent_dim", lambda f: kw.tasks.gan((8, 8, 1), latent_dim=0), ValueError, "latent_dim"),
    (
        "gan/label_smoothing",
        lambda f: kw.tasks.gan((8, 8, 1), label_smoothing=1.5),
        ValueError,
        "label_smoothing",
    ),
    ("gan/input_shape", lambda f: kw.tasks.gan((8, 8)), ValueError, "input_shape"),
    (
        "gan/class_names",
        lambda f: kw.tasks.gan((8, 8, 1), 3, class_names=["a"]),
        ValueError,
        "class_names",
    ),
    (
        "diffusion_model/images_rank",
        lambda f: kw.tasks.diffusion_model(np.zeros((4, 8, 8))),
        ValueError,
        "images",
    ),
    (
        "diffusion_model/empty",
        lambda f: kw.tasks.diffusion_model(np.zeros((0, 8, 8, 1))),
        ValueError,
        "images",
    ),
    (
        "diffusion_model/widths",
        lambda f: kw.tasks.diffusion_model(np.zeros((4, 8, 8, 1)), widths=()),
        ValueError,
        "widths",
    ),
    (
        "diffusion_model/guidance",
        lambda f: kw.tasks.diffusion_model(np.zeros((4, 8, 8, 1)), 3, guidance_scale=-1.0),
        ValueError,
        "guidance_scale",
    ),
    (
        "diffusion_model/label_dropout",
        lambda f: kw.tasks.diffusion_model(np.zeros((4, 8, 8, 1)), 3, label_dropout=1.5),
        ValueError,
        "label_dropout",
    ),
    # multimodal
    (
        "image_captioner/lengths",
        lambda f: kw.tasks.image_captioner(IMAGES, TEXTS[:3]),
        ValueError,
        "captions",
    ),
    (
        "image_captioner/empty_captions",
        lambda f: kw.tasks.image_captioner(IMAGES, np.array([""] * 8)),
        ValueError,
        "captions",
    ),
    (
        "image_captioner/decoder",
        lambda f: kw.tasks.image_captioner(IMAGES, TEXTS, decoder="lstm9"),
        ValueError,
        "decoder",
    ),
    (
        "image_captioner/images",
        lambda f: kw.tasks.image_captioner(IMAGES[..., 0], TEXTS),
        ValueError,
        "images",
    ),
    (
        "dual_encoder/loss",
        lambda f: kw.tasks.dual_encoder(IMAGES, TEXTS, contrastive_loss="triplet"),
        ValueError,
        "contrastive_loss",
    ),
    (
        "dual_encoder/lengths",
        lambda f: kw.tasks.dual_encoder(IMAGES, TEXTS[:3]),
        ValueError,
        "captions",
    ),
    (
        "dual_encoder/text_encoder",
        lambda f: kw.tasks.dual_encoder(IMAGES, TEXTS, text_encoder="bert9"),
        ValueError,
        "text_encoder",
    ),
    (
        "contrastive_pretrainer/input_shape",
        lambda f: kw.tasks.contrastive_pretrainer((8, 8)),
        ValueError,
        "input_shape",
    ),
    (
        "contrastive_pretrainer/projection_dim",
        lambda f: kw.tasks.contrastive_pretrainer((8, 8, 1), projection_dim=0),
        ValueError,
        "projection_dim",
    ),
    (
        "contrastive_pretrainer/augment",
        lambda f: kw.tasks.contrastive_pretrainer((8, 8, 1), augment="wild"),
        ValueError,
        "augment",
    ),
    # transfer, distillation, ensembles, optimizers
    ("transfer/not_a_model", lambda f: kw.tasks.transfer("resnet", 3), ValueError, "pretrained"),
    (
        "transfer/num_classes",
        lambda f: kw.tasks.transfer(classifier(), 0),
        ValueError,
        "num_classes",
    ),
    (
        "fine_tune/epochs",
        lambda f: kw.tasks.fine_tune(classifier(), IMAGES, LABELS, head_epochs=-1),
        ValueError,
        "head_epochs",
    ),
    (
        "fine_tune/fine_tune_learning_rate",
        lambda f: kw.tasks.fine_tune(
            classifier(), IMAGES, LABELS, learning_rate=kw.training.warmup_cosine(1e-3, 10)
        ),
        ValueError,
        "fine_tune_learning_rate",
    ),
    (
        "fine_tune/labels",
        lambda f: kw.tasks.fine_tune(
            classifier(), IMAGES, LABELS + 5, head_epochs=1, fine_tune_epochs=0
        ),
        LabelError,
        "labels",
    ),
    (
        "distiller/teacher",
        lambda f: kw.tasks.distiller("teacher", classifier()),
        ValueError,
        "teacher",
    ),
    (
        "distiller/alpha",
        lambda f: kw.tasks.distiller(classifier(), classifier(), alpha=1.5),
        ValueError,
        "alpha",
    ),
    (
        "distiller/temperature",
        lambda f: kw.tasks.distiller(classifier(), classifier(), temperature=0),
        ValueError,
        "temperature",
    ),
    ("average_ensemble/empty", lambda f: kw.tasks.average_ensemble([]), ValueError, "models"),
    (
        "average_ensemble/heads",
        lambda f: kw.tasks.average_ensemble([classifier(), kw.tasks.regressor(4)]),
        ValueError,
        "models",
    ),
    ("make_optimizer/unknown", lambda f: kw.tasks.make_optimizer("adamz"), ValueError, "optimizer"),
    (
        "make_optimizer/learning_rate",
        lambda f: kw.tasks.make_optimizer("adam", learning_rate=0),
        ValueError,
        "learning_rate",
    ),
    (
        "make_optimizer/weight_decay",
        lambda f: kw.tasks.make_optimizer("adamw", weight_decay=-1),
        ValueError,
        "weight_decay",
    ),
    (
        "backbones/unknown",
        lambda f: kw.tasks.backbones.get_backbone("vgg99", (8, 8, 1)),
        ValueError,
        "backbone",
    ),
    (
        "token_lengths/not_pretrained",
        lambda f: kw.tasks.token_lengths(classifier(), TEXTS),
        ValueError,
        "model",
    ),
    # metrics, baselines, tools
    (
        "segmentation_metrics/head",
        lambda f: kw.metrics.segmentation_metrics("regression", 3),
        ValueError,
        "head",
    ),
    (
        "class_iou/shapes",
        lambda f: kw.metrics.class_iou(np.zeros((2, 4, 4), int), np.zeros((2, 4, 5), int), 2),
        ValueError,
        "masks",
    ),
    (
        "class_iou/id_out_of_range",
        lambda f: kw.metrics.class_iou(np.zeros((1, 2, 2), int), np.full((1, 2, 2), 2), 2),
        ValueError,
        "predicted",
    ),
    (
        "retrieval_metrics/dims",
        lambda f: kw.metrics.retrieval_metrics(np.zeros((3, 4)), np.zeros((3, 5))),
        ValueError,
        "embeddings",
    ),
    (
        "retrieval_metrics/ids",
        lambda f: kw.metrics.retrieval_metrics(
            np.zeros((3, 4)), np.zeros((3, 4)), [0, 1], [0, 1, 2]
        ),
        ValueError,
        "query_ids",
    ),
    (
        "mean_average_precision/num_classes",
        lambda f: kw.metrics.mean_average_precision([], [], 0),
        ValueError,
        "num_classes",
    ),
    (
        "frechet_distance/dims",
        lambda f: kw.metrics.frechet_distance(np.zeros((10, 4)), np.zeros((10, 5))),
        ValueError,
        "features_b",
    ),
    (
        "frechet_distance/one_sample",
        lambda f: kw.metrics.frechet_distance(np.zeros((1, 4)), np.zeros((1, 4))),
        ValueError,
        "features",
    ),
    (
        "kernel_distance/nan",
        lambda f: kw.metrics.kernel_distance(np.full((10, 4), NAN), np.zeros((10, 4))),
        ValueError,
        "features",
    ),
    (
        "caption_metrics/lengths",
        lambda f: kw.metrics.caption_metrics([["a cat"]], ["a cat", "a dog"]),
        ValueError,
        "predicted",
    ),
    (
        "caption_metrics/empty",
        lambda f: kw.metrics.caption_metrics([], []),
        ValueError,
        "references",
    ),
    ("baselines/majority_head", lambda f: kw.baselines.majority("softmax"), ValueError, "head"),
    ("baselines/linear_head", lambda f: kw.baselines.linear("ranking"), ValueError, "head"),
    (
        "baselines/tfidf_ngrams",
        lambda f: kw.baselines.tfidf_logistic(ngrams=0),
        ValueError,
        "ngrams",
    ),
    (
        "baselines/fit_empty",
        lambda f: kw.baselines.majority("multiclass").fit(np.zeros((0, 2)), np.zeros(0)),
        DataError,
        "`x`",
    ),
    (
        "baselines/fit_lengths",
        lambda f: kw.baselines.linear("multiclass").fit(np.zeros((4, 2)), np.zeros(3)),
        DataError,
        "`y` has 3",
    ),
    (
        "class_weights/head",
        lambda f: kw.training.class_weights(LABELS, head="regression"),
        ValueError,
        "head",
    ),
    (
        "class_weights/empty",
        lambda f: kw.training.class_weights(np.array([], "int64")),
        ValueError,
        "labels",
    ),
    (
        "warmup_cosine/steps",
        lambda f: kw.training.warmup_cosine(1e-3, 0),
        ValueError,
        "total_steps",
    ),
    (
        "warmup_cosine/rate",
        lambda f: kw.training.warmup_cosine(-1e-3, 100),
        ValueError,
        "peak_learning_rate",
    ),
    (
        "warmup_cosine/fraction",
        lambda f: kw.training.warmup_cosine(1e-3, 100, warmup_fraction=1.5),
        ValueError,
        "warmup_fraction",
    ),
    (
        "BackupAndRestore/empty_dir",
        lambda f: kw.training.BackupAndRestore(""),
        ValueError,
        "backup_dir",
    ),
    (
        "BackupAndRestore/keep",
        lambda f: kw.training.BackupAndRestore(f["empty_dir"], keep=0),
        ValueError,
        "keep",
    ),
    (
        "lr_find/steps",
        lambda f: kw.plots.lr_find(classifier(), kw.data.pipeline((IMAGES, LABELS), 4), steps=0),
        ValueError,
        "steps",
    ),
    (
        "lr_find/arrays",
        lambda f: kw.plots.lr_find(classifier(), (IMAGES, LABELS)),
        ValueError,
        "data",
    ),
    (
        "lr_find/range",
        lambda f: kw.plots.lr_find(
            classifier(), kw.data.pipeline((IMAGES, LABELS), 4), start=1.0, end=0.1
        ),
        ValueError,
        "start",
    ),
    (
        "plot_history/empty",
        lambda f: kw.plots.plot_history({}, f["empty_dir"] / "h.png"),
        ValueError,
        "history",
    ),
    (
        "resolve_strategy/unknown",
        lambda f: kw.distribute.resolve_strategy("tpu-pod-9"),
        ValueError,
        "strategy",
    ),
    (
        "global_batch_size/zero",
        lambda f: kw.distribute.global_batch_size(0),
        ValueError,
        "per_replica",
    ),
    (
        "set_mixed_precision/unknown",
        lambda f: kw.distribute.set_mixed_precision("float8"),
        ValueError,
        "policy",
    ),
    (
        "fgsm/epsilon",
        lambda f: kw.adversarial.fgsm(classifier(), IMAGES, LABELS, -0.1),
        ValueError,
        "epsilon",
    ),
    (
        "fgsm/labels",
        lambda f: kw.adversarial.fgsm(classifier(), IMAGES, LABELS + 5, 0.1),
        LabelError,
        "labels",
    ),
    (
        "accuracy_under_attack/epsilons",
        lambda f: kw.adversarial.accuracy_under_attack(classifier(), IMAGES, LABELS, ()),
        ValueError,
        "epsilons",
    ),
    (
        "predict_with_uncertainty/samples",
        lambda f: kw.uncertainty.predict_with_uncertainty(classifier(), IMAGES, samples=0),
        ValueError,
        "samples",
    ),
    (
        "grad_cam/layer",
        lambda f: kw.explain.grad_cam(classifier(), IMAGES[:1], layer="no_such_layer"),
        ValueError,
        "layer",
    ),
    (
        "grad_cam/class_index",
        lambda f: kw.explain.grad_cam(classifier(), IMAGES[:1], class_index=7),
        ValueError,
        "class_index",
    ),
    (
        "layer_activations/images",
        lambda f: kw.explain.layer_activations(classifier(), IMAGES[..., 0]),
        DataError,
        "images",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "names"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_bad_input_raises_a_clear_error(call, error, names, files):
    with pytest.raises(error) as raised:
        call(files)
    assert re.search(re.escape(names), str(raised.value)), str(raised.value)


def test_the_cases_have_unique_names_and_there_are_enough():
    names = [case[0] for case in CASES]
    assert len(set(names)) == len(names)
    assert len(CASES) + len(CLI_CASES) >= 150


# --- The command line: usage errors that name the parameter ---------------------------

CLI_CASES = [
    ("info/missing", ["info", "{missing}"], "MODEL"),
    ("info/not_keras", ["info", "{good}"], ".keras"),
    ("info/truncated", ["info", "{truncated_keras}"], "cannot load"),
    ("info/text", ["info", "{text_keras}"], "cannot load"),
    ("predict/no_files", ["predict", "{model}"], "FILES"),
    ("predict/missing_file", ["predict", "{model}", "{missing}"], "FILES"),
    ("predict/text_as_png", ["predict", "{model}", "{text_png}"], "notes.png"),
    ("predict/truncated_png", ["predict", "{model}", "{truncated_png}"], "truncated.png"),
    ("predict/empty_jpg", ["predict", "{model}", "{empty_jpg}"], "empty.jpg"),
    ("predict/csv_for_images", ["predict", "{model}", "{wrong_csv}"], "FILES"),
    ("predict/threshold", ["predict", "{model}", "{good}", "--threshold", "2"], "threshold"),
    ("run/unknown", ["run", "no_such_recipe"], "no_such_recipe"),
    ("run/epochs", ["run", "image_classification", "--epochs", "zero"], "epochs"),
    ("run/precision", ["run", "image_classification", "--precision", "fp8"], "precision"),
    ("datasets/kind", ["datasets", "--kind", "smell"], "kind"),
]


@pytest.fixture(scope="module")
def saved_classifier(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_model") / "classifier.keras"
    classifier().save(path)
    return path


@pytest.mark.parametrize(
    ("args", "names"), [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES]
)
def test_the_command_line_names_the_bad_parameter(args, names, files, saved_classifier):
    from click.testing import CliRunner

    from keras_walk.cli import cli

    paths = {key: str(value) for key, value in files.items()} | {"model": str(saved_classifier)}
    result = CliRunner().invoke(cli, [arg.format(**paths) for arg in args])
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)  # a usage error, not a traceback
    assert names in result.output, result.output


def test_bad_input_fails_before_training_starts():
    """The checks run before the first step: nothing was trained by the failing calls."""
    model = classifier()
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(LabelError):
        model.fit(IMAGES, LABELS + 3, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
