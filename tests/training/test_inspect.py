"""show_batch, plot_top_losses and lr_find (keras_walk/training/inspect.py)."""

import keras
import numpy as np
import pandas as pd
import pytest

import keras_walk as kw

RNG = np.random.default_rng(0)


def _digits_task(**options):
    keras.utils.set_random_seed(0)
    return kw.tasks.image_classifier(
        (8, 8, 1), 10, class_names=[f"d{i}" for i in range(10)], seed=0, **options
    )


def test_show_batch_draws_images_and_sequences(tmp_path):
    images = RNG.integers(0, 255, (5, 8, 8, 1)).astype("uint8")
    path = kw.plots.show_batch((images, np.arange(5)), tmp_path / "images.png",
                                  class_names=list("abcde"))  # fmt: skip
    assert path == tmp_path / "images.png" and path.read_bytes()[:4] == b"\x89PNG"
    sequences = kw.data.pipeline((RNG.normal(size=(6, 30, 2)), np.arange(6) % 2), batch_size=4)
    path = kw.plots.show_batch(sequences, tmp_path / "sequences.png", count=3)
    assert path.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="`path` is needed"):
        kw.plots.show_batch((images, np.arange(5)))


def test_show_batch_lists_texts_and_table_rows_with_label_names():
    texts = kw.plots.show_batch((np.array(["good", "bad", "fine"]), [1, 0, 1]),
                                   class_names=["no", "yes"], count=2)  # fmt: skip
    assert texts.to_dict("list") == {"text": ["good", "bad"], "label": ["yes", "no"]}
    table = pd.DataFrame({"size/cm": [1.0, 2.0], "colour": ["red", None]})
    rows = kw.plots.show_batch((table, np.array([[1, 0], [1, 1]])), class_names=["p", "q"])
    assert list(rows.columns) == ["size/cm", "colour", "label"]
    assert list(rows["label"]) == ["p", "p, q"]  # multi-hot rows name every label


def test_plot_top_losses_puts_the_worst_mistakes_first(tmp_path):
    train, test = kw.data.load("digits", splits=("train", "test"))
    task = _digits_task(learning_rate=3e-3)
    task.fit(train.x, train.y, batch_size=64, epochs=3, verbose=0)
    frame = kw.plots.plot_top_losses(task, test.x, test.y, tmp_path / "top.png", k=5)
    assert list(frame.columns) == ["index", "actual", "predicted", "probability", "loss"]
    assert len(frame) == 5 and list(frame["loss"]) == sorted(frame["loss"], reverse=True)
    scores = task.predict(test.x, verbose=0)
    losses = -np.log(np.clip(scores[np.arange(len(test.y)), test.y], 1e-7, 1))
    assert frame["index"][0] == int(np.argmax(losses))
    assert frame["actual"][0] == f"d{test.y[frame['index'][0]]}"
    assert (tmp_path / "top.png").read_bytes()[:4] == b"\x89PNG"


def test_plot_top_losses_refuses_regression_and_bad_labels():
    regressor = kw.tasks.regressor(3)
    with pytest.raises(ValueError, match="single-label classifiers"):
        kw.plots.plot_top_losses(regressor, np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="Invalid labels"):
        kw.plots.plot_top_losses(_digits_task(), np.zeros((2, 8, 8, 1)), np.array([3, 10]))


def test_lr_find_suggests_a_rate_that_trains_and_puts_the_model_back(tmp_path):
    train, test = kw.data.load("digits", splits=("train", "test"))
    data = kw.data.pipeline(train, batch_size=64, shuffle=True, seed=0)
    task = _digits_task()
    before = [w.copy() for w in task.get_weights()]
    finding = kw.plots.lr_find(task, data, steps=120, path=tmp_path / "lr.png")
    assert (tmp_path / "lr.png").read_bytes()[:4] == b"\x89PNG"
    # Put back as found: weights, optimizer (its step count and its own learning rate).
    assert all(np.array_equal(a, b) for a, b in zip(before, task.get_weights(), strict=True))
    assert int(task.optimizer.iterations) == 0
    assert float(task.optimizer.learning_rate) == pytest.approx(1e-3)
    assert finding.losses[0] > finding.losses.min() * 2  # the loss fell along the way
    assert 1e-4 < finding.suggestion < 1.0
    # The suggestion trains: a fresh model at that rate learns the digits in 8 epochs (5 gave
    # 0.794 on 2026-12-04's AMD EPYC, whose float kernels differ from the earlier hosts').
    trained = _digits_task(learning_rate=finding.suggestion)
    trained.fit(data, epochs=8, verbose=0)
    assert trained.evaluate(test.x, test.y, return_dict=True, verbose=0)["accuracy"] > 0.85


def test_lr_find_checks_its_arguments():
    task = _digits_task()
    with pytest.raises(ValueError, match="Expected a batched tf.data.Dataset"):
        kw.plots.lr_find(task, (np.zeros((4, 8, 8, 1)), np.zeros(4)))
    data = kw.data.pipeline((np.zeros((4, 8, 8, 1)), np.array([0, 1, 2, 12])), batch_size=2)
    with pytest.raises(ValueError, match="Invalid labels"):
        kw.plots.lr_find(task, data)
    with pytest.raises(ValueError, match="0 < start < end"):
        kw.plots.lr_find(task, data, start=1.0, end=0.1)
