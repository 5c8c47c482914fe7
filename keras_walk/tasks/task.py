"""`Task`: a compiled functional Keras model that knows what it is for.

Every builder in `keras_walk.tasks` returns a `Task` (KerasHub's word; fastai calls the
same idea a `Learner`). Its config carries the head, the classes and their names, the
kind of input and the table's columns, so that a reloaded `.keras` file is the same Task:
it checks labels before training, decodes predictions into class names, and continues
training at the same optimizer step.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from keras_walk import heads
from keras_walk.arguments import in_range, positive_int
from keras_walk.data.checks import DataError
from keras_walk.data.epochs import epoch_counters, set_epoch
from keras_walk.data.inputs import INPUT_KINDS, first_labels, to_labels, to_model_inputs
from keras_walk.data.tabular import check_table
from keras_walk.tasks._keras_compat import TrainerWorkarounds
from keras_walk.tasks.backbones import backbone_of, set_backbone_trainable, unfrozen_layers
from keras_walk.tasks.compiling import DEFAULT_OPTIMIZER, make_optimizer
from keras_walk.training.metrics import task_metrics

__all__ = ["Task"]


@keras.saving.register_keras_serializable(package="keras_walk")
class Task(TrainerWorkarounds):
    """A functional `keras.Model` with a head, classes and an input kind.

    Build one with a builder (`image_classifier`, `text_classifier`, ...), or wrap your
    own functional graph: `Task(inputs, outputs, head="multiclass", num_classes=3)`.

    Args:
        inputs: the functional graph's inputs.
        outputs: its outputs: the head's layer from `keras_walk.heads.dense_head`.
        name: the model's name.
        head: a `keras_walk.heads` name: what the labels are and how outputs read.
        num_classes: classes (classifiers) or outputs (regression heads).
        class_names: optional names of the classes, in label order.
        input_kind: `"images"`, `"sequences"`, `"features"`, `"table"`, `"text"` or
            `"tokens"`: how `fit`, `evaluate` and `predict` read raw input.
        columns: for tables, `[original name, input name, kind]` per column (see
            `keras_walk.data.TabularFeatures.column_spec`).
        impute: for tables, whether missing values are filled inside the model.
        training_data: a name for the data it is trained on (shown by `summary_card`).
        compile_defaults: what `compile(optimizer="auto")` uses: `optimizer`,
            `learning_rate` and `weight_decay`.

    Examples:

        >>> import keras_walk as kw
        >>> task = kw.tasks.image_classifier((8, 8, 1), 3, class_names=["a", "b", "c"])
        >>> task.head, task.num_classes, task.class_names
        ('multiclass', 3, ('a', 'b', 'c'))
        >>> task.predict_labels(np.zeros((2, 8, 8, 1), "uint8")).shape
        (2,)
    """

    def __init__(
        self,
        inputs,
        outputs,
        name=None,
        *,
        head: str,
        num_classes: int,
        class_names: Sequence[str] | None = None,
        input_kind: str = "features",
        columns: Sequence[Sequence[str]] | None = None,
        impute: bool = False,
        training_data: str | None = None,
        compile_defaults: dict | None = None,
        **kwargs,
    ):
        super().__init__(inputs, outputs, name=name, **kwargs)
        heads.output_units(head, num_classes)
        if input_kind not in INPUT_KINDS:
            raise ValueError(
                f"Invalid value for argument `input_kind`. Expected one of {list(INPUT_KINDS)}. "
                f"Received: input_kind={input_kind!r}"
            )
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
        self.input_kind = input_kind
        self.columns = None if columns is None else tuple(tuple(c) for c in columns)
        self.impute = bool(impute)
        self.training_data = training_data
        self.compile_defaults = dict(
            compile_defaults or {"optimizer": DEFAULT_OPTIMIZER, "learning_rate": None}
        )

    def get_config(self):
        return {**super().get_config(), **self._task_config()}

    def _task_config(self) -> dict:
        return {
            "head": self.head,
            "num_classes": self.num_classes,
            "class_names": None if self.class_names is None else list(self.class_names),
            "input_kind": self.input_kind,
            "columns": None if self.columns is None else [list(c) for c in self.columns],
            "impute": self.impute,
            "training_data": self.training_data,
            "compile_defaults": dict(self.compile_defaults),
        }

    # --- Compiling ---------------------------------------------------------------------

    def compile(
        self,
        optimizer="auto",
        loss="auto",
        metrics="auto",
        *,
        learning_rate=None,
        weight_decay=None,
        **kwargs,
    ):
        """Keras's `compile`, with the head's loss and metrics and the builder's optimizer
        for `"auto"`. Call it again after loading, or after freezing a backbone.

        Args:
            optimizer: `"auto"` (what the builder chose; AdamW by default), `"adamw"`,
                `"adam"`, `"sgd"` or an optimizer instance.
            loss: `"auto"` (the head's) or any Keras loss.
            metrics: `"auto"` (the head's) or a list of Keras metrics.
            learning_rate: with a named optimizer: a float or a schedule (`None`: the
                builder's, else 1e-3).
            weight_decay: with a named optimizer (`None`: 1e-4 for AdamW, none otherwise).
            **kwargs: passed to `keras.Model.compile` (`jit_compile`, `steps_per_execution`).
        """
        beta_1 = None
        if isinstance(optimizer, str) and optimizer == "auto":
            defaults = self.compile_defaults
            optimizer = defaults.get("optimizer") or DEFAULT_OPTIMIZER
            if isinstance(optimizer, dict):  # the builder was given an optimizer instance
                optimizer = keras.optimizers.deserialize(optimizer)
            if learning_rate is None and weight_decay is None:
                # Beside an instance these are None, unless given with it: then
                # `make_optimizer` refuses them rather than ignore them.
                learning_rate = defaults.get("learning_rate")
                if isinstance(learning_rate, dict):  # a serialized schedule
                    learning_rate = keras.optimizers.schedules.deserialize(learning_rate)
                weight_decay = defaults.get("weight_decay")
            if isinstance(optimizer, str) and optimizer in ("adam", "adamw"):
                beta_1 = defaults.get("beta_1")
        optimizer = make_optimizer(optimizer, learning_rate, weight_decay, beta_1)
        spec = heads.get_head(self.head)
        if isinstance(loss, str) and loss == "auto":
            loss = spec.loss()
        if isinstance(metrics, str) and metrics == "auto":
            metrics = spec.metrics(self.num_classes)
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def compile_from_config(self, config):
        # Keras skips this for models whose `compile` is overridden (they may take other
        # arguments); ours takes Keras's own, so a reloaded Task is compiled as it was.
        config = keras.saving.deserialize_keras_object(config)
        keras.Model.compile(self, **config)
        if self.built:
            self.optimizer.build(self.trainable_variables)

    # --- Freezing the backbone (fastai's `freeze` / `unfreeze`) ---------------------------

    def freeze_backbone(self, learning_rate=None) -> None:
        """Freezes the backbone (`keras_walk.tasks.backbone_of`): only what comes after it
        learns, e.g. a new head on a pretrained backbone. Then compiles again, as Keras needs
        after a change of what is trainable, with a fresh optimizer at `learning_rate`
        (`None`: the builder's).

        Examples:

            >>> import numpy as np, keras_walk as kw
            >>> task = kw.tasks.image_classifier((16, 16, 1), 2)
            >>> task.freeze_backbone(learning_rate=1e-3)
            >>> len(task.trainable_weights)  # the head's kernel and bias
            2
        """
        set_backbone_trainable(backbone_of(self), 0)
        self.compile(learning_rate=learning_rate)

    def unfreeze_backbone(
        self, layers: int | None = None, *, learning_rate=None, freeze_batch_norm: bool = True
    ) -> None:
        """Unfreezes the backbone, all of it or its last `layers` layers with weights, and
        compiles again with a fresh optimizer at `learning_rate` (usually ten times lower
        than the head's).

        Args:
            layers: `None` for the whole backbone, else how many of its last layers with
                weights learn.
            learning_rate: a float or a schedule; `None`: the builder's.
            freeze_batch_norm: keep batch normalization in inference mode, with the
                statistics it learned on the source (the usual advice for a target like the
                source); `False` lets it re-estimate them from the target's batches.
        """
        backbone = backbone_of(self)
        set_backbone_trainable(backbone, unfrozen_layers(backbone, layers), freeze_batch_norm)
        self.compile(learning_rate=learning_rate)

    # --- Training and inference on what users pass -------------------------------------

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=None,
        **kwargs,
    ):
        """Keras's `fit`, after the labels are checked against the head.

        `x` and `validation_data` may be NumPy arrays, lists of strings, pandas objects or
        a `tf.data.Dataset` (its first batches are checked). Bad labels raise a
        `ValueError` (`keras_walk.heads.LabelError`) before the first step. A dataset
        shuffled by `keras_walk.data.pipeline` with a seed is told each epoch's number, so
        a `fit` resumed from a backup sees the orders the uninterrupted run saw.
        """
        batch_size = _batch_size(batch_size)
        x, y = self._checked(x, y)
        if validation_data is not None:
            validation_data = self._checked_validation(validation_data)
        if shuffle is None:  # Keras ignores (and warns about) shuffle for datasets
            shuffle = not isinstance(x, tf.data.Dataset)
        if epoch_counters(x):  # epoch e's order whatever epoch `fit` starts at (resumed)
            callbacks = [*(callbacks or []), _DataEpoch(x)]
        return super().fit(
            x, y, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
            validation_split=validation_split, validation_data=validation_data,
            shuffle=shuffle, **kwargs,
        )  # fmt: skip

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """Keras's `evaluate`, on the same inputs `fit` takes, labels checked first."""
        if "batch_size" in kwargs:
            kwargs["batch_size"] = _batch_size(kwargs["batch_size"])
        x, y = self._checked(x, y)
        return super().evaluate(x, y, *args, **kwargs)

    # Tasks whose graph output is a training signal, not an answer (contrastive logits,
    # teacher-forced word probabilities), name here what gives the answer instead.
    _answered_by: str | None = None

    def predict(self, x, *args, **kwargs):
        """Keras's `predict` (probabilities or values) on the inputs `fit` takes."""
        if self._answered_by is not None:
            raise ValueError(
                f"A {type(self).__name__}'s graph output is a training signal, not a "
                f"prediction: use {self._answered_by}."
            )
        if "batch_size" in kwargs:
            kwargs["batch_size"] = _batch_size(kwargs["batch_size"])
        return super().predict(self._model_inputs(x), *args, **kwargs)

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
        _check_counts(len(scores), y)
        return task_metrics(y, scores, self.head, self.class_names, threshold)

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

    def check_labels(self, y) -> None:
        """Raises `keras_walk.heads.LabelError` if `y` does not fit this Task's head."""
        y = to_labels(y)
        extra_axes = len(self.output_shape) - 2  # e.g. the time axis of a language model
        if extra_axes > 0 and heads.get_head(self.head).classifier:
            y = np.reshape(y, (-1, *np.shape(y)[1 + extra_axes :]))
        heads.check_labels(y, self.head, self.num_classes)

    def _checked(self, x, y):
        x, y = self._with_targets(self._model_inputs(x), y)
        if isinstance(x, tf.data.Dataset):
            labels = first_labels(x)
            if labels is not None:
                self.check_labels(labels)
        elif y is None and not self._validates_on_inputs_alone:  # a supervised Task
            raise DataError(
                "Invalid input data: argument `y` is missing. Pass the labels as `y`, or a "
                "tf.data.Dataset of (x, y) as `x`."
            )
        elif y is not None:
            y = to_labels(y)
            _check_counts(len(next(iter(x.values()))) if isinstance(x, dict) else len(x), y)
            self.check_labels(y)
        return x, y

    def _with_targets(self, x, y):
        """The training targets for converted inputs `x` and the labels given: the labels
        themselves. Models whose targets derive from their inputs (autoencoders) override
        it; the checks that follow in `_checked` then apply to those targets."""
        return x, y

    # Whether `validation_data` may be inputs alone: for Tasks whose targets come from their
    # inputs (autoencoders, diffusion models, GANs).
    _validates_on_inputs_alone = False

    def _checked_validation(self, data):
        if isinstance(data, tf.data.Dataset):
            return self._checked(data, None)[0]
        if isinstance(data, tuple | list) and len(data) in (2, 3):
            x, y = self._checked(data[0], data[1])
            return (x, y, *data[2:])
        if self._validates_on_inputs_alone:
            x, y = self._checked(data, None)
            return x if y is None else (x, y)
        raise ValueError(
            "Invalid value for argument `validation_data`. Expected (x, y), (x, y, "
            f"sample_weight) or a tf.data.Dataset. Received: {type(data).__name__}"
        )

    def _model_inputs(self, x):
        shape = None
        if self.input_kind in ("images", "sequences", "features"):
            shape = tuple(self.input_shape[1:])
        return to_model_inputs(x, self.input_kind, shape, self._check_table)

    def _check_table(self, table):
        if self.columns is None:
            raise ValueError(f"Task {self.name!r} takes tables but has no `columns`.")
        return {
            name: tf.constant(values)
            for name, values in check_table(table, self.columns, self.impute).items()
        }

    # --- What it is ----------------------------------------------------------------------

    def summary_card(self, format: str = "dict"):
        """What this Task is: head, classes, inputs, parameters, training data, optimizer.

        Args:
            format: `"dict"` (JSON-friendly, what `results.json` stores) or `"markdown"`.
        """
        inputs = self.inputs if isinstance(self.inputs, list | tuple) else [self.inputs]
        card = {
            "name": self.name,
            "task": type(self).__name__,
            "head": self.head,
            "num_classes": self.num_classes,
            "class_names": None if self.class_names is None else list(self.class_names),
            "input_kind": self.input_kind,
            "inputs": {t.name: {"shape": list(t.shape[1:]), "dtype": str(t.dtype)} for t in inputs},
            "output_shape": list(self.output_shape[1:]),
            "parameters": int(self.count_params()),
            "trainable_parameters": int(sum(np.prod(v.shape) for v in self.trainable_variables)),
            "training_data": self.training_data,
        }
        if getattr(self, "optimizer", None) is not None and self.compiled:
            card["optimizer"] = type(self.optimizer).__name__
            card["loss"] = getattr(self.loss, "name", str(self.loss))
        if self.columns is not None:
            card["columns"] = {original: kind for original, _, kind in self.columns}
        if format == "dict":
            return card
        if format != "markdown":
            raise ValueError(
                "Invalid value for argument `format`. Expected 'dict' or 'markdown'. "
                f"Received: format={format!r}"
            )
        rows = "\n".join(f"| {key} | {_cell(value)} |" for key, value in card.items())
        return f"| | |\n|---|---|\n{rows}\n"


class _DataEpoch(keras.callbacks.Callback):
    """Tells a `shuffle_by_epoch` dataset the epoch about to start (its first batch is read
    after `on_epoch_begin`, even when Keras made the epoch's iterator earlier)."""

    def __init__(self, dataset):
        super().__init__()
        self.dataset = dataset

    def on_epoch_begin(self, epoch, logs=None):
        set_epoch(self.dataset, epoch)


def _check_counts(count: int, y) -> None:
    """Raises `DataError` unless there are as many labels `y` as the `count` samples."""
    if len(y) != count:
        raise DataError(
            f"Invalid input data: `x` has {count} samples but `y` has {len(y)}. "
            "Expected the same number of each."
        )


def _batch_size(batch_size):
    """`batch_size` as a Python int >= 1 (NumPy integers welcome), or `None`."""
    return None if batch_size is None else positive_int("batch_size", batch_size)


def _cell(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return f"{value:,}" if isinstance(value, int) else str(value)
