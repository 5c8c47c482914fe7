"""`run_task_test`: the one contract every builder's Task is tested with, whatever its
family (KerasHub's `run_task_test` is the model): compile state with the family's
`compile("auto")`, bad input refused before a step (labels for supervised Tasks, arrays,
DataFrames and tf.data), training, a `.keras` round trip (config, optimizer step and the
family's answers: predictions and decoded labels, generated images, vectors, generated
text), training on after the reload, and the summary card; building under a
2-logical-CPU `MirroredStrategy`.
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

from keras_walk.tasks import (
    Embedder,
    ImageGenerator,
    LanguageModel,
    SequenceGenerator,
    SupervisedTask,
    Task,
)
from keras_walk.tasks.task import constructor_arguments
from tests.helpers.examples import Example

FAMILIES = (SupervisedTask, ImageGenerator, Embedder, SequenceGenerator)


def bad_labels(task: SupervisedTask, y) -> dict:
    """Labels that must be refused, by name, for the task's head."""
    y = np.asarray(y)
    n, k = len(y), task.num_classes
    cases = {"nan": np.full(y.shape, np.nan), "wrong_shape": np.zeros((n, k + 2, 2))}
    if task.head == "multiclass":
        cases["out_of_range"] = np.full(n, k)
        cases["multi_hot"] = np.tile(np.eye(k)[0] + np.eye(k)[1], (n, 1))
    elif task.head == "binary":
        cases["out_of_range"] = np.full(n, 2)
    elif task.head in ("multilabel", "multiclass_onehot"):
        cases["out_of_range"] = np.full((n, k), 3)
    return cases


def bad_inputs(task: Task, x, y) -> dict:
    """`{name: (x, y)}` that `fit` must refuse before a step, for the task's family."""
    if isinstance(task, SupervisedTask):
        cases = {}
        for name, labels in bad_labels(task, y).items():
            cases[name] = (x, labels)
            if labels.ndim <= 2:
                cases[f"{name}_frame"] = (x, pd.DataFrame(labels.reshape(len(labels), -1)))
            if not isinstance(x, pd.DataFrame | dict):
                dataset = tf.data.Dataset.from_tensor_slices((np.asarray(x), labels)).batch(4)
                cases[f"{name}_dataset"] = (dataset, None)
        return cases
    if isinstance(task, SequenceGenerator) and isinstance(task, LanguageModel):
        return {"out_of_range": (x, np.full(np.shape(y), task.vocabulary_size))}
    cases = {"scaled_images": (np.asarray(x) / 255.0, y)}  # images: pixels in [0, 255]
    if isinstance(y, list):  # captions
        cases["count_mismatch"] = (x, y[:-1])
    if isinstance(task, ImageGenerator) and task.conditional:
        cases["out_of_range"] = (x, np.full(len(x), task.num_labels))
        cases["missing_labels"] = (x, None)
    if isinstance(task, ImageGenerator) and not task.conditional and y is not None:
        cases["bad_targets"] = (x, np.full(np.shape(y), 2.0))  # an autoencoder's
    return cases


def answers(task: Task, x) -> dict:
    """What the task answers with, by family: the same after a `.keras` round trip."""
    if isinstance(task, SupervisedTask):
        return {"predict": task.predict(x, verbose=0), "labels": task.predict_labels(x)}
    if isinstance(task, ImageGenerator):
        if getattr(task, "variational", True) is False:  # a plain autoencoder reconstructs
            return {"predict": task.predict(x, verbose=0)}
        return {"generate": task.generate(2, seed=0)}
    if isinstance(task, Embedder):
        vectors = task.encode(x)
        np.testing.assert_allclose(task.predict(x), vectors, rtol=1e-5, atol=1e-6)
        return {"encode": vectors, "search": task.search(x[:2], vectors, k=2).indices}
    if isinstance(task, LanguageModel):
        return {"generate": task.generate(task.decode(x[0][:3]), length=5, temperature=0.0)}
    return {"generate": task.generate(x[:2])}  # a captioner


class PixelFeatures:
    """A feature space for scoring generated images: the pixels themselves, scaled to
    [0, 1] (FID on pixels)."""

    def features(self, images):
        images = np.asarray(images, "float32")
        return images.reshape(len(images), -1) / 255.0


