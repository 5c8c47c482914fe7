import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import keras_walk as kw
from keras_walk.data import TabularFeatures


@pytest.mark.parametrize(
    ("build", "units", "activation", "loss"),
    [
        (lambda x: kw.tasks.binary_classifier(x), 1, "sigmoid", "binary_crossentropy"),
        (lambda x: kw.tasks.multiclass_classifier(x, 3), 3, "softmax", "sparse_categorical_crossentropy"),
        (lambda x: kw.tasks.multiclass_classifier(x, 3, head="multiclass_onehot"), 3, "softmax", "categorical_crossentropy"),
        (lambda x: kw.tasks.multilabel_classifier(x, 5), 5, "sigmoid", "binary_crossentropy"),
        (lambda x: kw.tasks.regressor(x, 2), 2, "linear", "mean_squared_error"),
        (lambda x: kw.tasks.regressor(x, head="regression_mae"), 1, "linear", "mean_absolute_error"),
        (lambda x: kw.tasks.regressor(x, head="regression_huber"), 1, "linear", "huber_loss"),
    ],
)  # fmt: skip
def test_each_builder_takes_its_head_from_the_table(build, units, activation, loss):
    model = build(np.random.default_rng(0).normal(size=(20, 4)))
    head = model.get_layer("head")
    assert head.units == units and head.activation.__name__ == activation
    assert model.loss.name == loss


def test_learns_breast_cancer_from_arrays_and_dataframes():
    table = kw.data.load_table("breast_cancer")
    x_train = table.train.drop(columns=["malignant"])  # a DataFrame of numbers
    y_train = table.train["malignant"].to_numpy()
    keras.utils.set_random_seed(0)
    model = kw.tasks.binary_classifier(x_train, hidden_units=(16,), seed=0)
    history = model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] * 0.5
    x_test = table.test.drop(columns=["malignant"]).to_numpy("float32")  # arrays work too
    metrics = model.score(x_test, table.test["malignant"])
    assert metrics["auc"] > 0.97
    # The same numbers as the metrics function on the model's own predictions, and the
    # baselines score the same way.
    assert metrics == kw.training.task_metrics(
        table.test["malignant"], model.predict(x_test, verbose=0), "binary"
    )
    majority = kw.baselines.majority("binary").fit(x_train, y_train)
    assert majority.score(x_test, table.test["malignant"])["auc"] == 0.5
    with pytest.raises(kw.heads.LabelError, match="`binary` head"):
        model.score(x_test, np.full(len(x_test), 2))


def test_feature_space_model_round_trips_with_compile_state(tmp_path):
    rng = np.random.default_rng(0)
    n = 200
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "city": rng.choice(["a", "b", "c"], size=n),
            "shop": rng.choice([f"s{i}" for i in range(40)], size=n),
            "kind": rng.choice(["k", "l"], size=n),
        }
    )
    frame.loc[::17, "x"] = np.nan
    y = ((frame["x"].fillna(0) > 0) ^ (frame["city"] == "a")).astype(int).to_numpy()
    features = TabularFeatures(
        numeric=["x"], categorical=["city", "kind"], embedded={"shop": 4},
        crosses=[("city", "kind")], impute=True,
    )  # fmt: skip
    features.adapt(frame)
    model = kw.tasks.binary_classifier(features, hidden_units=(16,), seed=0)
    # A dict-of-columns tf.data dataset, as `features.dataset` builds it.
    model.fit(features.dataset(frame, y, batch_size=32, shuffle=True, seed=0), epochs=2, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)
    reloaded = keras.models.load_model(path)
    rows = features.rows(frame.iloc[:10])
    np.testing.assert_allclose(
        reloaded.predict(rows, verbose=0), model.predict(rows, verbose=0), rtol=1e-6
    )
    assert reloaded.loss.name == "binary_crossentropy"
    assert int(reloaded.optimizer.iterations) == int(model.optimizer.iterations) > 0
    evaluated = reloaded.evaluate(
        features.dataset(frame, y, batch_size=64), verbose=0, return_dict=True
    )
    assert evaluated.keys() == {"loss", "accuracy", "auc", "precision", "recall"}
    # Training goes on from where it stopped.
    reloaded.fit(features.dataset(frame, y, batch_size=32), epochs=1, verbose=0)
    assert int(reloaded.optimizer.iterations) > int(model.optimizer.iterations)


