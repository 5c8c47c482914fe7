import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data import DataError

POSITIVE = ["great taste and great value", "love it, great snack", "excellent, my dog loves it"]
NEGATIVE = ["stale and awful", "terrible taste, awful smell", "bad value, stale chips"]
TEXTS = np.array((POSITIVE + NEGATIVE) * 20, dtype=object)
LABELS = np.array(([1] * 3 + [0] * 3) * 20)


@pytest.mark.parametrize(
    "encoder", ["bag_of_ngrams", "conv1d", "lstm", "gru", "bilstm", "transformer"]
)
def test_every_encoder_learns_and_takes_raw_strings(encoder):
    keras.utils.set_random_seed(0)
    model = kw.tasks.text_classifier(
        TEXTS, encoder=encoder, units=8, embedding_dim=8, sequence_length=16, dropout=0.0,
        learning_rate=1e-2, seed=0,
    )  # fmt: skip
    assert model.input.dtype == "string" and model.loss.name == "binary_crossentropy"
    history = model.fit(
        kw.data.pipeline((TEXTS, LABELS), 16, shuffle=True, seed=0), epochs=8, verbose=0
    )
    assert history.history["accuracy"][-1] > 0.9
    probabilities = model.predict(
        np.array(["great value", "awful and stale"], dtype=object), verbose=0
    )
    assert probabilities[0, 0] > probabilities[1, 0]


def test_round_trip_keeps_vocabulary_and_compile_state(tmp_path):
    model = kw.tasks.text_classifier(TEXTS, encoder="bag_of_ngrams", units=8, seed=0)
    model.fit(kw.data.pipeline((TEXTS, LABELS), 16), epochs=2, verbose=0)
    model.save(tmp_path / "text.keras")
    loaded = keras.models.load_model(tmp_path / "text.keras")
    probe = np.array(["great snack", "never seen words here"], dtype=object)
    np.testing.assert_allclose(
        loaded.predict(probe, verbose=0), model.predict(probe, verbose=0), rtol=1e-6
    )
    assert (
        loaded.get_layer("vectorize").get_vocabulary()
        == model.get_layer("vectorize").get_vocabulary()
    )
    assert (
        int(loaded.optimizer.iterations) == int(model.optimizer.iterations) == 16
    )  # 2 x 8 batches


def test_multiclass_and_multilabel_heads():
    multiclass = kw.tasks.text_classifier(TEXTS, 3, head="multiclass", encoder="conv1d", units=4)
    assert (
        multiclass.output_shape == (None, 3)
        and multiclass.loss.name == "sparse_categorical_crossentropy"
    )
    multilabel = kw.tasks.text_classifier(TEXTS, 4, head="multilabel", encoder="gru", units=4)
    assert multilabel.get_layer("head").activation.__name__ == "sigmoid"


def test_auto_applies_the_samples_to_words_rule():
    short_and_few = ["tiny text here"] * 100  # 100 samples / 3 words: ratio 33
    assert kw.tasks.choose_text_encoder(short_and_few) == "bag_of_ngrams"
    many = ["one two"] * 4000  # 4000 / 2 = 2000 > 1500
    assert kw.tasks.choose_text_encoder(many) == "conv1d"
    model = kw.tasks.text_classifier(short_and_few, encoder="auto", units=4)
    assert model.get_layer("vectorize").get_config()["output_mode"] == "tf_idf"


def test_non_string_input_is_refused_before_training():
    with pytest.raises(DataError, match="a text model takes strings. Received: int64 at index 0"):
        kw.tasks.text_classifier(np.array([1, 2, 3]))
    with pytest.raises(DataError, match="takes strings. Received: float at index 1"):
        kw.data.pipeline((np.array(["ok", 2.5], dtype=object), np.array([0, 1])), 2)


def test_empty_text_list_is_refused():
    with pytest.raises(DataError, match="the list of texts is empty"):
        kw.tasks.text_classifier([])
    with pytest.raises(DataError, match="a single string; wrap it in a list"):
        kw.tasks.text_classifier("one review")


def test_unknown_encoder_and_bad_arguments():
    with pytest.raises(
        ValueError,
        match=r"Invalid value for argument `encoder`. Expected one of \['auto', 'conv1d'",
    ):
        kw.tasks.text_classifier(TEXTS, encoder="rnn")
    with pytest.raises(ValueError, match="Invalid value for argument `head`"):
        kw.tasks.text_classifier(TEXTS, head="regression")
    with pytest.raises(ValueError, match="Invalid value for argument `sequence_length`"):
        kw.tasks.text_classifier(TEXTS, sequence_length=0)


def test_average_ensemble_round_trips(tmp_path):
    models = [
        kw.tasks.text_classifier(TEXTS, encoder=encoder, units=4, name=encoder)
        for encoder in ("bag_of_ngrams", "conv1d")
    ]
    ensemble = kw.tasks.average_ensemble(models, "binary")
    probe = np.array(["great value"], dtype=object)
    expected = np.mean([m.predict(probe, verbose=0) for m in models], axis=0)
    np.testing.assert_allclose(ensemble.predict(probe, verbose=0), expected, rtol=1e-5)
    ensemble.save(tmp_path / "ensemble.keras")
    np.testing.assert_allclose(
        keras.models.load_model(tmp_path / "ensemble.keras").predict(probe, verbose=0),
        expected,
        rtol=1e-5,
    )
    with pytest.raises(ValueError, match="their names must differ"):
        kw.tasks.average_ensemble([models[0], models[0]], "binary")
