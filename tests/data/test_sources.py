import time

import keras
import numpy as np
import pytest

import keras_walk as kw


def test_from_directory_reads_class_folders(tmp_path):
    train = kw.data.load("digits", splits="train[:60]")
    for label in (3, 7):
        (tmp_path / f"digit_{label}").mkdir()
        for i in np.flatnonzero(train.y == label):
            keras.utils.save_img(tmp_path / f"digit_{label}" / f"{i}.png", train.x[i], scale=False)
    ds = kw.data.from_directory(tmp_path, image_size=(8, 8), color_mode="grayscale")
    assert ds.class_names == ["digit_3", "digit_7"]
    expected = int(np.sum(train.y == 3) + np.sum(train.y == 7))
    batches = list(kw.data.pipeline(ds, 4, input_shape=(8, 8, 1)))
    assert sum(int(x.shape[0]) for x, _ in batches) == expected


def test_from_directory_errors(tmp_path):
    with pytest.raises(ValueError, match="is not a folder"):
        kw.data.from_directory(tmp_path / "missing", image_size=(8, 8))


def test_tfds_round_trip_offline(tmp_path):
    kw.data.to_tfds("digits", tmp_path)
    ds = kw.data.from_tfds("digits", "test", data_dir=tmp_path)
    images = np.stack([x.numpy() for x, _ in ds])
    labels = np.array([int(y) for _, y in ds])
    test = kw.data.load("digits", splits="test")
    order = np.lexsort(images.reshape(len(images), -1).T)
    expected = np.lexsort(test.x.reshape(len(test.x), -1).T)
    np.testing.assert_array_equal(images[order], test.x[expected])
    np.testing.assert_array_equal(labels[order], test.y[expected])


def test_tfds_unavailable_fails_fast(tmp_path):
    start = time.perf_counter()
    with pytest.raises(kw.data.DatasetUnavailableError, match="is not prepared in"):
        kw.data.from_tfds("mnist", "train", data_dir=tmp_path)
    with pytest.raises(kw.data.DatasetUnavailableError, match="no network"):
        kw.data.from_tfds("mnist", "train", download=True)
    with pytest.raises(ValueError, match="Invalid TFDS dataset name 'no_such_dataset'"):
        kw.data.from_tfds("no_such_dataset", "train")
    # A fail-fast promise, not a speed test: 0.6 s here (AMD EPYC, 2026-12-07); the bound is
    # 50 times that, and a download attempt that hangs would cross it.
    assert time.perf_counter() - start < 30
