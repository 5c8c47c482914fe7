import time

import numpy as np
import pytest

import keras_walk as kw


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


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match=r"Expected one of \['clipart_cutouts', 'digits', .*"
                                         r"'italy_power_demand'\]. Received: name='cifar10'"):  # fmt: skip
        kw.data.load("cifar10")


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

    source = kw.data.registry._find_fashion_dir(None)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                 "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):  # fmt: skip
        (tmp_path / "fashion-mnist").mkdir(exist_ok=True)
        shutil.copy(source / name, tmp_path / "fashion-mnist" / name)
    test = kw.data.load("fashion_mnist", splits="test[:5]", data_dir=tmp_path)
    assert test.y.tolist() == [9, 2, 1, 1, 6]  # the first five official test labels
