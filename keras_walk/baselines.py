"""Common-sense baselines that every model must beat: majority class, mean or median, linear.

Each baseline is fitted on the same training data as the model and its `predict` returns
what a Keras model with the same head returns (probabilities for classifiers, values for
regressors), so `keras_walk.training.task_metrics` scores both the same way. They are thin
wrappers over scikit-learn, which does these well.

Examples:

    >>> import numpy as np
    >>> from keras_walk import baselines
    >>> x, y = np.arange(8.0).reshape(-1, 1), np.array([0, 0, 0, 0, 0, 1, 1, 1])
    >>> baselines.majority("binary").fit(x, y).predict(x)[:2].round(3).tolist()
    [[0.375], [0.375]]
    >>> (baselines.linear("binary").fit(x, y).predict(x)[:, 0] > 0.5).astype(int).tolist()
    [0, 0, 0, 0, 0, 1, 1, 1]
"""

from __future__ import annotations

import numpy as np

from keras_walk import heads
from keras_walk.arguments import is_integer, positive_int
from keras_walk.data.checks import DataError, check_texts
from keras_walk.training.metrics import task_metrics

__all__ = [
    "Baseline",
    "common_sense",
    "linear",
    "majority",
    "mean",
    "median",
    "nearest_neighbor",
    "ngram_bits_per_token",
    "tfidf_logistic",
]


class Baseline:
    """A scikit-learn estimator whose `predict` speaks in the head's output format.

    Args:
        name: what reports call it (`"majority"`, `"mean"`, `"linear"`...).
        estimator: an unfitted scikit-learn estimator or pipeline.
        head: the `keras_walk.heads` head of the model it stands next to.
        features: a fitted `keras_walk.data.TabularFeatures` when `x` is a table: the
            table is checked and passed to the estimator as a DataFrame.
    """

    def __init__(self, name: str, estimator, head: str, features=None, *, texts: bool = False):
        heads.get_head(head)
        self.name = name
        self.estimator = estimator
        self.head = head
        self.features = features
        self.texts = texts

    def _x(self, x):
        if self.texts:
            return check_texts(x, "x")
        if self.features is None:
            x = np.asarray(x)
            # Sequences and images: one flat row of numbers per sample.
            return x.reshape(len(x), -1) if x.ndim > 2 else x
        import pandas as pd

        return pd.DataFrame(self.features.check(x))

    def fit(self, x, y) -> Baseline:
        """Fits on the training split; returns `self`."""
        y = np.asarray(y)
        if len(y) == 0 or len(x) == 0:
            raise DataError("Invalid input data: `x` or `y` is empty (0 samples).")
        if len(x) != len(y):
            raise DataError(f"Invalid input data: `x` has {len(x)} samples but `y` has {len(y)}.")
        if self.head == "binary":
            y = y.reshape(-1)
        if heads.get_head(self.head).classifier:
            heads.check_labels(y, self.head, _implied_classes(y, self.head))
        self.estimator.fit(self._x(x), y)
        return self

    def predict(self, x) -> np.ndarray:
        """Probabilities of shape `(n, 1)` (binary) or `(n, classes)`; values for regression."""
        x = self._x(x)
        if not heads.get_head(self.head).classifier:
            values = np.asarray(self.estimator.predict(x), dtype="float64")
            return values.reshape(len(values), -1)
        probabilities = self.estimator.predict_proba(x)
        if self.head == "multilabel":
            # One (n, 2) array per label from multi-output estimators: keep P(label = 1).
            if isinstance(probabilities, list):
                return np.stack([_positive(p) for p in probabilities], axis=-1)
            return np.asarray(probabilities)
        if self.head == "binary":
            return _positive(probabilities)[:, None]
        return np.asarray(probabilities)

    def score(self, x, y, class_names=None) -> dict:
        """Test metrics on `(x, y)`, the same as a Task's `score` with this head."""
        return task_metrics(y, self.predict(x), self.head, class_names)


def _implied_classes(y: np.ndarray, head: str) -> int:
    """The class count the labels imply, for checking them against the head: 2 for
    `binary` (a third class is an error), the label width for one-hot and multi-hot rows,
    the largest label + 1 otherwise."""
    if head == "binary" or not np.issubdtype(y.dtype, np.number) or y.size == 0:
        return 2
    if head in ("multilabel", "multiclass_onehot"):
        return max(int(y.shape[-1]) if y.ndim == 2 else 2, 2)
    return max(int(np.max(y)) + 1, 2)


