"""`average_ensemble`: several trained Tasks with the same inputs, one Task out."""

from __future__ import annotations

from collections.abc import Sequence

import keras

from keras_walk.tasks.building import builder, compile_task
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["average_ensemble"]


@builder(default_head="its members'", heads=("any",), compiles=False)
def average_ensemble(models: Sequence[SupervisedTask], *, name: str = "ensemble") -> SupervisedTask:
    """Averages the outputs of trained Tasks that take the same inputs.

    Models that err differently cancel part of each other's errors (Chollet, Deep Learning
    with Python, 13.1.3). The result is one `Task` with the members' head, classes and
    input kind, compiled the way every builder compiles, that saves to and reloads from a
    single `.keras` file.

    Args:
        models: trained Tasks with identical inputs, heads and class counts.
        name: the ensemble's name.

    Examples:

        >>> import keras_walk as kw
        >>> a = kw.tasks.binary_classifier(3, hidden_units=(4,), name="a")
        >>> b = kw.tasks.binary_classifier(3, hidden_units=(8,), name="b")
        >>> ensemble = average_ensemble([a, b])
        >>> ensemble.output_shape, ensemble.head
        ((None, 1), 'binary')
    """
    models = list(models)
    if len(models) < 2:
        raise ValueError(
            "Invalid value for argument `models`. Expected at least 2 models. "
            f"Received: {len(models)}"
        )
    if not all(isinstance(model, SupervisedTask) for model in models):
        kinds = sorted({type(model).__name__ for model in models})
        raise ValueError(
            "Invalid value for argument `models`. Expected keras_walk Tasks (what the "
            f"builders return). Received: {kinds}"
        )
    names = [model.name for model in models]
    if len(set(names)) < len(names):
        raise ValueError(
            f"Invalid value for argument `models`: their names must differ. Received: {names}. "
            "Build each with its own `name=`."
        )
    what = {(m.head, m.num_classes, m.input_kind, tuple(m.output_shape)) for m in models}
    if len(what) > 1:
        raise ValueError(
            "Invalid value for argument `models`: heads, class counts, input kinds or output "
            f"shapes differ: {sorted(what)}"
        )
    first = models[0]
    template = first.inputs
    inputs = [keras.Input(shape=t.shape[1:], dtype=t.dtype, name=t.name) for t in template]
    if isinstance(first.input, dict):
        inputs = {t.name: t for t in inputs}
        feed = inputs
    else:
        feed = inputs[0] if len(inputs) == 1 else inputs
    outputs = keras.layers.Average(name="average")([model(feed) for model in models])
    return compile_task(SupervisedTask(
        feed, outputs, name=name, head=first.head, num_classes=first.num_classes,
        class_names=first.class_names, input_kind=first.input_kind, columns=first.columns,
        impute=first.impute, training_data=first.training_data,
    ))  # fmt: skip
