"""`.keras` files saved by earlier versions still load, and answer as they did.

`tests/fixtures/saved_tasks/` holds five small Tasks trained one epoch and saved by the code
of commit 183d1b2 (`tests/helpers/make_saved_tasks.py` says how), each with the inputs it
was asked about and what it answered then: a table, an image, a text, a diffusion and a
dual-encoder Task. A change to a Task's class, config or registered names that would strand
users' saved files fails here. Never rewrite the fixtures to make this pass.
"""

import json

import keras
import numpy as np
import pandas as pd
import pytest

import keras_walk as kw
from tests.helpers.scripts import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "saved_tasks"


def saved(name):
    record = json.loads((FIXTURES / f"{name}.json").read_text())
    return keras.models.load_model(FIXTURES / f"{name}.keras"), record


def as_inputs(name, inputs):
    if name == "table":
        return pd.DataFrame(inputs)
    if name == "image":
        return np.asarray(inputs, "uint8")
    return list(inputs)


@pytest.mark.parametrize("name", ["table", "image", "text"])
def test_a_saved_supervised_task_predicts_as_it_did(name):
    task, record = saved(name)
    x = as_inputs(name, record["inputs"])
    np.testing.assert_allclose(task.predict(x, verbose=0), record["answers"]["predict"], atol=1e-5)
    assert [str(label) for label in task.predict_labels(x)] == record["answers"]["predict_labels"]
    # It reloads compiled, at the optimizer step it was saved at: training goes on from there.
    assert isinstance(task, kw.tasks.Task) and task.compiled
    assert int(task.optimizer.iterations.numpy()) == record["optimizer_iterations"] > 0


def test_a_saved_diffusion_model_draws_what_it_drew():
    task, record = saved("diffusion")
    images = task.generate(3, steps=2, labels=[0, 1, 2], seed=0)
    expected = np.asarray(record["answers"]["generate"], "uint8")
    assert images.shape == expected.shape == (3, 8, 8, 1)
    # Pixels are rounded to uint8: another CPU's float rounding may move one by a level.
    assert np.abs(images.astype(int) - expected).max() <= 1
    assert int(task.optimizer.iterations.numpy()) == record["optimizer_iterations"] > 0


def test_a_saved_dual_encoder_embeds_as_it_did():
    task, record = saved("dual_encoder")
    images = np.asarray(record["inputs"]["images"], "uint8")
    texts = record["inputs"]["texts"]
    answers = record["answers"]
    np.testing.assert_allclose(task.encode_images(images), answers["encode_images"], atol=1e-5)
    np.testing.assert_allclose(task.encode_texts(texts), answers["encode_texts"], atol=1e-5)
