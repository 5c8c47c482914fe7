import numpy as np
import pytest

import keras_walk as kw
from keras_walk import baselines


def test_majority_accuracy_is_the_majority_rate():
    y = np.array([0, 0, 0, 1, 2, 0])
    x = np.zeros((6, 2))
    scores = baselines.majority("multiclass").fit(x, y).predict(x)
    assert scores.shape == (6, 3)
    assert kw.training.task_metrics(y, scores, "multiclass")["accuracy"] == pytest.approx(4 / 6)


def test_linear_beats_majority_on_breast_cancer():
    table = kw.data.load_table("breast_cancer")
    x_train, y_train = table.train.drop(columns=["malignant"]).to_numpy(), table.train["malignant"]
    x_test, y_test = table.test.drop(columns=["malignant"]).to_numpy(), table.test["malignant"]
    results = {
        b.name: kw.training.task_metrics(y_test, b.fit(x_train, y_train).predict(x_test), "binary")
        for b in (baselines.majority("binary"), baselines.linear("binary"))
    }
    assert results["majority"]["auc"] == 0.5
    assert results["linear"]["auc"] > 0.98 and results["linear"]["accuracy"] > 0.93


def test_mean_and_median_regressors():
    x, y = np.zeros((4, 1)), np.array([1.0, 2.0, 3.0, 10.0])
    assert baselines.mean().fit(x, y).predict(x)[0, 0] == 4.0
    assert baselines.median().fit(x, y).predict(x)[0, 0] == 2.5
    assert baselines.common_sense("regression").name == "mean"
    assert baselines.common_sense("binary").name == "majority"


def test_linear_multilabel_and_tables():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = np.stack([x[:, 0] > 0, x[:, 1] > 0], axis=-1).astype(int)
    scores = baselines.linear("multilabel").fit(x, y).predict(x)
    assert scores.shape == (200, 2)
    assert kw.training.task_metrics(y, scores, "multilabel")["subset_accuracy"] > 0.9


def test_linear_on_a_table_with_holes_and_categories():
    import pandas as pd

    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0] * 10, "c": ["a", "b", None, "a"] * 10})
    y = np.array([0, 1, 1, 0] * 10)
    features = kw.data.TabularFeatures(numeric=["x"], categorical=["c"], impute=True)
    features.adapt(frame)
    scores = baselines.linear("binary", features).fit(frame, y).predict(frame)
    assert kw.training.task_metrics(y, scores, "binary")["accuracy"] == 1.0


def test_wrong_kind_of_head():
    with pytest.raises(ValueError, match="needs a classifier head"):
        baselines.majority("regression")
    with pytest.raises(ValueError, match="needs a regression head"):
        baselines.mean("binary")
    with pytest.raises(ValueError, match="takes integer labels"):
        baselines.linear("multiclass_onehot")


def test_ngram_probabilities_sum_to_one_over_the_next_token():
    from keras_walk.baselines import _ngram_probabilities

    rng = np.random.default_rng(0)
    train = rng.integers(0, 5, 400)
    context = list(train[10:13])
    for order in (1, 2, 4):
        total = sum(
            _ngram_probabilities(train, np.array([*context, token]), order, 6)[-1]
            for token in range(6)
        )
        assert abs(total - 1.0) < 1e-9


def test_longer_ngrams_predict_a_structured_sequence_better():
    from keras_walk.baselines import ngram_bits_per_token

    rng = np.random.default_rng(0)
    words = [rng.integers(1, 20, 6) for _ in range(30)]
    text = np.concatenate([words[i] for i in rng.integers(0, 30, 2000)])
    train, test = text[:10_000], text[10_000:]
    bits = [ngram_bits_per_token(train, test, order) for order in (1, 2, 4)]
    assert bits[0] > bits[1] > bits[2]
    assert abs(bits[0] - np.log2(19)) < 0.1  # uniform over ids 1..19


@pytest.mark.parametrize(
    "train, order, message",
    [(np.arange(3), 5, "at least `order`"), (np.arange(100), 9, "Expected 1 to 8")],
)
def test_bad_ngram_arguments_are_refused(train, order, message):
    from keras_walk.baselines import ngram_bits_per_token

    with pytest.raises(ValueError, match=message):
        ngram_bits_per_token(train, np.arange(3), order)
