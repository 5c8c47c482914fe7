"""Every place keras_walk reaches into Keras's trainer, in one module.

Written for Keras 3.15 on TensorFlow 2.21 (the versions `pyproject.toml` pins). Keras's
private trainer methods are overridden here and nowhere else: `Task` inherits them from
`TrainerWorkarounds`. Each override says what it works around, the upstream issue where
there is one, and the test that fails once upstream no longer needs it:

| override | works around | test that tells when to drop it |
|---|---|---|
| `_maybe_symbolic_build` | Keras averages the first batch across replicas to learn shapes (fails on strings: AddN); without a strategy it builds metric state inside the first trace, so every `fit` traces its step twice | `tests/tasks/test_keras_compat.py` |
| `_make_function` | scalar logs cannot be reduced over workers (keras-team/keras#20585, tensorflow/tensorflow#72388) | `tests/test_multi_worker.py::test_plain_keras_still_fails_under_multi_worker` |
| `make_train_function` | not a bug: batch norm synchronized across replicas, so several devices learn the statistics one device would | `tests/test_multi_worker.py` (one process against two workers) |
"""

from __future__ import annotations

import contextlib

import keras
import tensorflow as tf

from keras_walk import distribute

__all__ = ["TrainerWorkarounds"]

# Keras's data adapters whose iterator starts the epoch over when reset, so reading their
# first batch early costs training nothing. Keras has no public way to ask.
_RESTARTABLE_ADAPTERS = ("ArrayDataAdapter", "TFDatasetAdapter")


class TrainerWorkarounds(keras.Model):
    """A `keras.Model` with keras_walk's trainer workarounds (see the module's table).

    Subclasses say how a batch of what `fit` is given becomes the graph's
    `(inputs, targets)` by overriding `_graph_batch`.
    """

    def _graph_batch(self, data_batch):
        """A batch of what `fit` is given, as the graph's `(inputs, targets)`. The same for
        most models; generative ones, whose `train_step` makes the graph's inputs (noisy
        images, random codes), override it."""
        return data_batch

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Keras 3.15 builds the metrics' and the loss's state from the first batch's shapes
        # (`_symbolic_build`), and two of its ways there cost us:
        # * under a distribution strategy it learns those shapes by *averaging* the batch
        #   across replicas, which fails on string inputs (AddN on strings) for every text
        #   or table Task under MirroredStrategy. One replica's batch has the same shapes
        #   and no arithmetic: we hand Keras that one instead;
        # * without a strategy it defers that state to the first trace of the train (or
        #   test) step. Variables created inside a tf.function's first trace make
        #   TensorFlow trace it a second time: every `fit` paid two traces of its step
        #   (about 0.5 s for a small convnet, seconds for a deep backbone). We build it
        #   first, as Keras does under a strategy, so the step is traced once; where a model
        #   cannot be built symbolically, the deferred build still happens in the trace.
        strategy = self._distribute_strategy
        if data_batch is None and iterator is not None:
            if strategy is None and type(iterator.data_adapter).__name__ not in (
                _RESTARTABLE_ADAPTERS
            ):
                return None  # a one-shot source's first batch would be lost to training
            data_batch = _first_batch(iterator, strategy)
        if data_batch is not None:
            data_batch = self._graph_batch(data_batch)
        if strategy is not None:
            return super()._maybe_symbolic_build(data_batch=data_batch)
        with contextlib.suppress(Exception):  # a failure here only costs the second trace
            self._symbolic_build(data_batch=data_batch)
        return None

    def make_train_function(self, force=False):
        strategy = self._distribute_strategy
        if strategy is not None and strategy.num_replicas_in_sync > 1:
            # Each replica would otherwise normalize by, and keep moving statistics of, its
            # own slice of the batch: the workers' BatchNorm statistics would drift apart
            # and differ from one device's. Synchronized, every replica uses the global
            # batch's statistics (three small all-reduces per layer and step).
            for layer in self._flatten_layers():
                if isinstance(layer, keras.layers.BatchNormalization):
                    layer.synchronized = True
        return super().make_train_function(force)

    # Keras 3 under MultiWorkerMirroredStrategy (keras-team/keras#20585, tensorflow/tensorflow
    # #72388; seen with Keras 3.0 to 3.15.1 and TF 2.16 to 2.21): the TF trainer reduces each
    # step's logs with `strategy.reduce("MEAN", value, axis=0)` once several workers are in
    # sync, and that fails on the scalar loss and metrics ("Invalid reduction dimension 0
    # for input with 0 dimensions"), so `fit` and `evaluate` die at their first step.
    # Giving every scalar a batch axis of one row per replica turns that same reduction
    # into the mean over replicas. `_make_function` is where Keras wraps both the train and
    # the test step.
    def _make_function(self, step_function):
        if distribute.in_multi_worker_mode(self._distribute_strategy):
            step_function = _scalars_as_rows(step_function)
        return super()._make_function(step_function)


def _first_batch(iterator, strategy):
    """The first batch of Keras's epoch iterator; under a strategy, one replica's part."""
    data_batch = None
    for _, _, batches in iterator:
        data_batch = next(batches)
        break
    if strategy is not None:
        data_batch = tf.nest.map_structure(
            lambda value: strategy.experimental_local_results(value)[0], data_batch
        )
    return data_batch


def _scalars_as_rows(step):
    """`step` whose scalar outputs have shape `(1,)` (see `_make_function`)."""

    def step_with_rows(data):
        return tf.nest.map_structure(
            lambda value: tf.reshape(value, (1,)) if value.shape.rank == 0 else value, step(data)
        )

    return step_with_rows
