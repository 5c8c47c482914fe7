import importlib
import time

import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data.catalog import ARRAY_KINDS, LOADERS, REGISTRIES


def test_list_and_info():
    assert kw.data.list_datasets() == [
        "clipart_cutouts", "digits", "emoji", "emoji_categories", "emoji_cutouts", "emoji_twitter",
        "fashion_detection",
        "fashion_mnist", "fashion_scene_masks", "fashion_scenes", "gunpoint",
        "italy_power_demand",
    ]  # fmt: skip
    info = kw.data.dataset_info("fashion_mnist")
    assert info.license == "MIT" and info.num_classes == 10 and len(info.class_names) == 10
    assert "apt-get install dataset-fashion-mnist" in info.how_to_get


def test_unknown_name_lists_every_name_of_the_catalog():
    with pytest.raises(ValueError, match=r"Expected one of \[.*'all_minilm_l6_v2', .*'digits', "
                                         r".*'penguins', .*\]. Received: name='cifar10'"):  # fmt: skip
        kw.data.load("cifar10")


def test_one_load_dispatches_on_the_kind():
    table = kw.data.load("breast_cancer", test_fraction=0.25, seed=1)
    assert isinstance(table, kw.data.Table) and len(table.test) == 143
    assert table.train.equals(kw.data.load_table("breast_cancer", 0.25, 1).train)
    assert kw.data.load("nyc_weather").shape == kw.data.load_series("nyc_weather").shape
    corpus = kw.data.load("state_of_the_union", validation_every=5)
    assert corpus.validation == kw.data.load_corpus("state_of_the_union", 5).validation
    assert kw.data.load("all_minilm_l6_v2") == kw.data.pretrained_preset("all_minilm_l6_v2")
    assert kw.data.load("digits", "test[:3]").x.shape == (3, 8, 8, 1)


def test_load_names_what_a_kind_takes():
    with pytest.raises(TypeError, match=r"`load\('penguins'\)`, a 'table': it takes "
                                        r"test_fraction, seed. Received: splits='train'"):  # fmt: skip
        kw.data.load("penguins", splits="train")
    with pytest.raises(TypeError, match=r"a 'images': it takes splits, data_dir, download"):
        kw.data.load("digits", test_fraction=0.2)
    with pytest.raises(TypeError, match="it takes no other argument. Received: 3"):
        kw.data.load("nyc_weather", 3)


def test_the_catalog_lists_every_registry_once():
    names = [info.name for info in kw.data.catalog()]
    assert len(names) == len(set(names))
    registries = REGISTRIES
    assert sum(len(r.names()) for r in registries) == len(names)
    assert {info.kind for info in kw.data.catalog()} == set(LOADERS)
    assert set(kw.data.list_datasets()) == {
        info.name for info in kw.data.catalog() if info.kind in ARRAY_KINDS
    }


def test_digits_splits_and_range():
    train, test = kw.data.load("digits")
    assert train.x.shape == (1437, 8, 8, 1) and test.x.shape == (360, 8, 8, 1)
    assert train.x.dtype == np.uint8 and train.x.max() == 255
    assert set(np.unique(train.y)) == set(range(10))


def test_split_syntax_matches_tfds():
    whole = kw.data.load("digits", splits="train")
    head, tail = kw.data.load("digits", splits=("train[:90%]", "train[90%:]"))
    assert len(head.y) + len(tail.y) == 1437
    np.testing.assert_array_equal(np.concatenate([head.x, tail.x]), whole.x)
    both = kw.data.load("digits", splits="train+test")
    assert len(both.y) == 1797
    assert len(kw.data.load("digits", splits="test[10:20]").y) == 10


@pytest.mark.parametrize("split", ["validation", "train[:abc]"])
def test_bad_split(split):
    with pytest.raises(ValueError, match="Invalid split"):
        kw.data.load("digits", splits=split)


def test_empty_split():
    with pytest.raises(ValueError, match="it is empty"):
        kw.data.load("digits", splits="test[5:5]")


def test_fashion_mnist_official_split():
    train, test = kw.data.load("fashion_mnist")
    assert train.x.shape == (60000, 28, 28, 1) and test.x.shape == (10000, 28, 28, 1)
    assert np.bincount(train.y).tolist() == [6000] * 10
    assert np.bincount(test.y).tolist() == [1000] * 10


def test_missing_dataset_offline_fails_fast(tmp_path):
    start = time.perf_counter()
    with pytest.raises(kw.data.DatasetUnavailableError, match="no network to download"):
        kw.data.load("fashion_mnist", data_dir=tmp_path)  # download="auto", no network
    with pytest.raises(kw.data.DatasetUnavailableError, match="download=False"):
        kw.data.load("fashion_mnist", data_dir=tmp_path, download=False)
    # A fail-fast promise, not a speed test: 0.2 s here (AMD EPYC, 2026-12-07); the bound is
    # 50 times that, and a download attempt that hangs would cross it.
    assert time.perf_counter() - start < 10
    assert kw.data.network_available() is False  # KERAS_WALK_OFFLINE=1 in conftest


def test_data_dir_with_files(tmp_path):
    import shutil

    source = kw.data.fashion_mnist.find_fashion_dir(None)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                 "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):  # fmt: skip
        (tmp_path / "fashion-mnist").mkdir(exist_ok=True)
        shutil.copy(source / name, tmp_path / "fashion-mnist" / name)
    test = kw.data.load("fashion_mnist", splits="test[:5]", data_dir=tmp_path)
    assert test.y.tolist() == [9, 2, 1, 1, 6]  # the first five official test labels


@pytest.mark.parametrize(
    ("old", "new"),
    [("image_text", "composed.scenes"), ("segmentation", "composed.cutouts"),
     ("detection", "composed.detection")],
)  # fmt: skip
def test_moved_modules_name_their_new_place(old, new):
    with pytest.raises(ModuleNotFoundError, match=f"is now keras_walk.data.{new}"):
        importlib.import_module(f"keras_walk.data.{old}")
    with pytest.raises(AttributeError, match=f"is now keras_walk.data.{new}"):
        getattr(kw.data, old)
