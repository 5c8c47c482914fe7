import numpy as np
import pytest

from keras_walk.training import class_weights, predicted_labels, task_metrics


def test_class_weights_balance_the_loss():
    y = np.array([0] * 90 + [1] * 10)
    weights = class_weights(y, "binary")
    assert weights[0] * 90 == pytest.approx(weights[1] * 10)
    with pytest.raises(ValueError, match="Class weights need integer labels"):
        class_weights(np.zeros((3, 2)), "multilabel")


def test_binary_metrics_stay_honest_under_imbalance():
    y = np.array([0] * 95 + [1] * 5)
    always_negative = np.zeros(100)
    metrics = task_metrics(y, always_negative, "binary")
    assert metrics["accuracy"] == 0.95  # looks good...
    assert metrics["recall"] == 0.0 and metrics["f1"] == 0.0 and metrics["auc"] == 0.5


def test_multiclass_report_per_class():
    y = np.array([0, 1, 2, 2])
    scores = np.eye(3)[[0, 1, 2, 1]]
    metrics = task_metrics(y, scores, "multiclass", ["a", "b", "c"])
    assert metrics["accuracy"] == 0.75
    assert metrics["per_class"]["c"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3),
        "support": 2,
    }
    assert metrics["per_class"]["b"]["precision"] == 0.5


def test_multilabel_subset_and_label_accuracy():
    y = np.array([[1, 0, 1], [0, 1, 0]])
    scores = np.array([[0.9, 0.2, 0.8], [0.1, 0.4, 0.2]])  # second row misses its label
    metrics = task_metrics(y, scores, "multilabel", ["x", "y", "z"])
    assert metrics["subset_accuracy"] == 0.5
    assert metrics["label_accuracy"] == pytest.approx(5 / 6)
    assert metrics["per_label"]["y"]["recall"] == 0.0 and metrics["per_label"]["x"]["f1"] == 1.0
    assert predicted_labels(scores, "multilabel").tolist() == [[1, 0, 1], [0, 0, 0]]


def test_regression_metrics():
    metrics = task_metrics([1.0, 2.0, 3.0], [[1.0], [2.0], [5.0]], "regression")
    assert metrics["mae"] == pytest.approx(2 / 3)
    assert metrics["rmse"] == pytest.approx(np.sqrt(4 / 3))
