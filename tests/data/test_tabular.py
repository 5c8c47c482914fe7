import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import keras_walk as kw
from keras_walk.data import DataError, TabularFeatures
from keras_walk.heads import LabelError


@pytest.fixture
def table():
    return pd.DataFrame(
        {
            "size": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
            "colour": ["red", "blue", "red", None, "blue", "red"],
            "rooms": [1, 2, 3, 1, 2, 3],
        }
    )


def make_features(**kwargs):
    return TabularFeatures(
        numeric=["size"], categorical=["colour"], integer_categorical=["rooms"], **kwargs
    )


def test_missing_column_at_predict_time_is_named(table):
    features = make_features(impute=True)
    features.adapt(table)
    with pytest.raises(DataError, match=r"missing column\(s\) \['rooms'\]"):
        features.rows(table.drop(columns=["rooms"]))


def test_extra_column_at_predict_time_is_named(table):
    features = make_features(impute=True)
    features.adapt(table)
    with pytest.raises(DataError, match=r"unexpected column\(s\) \['price'\]"):
        features.rows(table.assign(price=1.0))


def test_nan_without_imputation_names_column_and_row(table):
    with pytest.raises(
        DataError, match=r"column 'size' has 1 missing value\(s\) \(first at row 2\)"
    ):
        make_features().adapt(table.fillna({"colour": "red"}))


def test_missing_string_category_without_imputation(table):
    with pytest.raises(DataError, match="column 'colour' has 1 missing"):
        make_features().adapt(table.fillna({"size": 0.0}))


def test_text_in_numeric_column():
    features = TabularFeatures(numeric=["size"])
    with pytest.raises(DataError, match="numeric column 'size' holds non-numeric values"):
        features.adapt({"size": np.array(["big", "small"], dtype=object)})


def test_unseen_category_goes_to_oov_bucket_by_default(table):
    features = make_features(impute=True)
    features.adapt(table)
    model = kw.tasks.binary_classifier(features, hidden_units=(4,))
    unseen = table.iloc[:1].assign(colour="green")
    oov = table.iloc[:1].assign(colour="[UNK]")  # the OOV token itself
    assert np.allclose(
        model.predict(features.rows(unseen), verbose=0),
        model.predict(features.rows(oov), verbose=0),
    )


def test_unseen_category_raises_when_asked(table):
    features = make_features(impute=True, unseen="error")
    features.adapt(table)
    with pytest.raises(
        DataError, match=r"column 'colour' has categories never seen in training: \['green'\]"
    ):
        features.rows(table.assign(colour="green"))


def test_imputation_fills_and_flags(table):
    features = TabularFeatures(numeric=["size"], impute=True)
    features.adapt(table[["size"]])
    inputs, encoded = features.model_inputs()
    import keras

    encoder = keras.Model(inputs, encoded)
    out = encoder.predict(features.rows(pd.DataFrame({"size": [np.nan, 4.0]})), verbose=0)
    # The median of the training values fills the hole, and the flag says it was missing.
    filled_as_median = encoder.predict(features.rows(pd.DataFrame({"size": [4.0]})), verbose=0)
    assert out[0, 1] == 1.0 and out[1, 1] == 0.0
    assert np.isclose(out[0, 0], filled_as_median[0, 0])


def test_adapt_accepts_dataframe_dict_and_dataset(table):
    columns = {name: table[name].to_numpy() for name in table.columns}
    filled = table.fillna({"size": 0.0, "colour": "red"})
    dataset = tf.data.Dataset.from_tensor_slices(
        ({n: filled[n].to_numpy() for n in filled.columns}, np.zeros(len(filled)))
    )
    vocabularies = []
    for data in (table, columns, dataset):
        features = make_features(impute=True)
        features.adapt(data)
        vocabularies.append(sorted(map(str, features.vocabulary("rooms"))))
    assert vocabularies[0] == vocabularies[1] == vocabularies[2]


