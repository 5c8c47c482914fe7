"""Shuffling keyed by the epoch, so that a resumed run sees the orders an uninterrupted one does.

`tf.data`'s `shuffle(seed=..., reshuffle_each_iteration=True)` draws each pass's order from
a generator that starts over in every process: a run killed after epoch 5 and resumed sees
epoch 0's order again for its epoch 6, and its weights drift away from those of the run
that was never interrupted. Here the order of epoch `e` depends on `(seed, e)` alone. The
epoch comes from a counter that the dataset advances at each pass (so that plain `fit`
calls and `for batch in dataset` loops get a new order every time) and that
`keras_walk.tasks.Task.fit` sets at the start of every epoch (so that a `fit` resumed at
epoch 6 sees order 6). TensorFlow's iterator checkpoints would save the same information,
but Keras's `fit` makes its iterators itself and offers no hook to save or restore them.

Examples:

    >>> import tensorflow as tf
    >>> ds = shuffle_by_epoch(tf.data.Dataset.range(5), 5, seed=0).batch(5)
    >>> first, second = [next(iter(ds)).numpy().tolist() for _ in range(2)]
    >>> first != second  # a new order at every pass
    True
    >>> set_epoch(ds, 0)  # the counters found upstream of `ds`
    1
    >>> next(iter(ds)).numpy().tolist() == first  # epoch 0's order, whenever asked
    True
"""

from __future__ import annotations

import tensorflow as tf

__all__ = ["set_epoch", "shuffle_by_epoch"]

_COUNTER = "_keras_walk_epoch"


def shuffle_by_epoch(dataset: tf.data.Dataset, buffer_size: int, seed: int | None):
    """`dataset.shuffle(buffer_size, seed)`, reshuffled every pass, in an order that depends
    only on `seed` and the epoch (see `set_epoch`). With `seed=None` this is TensorFlow's
    ordinary `shuffle`, which nothing makes repeatable."""
    if seed is None:
        return dataset.shuffle(buffer_size, reshuffle_each_iteration=True)
    with tf.init_scope():  # a plain variable even when called inside a tf.function
        counter = tf.Variable(0, dtype=tf.int64, trainable=False, name="data_epoch")
    size = dataset.cardinality()
    # One element per pass: reading the counter advances it, atomically.
    epochs = tf.data.Dataset.range(1).map(lambda _: counter.assign_add(1) - 1)

    def one_epoch(epoch):
        # The order must not depend on the global seed: without one in this function's
        # graph, TensorFlow pairs the op seed with a fixed graph seed. (With a global seed
        # of 0 it would also compare the tensor seed with 0 in Python, and fail.)
        tf.compat.v1.get_default_graph().seed = None
        # Shuffle seeds are truncated to 31 bits; this spreads (seed, epoch) pairs over them.
        epoch_seed = tf.constant(seed, tf.int64) * 1_000_003 + epoch
        return dataset.shuffle(buffer_size, seed=epoch_seed, reshuffle_each_iteration=False)

    shuffled = epochs.flat_map(one_epoch)
    if int(size) >= 0:  # flat_map forgets the size; Keras needs it to count an epoch's steps
        shuffled = shuffled.apply(tf.data.experimental.assert_cardinality(size))
    setattr(shuffled, _COUNTER, counter)
    return shuffled


def set_epoch(dataset, epoch: int) -> int:
    """Sets the epoch of every `shuffle_by_epoch` upstream of `dataset`: its next pass
    uses that epoch's order. Returns how many it found (0 for any other dataset)."""
    counters = epoch_counters(dataset)
    for counter in counters:
        counter.assign(epoch)
    return len(counters)


def epoch_counters(dataset) -> list[tf.Variable]:
    """The epoch counters of the `shuffle_by_epoch` steps upstream of `dataset`."""
    found, seen, stack = [], set(), [dataset]
    while stack:
        current = stack.pop()
        if not isinstance(current, tf.data.Dataset) or id(current) in seen:
            continue
        seen.add(id(current))
        counter = getattr(current, _COUNTER, None)
        if counter is not None:
            found.append(counter)
        stack.extend(current._inputs())  # noqa: SLF001 - tf.data's own graph walk
    return found
