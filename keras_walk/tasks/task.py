"""`Task`: the small base every keras_walk model shares, whatever its family.

Every builder in `keras_walk.tasks` returns a `Task` (KerasHub's word; fastai calls the
same idea a `Learner`): a functional Keras model that converts and checks what it is fed,
compiles itself with `compile("auto")`, saves to `.keras` with its compile state and
optimizer step, and describes itself (`summary_card`). A family base adds what its models
answer:

| family | models | answers with |
|---|---|---|
| `SupervisedTask` | classifiers, regressors, segmenter, detector, forecaster, distiller | `predict_labels`, `score` |
| `ImageGenerator` | diffusion model, GAN, autoencoder and VAE | `generate` |
| `Embedder` | dual encoder, contrastive pretrainer | `encode`, `search` |
| `SequenceGenerator` | language model, captioner | `generate` |

A family overrides at most these five members of the base: `_checked` (what `fit` and
`evaluate` are fed, as the graph's inputs and targets), `_model_inputs` (what `predict` is
fed), `_auto_loss_and_metrics` (what `compile("auto")` uses), `_card` (its lines of
`summary_card`) and `_graph_batch` (`keras_walk.tasks._keras_compat`).

**One config style.** Every named argument of a Task's constructor is stored on it under
the same name and returned by `get_config` (read from the constructor's signature, and from
its parents' where it passes `**kwargs` on to them); `from_config` calls the constructor
with them again.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from keras_walk.arguments import positive_int
from keras_walk.data.checks import DataError
from keras_walk.data.epochs import epoch_counters, set_epoch
from keras_walk.data.inputs import INPUT_KINDS, first_labels, to_labels, to_model_inputs
from keras_walk.data.tabular import check_table
from keras_walk.tasks._keras_compat import TrainerWorkarounds
from keras_walk.tasks.backbones import backbone_of, set_backbone_trainable, unfrozen_layers
from keras_walk.tasks.compiling import DEFAULT_OPTIMIZER, make_optimizer

__all__ = ["Task", "check_counts", "checked_with_labels"]

# The functional constructor's own arguments: saved by Keras in the graph's config.
_GRAPH_ARGUMENTS = ("self", "inputs", "outputs", "name")


class Task(TrainerWorkarounds):
    """A functional `keras.Model` that checks what it is fed and compiles itself.

    Builders return one of its families (see the module); wrap a functional graph of your
    own with `keras_walk.tasks.SupervisedTask(inputs, outputs, head=..., num_classes=...)`
    to get labels checked and decoded, or with `Task(inputs, outputs)` and your own loss.

    Args:
        inputs: the functional graph's inputs.
        outputs: its outputs.
        name: the model's name.
        input_kind: `"images"`, `"sequences"`, `"features"`, `"table"`, `"text"`,
            `"tokens"` or `"image_text"`: how `fit`, `evaluate` and `predict` read raw
            input.
        columns: for tables, `[original name, input name, kind]` per column (see
            `keras_walk.data.TabularFeatures.column_spec`).
        impute: for tables, whether missing values are filled inside the model.
        training_data: a name for the data it is trained on (shown by `summary_card`).
        compile_defaults: what `compile(optimizer="auto")` uses: `optimizer`,
            `learning_rate` and `weight_decay`.

    Examples:

        >>> import keras, keras_walk as kw
        >>> inputs = keras.Input((3,))
        >>> task = kw.tasks.Task(inputs, keras.layers.Dense(1)(inputs))
        >>> task.compile(loss="mse")
        >>> task.fit(np.zeros((4, 3)), np.zeros(4), verbose=0).history["loss"]
        [0.0]
    """

    # Constructor arguments of files saved by earlier versions that a class takes under
    # another name now, or (None) no longer takes because its family derives them.
    _renamed_arguments: dict[str, str | None] = {}

    def __init__(
        self,
        inputs,
        outputs,
        name=None,
        *,
        input_kind: str = "features",
        columns: Sequence[Sequence[str]] | None = None,
        impute: bool = False,
        training_data: str | None = None,
        compile_defaults: dict | None = None,
        **kwargs,
    ):
        if type(self) is Task and "head" in kwargs:
            raise TypeError(
                "`Task` is the base of the Task families and takes no `head`. Wrap a graph "
                "with a dense head as `keras_walk.tasks.SupervisedTask(inputs, outputs, "
                "head=..., num_classes=..., class_names=...)`."
            )
        super().__init__(inputs, outputs, name=name, **kwargs)
        if input_kind not in INPUT_KINDS:
            raise ValueError(
                f"Invalid value for argument `input_kind`. Expected one of {list(INPUT_KINDS)}. "
                f"Received: input_kind={input_kind!r}"
            )
        self.input_kind = input_kind
        self.columns = None if columns is None else tuple(tuple(c) for c in columns)
        self.impute = bool(impute)
        self.training_data = training_data
        self.compile_defaults = dict(
            compile_defaults or {"optimizer": DEFAULT_OPTIMIZER, "learning_rate": None}
        )

    # --- Config: every constructor argument under its name ------------------------------

    def get_config(self):
        if _takes_a_graph(type(self)):
            config = super().get_config()  # the graph: layers, inputs, outputs
        else:  # the constructor builds its graph from its arguments
            config = {"name": self.name, "trainable": self.trainable}
        for argument in constructor_arguments(type(self)):
            config[argument] = _plain(getattr(self, argument))
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for old, new in cls._renamed_arguments.items():
            if old in config:
                value = config.pop(old)
                if new is not None:
                    config[new] = value
        return super().from_config(config, custom_objects)

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
        """Keras's `compile`, with the family's loss and metrics and the builder's
        optimizer for `"auto"`. Call it again after loading, or after freezing a backbone.

        Args:
            optimizer: `"auto"` (what the builder chose; AdamW by default), `"adamw"`,
                `"adam"`, `"sgd"` or an optimizer instance.
            loss: `"auto"` (the family's: a supervised Task's head's) or any Keras loss.
            metrics: `"auto"` (the family's) or a list of Keras metrics.
            learning_rate: with a named optimizer: a float or a schedule (`None`: the
                builder's, else 1e-3).
            weight_decay: with a named optimizer (`None`: 1e-4 for AdamW, none otherwise).
            **kwargs: passed to `keras.Model.compile` (`jit_compile`, `steps_per_execution`).
        """
        optimizer = self._optimizer(optimizer, learning_rate, weight_decay)
        if _is_auto(loss) or _is_auto(metrics):
            auto_loss, auto_metrics = self._auto_loss_and_metrics()
            loss = auto_loss if _is_auto(loss) else loss
            metrics = auto_metrics if _is_auto(metrics) else metrics
        if loss is None and type(self).compute_loss is keras.Model.compute_loss:
            raise ValueError(
                f"Invalid value for argument `loss`: {self.name!r} is a plain `Task`, with no "
                "loss of its own. Pass `loss=` to `compile`, or build a `SupervisedTask`, "
                "whose head has one."
            )
        super().compile(optimizer=optimizer, loss=loss, metrics=metrics, **kwargs)

    def _optimizer(self, optimizer, learning_rate, weight_decay):
        beta_1 = None
        if _is_auto(optimizer):
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
        return make_optimizer(optimizer, learning_rate, weight_decay, beta_1)

    def _auto_loss_and_metrics(self) -> tuple:
        """`(loss, metrics)` for `compile("auto")`: the family's (a plain Task has none)."""
        return None, []

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
        """Keras's `fit`, after what it is fed is checked (see the family's `_checked`).

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
        """Keras's `evaluate`, on the same inputs `fit` takes, checked first."""
        if "batch_size" in kwargs:
            kwargs["batch_size"] = _batch_size(kwargs["batch_size"])
        x, y = self._checked(x, y)
        return super().evaluate(x, y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        """Keras's `predict` on the inputs `fit` takes: the graph's outputs (each family
        says what they are)."""
        if "batch_size" in kwargs:
            kwargs["batch_size"] = _batch_size(kwargs["batch_size"])
        return super().predict(self._model_inputs(x), *args, **kwargs)

    def _checked(self, x, y):
        """`(x, y)` as `fit` and `evaluate` pass them to Keras: the graph's inputs and its
        targets, checked. The base converts the inputs and keeps `y`."""
        x = self._model_inputs(x)
        if isinstance(y, np.ndarray | list | tuple) and not isinstance(x, tf.data.Dataset):
            check_counts(_sample_count(x), y)
        return x, y

    def _checked_validation(self, data):
        if isinstance(data, tf.data.Dataset):
            return self._checked(data, None)[0]
        if isinstance(data, tuple | list) and len(data) in (2, 3):
            x, y = self._checked(data[0], data[1])
            return (x, y, *data[2:])
        x, y = self._checked(data, None)  # inputs alone: a family that needs `y` refuses
        return x if y is None else (x, y)

    def _model_inputs(self, x):
        """`x` as the graph's inputs: arrays, texts and tables converted and checked."""
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
        """What this Task is: family, inputs, parameters, training data, optimizer, and
        what its family adds (a supervised Task's head and classes, a generator's image
        shape).

        Args:
            format: `"dict"` (JSON-friendly, what `results.json` stores) or `"markdown"`.
        """
        inputs = self.inputs if isinstance(self.inputs, list | tuple) else [self.inputs]
        card = {
            "name": self.name,
            "task": type(self).__name__,
            **self._card(),
            "input_kind": self.input_kind,
            "inputs": {t.name: {"shape": list(t.shape[1:]), "dtype": str(t.dtype)} for t in inputs},
            "output_shape": _plain(self.output_shape[1:]),
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

    def _card(self) -> dict:
        """The family's lines of `summary_card`."""
        return {}


def constructor_arguments(cls) -> tuple[str, ...]:
    """The named arguments of `cls`'s constructor that its config stores: its own and,
    where it passes `**kwargs` on to a parent that takes a graph, the parent's."""
    names: list[str] = []
    for klass in cls.__mro__:
        if "__init__" not in vars(klass) or not issubclass(klass, Task):
            continue
        parameters = inspect.signature(klass.__init__).parameters.values()
        names += [
            p.name
            for p in parameters
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            and p.name not in _GRAPH_ARGUMENTS
            and p.name not in names
        ]
        passes_on = any(p.kind == p.VAR_KEYWORD for p in parameters)
        if not (passes_on and _takes_a_graph(klass)):
            break
    return tuple(names)


def _takes_a_graph(cls) -> bool:
    """Whether `cls`'s constructor takes `(inputs, outputs)` (else it builds its graph)."""
    parameters = inspect.signature(cls.__init__).parameters
    return "inputs" in parameters or "args" in parameters


def _plain(value):
    """A config value as JSON has it: tuples as lists, NumPy numbers as Python's, models
    serialized (their constructor deserializes them)."""
    if isinstance(value, Sequence) and not isinstance(value, str):  # tuples, vocabularies
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, keras.layers.Layer):  # a model given to the constructor
        return keras.saving.serialize_keras_object(value)
    return value


def _is_auto(value) -> bool:
    return isinstance(value, str) and value == "auto"


class _DataEpoch(keras.callbacks.Callback):
    """Tells a `shuffle_by_epoch` dataset the epoch about to start (its first batch is read
    after `on_epoch_begin`, even when Keras made the epoch's iterator earlier)."""

    def __init__(self, dataset):
        super().__init__()
        self.dataset = dataset

    def on_epoch_begin(self, epoch, logs=None):
        set_epoch(self.dataset, epoch)


def checked_with_labels(task: Task, x, y, labels: str):
    """`(x, y)` for a Task that learns `labels` given as `y` (a supervised Task's labels, a
    language model's next tokens): inputs converted, `y` required unless `x` is a dataset
    (its first batches' labels are checked), counted and checked by `task.check_labels`."""
    x = task._model_inputs(x)
    if isinstance(x, tf.data.Dataset):
        first = first_labels(x)
        if first is not None:
            task.check_labels(first)
        return x, y
    if y is None:
        raise DataError(
            f"Invalid input data: argument `y` is missing. Pass the {labels} as `y`, or a "
            "tf.data.Dataset of (x, y) as `x`."
        )
    y = to_labels(y)
    check_counts(_sample_count(x), y)
    task.check_labels(y)
    return x, y


def check_counts(count: int, y) -> None:
    """Raises `DataError` unless there are as many labels `y` as the `count` samples."""
    if len(y) != count:
        raise DataError(
            f"Invalid input data: `x` has {count} samples but `y` has {len(y)}. "
            "Expected the same number of each."
        )


def _sample_count(x) -> int:
    """How many samples the converted inputs `x` hold."""
    return len(next(iter(x.values()))) if isinstance(x, dict) else len(x)


def _batch_size(batch_size):
    """`batch_size` as a Python int >= 1 (NumPy integers welcome), or `None`."""
    return None if batch_size is None else positive_int("batch_size", batch_size)


def _cell(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return f"{value:,}" if isinstance(value, int) else str(value)
