import numpy as np
import pytest
import tensorflow as tf

import keras_walk as kw


@pytest.fixture
def images():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(50, 8, 8, 1), dtype=np.uint8), np.arange(50) % 5


def test_batches_and_prefetch(images):
    ds = kw.data.pipeline(images, batch_size=16)
    assert [int(x.shape[0]) for x, _ in ds] == [16, 16, 16, 2]
    assert "Prefetch" in type(ds).__name__
    ds = kw.data.pipeline(images, batch_size=16, drop_remainder=True)
    assert [int(x.shape[0]) for x, _ in ds] == [16, 16, 16]


def test_shuffle_reshuffles_each_epoch_and_keeps_pairs(images):
    x, y = images
    ds = kw.data.pipeline(images, batch_size=50, shuffle=True, seed=1)
    first = next(iter(ds))
    second = next(iter(ds))
    assert not np.array_equal(first[1], second[1])
    for batch_x, batch_y in (first, second):
        index = [int(np.flatnonzero((x == bx).all(axis=(1, 2, 3)))[0]) for bx in batch_x.numpy()]
        np.testing.assert_array_equal(y[index], batch_y.numpy())


def test_augment_changes_training_batches(images):
    plain = next(iter(kw.data.pipeline(images, batch_size=50)))[0].numpy()
    augmented = next(iter(kw.data.pipeline(images, batch_size=50, augment="flip", seed=3)))[0]
    assert augmented.shape == plain.shape
    assert not np.allclose(augmented.numpy(), plain)
    with pytest.raises(
        ValueError, match="Expected one of \\['flip', 'light', 'randaugment', 'contrastive'\\]"
    ):
        kw.data.pipeline(images, batch_size=8, augment="rotate")


def test_map_fn_and_disk_cache(images, tmp_path):
    ds = kw.data.pipeline(
        images, batch_size=50, map_fn=lambda x, y: (tf.cast(x, "float32") / 255, y),
        cache=str(tmp_path / "cache"),
    )  # fmt: skip
    batches = list(ds)  # tf.data writes a disk cache when a full pass completes
    x, _ = batches[0]
    assert x.dtype == tf.float32 and float(tf.reduce_max(x)) <= 1.0
    assert any(tmp_path.iterdir())


def test_unbatched_dataset_source(images):
    source = tf.data.Dataset.from_tensor_slices(images)
    ds = kw.data.pipeline(source, batch_size=20, input_shape=(8, 8, 1))
    assert [int(x.shape[0]) for x, _ in ds] == [20, 20, 10]


@pytest.mark.parametrize(
    "make, kwargs, error, message",
    [
        (lambda x, y: (x[:0], y[:0]), {}, kw.data.DataError, "empty"),
        (lambda x, y: (x.astype("float32") * np.where(np.arange(50) == 7, np.nan, 1)[:, None, None, None], y),
         {}, kw.data.DataError, r"NaN or infinite values \(first at index \(7, 0, 0, 0\)\)"),
        (lambda x, y: (x, y[:10]), {}, kw.data.DataError, "`x` has 50 samples but `y` has 10"),
        (lambda x, y: (x[..., 0], y), {"input_shape": (8, 8, 1)}, kw.data.DataError,
         r"expected rank 3 per sample.*Add a channel axis"),
        (lambda x, y: (np.repeat(x, 3, -1), y), {"input_shape": (8, 8, 1)}, kw.data.DataError,
         "expected 1 channels"),
        (lambda x, y: (x, y), {"head": "multiclass"}, ValueError, "`head` was removed"),
        (lambda x, y: (x, y), {"batch_size": 0}, ValueError, "Expected a positive integer"),
    ],
)  # fmt: skip
def test_bad_input_fails_before_training(images, make, kwargs, error, message):
    data = make(*images)
    kwargs = {"batch_size": 8, **kwargs}
    with pytest.raises(error, match=message):
        kw.data.pipeline(data, **kwargs)


def test_empty_and_batched_datasets_rejected(images):
    empty = tf.data.Dataset.from_tensor_slices(images).take(0)
    with pytest.raises(kw.data.DataError, match="empty"):
        kw.data.pipeline(empty, batch_size=4)
    unknown_empty = tf.data.Dataset.from_tensor_slices(images).filter(lambda x, y: y > 100)
    with pytest.raises(kw.data.DataError, match="empty"):
        kw.data.pipeline(unknown_empty, batch_size=4)
    batched = tf.data.Dataset.from_tensor_slices(images).batch(4)
    with pytest.raises(kw.data.DataError, match="already batched"):
        kw.data.pipeline(batched, batch_size=4, input_shape=(8, 8, 1))


def test_labels_are_checked_once_by_the_task_that_trains_on_the_pipeline(images):
    x, y = images
    source = tf.data.Dataset.from_tensor_slices((x, np.eye(5)[y]))
    one_hot = kw.data.pipeline(source, batch_size=8)  # labels pass through as they are
    task = kw.tasks.image_classifier(
        (8, 8, 1), 5, backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (4,), 1)
    )
    with pytest.raises(kw.heads.LabelError, match="look one-hot"):
        task.fit(one_hot, epochs=1, verbose=0)
    assert int(task.optimizer.iterations.numpy()) == 0  # refused before the first step
    for removed in ({"head": "multiclass"}, {"num_classes": 5}):
        (name,) = removed
        with pytest.raises(ValueError, match=f"`{name}` was removed from `pipeline`: use a Task"):
            kw.data.pipeline(source, batch_size=8, **removed)


def _word_counts(dataset):
    return [[len(text.split()) for text in batch.numpy()] for batch, _ in dataset]


def test_sortish_batches_texts_of_similar_length_and_keeps_every_text():
    lengths = np.random.default_rng(0).integers(1, 300, size=500)
    texts = np.array([" ".join(["w"] * n) for n in lengths], dtype=object)
    data = (texts, np.arange(500) % 2)
    sortish = kw.data.pipeline(data, 16, shuffle=True, sortish=True, seed=0)
    plain = kw.data.pipeline(data, 16, shuffle=True, seed=0)
    assert int(sortish.cardinality()) == 32  # Keras knows the steps of an epoch
    first, second = _word_counts(sortish), _word_counts(sortish)
    assert sorted(sum(first, [])) == sorted(lengths.tolist())  # each text once per epoch
    assert first != second  # a new order every epoch

    def spread(batches):
        return np.mean([max(b) - min(b) for b in batches])

    assert spread(first) < spread(_word_counts(plain)) / 10


def test_sortish_needs_shuffled_texts(images):
    texts = np.array(["a b", "c"] * 4, dtype=object)
    with pytest.raises(ValueError, match="needs `shuffle=True`, string arrays"):
        kw.data.pipeline((texts, np.zeros(8)), 4, sortish=True)
    with pytest.raises(ValueError, match="needs `shuffle=True`, string arrays"):
        kw.data.pipeline(images, 4, shuffle=True, sortish=True)
    with pytest.raises(ValueError, match=r"one integer length per text \(8\)"):
        kw.data.pipeline((texts, np.zeros(8)), 4, shuffle=True, sortish=[1, 2, 3])


def test_sortish_with_given_lengths_groups_by_them():
    texts = np.array([f"text {i}" for i in range(64)], dtype=object)  # all two words
    lengths = np.arange(64) % 8  # eight groups of eight
    batches = kw.data.pipeline((texts, np.arange(64)), 8, shuffle=True, sortish=lengths, seed=0)
    for _, labels in batches:
        assert len(set(lengths[labels.numpy()])) == 1