def _positive(probabilities) -> np.ndarray:
    probabilities = np.asarray(probabilities)
    return probabilities[:, -1] if probabilities.shape[1] > 1 else np.zeros(len(probabilities))


def majority(head: str, features=None) -> Baseline:
    """Predicts the training class frequencies: its accuracy is the majority-class rate."""
    from sklearn.dummy import DummyClassifier

    _require(head, classifier=True)
    return Baseline("majority", DummyClassifier(strategy="prior"), head, features)


def mean(head: str = "regression", features=None) -> Baseline:
    """Predicts the training mean of the target (the RMSE baseline)."""
    from sklearn.dummy import DummyRegressor

    _require(head, classifier=False)
    return Baseline("mean", DummyRegressor(strategy="mean"), head, features)


def median(head: str = "regression_mae", features=None) -> Baseline:
    """Predicts the training median of the target (the MAE baseline)."""
    from sklearn.dummy import DummyRegressor

    _require(head, classifier=False)
    return Baseline("median", DummyRegressor(strategy="median"), head, features)


def common_sense(head: str, features=None) -> Baseline:
    """`majority` for classifiers, `mean` for regressors."""
    if heads.get_head(head).classifier:
        return majority(head, features)
    return mean(head, features)


def linear(head: str, features=None, *, regularization: float | None = None) -> Baseline:
    """Logistic regression for classifiers, ridge regression for regressors.

    Inputs are standardized; with `features` (a fitted `TabularFeatures`), numeric columns
    are median-imputed with a missing flag and categorical ones one-hot encoded, as the
    Keras model does.

    Args:
        head: the model's head; `multiclass_onehot` is not supported (pass integer labels).
        features: a fitted `TabularFeatures` when `x` is a table.
        regularization: inverse strength `C` for logistic regression (default 1.0); for
            ridge, `None` picks alpha by cross-validation.
    """
    from sklearn.linear_model import LogisticRegression, RidgeCV
    from sklearn.multioutput import MultiOutputClassifier
    from sklearn.pipeline import make_pipeline

    if head == "multiclass_onehot":
        raise ValueError(
            "Invalid value for argument `head`: the linear baseline takes integer labels; "
            "use head='multiclass' with `np.argmax(y, axis=-1)`."
        )
    if heads.get_head(head).classifier:
        model = LogisticRegression(C=regularization or 1.0, max_iter=5000)
        if head == "multilabel":
            model = MultiOutputClassifier(model)
    else:
        model = RidgeCV(alphas=np.logspace(-3, 3, 13))
    return Baseline("linear", make_pipeline(_encoder(features), model), head, features)


