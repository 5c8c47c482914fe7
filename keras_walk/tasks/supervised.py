"""`SupervisedTask`: the family of Tasks that learn labels through a dense head.

Classifiers, regressors, the segmenter, the detector, the forecaster and the distiller:
each has a `head` (a row of `keras_walk.heads`, or the detector's own), `num_classes`
(outputs, for regression heads) and optional `class_names`. Their labels are checked
before the first step, their predictions decode into class names (`predict_labels`), and
`score(x, y)` gives the head's test metrics.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from keras_walk import heads
from keras_walk.arguments import in_range
from keras_walk.data.checks import DataError
from keras_walk.data.inputs import to_labels
from keras_walk.tasks.task import Task, check_counts, checked_with_labels
from keras_walk.training.metrics import task_metrics

__all__ = ["SupervisedTask"]


@keras.saving.register_keras_serializable(package="keras_walk")
class SupervisedTask(Task):
    """A `Task` with a head, classes and labels: what classifiers and regressors are.

    Build one with a builder (`image_classifier`, `text_classifier`, ...), or wrap your
    own functional graph: `SupervisedTask(inputs, outputs, head="multiclass",
    num_classes=3)`.

    Args:
        inputs: the functional graph's inputs.
        outputs: its outputs: the head's layer from `keras_walk.heads.dense_head`.
        name: the model's name.
        head: a `keras_walk.heads` name: what the labels are and how outputs read.
        num_classes: classes (classifiers) or outputs (regression heads).
        class_names: optional names of the classes, in label order.
        **kwargs: `Task`'s: `input_kind`, `columns`, `impute`, `training_data`,
            `compile_defaults`.

    Examples:

        >>> import keras_walk as kw
        >>> task = kw.tasks.image_classifier((8, 8, 1), 3, class_names=["a", "b", "c"])
        >>> task.head, task.num_classes, task.class_names
        ('multiclass', 3, ('a', 'b', 'c'))
        >>> task.predict_labels(np.zeros((2, 8, 8, 1), "uint8")).shape
        (2,)
    """

    # The heads its constructor takes: the dense heads (the detector has its own).
    _heads: tuple[str, ...] = tuple(heads.HEADS)

    def __init__(
        self,
        inputs,
        outputs,
        name=None,
        *,
        head: str,
        num_classes: int,
        class_names: Sequence[str] | None = None,
        **kwargs,
    ):
        super().__init__(inputs, outputs, name=name, **kwargs)
        heads.check_head(head, self._heads, what=type(self).__name__)
        if head in heads.HEADS:
            heads.output_units(head, num_classes)
        if class_names is not None:
            class_names = tuple(str(c) for c in class_names)
            if len(class_names) != num_classes:
                raise ValueError(
                    f"Invalid value for argument `class_names`. Expected {num_classes} names, "
                    f"one per class. Received: {len(class_names)} names"
                )
        self.head = head
        self.num_classes = int(num_classes)
        self.class_names = class_names

    def _auto_loss_and_metrics(self) -> tuple:
        spec = heads.get_head(self.head)
        return spec.loss(), spec.metrics(self.num_classes)

    def _card(self) -> dict:
        names = None if self.class_names is None else list(self.class_names)
        return {"head": self.head, "num_classes": self.num_classes, "class_names": names}

    # --- Labels --------------------------------------------------------------------------

    def _checked(self, x, y):
        return checked_with_labels(self, x, y, "labels")

    def check_labels(self, y) -> None:
        """Raises `keras_walk.heads.LabelError` if `y` does not fit this Task's head."""
        y = to_labels(y)
        extra_axes = len(self.output_shape) - 2  # e.g. a time axis of per-step outputs
        if extra_axes > 0 and heads.get_head(self.head).classifier:
            y = np.reshape(y, (-1, *np.shape(y)[1 + extra_axes :]))
        heads.check_labels(y, self.head, self.num_classes)

    # --- Answers -------------------------------------------------------------------------

    def predict_labels(self, x, threshold: float = 0.5, **kwargs):
        """Decoded predictions, like fastai's `learn.predict`.

        * `binary`, `multiclass`, `multiclass_onehot`: one class name per sample (the
          class index when there are no `class_names`);
        * `multilabel`: a tuple of the names above `threshold` per sample;
        * regression heads: the predicted values.
        """
        threshold = in_range("threshold", threshold, 0.0, 1.0)
        scores = self.predict(x, verbose=kwargs.pop("verbose", 0), **kwargs)
        return self.decode_predictions(scores, threshold)

    def decode_predictions(self, scores, threshold: float = 0.5):
        """Turns model outputs into labels the way `predict_labels` does."""
        if not heads.get_head(self.head).classifier:
            return np.asarray(scores)
        indices = heads.predicted_labels(scores, self.head, threshold)
        names = self.class_names or tuple(range(self.num_classes))
        if self.head == "multilabel":
            return [tuple(names[i] for i in np.flatnonzero(row)) for row in indices]
        lookup = np.empty(len(names), dtype=object)
        lookup[:] = names
        return lookup[indices]  # any shape: (batch,) or (batch, time) for sequence outputs

    def score(self, x, y, *, batch_size: int | None = None, threshold: float = 0.5) -> dict:
        """Test metrics of this Task on `(x, y)`, as a dict of Python numbers: the head's
        (`keras_walk.training.task_metrics`): accuracy, AUC, precision, recall and F1 for
        `binary`; accuracy, macro F1 and per-class scores for `multiclass`; subset and label
        accuracy, micro and macro F1 for `multilabel`; RMSE, MAE and R^2 for regression.
        The baselines of `keras_walk.baselines` score the same way.

        Examples:

            >>> import keras_walk as kw
            >>> task = kw.tasks.tabular_model(2, 2, hidden_units=(4,), seed=0)
            >>> sorted(task.score(np.zeros((4, 2)), np.array([0, 1, 0, 1])))
            ['accuracy', 'auc', 'f1', 'precision', 'recall']
        """
        y = to_labels(y)
        if y is None or isinstance(y, tf.data.Dataset):
            raise DataError("Invalid value for argument `y`: `score` needs the labels as an array.")
        self.check_labels(y)
        scores = self.predict(x, batch_size=batch_size, verbose=0)
        check_counts(len(scores), y)
        return task_metrics(y, scores, self.head, self.class_names, threshold)


# Files saved before the Task families name a supervised Task "keras_walk>Task".
keras.saving.get_custom_objects()["keras_walk>Task"] = SupervisedTask
