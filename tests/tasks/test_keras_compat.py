"""keras_walk's Keras trainer workarounds (`keras_walk/tasks/_keras_compat.py`): what each
buys, and that plain Keras still needs it. A `test_plain_keras_still_*` test that fails means
Keras fixed that behaviour upstream: drop the workaround."""

import subprocess
import sys

import keras
import numpy as np
import pytest
from keras.src.backend.tensorflow import trainer as tf_trainer

import keras_walk as kw
from tests.helpers.scripts import ROOT


@pytest.fixture
def traces(monkeypatch):
    """Counts the Python calls of Keras's train and test steps: one per trace."""
    counts = {"train": 0, "test": 0}
    for step in counts:
        original = getattr(tf_trainer.TensorFlowTrainer, f"{step}_step")

        def counting(self, data, _original=original, _step=step):
            counts[_step] += 1
            return _original(self, data)

        monkeypatch.setattr(tf_trainer.TensorFlowTrainer, f"{step}_step", counting)
    return counts


def small_convnet(shape):
    return kw.tasks.backbones.basic_convnet(shape, (8, 16))


def images(count=64):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (count, 28, 28, 1), dtype="uint8"), np.arange(count) % 4


@pytest.mark.parametrize("as_dataset", [False, True], ids=["arrays", "dataset"])
def test_fit_traces_its_train_and_test_steps_once(traces, as_dataset):
    x, y = images()
    task = kw.tasks.image_classifier((28, 28, 1), 4, backbone=small_convnet, seed=0)
    if as_dataset:
        data = kw.data.pipeline(kw.data.Arrays(x, y), 32, shuffle=True, seed=0)
        history = task.fit(data, epochs=2, validation_data=data, verbose=0).history
    else:
        history = task.fit(x, y, batch_size=32, epochs=2, validation_data=(x, y), verbose=0)
        history = history.history
    assert traces == {"train": 1, "test": 1}
    assert len(history["loss"]) == 2 and np.all(np.isfinite(history["val_loss"]))
    assert task.optimizer.iterations.numpy() == 4  # 2 epochs of 2 batches: all trained


def test_evaluate_traces_its_test_step_once(traces):
    x, y = images()
    task = kw.tasks.image_classifier((28, 28, 1), 4, backbone=small_convnet, seed=0)
    loss, accuracy = task.evaluate(x, y, verbose=0)[:2]
    assert traces == {"train": 0, "test": 1}
    assert np.isfinite(loss) and 0 <= accuracy <= 1


def test_plain_keras_still_traces_its_train_step_twice(traces):
    # Keras 3.15 builds the metrics' state inside the first trace without a strategy, which
    # makes TensorFlow trace the step again; TrainerWorkarounds builds it first.
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(np.zeros((8, 4), "float32"), np.zeros(8, "int32"), batch_size=4, verbose=0)
    assert traces["train"] == 2, "plain Keras traced once: drop the _maybe_symbolic_build build"


@pytest.mark.parametrize(
    ("model_class", "outcome"),
    [("plain", "Value for attr 'T' of string is not in the list"), ("workaround", "TRAINED")],
)
def test_plain_keras_still_averages_string_batches_across_replicas(model_class, outcome):
    # Under MirroredStrategy Keras learns the first batch's shapes from its mean over
    # replicas (AddN), which strings do not have; TrainerWorkarounds hands it one replica's.
    script = ROOT / "tests" / "helpers" / "strings_under_mirrored.py"
    done = subprocess.run(
        [sys.executable, str(script), model_class], capture_output=True, text=True, timeout=600
    )  # a hang guard: the run takes about 10 s
    assert outcome in done.stdout + done.stderr, done.stderr[-2000:]
