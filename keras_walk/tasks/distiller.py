"""Knowledge distillation (Hinton, Vinyals and Dean 2015): a small student learns from a
big teacher's softened answers as well as from the labels.

A teacher that says "Shirt 0.6, T-shirt 0.3, Pullover 0.1" teaches more than the label
"Shirt": it says which mistakes are near. Dividing the logits by a temperature `T > 1`
before the softmax brings those small probabilities up where the student can learn from
them. The student's loss is

    alpha * crossentropy(labels, student) + (1 - alpha) * T**2 * KL(teacher_T || student_T)

(`T**2` keeps the soft part's gradients the same size whatever `T`). Only the student
trains; afterwards it is used alone, `distiller(...).student`, or as the distiller itself,
which predicts, decodes and scores as the student does.

keras_walk heads end in a softmax, so the logits are recovered as log-probabilities:
`softmax(log p / T)` equals `softmax(logits / T)`, since the two differ by a constant per
example.
"""

from __future__ import annotations

import keras
import numpy as np  # noqa: F401 (the examples)
from keras import ops

from keras_walk.arguments import is_model
from keras_walk.tasks.building import builder
from keras_walk.tasks.compiling import DEFAULT_OPTIMIZER, make_optimizer
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["Distiller", "distiller"]


def _log_probabilities(probabilities):
    return ops.log(ops.clip(ops.cast(probabilities, "float32"), 1e-7, 1.0))


@keras.saving.register_keras_serializable(package="keras_walk")
class Distiller(SupervisedTask):
    """A `SupervisedTask` whose graph is its student's (the student model is its one
    layer, `student`) and whose loss also asks the frozen `teacher`: build it with
    `distiller`. Predicting with it is predicting with the student, and it decodes,
    scores and saves like the student (the teacher saves with it).

    Args:
        inputs: the graph's inputs, as the student takes them.
        outputs: the student's outputs on them.
        name: the model's name.
        teacher: the frozen teacher (a `keras.Model`, or its serialized config).
        temperature: softens both models' probabilities (`T`, above 1).
        alpha: the weight of the labels' loss; `1 - alpha` goes to the teacher's.
        **kwargs: `SupervisedTask`'s, as the student has them (`distiller` copies them).
    """

    def __init__(self, inputs, outputs, name=None, *, teacher, temperature: float = 4.0,
                 alpha: float = 0.1, **kwargs):  # fmt: skip
        super().__init__(inputs, outputs, name=name, **kwargs)
        if isinstance(teacher, dict):  # from a saved config
            teacher = keras.saving.deserialize_keras_object(teacher)
        self.teacher = teacher
        self.teacher.trainable = False
        self.temperature, self.alpha = float(temperature), float(alpha)

    @property
    def student(self) -> keras.Model:
        """The student: the one model inside this graph, trained by `fit`."""
        return next(layer for layer in self.layers if isinstance(layer, keras.Model))

    def _auto_loss_and_metrics(self) -> tuple:
        # `compute_loss` is the loss (the labels' and the teacher's); the head's metrics.
        return None, super()._auto_loss_and_metrics()[1]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        teacher = self.teacher(x, training=False)
        temperature = self.temperature
        soft_targets = ops.softmax(_log_probabilities(teacher) / temperature, axis=-1)
        student_soft = ops.log_softmax(_log_probabilities(y_pred) / temperature, axis=-1)
        soft_loss = ops.sum(
            soft_targets * (ops.log(ops.clip(soft_targets, 1e-7, 1.0)) - student_soft), axis=-1
        )
        hard_loss = keras.losses.sparse_categorical_crossentropy(y, y_pred)
        loss = self.alpha * hard_loss + (1 - self.alpha) * temperature**2 * soft_loss
        return ops.mean(loss)


@builder(
    default_head="its student's, trained on the teacher's softened probabilities",
    heads=("multiclass",), encoders=("any teacher and student Task",), compiles=False,
)  # fmt: skip
def distiller(
    teacher: keras.Model,
    student: keras.Model,
    *,
    temperature: float = 4.0,
    alpha: float = 0.1,
    learning_rate=None,
    name: str = "distiller",
) -> Distiller:
    """A compiled `Distiller` that trains `student` from `teacher` (see the module).

    Args:
        teacher: a trained classifier (softmax outputs); it is frozen.
        student: a classifier (a Task, or a Keras model with softmax outputs) with the same
            classes and inputs, usually much smaller.
        temperature: softens both models' probabilities (`T`, above 1).
        alpha: the weight of the labels' loss; `1 - alpha` goes to the teacher's.
        learning_rate: the student's optimizer's (the student's builder's by default).
        name: the distiller's name.

    Returns:
        A compiled `Distiller`: `fit` it on images and labels, then use `.student`.

    Examples:

        >>> import keras_walk as kw
        >>> teacher = kw.tasks.image_classifier((8, 8, 1), 3)
        >>> student = kw.tasks.image_classifier((8, 8, 1), 3, backbone=lambda s:
        ...     kw.tasks.backbones.basic_convnet(s, (4, 8)), name="student")
        >>> model = distiller(teacher, student)
        >>> model.student is student, model.predict(np.zeros((2, 8, 8, 1)), verbose=0).shape
        (True, (2, 3))
    """
    is_model("teacher", teacher)
    is_model("student", student)
    if tuple(teacher.output_shape) != tuple(student.output_shape) or len(student.output_shape) != 2:
        raise ValueError(
            "Invalid teacher and student: both must give (n, classes) probabilities for the "
            f"same classes. Received: teacher {teacher.output_shape}, student "
            f"{student.output_shape}"
        )
    if tuple(teacher.input_shape) != tuple(student.input_shape):
        raise ValueError(
            f"Invalid teacher and student: they must take the same inputs. Received: teacher "
            f"{teacher.input_shape}, student {student.input_shape}"
        )
    if not temperature > 0 or not 0 <= alpha <= 1:
        raise ValueError(
            "Invalid value for arguments `temperature` (> 0) and `alpha` (in [0, 1]). "
            f"Received: temperature={temperature}, alpha={alpha}"
        )
    inputs = keras.tree.map_structure(
        lambda t: keras.Input(batch_shape=t.shape, dtype=t.dtype, name=t.name), student.input
    )
    model = Distiller(
        inputs, student(inputs), name=name, teacher=teacher, temperature=temperature,
        alpha=alpha, **_supervised_arguments(student),
    )  # fmt: skip
    if learning_rate is None and getattr(student, "optimizer", None) is not None:
        # A fresh copy of the student's optimizer: same kind, rate or schedule, decay.
        optimizer = keras.optimizers.deserialize(keras.optimizers.serialize(student.optimizer))
    else:
        optimizer = make_optimizer(DEFAULT_OPTIMIZER, learning_rate, None)
    model.compile(optimizer=optimizer)
    return model


def _supervised_arguments(student) -> dict:
    """What the distiller copies from its student: head, classes, how inputs are read."""
    if isinstance(student, SupervisedTask):
        names = ("head", "num_classes", "class_names", "input_kind", "columns", "impute")
        return {name: getattr(student, name) for name in names}
    return {"head": "multiclass", "num_classes": int(student.output_shape[-1])}