def test_raw_python_row_dict_is_accepted():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["u", "v", "u"]})
    features = TabularFeatures(numeric=["x"], categorical=["c"])
    features.adapt(frame)
    model = kw.tasks.regressor(features, hidden_units=())
    out = model.predict(features.rows({"x": [2.5], "c": ["v"]}), verbose=0)
    assert out.shape == (1, 1) and np.isfinite(out).all()


def test_options_shape_the_stack():
    model = kw.tasks.tabular_model(6, 3, hidden_units=(8, 4), batch_norm=True, l2=1e-3, dropout=0.2)
    names = [layer.name for layer in model.layers]
    assert names == [
        "features", "dense_0", "batch_norm_0", "relu_0", "dropout_0",
        "dense_1", "batch_norm_1", "relu_1", "dropout_1", "head",
    ]  # fmt: skip
    assert model.get_layer("dense_0").kernel_regularizer is not None
    assert not model.get_layer("dense_0").use_bias  # batch norm brings the bias
    assert len(model.losses) == 2  # one L2 penalty per hidden layer


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"features": np.zeros(5), "num_classes": 2}, "Invalid value for argument `features`"),
        ({"features": 0, "num_classes": 2}, "Invalid value for argument `features`"),
        (
            {"features": 3, "num_classes": 2, "hidden_units": (0,)},
            "Invalid value for argument `hidden_units`",
        ),
        ({"features": 3, "num_classes": 2, "dropout": 1.0}, "Invalid value for argument `dropout`"),
        ({"features": 3, "head": "multiclass", "num_classes": 1}, "needs at least 2 classes"),
        ({"features": np.array([[0.0, np.nan]]), "num_classes": 2}, "NaN or infinite"),
        ({"features": 3, "num_classes": 3, "loss": "mae"}, "use head='regression'"),
        ({"features": 3, "num_classes": 3, "one_hot_labels": True}, "head='multiclass_onehot'"),
    ],
)
def test_bad_arguments_fail_before_building(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kw.tasks.tabular_model(**kwargs)


def test_unknown_regression_head():
    with pytest.raises(
        ValueError,
        match=r"Expected one of \['regression', 'regression_mae', 'regression_huber'\] for regressor",
    ):
        kw.tasks.regressor(3, head="regression_rmse")


def test_table_with_a_missing_column_names_it():
    frame = pd.DataFrame({"x": [1.0, 2.0], "c": ["u", "v"]})
    features = TabularFeatures(numeric=["x"], categorical=["c"])
    features.adapt(frame)
    model = kw.tasks.binary_classifier(features)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['x'\]"):
        model.predict({"c": tf.constant(["u"])}, verbose=0)


def test_wide_and_deep_feeds_the_inputs_to_the_head():
    model = kw.tasks.regressor(5, hidden_units=(8,), wide=True)
    concat = model.get_layer("wide_and_deep")
    assert concat.output.shape == (None, 5 + 8)
    assert model.get_layer("head").kernel.shape == (13, 1)


def test_hashed_columns_and_a_users_own_dict_dataset():
    rng = np.random.default_rng(1)
    n = 300
    zips = np.array([f"z{i}" for i in rng.integers(0, 500, size=n)], dtype=object)
    x = rng.normal(size=n).astype("float32")
    y = (x > 0).astype("int64")
    features = TabularFeatures(numeric=["x"], hashed={"zip": 64})
    features.adapt({"x": x, "zip": zips})
    model = kw.tasks.binary_classifier(features, hidden_units=(8,), learning_rate=1e-2, seed=0)
    assert model.input["zip"].dtype == "string"
    # A dict-of-columns tf.data dataset written by hand, not by `features.dataset`.
    dataset = tf.data.Dataset.from_tensor_slices(({"x": x, "zip": zips.astype(str)}, y)).batch(32)
    history = model.fit(dataset, epochs=5, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