def scores(task: Task, x, y) -> dict:
    """The task's `score` on its training data: test metrics of its family."""
    if isinstance(task, ImageGenerator):
        return task.score(x, PixelFeatures(), num_images=len(x))
    if isinstance(task, Embedder) and y is None:  # SimCLR: scored through a classifier
        return task.to_classifier(3).score(x, np.arange(len(x)) % 3)
    return task.score(x, y)


def _numbers(tree, where: str = "score"):
    """Every leaf of a `score` dict is a finite Python number (or a per-class dict)."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            _numbers(value, f"{where}[{key!r}]")
    else:
        assert isinstance(tree, int | float) and np.isfinite(tree), (where, tree)


def _assert_same(first, second, where: str = "answers") -> None:
    """`first` and `second` alike: floats within 1e-4, everything else equal, through
    dicts, lists and tuples (detections, tuples of class names, captions)."""
    if isinstance(first, dict):
        assert first.keys() == second.keys(), where
        for key in first:
            _assert_same(first[key], second[key], f"{where}[{key!r}]")
    elif isinstance(first, list | tuple):
        assert len(first) == len(second), where
        for index, (a, b) in enumerate(zip(first, second, strict=True)):
            _assert_same(a, b, f"{where}[{index}]")
    elif isinstance(first, np.ndarray) and first.dtype.kind == "f":
        np.testing.assert_allclose(second, first, rtol=1e-4, atol=1e-5, err_msg=where)
    else:
        assert np.array_equal(np.asarray(second), np.asarray(first)), where


def run_task_test(example: Example, tmp_path: Path) -> Task:
    """Checks one builder's Task end to end (see the module)."""
    task = example.build()
    x, y = example.x, example.y
    # A Task of one family, compiled with its family's loss.
    assert sum(isinstance(task, family) for family in FAMILIES) == 1, type(task).__mro__
    assert task.compiled and task.optimizer is not None
    auto_loss = task._auto_loss_and_metrics()[0]
    assert getattr(task.loss, "name", None) == getattr(auto_loss, "name", None)
    if example.output_shape is not None:
        assert tuple(task.output_shape) == tuple(example.output_shape)
    # Bad input fails in `fit` before a single step.
    for name, (bad_x, bad_y) in bad_inputs(task, x, y).items():
        with pytest.raises(ValueError):
            task.fit(bad_x, bad_y, batch_size=4, epochs=1, verbose=0)
        assert int(task.optimizer.iterations) == 0, f"{name}: a step ran before the error"
    # It trains, then round-trips through .keras with its config, step and answers.
    task.fit(x, y, batch_size=4, epochs=1, verbose=0)
    steps = int(task.optimizer.iterations)
    assert steps > 0
    path = tmp_path / "task.keras"
    task.save(path)
    reloaded = keras.models.load_model(path)
    assert type(reloaded) is type(task)
    config, reloaded_config = task.get_config(), reloaded.get_config()
    for argument in constructor_arguments(type(task)):
        value, reloaded_value = config[argument], reloaded_config[argument]
        if isinstance(value, dict) and "class_name" in value:  # a model (a distiller's teacher)
            assert reloaded_value["class_name"] == value["class_name"], argument
        else:
            assert reloaded_value == value, argument
    _assert_same(answers(task, x), answers(reloaded, x))
    if isinstance(task, SupervisedTask):
        assert reloaded.class_names == (
            None if example.class_names is None else tuple(example.class_names)
        )
        if example.class_names is not None and task.head != "multilabel":
            assert set(reloaded.predict_labels(x)) <= set(example.class_names)
    assert int(reloaded.optimizer.iterations) == steps
    result = scores(reloaded, x, y)
    assert result, type(task).__name__
    _numbers(result)
    reloaded.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert int(reloaded.optimizer.iterations) > steps
    card, reloaded_card = task.summary_card(), reloaded.summary_card()
    assert reloaded_card["task"] == type(task).__name__
    assert {k: v for k, v in reloaded_card.items() if k not in ("optimizer", "loss")} == {
        k: v for k, v in card.items() if k not in ("optimizer", "loss")
    }
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
