"""Looking at data and at a Task's mistakes, fastai style: `show_batch`, `plot_top_losses`,
`lr_find`.

fastai's `Learner` has these as one call each; Keras has none of them, so they are here,
written against any `keras_walk.tasks.Task`.
"""

from __future__ import annotations

import dataclasses
import math
import os

import keras
import numpy as np
import tensorflow as tf

from keras_walk import heads
from keras_walk.arguments import positive_int
from keras_walk.data.inputs import first_labels
from keras_walk.plots.charts import plt

__all__ = ["LearningRateFinding", "lr_find", "plot_top_losses", "show_batch"]


def show_batch(data, path: str | os.PathLike | None = None, *, class_names=None, count: int = 16):
    """A look at a few samples with their labels.

    Args:
        data: `(x, y)` arrays, a DataFrame or dict of columns with `y`, or a batched
            `tf.data.Dataset` of `(x, y)` (its first batch is shown).
        path: where to write the PNG grid of images or sequences.
        class_names: names for integer labels.
        count: how many samples.

    Returns:
        For images and sequences, the path of the PNG written; for texts and tables, a
        pandas DataFrame of the samples with a `label` column.

    Examples:

        >>> show_batch((["great taste", "stale"], [1, 0]), class_names=["other", "great"])
                  text  label
        0  great taste  great
        1        stale  other
    """
    import pandas as pd

    x, y = _first_samples(data, count)
    labels = [_label_name(label, class_names) for label in y] if y is not None else None
    if isinstance(x, dict) or (np.asarray(x).dtype.kind in "USO"):
        frame = pd.DataFrame(x if isinstance(x, dict) else {"text": np.asarray(x).reshape(-1)})
        frame = frame.map(lambda v: v.decode() if isinstance(v, bytes) else v)
        if labels is not None:
            frame["label"] = labels
        return frame
    x = np.asarray(x)
    if path is None:
        raise ValueError("Argument `path` is needed to draw images or sequences.")
    columns = min(8, len(x))
    rows = math.ceil(len(x) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(1.8 * columns, 1.9 * rows), squeeze=False)
    for index, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if index >= len(x):
            continue
        if x.ndim == 4:  # images
            image = np.squeeze(x[index])
            ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        else:  # sequences: one line per feature
            ax.axis("on")
            ax.plot(x[index].reshape(len(x[index]), -1), linewidth=0.8)
            ax.set_xticks([])
            ax.set_yticks([])
        if labels is not None:
            ax.set_title(str(labels[index]), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_top_losses(task, x, y, path: str | os.PathLike | None = None, k: int = 9):
    """The `k` samples a classifier Task is most wrong about: highest loss first.

    Returns a pandas DataFrame (index, actual, predicted, probability of the prediction,
    loss); with `path`, images are also drawn in a grid titled the fastai way
    ("predicted / actual / loss / probability").
    """
    import pandas as pd

    spec = heads.get_head(task.head)
    if not spec.classifier or task.head == "multilabel":
        raise ValueError(
            "`plot_top_losses` takes single-label classifiers (binary, multiclass). "
            f"Received: a Task with the {task.head!r} head"
        )
    task.check_labels(y)
    y = np.asarray(y)
    scores = task.predict(x, verbose=0)
    losses = _per_sample_loss(y, scores, task.head)
    order = np.argsort(-losses)[:k]
    predicted = task.decode_predictions(scores)
    if task.head == "binary":
        confidence = np.where(scores.reshape(-1) > 0.5, scores.reshape(-1), 1 - scores.reshape(-1))
        actual = y.reshape(-1).astype(int)
    else:
        confidence = scores.max(axis=-1)
        actual = y.argmax(-1) if task.head == "multiclass_onehot" else y.reshape(-1).astype(int)
    names = task.class_names or tuple(range(task.num_classes))
    frame = pd.DataFrame({
        "index": order,
        "actual": [names[actual[i]] for i in order],
        "predicted": [predicted[i] for i in order],
        "probability": confidence[order].round(3),
        "loss": losses[order].round(3),
    })  # fmt: skip
    if path is not None and task.input_kind == "images":
        images = np.asarray(x)[order]
        columns = min(3, len(order))
        rows = math.ceil(len(order) / columns)
        fig, axes = plt.subplots(rows, columns, figsize=(2.6 * columns, 2.8 * rows), squeeze=False)
        for ax in axes.ravel():
            ax.axis("off")
        for ax, image, row in zip(axes.ravel(), images, frame.itertuples(), strict=False):
            image = np.squeeze(image)
            ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
            ax.set_title(f"{row.predicted} / {row.actual}\n{row.loss:.2f} / {row.probability:.2f}",
                         fontsize=8)  # fmt: skip
        fig.suptitle("Top losses: predicted / actual, loss / probability", fontsize=9)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return frame


@dataclasses.dataclass
class LearningRateFinding:
    """What `lr_find` measured: the rates tried, the smoothed losses, and a suggestion."""

    learning_rates: np.ndarray
    losses: np.ndarray
    suggestion: float


def lr_find(
    task,
    data,
    *,
    start: float = 1e-7,
    end: float = 10.0,
    steps: int = 200,
    path: str | os.PathLike | None = None,
) -> LearningRateFinding:
    """The learning-rate range test (Smith 2017; fastai's `lr_find`).

    Trains for up to `steps` batches while the learning rate grows exponentially from
    `start` to `end`, records the smoothed loss, stops once the loss explodes, then puts
    the weights and the optimizer back as they were. The suggestion is the rate at the
    lowest smoothed loss divided by 10: where the loss still falls fast.

    Args:
        task: a compiled `Task`.
        data: a batched `tf.data.Dataset` of `(x, y)` (repeated as needed).
        start: the first learning rate tried.
        end: the last learning rate tried.
        steps: at most this many training steps.
        path: where to write the loss-vs-learning-rate plot (log scale).
    """
    if not isinstance(data, tf.data.Dataset):
        raise ValueError(
            "Invalid value for argument `data`. Expected a batched tf.data.Dataset of (x, y) "
            "(e.g. from `keras_walk.data.pipeline`)."
        )
    if not 0 < start < end:
        raise ValueError(
            "Invalid values for arguments `start` and `end`: expected 0 < start < end. "
            f"Received: start={start}, end={end}"
        )
    steps = positive_int("steps", steps)
    labels = first_labels(data)  # the first batches, as `Task.fit` checks them
    if labels is not None:
        task.check_labels(labels)
    weights = task.get_weights()
    compile_config = task.get_compile_config()
    original_optimizer = task.optimizer
    probe = type(original_optimizer).from_config(
        {**original_optimizer.get_config(), "learning_rate": start}
    )
    keras.Model.compile(task, optimizer=probe, loss=task.loss)
    rates = start * (end / start) ** (np.arange(steps) / max(steps - 1, 1))
    recorded, smoothed, average, best = [], [], 0.0, math.inf
    try:
        for step, (x, y) in enumerate(data.repeat().take(steps)):
            probe.learning_rate.assign(rates[step])
            loss = float(task.train_on_batch(x, y, return_dict=True)["loss"])
            average = 0.98 * average + 0.02 * loss
            value = average / (1 - 0.98 ** (step + 1))  # bias-corrected moving average
            if not math.isfinite(value) or (step > 10 and value > 4 * best):
                break
            best = min(best, value)
            recorded.append(rates[step])
            smoothed.append(value)
    finally:
        task.set_weights(weights)
        config = keras.saving.deserialize_keras_object(compile_config)
        config["optimizer"] = original_optimizer
        keras.Model.compile(task, **config)
    if len(smoothed) < 2:
        raise ValueError("The loss diverged at once: lower `start`.")
    rates_seen, losses = np.array(recorded), np.array(smoothed)
    suggestion = float(rates_seen[int(np.argmin(losses))] / 10)
    if path is not None:
        fig, ax = plt.subplots(figsize=(5.5, 3.6))
        ax.plot(rates_seen, losses)
        ax.axvline(suggestion, color="red", linestyle="--", label=f"suggestion {suggestion:.1e}")
        ax.set(xscale="log", xlabel="learning rate", ylabel="loss (smoothed)",
               title="Learning-rate range test")  # fmt: skip
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return LearningRateFinding(rates_seen, losses, suggestion)


def _first_samples(data, count):
    if isinstance(data, tf.data.Dataset):
        element = next(iter(data.take(1)))
        x, y = (element[0], element[1]) if isinstance(element, tuple) else (element, None)
        x = {k: v.numpy()[:count] for k, v in x.items()} if isinstance(x, dict) else x.numpy()
        return (x if isinstance(x, dict) else x[:count]), (
            None if y is None else np.asarray(y)[:count]
        )
    x, y = data if isinstance(data, tuple | list) and len(data) == 2 else (data, None)
    if hasattr(x, "to_dict") and hasattr(x, "columns"):  # a DataFrame
        x = {name: x[name].to_numpy()[:count] for name in x.columns}
    elif isinstance(x, dict):
        x = {name: np.asarray(values)[:count] for name, values in x.items()}
    else:
        x = np.asarray(x)[:count]
    return x, None if y is None else np.asarray(y)[:count]


def _label_name(label, class_names):
    label = np.asarray(label)
    if label.ndim == 0 and class_names is not None and label.dtype.kind in "iub":
        return class_names[int(label)]
    if label.ndim == 1 and class_names is not None:  # multi-hot or one-hot
        return ", ".join(class_names[i] for i in np.flatnonzero(label))
    return label.item() if label.ndim == 0 else label.tolist()


def _per_sample_loss(y, scores, head):
    p = np.clip(np.asarray(scores, "float64"), 1e-7, 1 - 1e-7)
    if head == "binary":
        y = y.reshape(-1).astype("float64")
        p = p.reshape(-1)
        return -(y * np.log(p) + (1 - y) * np.log(1 - p))
    if head == "multiclass_onehot":
        return -(y * np.log(p)).sum(axis=-1)
    return -np.log(p[np.arange(len(p)), y.reshape(-1).astype(int)])
