"""NumPy scalars are numbers, and NaN and infinity are not: every public entry point that
checks a number takes `np.int64(2)` where it takes `2` and gives the same result (its Task
still saves and reloads), and refuses NaN and infinity with an error naming the argument.
The checks live in `keras_walk/arguments.py`."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest

import keras_walk as kw

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, (8, 8, 8, 1)).astype("uint8")
LABELS = np.arange(8) % 3
TEXT = "to be or not to be, that is the question " * 4
TINY = {"backbone": lambda shape: kw.tasks.backbones.basic_convnet(shape, (4,), 1), "seed": 0}


def as_numpy(value):
    """`value` with every Python int and float made a NumPy scalar (tuples too)."""
    if isinstance(value, tuple):
        return tuple(as_numpy(v) for v in value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return np.int64(value) if isinstance(value, int) else np.float32(value)


def image_classifier(input_shape, num_classes, dropout, learning_rate, weight_decay):
    return kw.tasks.image_classifier(
        input_shape, num_classes, dropout=dropout, learning_rate=learning_rate,
        weight_decay=weight_decay, **TINY,
    )  # fmt: skip


def saved_and_reloaded(task, tmp_path):
    path = tmp_path / "task.keras"
    task.save(path)
    return keras.models.load_model(path), path.stat().st_size > 0


def predicted_labels(threshold):
    task = kw.tasks.image_classifier((8, 8, 1), 2, **TINY)
    return task.predict_labels(IMAGES, threshold=threshold)


@pytest.fixture(scope="module")
def language_model():
    return kw.tasks.language_model(TEXT, sequence_length=8, units=8, seed=0)


# (entry point, Python arguments): each is called again with NumPy scalars for every number.
SAME_RESULT = {
    "pipeline/batch_size": (
        lambda batch_size: [len(x) for x, _ in kw.data.pipeline((IMAGES, LABELS), batch_size)],
        (3,),
    ),
    "predict_labels/threshold": (predicted_labels, (0.3,)),
    "ngram_bits_per_token/order": (
        lambda order: kw.baselines.ngram_bits_per_token([1, 2, 3] * 9, [1, 2, 3], order=order),
        (2,),
    ),
    "split_validation/fraction": (
        lambda fraction: [
            len(part) for part in kw.data.split_validation(pd.DataFrame({"a": range(20)}), fraction)
        ],
        (0.25,),
    ),
}


@pytest.mark.parametrize("name", sorted(SAME_RESULT))
def test_numpy_scalars_give_what_python_numbers_give(name):
    call, arguments = SAME_RESULT[name]
    expected = call(*arguments)
    np.testing.assert_equal(call(*as_numpy(arguments)), expected)


@pytest.mark.parametrize(
    "build",
    [
        lambda: image_classifier(*as_numpy(((8, 8, 1), 3, 0.2, 1e-3, 1e-4))),
        lambda: kw.tasks.image_segmenter(as_numpy((16, 16, 1)), as_numpy(2), seed=0),
        lambda: kw.tasks.autoencoder(as_numpy((8, 8, 1)), latent_dim=as_numpy(4)),
        lambda: kw.tasks.sequence_classifier((None, np.int64(2)), np.int64(3)),
        lambda: kw.tasks.language_model(TEXT, sequence_length=np.int64(8), units=np.int64(8)),
    ],
    ids=["image_classifier", "image_segmenter", "autoencoder", "sequence_classifier", "lm"],
)
def test_a_task_built_from_numpy_scalars_saves_and_reloads(build, tmp_path):
    task = build()
    reloaded, written = saved_and_reloaded(task, tmp_path)
    assert written and reloaded.input_shape == task.input_shape


def test_generate_takes_numpy_scalars(language_model):
    python = language_model.generate("to", 6, temperature=0.5, top_k=3, seed=1)
    numpy = language_model.generate(
        "to", np.int64(6), temperature=np.float32(0.5), top_k=np.int64(3), seed=1
    )
    assert numpy == python


NOT_NUMBERS = {
    "learning_rate": lambda value: image_classifier((8, 8, 1), 3, 0.2, value, None),
    "weight_decay": lambda value: image_classifier((8, 8, 1), 3, 0.2, None, value),
    "dropout": lambda value: image_classifier((8, 8, 1), 3, value, None, None),
    "threshold": predicted_labels,
    "fraction": lambda value: kw.data.split_validation(pd.DataFrame({"a": range(20)}), value),
}


@pytest.mark.parametrize("value", [float("nan"), float("inf"), np.float32("nan")])
@pytest.mark.parametrize("argument", sorted(NOT_NUMBERS))
def test_nan_and_infinity_are_refused_naming_the_argument(argument, value):
    with pytest.raises(ValueError, match=f"Invalid value for argument `{argument}`"):
        NOT_NUMBERS[argument](value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0])
def test_generate_refuses_a_temperature_that_is_no_finite_number(language_model, value):
    with pytest.raises(ValueError, match="Invalid value for argument `temperature`"):
        language_model.generate("to", 5, temperature=value)


def test_the_reliability_pages_console_examples_run_as_shown():
    page = (Path(__file__).resolve().parents[1] / "docs/user-guide/reliability.md").read_text()
    examples = "\n".join(re.findall(r"```python\n(>>> .*?)```", page, re.S))
    test = doctest.DocTestParser().get_doctest(examples, {}, "reliability.md", None, 0)
    assert len(test.examples) >= 4
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