def _encoder(features):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    if features is None:
        return StandardScaler()
    categorical = (
        features.categorical
        + features.integer_categorical
        + list(features.hashed)
        + list(features.embedded)
    )
    numeric = make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler())
    return ColumnTransformer(
        [
            ("numeric", numeric, features.numeric),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )


def _require(head: str, classifier: bool) -> None:
    if heads.get_head(head).classifier != classifier:
        kind = "a classifier" if classifier else "a regression"
        raise ValueError(
            f"Invalid value for argument `head`: this baseline needs {kind} head. "
            f"Received: head={head!r}"
        )


def tfidf_logistic(head: str = "binary", *, ngrams: int = 2, min_df: int = 2) -> Baseline:
    """TF-IDF of word 1- to `ngrams`-grams (sublinear term frequency) and logistic
    regression: the classic strong baseline for text classification. `x` is a list of
    strings.

    Examples:

        >>> texts = ["good", "very good", "bad", "very bad"] * 5
        >>> model = tfidf_logistic(min_df=1).fit(texts, [1, 1, 0, 0] * 5)
        >>> (model.predict(["good"])[:, 0] > 0.5).tolist()
        [True]
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multioutput import MultiOutputClassifier
    from sklearn.pipeline import make_pipeline

    _require(head, classifier=True)
    ngrams = positive_int("ngrams", ngrams)
    min_df = positive_int("min_df", min_df)
    model = LogisticRegression(C=10.0, max_iter=5000)
    if head == "multilabel":
        model = MultiOutputClassifier(model)
    vectorizer = TfidfVectorizer(ngram_range=(1, ngrams), min_df=min_df, sublinear_tf=True)
    return Baseline("tfidf_logistic", make_pipeline(vectorizer, model), head, texts=True)


def nearest_neighbor(head: str = "multiclass") -> Baseline:
    """1-nearest neighbour with Euclidean distance on the flattened samples: the reference
    baseline of the UCR time series archive.

    Examples:

        >>> import numpy as np
        >>> x = np.array([[[0.0], [1.0]], [[5.0], [6.0]]])  # two sequences of 2 steps
        >>> nearest_neighbor().fit(x, [0, 1]).predict(np.array([[[4.0], [6.0]]])).tolist()
        [[0.0, 1.0]]
    """
    from sklearn.neighbors import KNeighborsClassifier

    _require(head, classifier=True)
    return Baseline("nearest_neighbor", KNeighborsClassifier(n_neighbors=1), head)


def ngram_bits_per_token(train_ids, test_ids, order: int = 5, vocabulary_size=None) -> float:
    """Bits per token on `test_ids` of an n-gram count model fitted on `train_ids`: the
    baseline of a language model (order 1 is the token frequencies alone).

    The model interpolates every order down to add-one unigrams with Witten-Bell weights,
    so a context never seen in training falls back to shorter ones. The first `order - 1`
    test tokens use the shorter contexts they have. Written here, vectorized with NumPy,
    because `nltk.lm` counts in pure Python (minutes on a corpus of millions of
    characters) and KenLM needs a C++ build.

    Args:
        train_ids: 1-D integer token ids of the training text (`Vocabulary.encode(text)`).
        test_ids: 1-D integer token ids of the text to score.
        order: the longest n-gram, 1 to 8.
        vocabulary_size: number of token ids; defaults to the largest id seen + 1.

    Examples:

        >>> import numpy as np
        >>> text = np.array([0, 1, 2, 3] * 50)
        >>> round(ngram_bits_per_token(text, text, order=1), 2)  # four equally likely ids
        2.0
        >>> ngram_bits_per_token(text, text, order=2) < 0.1  # each id fixes the next
        True
    """
    return float(
        -np.mean(np.log2(_ngram_probabilities(train_ids, test_ids, order, vocabulary_size)))
    )


def _ngram_probabilities(train_ids, test_ids, order, vocabulary_size=None) -> np.ndarray:
    """P(test token | up to `order - 1` tokens before it), one per test token."""
    train = np.asarray(train_ids, dtype=np.int64)
    test = np.asarray(test_ids, dtype=np.int64)
    if train.ndim != 1 or test.ndim != 1 or len(train) < order or not len(test):
        raise ValueError(
            "Invalid token ids: expected 1-D integer arrays, at least `order` training ids "
            f"and one test id. Received shapes {train.shape} and {test.shape}, order={order}"
        )
    if not is_integer(order) or not 1 <= order <= 8:
        raise ValueError(
            f"Invalid value for argument `order`. Expected 1 to 8. Received: order={order!r}"
        )
    order = int(order)
    size = int(vocabulary_size or max(train.max(), test.max()) + 1)
    if size**order >= 2**62:
        raise ValueError(f"order={order} over {size} tokens: n-gram keys would overflow int64")

    def grams(ids, n):  # each n-gram as one integer, base `size`
        keys = np.zeros(len(ids) - n + 1, dtype=np.int64)
        for offset in range(n):
            keys = keys * size + ids[offset : len(ids) - n + 1 + offset]
        return keys

    def lookup(keys, values, queries):
        where = np.minimum(np.searchsorted(keys, queries), len(keys) - 1)
        return np.where(keys[where] == queries, values[where], 0)

    probabilities = (np.bincount(train, minlength=size)[test] + 1.0) / (len(train) + size)
    for n in range(2, order + 1):
        if len(test) < n:
            break
        known, counts = np.unique(grams(train, n), return_counts=True)
        # Each context's count and number of distinct next tokens, from the n-gram counts.
        contexts, group, types = np.unique(known // size, return_inverse=True, return_counts=True)
        context_counts = np.bincount(group, weights=counts)
        queries = grams(test, n)
        seen = lookup(known, counts, queries)
        context_seen = lookup(contexts, context_counts, queries // size)
        context_types = lookup(contexts, types, queries // size)
        shorter = probabilities[n - 1 :]
        mixed = (seen + context_types * shorter) / np.maximum(context_seen + context_types, 1)
        probabilities[n - 1 :] = np.where(context_seen > 0, mixed, shorter)
    return probabilities
