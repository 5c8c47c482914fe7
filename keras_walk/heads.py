"""The one table of dense heads: loss type -> units, activation, loss, metrics, label check.

Every builder in `keras_walk.tasks` takes its last layer, its loss and its metrics from
here, so a user never pairs an activation with a loss by hand.

| head | labels | units | activation | loss |
|---|---|---|---|---|
| `binary` | 0/1, shape `(n,)` or `(n, 1)` | 1 | sigmoid | binary crossentropy |
| `multiclass` | integers in `[0, num_classes)`, shape `(n,)` | num_classes | softmax | sparse categorical crossentropy |
| `multiclass_onehot` | one-hot rows, shape `(n, num_classes)` | num_classes | softmax | categorical crossentropy |
| `multilabel` | multi-hot 0/1 rows, shape `(n, num_classes)` | num_classes | sigmoid | binary crossentropy |
| `regression` | finite floats, `(n,)` or `(n, k)` | k | linear | mean squared error |
| `regression_mae` | as `regression` | k | linear | mean absolute error |
| `regression_huber` | as `regression` | k | linear | Huber |

Examples:

    >>> import keras
    >>> from keras_walk import heads
    >>> inputs = keras.Input((4,))
    >>> outputs = heads.dense_head(inputs, "multiclass", num_classes=3)
    >>> model = keras.Model(inputs, outputs)
    >>> model.compile(optimizer="adam", **heads.compile_args("multiclass"))
    >>> model.output_shape
    (None, 3)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras
import numpy as np

from keras_walk.data.checks import LabelError

__all__ = [
    "HEADS",
    "HeadSpec",
    "LabelError",
    "check_labels",
    "check_head",
    "chosen_head",
    "compile_args",
    "default_head",
    "dense_head",
    "get_head",
    "output_units",
    "predicted_labels",
]


@dataclasses.dataclass(frozen=True)
class HeadSpec:
    """One row of the heads table.

    Args:
        name: the key in `HEADS`.
        activation: activation of the final `Dense` layer.
        loss: factory returning a fresh Keras loss object.
        metrics: factory returning fresh Keras metric objects.
        classifier: whether `num_classes` counts classes (and must be checked).
        min_classes: the smallest valid `num_classes` (softmax needs 2).
        label_format: one line that says what labels this head expects.
    """

    name: str
    activation: str
    loss: Callable[[], keras.losses.Loss]
    metrics: Callable[[int], list]
    classifier: bool
    min_classes: int
    label_format: str


def _regression_metrics(_num_outputs: int) -> list:
    return [
        keras.metrics.MeanAbsoluteError(name="mae"),
        keras.metrics.RootMeanSquaredError(name="rmse"),
    ]


HEADS: dict[str, HeadSpec] = {
    spec.name: spec
    for spec in (
        HeadSpec(
            name="binary",
            activation="sigmoid",
            loss=keras.losses.BinaryCrossentropy,
            metrics=lambda _n: [
                keras.metrics.BinaryAccuracy(name="accuracy"),
                keras.metrics.AUC(name="auc"),
                keras.metrics.Precision(name="precision"),
                keras.metrics.Recall(name="recall"),
            ],
            classifier=True,
            min_classes=2,
            label_format="0/1 labels of shape (n,) or (n, 1)",
        ),
        HeadSpec(
            name="multiclass",
            activation="softmax",
            loss=keras.losses.SparseCategoricalCrossentropy,
            metrics=lambda _n: [keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
            classifier=True,
            min_classes=2,
            label_format="integer labels in [0, num_classes) of shape (n,)",
        ),
        HeadSpec(
            name="multiclass_onehot",
            activation="softmax",
            loss=keras.losses.CategoricalCrossentropy,
            metrics=lambda _n: [keras.metrics.CategoricalAccuracy(name="accuracy")],
            classifier=True,
            min_classes=2,
            label_format="one-hot rows of shape (n, num_classes)",
        ),
        HeadSpec(
            name="multilabel",
            activation="sigmoid",
            loss=keras.losses.BinaryCrossentropy,
            metrics=lambda n: [
                keras.metrics.BinaryAccuracy(name="accuracy"),
                keras.metrics.AUC(name="auc", multi_label=True, num_labels=n),
            ],
            classifier=True,
            min_classes=1,
            label_format="multi-hot 0/1 rows of shape (n, num_classes)",
        ),
        *(
            HeadSpec(
                name=name,
                activation="linear",
                loss=loss,
                metrics=_regression_metrics,
                classifier=False,
                min_classes=1,
                label_format="finite float targets of shape (n,) or (n, num_outputs)",
            )
            for name, loss in (
                ("regression", keras.losses.MeanSquaredError),
                ("regression_mae", keras.losses.MeanAbsoluteError),
                ("regression_huber", keras.losses.Huber),
            )
        ),
    )
}


def get_head(head: str) -> HeadSpec:
    """Returns the `HeadSpec` for a head name, or raises a `ValueError` listing the names."""
    if head not in HEADS:
        raise ValueError(
            f"Invalid value for argument `head`. Expected one of {sorted(HEADS)}. "
            f"Received: head={head!r}"
        )
    return HEADS[head]


def default_head(num_classes: int) -> str:
    """The head a classifier gets when none is named: `"binary"` for 2 classes,
    `"multiclass"` (integer labels) for more. Every builder follows this rule.

    Examples:

        >>> default_head(2), default_head(10)
        ('binary', 'multiclass')
    """
    output_units("multiclass", num_classes)  # an integer >= 2
    return "binary" if num_classes == 2 else "multiclass"


CLASSIFIER_HEADS = ("binary", "multiclass", "multiclass_onehot", "multilabel")
REGRESSION_HEADS = ("regression", "regression_mae", "regression_huber")
DENSE_HEADS = CLASSIFIER_HEADS + REGRESSION_HEADS  # what a dense head on a vector can be


def check_head(head: str, allowed=CLASSIFIER_HEADS, what: str = "this builder") -> str:
    """Returns `head` if it is one of `allowed`, else raises a `ValueError` naming them."""
    if head not in allowed:
        raise ValueError(
            f"Invalid value for argument `head`. Expected one of {list(allowed)} for {what}. "
            f"Received: head={head!r}"
        )
    return head


def output_units(head: str, num_classes: int) -> int:
    """Number of units of the final layer: 1 for `binary`, `num_classes` otherwise.

    Raises:
        ValueError: if `num_classes` is below what the head needs (softmax needs 2).
    """
    spec = get_head(head)
    if isinstance(num_classes, bool) or not isinstance(num_classes, int | np.integer):
        raise ValueError(
            f"Invalid value for argument `num_classes`. Expected an integer. "
            f"Received: num_classes={num_classes!r}"
        )
    if num_classes < spec.min_classes:
        what = "classes" if spec.classifier else "outputs"
        raise ValueError(
            f"Invalid value for argument `num_classes`. The `{head}` head "
            f"({spec.activation}) needs at least {spec.min_classes} {what}. "
            f"Received: num_classes={num_classes}"
        )
    if head == "binary":
        if num_classes != 2:
            raise ValueError(
                "Invalid value for argument `num_classes`. The `binary` head is for "
                f"exactly 2 classes; use head='multiclass' for more. "
                f"Received: num_classes={num_classes}"
            )
        return 1
    return int(num_classes)


def chosen_head(
    head: str | None, num_classes: int, allowed=CLASSIFIER_HEADS, what: str = "this builder"
) -> str:
    """The head a builder uses: `head`, or `default_head(num_classes)` when it is `None`,
    checked against `allowed` and against `num_classes` (`output_units`).

    Examples:

        >>> chosen_head(None, 2), chosen_head("multilabel", 5)
        ('binary', 'multilabel')
    """
    head = check_head(head or default_head(num_classes), allowed, what)
    output_units(head, num_classes)
    return head


def dense_head(
    x, head: str, num_classes: int, name: str = "head", *, dropout: float = 0.0, seed=None
):
    """Applies the head's final `Dense` layer to a feature tensor, after a `Dropout` of
    rate `dropout` if it is not 0.

    The layer computes in float32 so that mixed-precision models keep a stable loss.
    """
    spec = get_head(head)
    if dropout:
        x = keras.layers.Dropout(dropout, seed=seed, name="dropout")(x)
    return keras.layers.Dense(
        output_units(head, num_classes), activation=spec.activation, dtype="float32", name=name
    )(x)


def predicted_labels(scores, head: str, threshold: float = 0.5) -> np.ndarray:
    """Hard predictions from a head's outputs: argmax for softmax heads, `> threshold` for
    sigmoid heads, the values themselves for regression.

    Examples:

        >>> predicted_labels(np.array([[0.2, 0.8], [0.9, 0.1]]), "multiclass").tolist()
        [1, 0]
        >>> predicted_labels(np.array([0.3, 0.7]), "binary").tolist()
        [0, 1]
    """
    scores = np.asarray(scores)
    if head in ("multiclass", "multiclass_onehot"):
        return scores.argmax(axis=-1)
    if head == "binary":
        return (scores.reshape(-1) > threshold).astype("int64")
    if head == "multilabel":
        return (scores > threshold).astype("int64")
    return scores


def compile_args(head: str, num_classes: int = 2) -> dict:
    """`loss` and `metrics` keyword arguments for `model.compile`, fresh objects each call."""
    spec = get_head(head)
    return {"loss": spec.loss(), "metrics": spec.metrics(num_classes)}


def check_labels(y, head: str, num_classes: int) -> None:
    """Checks that labels fit a head, before any training starts.

    Raises:
        LabelError: with what was expected and what was received.

    Examples:

        >>> import numpy as np
        >>> check_labels(np.array([0, 2, 1]), "multiclass", num_classes=3)
        >>> check_labels(np.array([0, 3]), "multiclass", num_classes=3)
        Traceback (most recent call last):
        ...
        keras_walk.data.checks.LabelError: Invalid labels for the `multiclass` head. Expected integer labels in [0, 3). Received: values from 0 to 3.
    """
    spec = get_head(head)
    output_units(head, num_classes)
    y = np.asarray(y)
    if y.size == 0:
        raise LabelError(f"Invalid labels for the `{head}` head: the label array is empty.")
    if not spec.classifier:
        _check_regression(y, head, num_classes)
        return
    if not np.issubdtype(y.dtype, np.number) and y.dtype != bool:
        raise LabelError(
            f"Invalid labels for the `{head}` head. Expected {spec.label_format}. "
            f"Received: labels of dtype {y.dtype}. Encode string labels as integers first "
            "(for example with `keras_walk.data.encode_labels(y, class_names)`)."
        )
    if np.issubdtype(y.dtype, np.floating) and not np.all(np.isfinite(y)):
        raise LabelError(f"Invalid labels for the `{head}` head: they contain NaN or inf.")
    if head == "multiclass":
        _check_sparse(y, num_classes)
    elif head == "multiclass_onehot":
        _check_onehot(y, num_classes)
    else:  # binary, multilabel
        _check_zero_one(y, head, num_classes)


def _check_regression(y, head, num_outputs):
    if not np.issubdtype(y.dtype, np.number):
        raise LabelError(
            f"Invalid labels for the `{head}` head. Expected {HEADS[head].label_format}. "
            f"Received: labels of dtype {y.dtype}."
        )
    single = y.ndim == 1 or (y.ndim == 2 and y.shape[-1] == 1)
    if not ((single and num_outputs == 1) or (y.ndim == 2 and y.shape[-1] == num_outputs)):
        expected = "(n,) or (n, 1)" if num_outputs == 1 else f"(n, {num_outputs})"
        raise LabelError(
            f"Invalid labels for the `{head}` head. Expected targets of shape {expected} for "
            f"{num_outputs} output(s). Received: labels of shape {y.shape}."
        )
    if not np.all(np.isfinite(y)):
        raise LabelError(f"Invalid labels for the `{head}` head: they contain NaN or inf.")


def _check_sparse(y, num_classes):
    if y.ndim == 2 and y.shape[-1] == num_classes and num_classes > 1:
        if np.isin(y, (0, 1)).all() and not np.all(y.sum(axis=-1) == 1):
            raise LabelError(
                "Invalid labels for the `multiclass` head. Expected integer labels of shape "
                f"(n,). Received: multi-hot rows of shape {y.shape} (some rows have several "
                "1s); use head='multilabel' when a sample can have several labels."
            )
        raise LabelError(
            "Invalid labels for the `multiclass` head. Expected integer labels of shape (n,). "
            f"Received: labels of shape {y.shape}, which look one-hot; use "
            "head='multiclass_onehot' for one-hot labels, or pass `np.argmax(y, axis=-1)`."
        )
    if y.ndim > 1 and not (y.ndim == 2 and y.shape[-1] == 1):
        raise LabelError(
            "Invalid labels for the `multiclass` head. Expected integer labels of shape (n,). "
            f"Received: labels of shape {y.shape}."
        )
    fractional = y[np.mod(y, 1) != 0]
    if fractional.size:
        raise LabelError(
            "Invalid labels for the `multiclass` head. Expected integer labels. "
            f"Received: non-integer values such as {fractional.ravel()[0]:g}. " + _REGRESSION_HINT
        )
    low, high = y.min(), y.max()
    if low < 0 or high >= num_classes:
        raise LabelError(
            "Invalid labels for the `multiclass` head. Expected integer labels in "
            f"[0, {num_classes}). Received: values from {low:g} to {high:g}."
        )


def _check_onehot(y, num_classes):
    if y.ndim != 2 or y.shape[-1] != num_classes:
        hint = (
            " They look like integer labels; use head='multiclass' for those."
            if y.ndim == 1 or (y.ndim == 2 and y.shape[-1] == 1)
            else ""
        )
        raise LabelError(
            "Invalid labels for the `multiclass_onehot` head. Expected one-hot rows of shape "
            f"(n, {num_classes}). Received: labels of shape {y.shape}.{hint}"
        )
    if not (np.isin(y, (0, 1)).all() and np.all(y.sum(axis=-1) == 1)):
        raise LabelError(
            "Invalid labels for the `multiclass_onehot` head. Expected rows with a single 1. "
            "Received: rows that are not one-hot; use head='multilabel' for multi-hot rows."
        )


def _check_zero_one(y, head, num_classes):
    if head == "binary":
        if y.ndim > 1 and not (y.ndim == 2 and y.shape[-1] == 1):
            raise LabelError(
                "Invalid labels for the `binary` head. Expected 0/1 labels of shape (n,) or "
                f"(n, 1). Received: labels of shape {y.shape}; use head='multilabel' for "
                "several 0/1 targets per sample."
            )
    elif y.ndim != 2 or y.shape[-1] != num_classes:
        raise LabelError(
            "Invalid labels for the `multilabel` head. Expected multi-hot rows of shape "
            f"(n, {num_classes}). Received: labels of shape {y.shape}."
        )
    if not np.isin(y, (0, 1)).all():
        others = np.setdiff1d(np.unique(y), (0, 1))
        hint = f" {_REGRESSION_HINT}" if np.any(np.mod(others, 1) != 0) else ""
        raise LabelError(
            f"Invalid labels for the `{head}` head. Expected only 0 and 1. Received: values "
            f"such as {others[:5].tolist()}.{hint}"
        )


_REGRESSION_HINT = (
    "These look like regression targets: use head='regression' (or `regressor`) to predict numbers."
)
