"""`run_task_test`: the one contract every builder's Task is tested with (KerasHub's
`run_task_test` is the model): output shape, compile state, `.keras` round trip
(predictions, class names, optimizer step), bad labels through `fit` for arrays,
DataFrames and tf.data, and building under a 2-logical-CPU `MirroredStrategy`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from keras_walk import heads
from keras_walk.tasks import Task


def bad_labels(task: Task, y) -> dict:
    """Labels that must be refused, by name, for the task's head."""
    y = np.asarray(y)
    n, k = len(y), task.num_classes
    cases = {"nan": np.full(y.shape, np.nan), "wrong_shape": np.zeros((n, k + 2, 2))}
    if task.head == "multiclass" and len(task.output_shape) > 2:  # (batch, time) labels
        cases["out_of_range"] = np.full(y.shape, k)
    elif task.head == "multiclass":
        cases["out_of_range"] = np.full(n, k)
        cases["multi_hot"] = np.tile(np.eye(k)[0] + np.eye(k)[1], (n, 1))
    elif task.head == "binary":
        cases["out_of_range"] = np.full(n, 2)
    elif task.head in ("multilabel", "multiclass_onehot"):
        cases["out_of_range"] = np.full((n, k), 3)
    return cases


def run_task_test(build, x, y, tmp_path: Path, *, expected_output_shape, class_names=None):
    """Checks one builder end to end.

    Args:
        build: a no-argument function that returns the Task (a fresh one each call).
        x, y: a few samples it trains on (arrays, texts or a DataFrame).
        tmp_path: pytest's temporary folder.
        expected_output_shape: the Task's output shape.
        class_names: the class names `build` gives the Task, if any.
    """
    task = build()
    # Shape and compile state.
    assert isinstance(task, Task)
    assert tuple(task.output_shape) == tuple(expected_output_shape)
    assert task.compiled and task.optimizer is not None
    assert task.loss.name == heads.get_head(task.head).loss().name
    # Bad labels fail in `fit` before a single step, for arrays, DataFrames and tf.data.
    for name, labels in bad_labels(task, y).items():
        for wrap in (
            np.asarray,
            lambda a: pd.DataFrame(a.reshape(len(a), -1)) if a.ndim <= 2 else a,
        ):
            with pytest.raises(ValueError):
                task.fit(x, wrap(labels), epochs=1, verbose=0)
        # An autoencoder's tf.data targets are always its images: no labels to refuse there.
        if not isinstance(x, pd.DataFrame | dict) and task.head != "reconstruction":
            dataset = tf.data.Dataset.from_tensor_slices((np.asarray(x), labels)).batch(4)
            with pytest.raises(ValueError):
                task.fit(dataset, epochs=1, verbose=0)
        assert int(task.optimizer.iterations) == 0, f"{name}: a step ran before the error"
    # It trains, then round-trips through .keras with its classes and optimizer step.
    task.fit(x, y, batch_size=4, epochs=1, verbose=0)
    steps = int(task.optimizer.iterations)
    assert steps > 0
    path = tmp_path / "task.keras"
    task.save(path)
    reloaded = keras.models.load_model(path)
    assert type(reloaded) is type(task)
    assert reloaded.head == task.head and reloaded.num_classes == task.num_classes
    assert reloaded.class_names == (None if class_names is None else tuple(class_names))
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), task.predict(x, verbose=0), rtol=1e-4, atol=1e-5
    )
    labels = reloaded.predict_labels(x)
    assert len(labels) == len(y)
    if class_names is not None and task.head != "multilabel":
        assert set(labels) <= set(class_names)
    assert int(reloaded.optimizer.iterations) == steps
    reloaded.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert int(reloaded.optimizer.iterations) > steps
    assert reloaded.summary_card()["head"] == task.head
    return task


MIRRORED = Path(__file__).with_name("build_mirrored.py")


def builds_under_mirrored(builder: str) -> dict:
    """Builds `builder`'s example under a 2-logical-CPU MirroredStrategy in a fresh
    process (logical devices must be set before TensorFlow starts) and fits one epoch."""
    done = subprocess.run(
        [sys.executable, str(MIRRORED), builder], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def contrastive_under_mirrored() -> dict:
    """Runs tests/helpers/contrastive_mirrored.py in a fresh process."""
    done = subprocess.run(
        [sys.executable, str(MIRRORED.with_name("contrastive_mirrored.py"))],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