def test_dataset_takes_label_column_and_checks_labels(table):
    features = TabularFeatures(numeric=["size"], categorical=["colour"], impute=True)
    labelled = table.drop(columns=["rooms"]).assign(label=[0, 1, 0, 1, 0, 1])
    features.adapt(labelled.drop(columns=["label"]))
    batch = next(iter(features.dataset(labelled, "label", batch_size=4)))
    assert sorted(batch[0]) == ["colour", "size"] and batch[1].shape == (4,)
    # The Task that trains on the dataset checks the labels against its head.
    three_labels = features.dataset(labelled.assign(label=[0, 1, 2, 0, 1, 2]), "label")
    task = kw.tasks.tabular_model(features, 2, hidden_units=(4,), seed=0)
    with pytest.raises(LabelError, match="Expected only 0 and 1"):
        task.fit(three_labels, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="`head` was removed from `dataset`"):
        features.dataset(labelled, "label", head="binary")


def test_infer_declares_columns_from_dtypes(table):
    features = TabularFeatures.infer(
        table.assign(label=0), label="label", max_one_hot=1, impute=True
    )
    assert features.numeric == ["size", "rooms"]
    assert features.embedded == {"colour": 8}  # red and blue: 2 levels > 1


def test_undeclared_string_labels_raise():
    with pytest.raises(LabelError, match=r"\['Emperor'\] are not in `class_names`"):
        kw.data.encode_labels(["Adelie", "Emperor"], class_names=["Adelie", "Gentoo"])
    with pytest.raises(LabelError, match="Encode string labels as integers first"):
        kw.heads.check_labels(np.array(["Adelie", "Gentoo"]), "multiclass", num_classes=2)


def test_bad_declarations():
    with pytest.raises(ValueError, match="declared twice"):
        TabularFeatures(numeric=["a"], categorical=["a"])
    with pytest.raises(ValueError, match="Invalid value for argument `crosses`"):
        TabularFeatures(numeric=["a"], categorical=["b"], crosses=[("a", "b")])
    with pytest.raises(ValueError, match="Invalid value for argument `unseen`"):
        TabularFeatures(numeric=["a"], unseen="ignore")


def test_fast_adapt_learns_what_feature_space_adapt_learns(table):
    import keras

    features = make_features(impute=True, crosses=[("colour", "rooms")])
    features.adapt(table)
    reference = keras.utils.FeatureSpace(features=features._feature_specs(), output_mode="concat")
    reference.adapt(tf.data.Dataset.from_tensor_slices(features.check(table)))
    rows = features.rows(table)
    for name in ("colour", "rooms"):
        assert (
            reference.preprocessors[name].get_vocabulary()
            == features.feature_space.preprocessors[name].get_vocabulary()
        )
    ours = keras.Model(*features.model_inputs())
    assert ours(rows).shape[-1] == reference(rows).shape[-1] + 32  # + the 32-bin cross
    np.testing.assert_allclose(
        features.feature_space.preprocessors["size"](rows["size"][:, None]),
        reference.preprocessors["size"](rows["size"][:, None]),
        rtol=1e-6,
    )


def test_a_frame_made_from_an_array_trains_and_predicts_by_its_integer_column_names():
    x = np.random.default_rng(0).normal(size=(40, 3))
    frame = pd.DataFrame(x)  # columns 0, 1, 2
    features = kw.data.TabularFeatures(numeric=list(frame.columns))
    features.adapt(frame)
    model = kw.tasks.tabular_model(features, 2, hidden_units=(4,), seed=0)
    model.fit(frame, (x[:, 0] > 0).astype("int64"), epochs=1, verbose=0)
    assert model.predict(frame, verbose=0).shape == (40, 1)
    assert features.columns == ["0", "1", "2"]


def test_rows_predict_whatever_characters_the_column_names_hold():
    x = np.random.default_rng(0).normal(size=(20, 4))
    frame = pd.DataFrame(x, columns=["od280/od315", "petal width", "ratio.2", "température"])
    features = kw.data.TabularFeatures(numeric=list(frame.columns))
    features.adapt(frame)
    model = kw.tasks.tabular_model(features, 2, hidden_units=(4,), seed=0)
    from_rows = model.predict(features.rows(frame), verbose=0)
    np.testing.assert_allclose(from_rows, model.predict(frame, verbose=0), rtol=1e-6)
