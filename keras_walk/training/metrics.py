"""Metrics computed on test predictions, the same way for a model and for its baselines.

`task_metrics` reads the head to know what the scores are (probabilities or values) and
reports what stays honest under class imbalance: AUC, precision, recall and F1 per class
or label, next to accuracy. `class_weights` gives Keras's `class_weight` from the labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from keras_walk import heads
from keras_walk.heads import predicted_labels  # decoding is the head's; re-exported here

__all__ = ["class_weights", "predicted_labels", "task_metrics"]


def class_weights(labels, head: str = "multiclass") -> dict[int, float]:
    """Weights `n_samples / (n_classes * count)` per class, for `model.fit(class_weight=...)`.

    Rare classes weigh more, so each class contributes equally to the loss (scikit-learn's
    "balanced" rule).

    Examples:

        >>> class_weights([0, 0, 0, 1], head="binary")
        {0: 0.6666666666666666, 1: 2.0}
    """
    if head not in ("binary", "multiclass"):
        raise ValueError(
            "Invalid value for argument `head`. Class weights need integer labels: 'binary' or "
            f"'multiclass'. Received: head={head!r}"
        )
    labels = np.asarray(labels).reshape(-1).astype("int64")
    if len(labels) == 0:
        raise ValueError("Invalid value for argument `labels`: it is empty (0 labels).")
    classes, counts = np.unique(labels, return_counts=True)
    weights = len(labels) / (len(classes) * counts)
    return {int(c): float(w) for c, w in zip(classes, weights, strict=True)}


def task_metrics(
    y_true, scores, head: str, class_names: Sequence[str] | None = None, threshold: float = 0.5
) -> dict:
    """Test metrics for a head, from true labels and the model's (or a baseline's) outputs.

    * binary: accuracy, AUC, precision, recall, F1 of the positive class;
    * multiclass: accuracy, macro F1 and, per class, precision / recall / F1 / support;
    * multilabel: subset accuracy (every label right), label accuracy, micro and macro F1,
      and per-label precision / recall / F1 / support;
    * regression: RMSE, MAE and R^2 (averaged over outputs).

    Examples:

        >>> task_metrics([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.3], head="binary")["auc"]
        1.0
    """
    from sklearn import metrics

    spec = heads.get_head(head)
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype="float64")
    if not spec.classifier:
        y_true = y_true.reshape(len(y_true), -1).astype("float64")
        scores = scores.reshape(len(scores), -1)
        return {
            "rmse": float(np.sqrt(metrics.mean_squared_error(y_true, scores))),
            "mae": float(metrics.mean_absolute_error(y_true, scores)),
            "r2": float(metrics.r2_score(y_true, scores)),
        }
    predicted = predicted_labels(scores, head, threshold)
    if head == "multiclass_onehot":
        y_true = y_true.argmax(axis=-1)
    if head == "binary":
        y_true = y_true.reshape(-1)
        precision, recall, f1, _ = metrics.precision_recall_fscore_support(
            y_true, predicted, average="binary", zero_division=0
        )
        return {
            "accuracy": float(metrics.accuracy_score(y_true, predicted)),
            "auc": float(metrics.roc_auc_score(y_true, scores.reshape(-1))),
            "precision": float(precision),
            "recall": float(recall),
            "f1": float(f1),
        }
    names = (
        list(class_names) if class_names is not None else [str(i) for i in range(scores.shape[-1])]
    )
    per_class = _per_class(metrics, y_true, predicted, names, multilabel=head == "multilabel")
    if head == "multilabel":
        return {
            "subset_accuracy": float(metrics.accuracy_score(y_true, predicted)),
            "label_accuracy": float(np.mean(y_true == predicted)),
            "micro_f1": float(
                metrics.f1_score(y_true, predicted, average="micro", zero_division=0)
            ),
            "macro_f1": float(
                metrics.f1_score(y_true, predicted, average="macro", zero_division=0)
            ),
            "per_label": per_class,
        }
    return {
        "accuracy": float(metrics.accuracy_score(y_true, predicted)),
        "macro_f1": float(
            metrics.f1_score(
                y_true, predicted, average="macro", labels=range(len(names)), zero_division=0
            )
        ),
        "per_class": per_class,
    }


def _per_class(metrics, y_true, predicted, names, multilabel):
    labels = None if multilabel else list(range(len(names)))
    precision, recall, f1, support = metrics.precision_recall_fscore_support(
        y_true, predicted, labels=labels, zero_division=0
    )
    return {
        name: {
            "precision": float(p),
            "recall": float(r),
            "f1": float(f),
            "support": int(s),
        }
        for name, p, r, f, s in zip(names, precision, recall, f1, support, strict=True)
    }
