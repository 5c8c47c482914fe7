import keras
import numpy as np
import pytest

from keras_walk import heads

EXPECTED = {
    "binary": ("sigmoid", "binary_crossentropy"),
    "multiclass": ("softmax", "sparse_categorical_crossentropy"),
    "multiclass_onehot": ("softmax", "categorical_crossentropy"),
    "multilabel": ("sigmoid", "binary_crossentropy"),
    "regression": ("linear", "mean_squared_error"),
    "regression_mae": ("linear", "mean_absolute_error"),
    "regression_huber": ("linear", "huber_loss"),
}  # only dense heads: the other families' losses are their own (`_auto_loss_and_metrics`)


def test_table_pairs_activation_and_loss():
    assert set(heads.HEADS) == set(EXPECTED)
    for name, (activation, loss) in EXPECTED.items():
        spec = heads.get_head(name)
        assert spec.activation == activation
        assert spec.loss().name == loss


@pytest.mark.parametrize(
    "head, num_classes, units", [("binary", 2, 1), ("multiclass", 5, 5), ("multilabel", 3, 3),
                                 ("regression", 1, 1), ("regression_huber", 4, 4)]
)  # fmt: skip
def test_output_units(head, num_classes, units):
    assert heads.output_units(head, num_classes) == units


@pytest.mark.parametrize(
    "head, num_classes, message",
    [
        ("multiclass", 1, "needs at least 2 classes. Received: num_classes=1"),
        ("multiclass", 0, "Received: num_classes=0"),
        ("binary", 3, "exactly 2 classes"),
        ("multiclass", 2.5, "Expected an integer"),
        ("softmax", 3, "Expected one of"),
    ],
)
def test_output_units_errors(head, num_classes, message):
    with pytest.raises(ValueError, match=message):
        heads.output_units(head, num_classes)


@pytest.mark.parametrize(
    "labels, head, num_classes, message",
    [
        (np.eye(3)[[0, 1, 2]], "multiclass", 3, "look one-hot; use head='multiclass_onehot'"),
        (np.array([0, 1, 2]), "multiclass_onehot", 3, "use head='multiclass' for those"),
        (np.array([0, 1, 3]), "multiclass", 3, r"in \[0, 3\). Received: values from 0 to 3"),
        (np.array([-1, 1]), "multiclass", 3, "values from -1 to 1"),
        (np.array([0.5, 1.0]), "multiclass", 3, "non-integer values such as 0.5"),
        (np.array([[1, 1, 0]]), "multiclass_onehot", 3, "use head='multilabel'"),
        (np.array([0.2, 1.7]), "binary", 2, r"Expected only 0 and 1. Received: values such as \[0.2, 1.7\]"),
        (np.array([[0, 1], [1, 0]]), "binary", 2, "use head='multilabel'"),
        (np.array([0, 1, 1]), "multilabel", 3, r"shape \(n, 3\). Received: labels of shape \(3,\)"),
        (np.array(["cat", "dog"]), "multiclass", 2, "Encode string labels as integers"),
        (np.array([1.0, np.nan]), "regression", 1, "NaN or inf"),
        (np.array([], dtype="int64"), "multiclass", 3, "empty"),
    ],
)  # fmt: skip
def test_check_labels_errors(labels, head, num_classes, message):
    with pytest.raises(heads.LabelError, match=message):
        heads.check_labels(labels, head, num_classes)


@pytest.mark.parametrize(
    "labels, head, num_classes",
    [
        (np.array([0, 1, 1]), "binary", 2),
        (np.array([[0], [1]]), "binary", 2),
        (np.array([0, 4, 2]), "multiclass", 5),
        (np.eye(4)[[3, 0]], "multiclass_onehot", 4),
        (np.array([[1, 0, 1], [0, 0, 0]]), "multilabel", 3),
        (np.array([1.5, -2.0]), "regression", 1),
    ],
)
def test_check_labels_accepts_valid(labels, head, num_classes):
    heads.check_labels(labels, head, num_classes)


def _targets(head, rng, x):
    score = x[:, :1] + x[:, 1:2]
    if head == "binary":
        return (score[:, 0] > 0).astype("int32")
    if head == "multiclass":
        return np.digitize(score[:, 0], [-0.5, 0.5]).astype("int32")
    if head == "multiclass_onehot":
        return np.eye(3)[np.digitize(score[:, 0], [-0.5, 0.5])]
    if head == "multilabel":
        return (np.concatenate([x[:, :1], x[:, 1:2], score], axis=1) > 0).astype("float32")
    return score * 2.0 + 1.0


@pytest.mark.parametrize(
    "head", heads.DENSE_HEADS
)  # `reconstruction`: tests/tasks/test_autoencoder.py
def test_every_head_learns(head):
    """A dense model with each dense head fits a simple rule: the loss falls by half or more."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(512, 4)).astype("float32")
    y = _targets(head, rng, x)
    num_classes = {"binary": 2, "multiclass": 3, "multiclass_onehot": 3, "multilabel": 3}.get(
        head, 1
    )
    heads.check_labels(y, head, num_classes)
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    model = keras.Model(inputs, heads.dense_head(hidden, head, num_classes))
    model.compile(optimizer=keras.optimizers.Adam(0.02), **heads.compile_args(head, num_classes))
    history = model.fit(x, y, epochs=15, batch_size=64, verbose=0).history
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert model.layers[-1].dtype_policy.compute_dtype == "float32"


def test_multi_hot_targets_given_to_multiclass_point_to_multilabel():
    multi_hot = np.array([[1, 0, 1], [0, 1, 0]])
    with pytest.raises(
        heads.LabelError, match="multi-hot rows of shape \\(2, 3\\).*head='multilabel'"
    ):
        heads.check_labels(multi_hot, "multiclass", num_classes=3)


@pytest.mark.parametrize("head", ["binary", "multiclass"])
def test_regression_targets_given_to_a_classifier_point_to_regression(head):
    log_prices = np.array([12.1, 11.8, 12.6])
    with pytest.raises(
        heads.LabelError, match="look like regression targets: use head='regression'"
    ):
        heads.check_labels(log_prices, head, num_classes=2)
