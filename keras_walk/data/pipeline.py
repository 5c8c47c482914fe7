"""The tf.data pipeline every recipe trains from: map -> cache -> shuffle -> batch -> augment -> prefetch.

The data is checked first (empty, NaN, image shape), so bad input fails before a long run
starts; a Task checks the labels against its head when `fit` reads the first batch. Then,
in this order: `map_fn` per sample (parallel, AUTOTUNE), `cache`, `shuffle` (reshuffled
each epoch), `batch`, `augment` per batch (parallel), `prefetch(AUTOTUNE)`. In-memory
arrays with no `map_fn` take a faster route with the same result: shuffled indices,
batched, then one gather per batch.

`sortish=True` puts texts of similar length in a batch (fastai's `SortishSampler`): each
epoch shuffles, sorts each run of 50 batches by length, then shuffles the batches. A model
that pads to the longest text of its batch (the `pretrained` text encoder) then does far
less work.

With a `seed`, epoch `e`'s order depends only on `(seed, e)`, so a `Task.fit` resumed from
a backup sees the orders of the run that was never interrupted (`keras_walk.data.epochs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import numpy as np
import tensorflow as tf

from keras_walk.arguments import positive_int, removed_arguments
from keras_walk.data.augment import augmentation_layer
from keras_walk.data.checks import (
    LABELS_CHECKED_IN_FIT,
    DataError,
    check_features,
    check_image_shape,
    check_texts,
)
from keras_walk.data.epochs import shuffle_by_epoch

__all__ = ["pipeline"]

AUTOTUNE = tf.data.AUTOTUNE
_SORTISH_BATCHES = 50  # batches per sorted run (fastai sorts runs of 50 batches too)


@removed_arguments(head=LABELS_CHECKED_IN_FIT, num_classes=LABELS_CHECKED_IN_FIT)
def pipeline(
    data,
    batch_size: int = 32,
    *,
    shuffle: bool = False,
    augment: str | keras.Layer | None = None,
    map_fn: Callable | None = None,
    cache: bool | str = True,
    shuffle_buffer: int | None = None,
    drop_remainder: bool = False,
    sortish: bool | Sequence[int] = False,
    seed: int | None = None,
    input_shape: tuple | None = None,
    masks: bool = False,
    boxes: bool = False,
) -> tf.data.Dataset:
    """Builds a batched, prefetched `tf.data.Dataset` from arrays or an unbatched dataset,
    checked first (see the module for the order of the steps).

    Args:
        data: `(x, y)` arrays (e.g. from `keras_walk.data.load`; `x` may be strings for a
            text model), `x` alone, or an unbatched `tf.data.Dataset` of `(x, y)` elements.
        batch_size: global batch size (see `keras_walk.distribute.global_batch_size`).
        shuffle: shuffle every epoch (training data only); with a `seed`, epoch `e`'s
            order depends only on `(seed, e)` (see the module).
        augment: a preset of `image_augmentation` or a Keras layer, per batch in training.
        map_fn: per-sample function `(x, y) -> (x, y)` run before caching (decode, resize).
        cache: `True` caches in memory, a path on disk, `False` not at all (arrays without
            `map_fn` are in memory already).
        shuffle_buffer: the whole dataset by default when its size is known (else 10,000).
        drop_remainder: drop the last partial batch.
        sortish: texts of similar length share a batch (see the module): `True` measures
            length in words, or pass one length per text (`kw.tasks.token_lengths`).
            Training texts only (`shuffle=True`).
        seed: seed for shuffling and augmentation.
        input_shape: expected shape of one sample, e.g. `(28, 28, 1)`; checked up front.
        masks: the labels are segmentation masks: `augment` moves them with their images.
        boxes: the labels are detection boxes (`keras_walk.data.composed.detection`):
            `augment="flip"` mirrors them with their images.

    Examples:

        >>> x, y = np.zeros((10, 8, 8, 1), "uint8"), np.arange(10) % 2
        >>> ds = pipeline((x, y), batch_size=4, shuffle=True)
        >>> [int(b[0].shape[0]) for b in ds]
        [4, 4, 2]
    """
    batch_size = positive_int("batch_size", batch_size)
    if shuffle_buffer is not None:
        shuffle_buffer = positive_int("shuffle_buffer", shuffle_buffer)
    if masks and boxes:
        raise ValueError("Arguments `masks` and `boxes` describe different labels: pass one.")
    augment_layer = augmentation_layer(augment, seed, "xyxy" if boxes else None)

    if isinstance(data, tf.data.Dataset):
        _check_dataset(data, input_shape)
        dataset = _batched_from_samples(
            data, batch_size, map_fn, cache, shuffle, shuffle_buffer, drop_remainder, seed
        )
    else:
        x, y = _checked_arrays(data, input_shape)
        lengths = _sortish_lengths(sortish, x, shuffle, map_fn)
        if map_fn is None:
            dataset = _batched_from_arrays(x, y, batch_size, shuffle, drop_remainder, seed, lengths)
        else:
            samples = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
            dataset = _batched_from_samples(
                samples, batch_size, map_fn, cache, shuffle, shuffle_buffer, drop_remainder, seed
            )
    if augment_layer is not None:
        dataset = dataset.map(
            _augmentation(augment_layer, masks, boxes), num_parallel_calls=AUTOTUNE,
            deterministic=seed is not None,
        )  # fmt: skip
    # Under a multi-worker strategy each worker keeps its share of every batch. These
    # datasets read no files (AUTO would look for some, fail and warn), and every worker
    # builds the same, identically seeded order, so sharding by data is the right policy.
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options).prefetch(AUTOTUNE)


def _checked_arrays(data, input_shape):
    """`(x, y)` from `data`, checked: texts are strings, features finite, shapes right."""
    x, y = _split_xy(data)
    if x.dtype.kind in "USO":  # strings, for a text model
        x = check_texts(x, "data")
        if y is not None and len(y) != len(x):
            raise DataError(f"Invalid input data: {len(x)} texts but {len(y)} labels.")
    else:
        check_features(x, y)
    if input_shape is not None:
        check_image_shape(np.shape(x)[1:], input_shape)
    return x, y


def _augmentation(layer, masks: bool, boxes: bool):
    """The per-batch map that augments images, and their masks or boxes with them."""
    if masks:
        return _augment_with_masks(layer)
    if boxes:
        return _augment_with_boxes(layer)
    return _augment(layer)


def _augment(layer):
    return lambda x, *rest: (layer(x, training=True), *rest)


def _augment_with_masks(layer):
    # Keras's image preprocessing layers take {"images", "segmentation_masks"} and apply
    # the same random flip or shift to both (masks with nearest-neighbour sampling); a
    # Sequential passes only tensors between its layers, so each layer is called in turn.
    steps = layer.layers if isinstance(layer, keras.Sequential) else [layer]

    def augment(images, masks):
        channel = len(masks.shape) == 3  # (batch, height, width): the layers want channels
        data = {"images": images, "segmentation_masks": masks[..., None] if channel else masks}
        for step in steps:
            data = step(data, training=True)
        augmented = data["segmentation_masks"]
        return data["images"], tf.cast(augmented[..., 0] if channel else augmented, masks.dtype)

    return augment


def _augment_with_boxes(layer):
    # Keras's image layers take {"images", "bounding_boxes": {"boxes", "labels"}} and move
    # the boxes with the pixels (layers made with bounding_box_format="xyxy"). Padding rows
    # (class -1) are put back to -1 afterwards, whatever the layer did to their coordinates.
    steps = layer.layers if isinstance(layer, keras.Sequential) else [layer]

    def augment(images, labels):
        rows = tf.cast(labels, "float32")
        data = {
            "images": images,
            "bounding_boxes": {"boxes": rows[..., :4], "labels": rows[..., 4]},
        }
        for step in steps:
            data = step(data, training=True)
        moved = tf.concat([data["bounding_boxes"]["boxes"], rows[..., 4:]], axis=-1)
        moved = tf.where(rows[..., 4:] < 0, -1.0, moved)
        if labels.dtype.is_integer:  # 96 * (1 - 76 / 96) is 19.999...: round, not truncate
            moved = tf.round(moved)
        return data["images"], tf.cast(moved, labels.dtype)

    return augment


def _sortish_lengths(sortish, x, shuffle, map_fn):
    if sortish is False:
        return None
    if not (shuffle and map_fn is None and x.dtype.kind in "USO"):
        raise ValueError(
            "Argument `sortish` orders the batches of training texts: it needs "
            "`shuffle=True`, string arrays and no `map_fn`."
        )
    if sortish is True:
        return [len(str(text).split()) for text in x]
    lengths = np.asarray(sortish)
    if lengths.shape != (len(x),) or lengths.dtype.kind not in "iu":
        raise ValueError(
            "Invalid value for argument `sortish`. Expected True or one integer length per "
            f"text ({len(x)}). Received: an array of shape {lengths.shape} and dtype "
            f"{lengths.dtype}"
        )
    return lengths.tolist()


def _batched_from_arrays(x, y, batch_size, shuffle, drop_remainder, seed, lengths=None):
    # Arrays already sit in memory, so there is nothing to cache. Shuffling indices and
    # gathering whole batches costs one op per batch instead of one per sample: the same
    # thing Keras's own NumPy adapter does, and what keeps this path as fast as `fit(x, y)`.
    tensors = (tf.constant(x),) if y is None else (tf.constant(x), tf.constant(y))
    indices = tf.data.Dataset.range(len(x))
    if shuffle:
        indices = shuffle_by_epoch(indices, len(x), seed)
    if lengths is None:
        batches = indices.batch(batch_size, drop_remainder=drop_remainder)
    else:
        batches = _sortish_batches(indices, lengths, batch_size, drop_remainder, seed)

    def gather(index):
        picked = tuple(tf.gather(tensor, index) for tensor in tensors)
        return picked if y is not None else picked[0]

    return batches.map(gather, num_parallel_calls=AUTOTUNE)


def _sortish_batches(indices, lengths, batch_size, drop_remainder, seed):
    """Shuffled indices -> runs of 50 batches sorted by length -> batches, shuffled."""
    lengths = tf.constant(lengths)
    runs = indices.batch(batch_size * _SORTISH_BATCHES)
    sorted_runs = runs.map(
        lambda run: tf.gather(run, tf.argsort(tf.gather(lengths, run), stable=True))
    )
    batches = sorted_runs.unbatch().batch(batch_size, drop_remainder=drop_remainder)
    size = int(lengths.shape[0])
    count = size // batch_size if drop_remainder else -(-size // batch_size)
    # unbatch() loses the count; Keras needs it to know an epoch's steps.
    batches = batches.apply(tf.data.experimental.assert_cardinality(count))
    return shuffle_by_epoch(batches, count, None if seed is None else seed + 1)


def _batched_from_samples(
    dataset, batch_size, map_fn, cache, shuffle, shuffle_buffer, drop_remainder, seed
):
    if map_fn is not None:
        dataset = dataset.map(map_fn, num_parallel_calls=AUTOTUNE)
    if cache:
        dataset = dataset.cache() if cache is True else dataset.cache(str(cache))
    if shuffle:
        size = int(dataset.cardinality())
        buffer = shuffle_buffer or (size if size > 0 else 10_000)
        dataset = shuffle_by_epoch(dataset, buffer, seed)
    return dataset.batch(batch_size, drop_remainder=drop_remainder, num_parallel_calls=AUTOTUNE)


def _split_xy(data):
    if isinstance(data, tuple | list) and len(data) == 2:
        return np.asarray(data[0]), np.asarray(data[1])
    if isinstance(data, dict):
        raise ValueError(
            "Invalid value for argument `data`. Expected (x, y) arrays or a tf.data.Dataset. "
            "Received: a dict (use a tf.data.Dataset of dict features for tabular data)."
        )
    return np.asarray(data), None


def _check_dataset(dataset: tf.data.Dataset, input_shape) -> None:
    spec = dataset.element_spec
    features = spec[0] if isinstance(spec, tuple) else spec
    if input_shape is not None and isinstance(features, tf.TensorSpec):
        if len(features.shape) == len(input_shape) + 1:
            raise DataError(
                "Invalid input data: the dataset is already batched (element shape "
                f"{tuple(features.shape)}). Pass an unbatched dataset (`.unbatch()`)."
            )
        check_image_shape(tuple(features.shape), input_shape)
    # A dataset may be huge or endless: read one element to know it is not empty.
    if not list(dataset.take(1).as_numpy_iterator()):
        raise DataError("Invalid input data: the dataset is empty (0 elements).")
