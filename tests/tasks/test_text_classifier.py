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
    with pytest.raises(
        DataError, match="a text model takes strings in `train_texts`. Received: int64 at index 0"
    ):
        kw.tasks.text_classifier(np.array([1, 2, 3]))
    with pytest.raises(DataError, match="takes strings in `data`. Received: float at index 1"):
        kw.data.pipeline((np.array(["ok", 2.5], dtype=object), np.array([0, 1])), 2)


def test_empty_text_list_is_refused():
    with pytest.raises(DataError, match="`train_texts` is empty"):
        kw.tasks.text_classifier([])
    with pytest.raises(DataError, match="a single string; wrap it in a list"):
        kw.tasks.text_classifier("one review")


def test_unknown_encoder_and_bad_arguments():
    with pytest.raises(
        ValueError,
        match=r"Invalid value for argument `encoder`. Expected one of \['auto', 'bag_of_ngrams', .*'conv1d'.*\]. Received: encoder='rnn'",
    ):
        kw.tasks.text_classifier(TEXTS, encoder="rnn")
    with pytest.raises(ValueError, match="Invalid value for argument `head`"):
        kw.tasks.text_classifier(TEXTS, head="regression")
    with pytest.raises(ValueError, match="Invalid value for argument `sequence_length`"):
        kw.tasks.text_classifier(TEXTS, sequence_length=0)
    with pytest.raises(ValueError, match="takes a text classifier built with `encoder='pretr"):
        kw.tasks.token_lengths(kw.tasks.text_classifier(TEXTS, units=4), TEXTS)


def test_average_ensemble_round_trips(tmp_path):
    models = [
        kw.tasks.text_classifier(TEXTS, encoder=encoder, units=4, name=encoder)
        for encoder in ("bag_of_ngrams", "conv1d")
    ]
    ensemble = kw.tasks.average_ensemble(models)
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
        kw.tasks.average_ensemble([models[0], models[0]])


@pytest.fixture(scope="module")
def tiny_bert_preset(tmp_path_factory):
    """A one-layer BERT with random weights, saved as a keras-hub preset directory."""
    import keras_hub

    words = sorted({word.strip(",") for text in TEXTS for word in text.split()})
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", *words]
    path = tmp_path_factory.mktemp("tiny_bert")
    keras_hub.models.BertBackbone(
        vocabulary_size=len(vocabulary), num_layers=1, num_heads=2, hidden_dim=16,
        intermediate_dim=32, max_sequence_length=64,
    ).save_to_preset(path)  # fmt: skip
    keras_hub.models.BertTokenizer(vocabulary, lowercase=True).save_to_preset(path)
    return str(path)


def test_pretrained_encoder_fine_tunes_and_round_trips(tiny_bert_preset, tmp_path):
    model = kw.tasks.text_classifier(
        TEXTS, encoder="pretrained", preset=tiny_bert_preset, sequence_length=16,
        dropout=0.0, learning_rate=3e-3, seed=0,
    )  # fmt: skip
    assert model.input.dtype == "string"
    history = model.fit(
        kw.data.pipeline((TEXTS, LABELS), 16, shuffle=True, sortish=True, seed=0),
        epochs=6,
        verbose=0,
    )
    assert history.history["loss"][-1] < history.history["loss"][0] / 2
    assert history.history["accuracy"][-1] > 0.9
    model.save(tmp_path / "pretrained.keras")
    loaded = keras.models.load_model(tmp_path / "pretrained.keras")  # no preset needed
    probe = np.array(["great snack", "words it never saw"], dtype=object)
    np.testing.assert_allclose(
        loaded.predict(probe, verbose=0), model.predict(probe, verbose=0), rtol=1e-5
    )
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) > 0


def test_pretrained_prediction_does_not_depend_on_the_batch(tiny_bert_preset):
    # Batches are trimmed to their longest text: a short text must score the same alone
    # as next to a long one (the padding is masked out, not averaged in).
    model = kw.tasks.text_classifier(
        TEXTS, encoder="pretrained", preset=tiny_bert_preset, sequence_length=32
    )
    short = np.array(["great value"], dtype=object)
    batch = np.array(["great value", " ".join(TEXTS[:4])], dtype=object)
    np.testing.assert_allclose(
        model.predict(short, verbose=0)[0], model.predict(batch, verbose=0)[0], atol=1e-5
    )


def test_pretrained_default_is_minilm_offline():
    model = kw.tasks.text_classifier(TEXTS, encoder="pretrained", sequence_length=32)
    assert model.get_layer("preprocessor").tokenizer.vocabulary_size() == 30_522
    assert 22_000_000 < model.count_params() < 23_000_000
    assert model.optimizer.learning_rate.numpy() == pytest.approx(5e-5)  # fine-tuning rate
    assert model.predict(TEXTS[:2], verbose=0).shape == (2, 1)


def test_pretrained_preset_must_have_a_bert_tokenizer(tmp_path):
    import keras_hub

    keras_hub.models.GPT2Backbone(
        vocabulary_size=4, num_layers=1, num_heads=2, hidden_dim=8, intermediate_dim=16,
        max_sequence_length=16,
    ).save_to_preset(tmp_path)  # fmt: skip
    keras_hub.models.GPT2Tokenizer(
        vocabulary={"<|endoftext|>": 0, "a": 1, "b": 2, "ab": 3}, merges=["a b"]
    ).save_to_preset(tmp_path)
    with pytest.raises(ValueError, match="takes BERT-family presets"):
        kw.tasks.text_classifier(TEXTS, encoder="pretrained", preset=str(tmp_path))
