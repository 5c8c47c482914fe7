import keras
import numpy as np
import pytest

import keras_walk as kw

TEXT = "the quick brown fox jumps over the lazy dog. " * 40


def _trained(encoder, epochs=30):
    model = kw.tasks.language_model(
        TEXT, encoder=encoder, sequence_length=16, embedding_dim=32, units=64,
        learning_rate=1e-2, seed=0,
    )  # fmt: skip
    windows = kw.data.next_token_windows(
        model.encode(TEXT), 16, batch_size=16, shuffle=True, seed=0
    )
    history = model.fit(windows, epochs=epochs, verbose=0)
    return model, history.history["loss"]


@pytest.mark.parametrize("encoder", ["gru", "causal_transformer"])
def test_model_learns_a_text_and_writes_it_back(encoder):
    model, loss = _trained(encoder)
    assert loss[-1] < 0.3 * loss[0]
    written = model.generate("the quick", length=35, temperature=0.0)
    assert written == "the quick brown fox jumps over the lazy dog."
    assert model.generate("the quick", length=35, top_k=1, temperature=1.5) == written


def test_saved_model_generates_the_same_text_and_keeps_training(tmp_path):
    model, _ = _trained("gru", epochs=3)
    model.save(tmp_path / "lm.keras")
    loaded = keras.models.load_model(tmp_path / "lm.keras")
    assert isinstance(loaded, kw.tasks.LanguageModel)
    assert loaded.vocabulary.get_vocabulary() == model.vocabulary.get_vocabulary()
    ids = model.encode(TEXT[:64]).reshape(4, 16)
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0))
    assert loaded.generate("the", 40, seed=3) == model.generate("the", 40, seed=3)
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) > 0
    windows = kw.data.next_token_windows(model.encode(TEXT), 16, batch_size=16)
    np.testing.assert_allclose(
        loaded.evaluate(windows, verbose=0), model.evaluate(windows, verbose=0), rtol=1e-6
    )
    loaded.fit(windows, epochs=1, verbose=0)


@pytest.mark.parametrize("encoder", ["gru", "lstm", "causal_transformer"])
def test_next_token_probabilities_depend_on_the_past_only(encoder):
    model = kw.tasks.language_model(TEXT, encoder=encoder, sequence_length=12, units=16)
    ids = model.encode(TEXT[:12])[None]
    changed = ids.copy()
    changed[0, 8:] = model.encode("zzzz")
    before, after = model.predict(ids, verbose=0), model.predict(changed, verbose=0)
    assert before.shape == (1, 12, len(model.vocabulary))
    np.testing.assert_allclose(before[:, :8], after[:, :8], atol=1e-6)
    assert not np.allclose(before[:, 8:], after[:, 8:])
    np.testing.assert_allclose(before.sum(-1), 1.0, rtol=1e-5)


def test_word_level_model_writes_words():
    model = kw.tasks.language_model(TEXT, level="word", sequence_length=8, units=16)
    assert model.vocabulary.get_vocabulary()[:3] == ["[UNK]", "the", "quick"]
    written = model.generate("The lazy", length=6, seed=0)
    assert written.startswith("The lazy ") and len(written.split()) >= 7
    assert "[UNK]" not in written


def test_sampling_is_reproducible_and_temperature_spreads_it():
    model, _ = _trained("gru", epochs=2)
    assert model.generate("the", 60, temperature=1.0, seed=1) == model.generate(
        "the", 60, temperature=1.0, seed=1
    )
    cold = {model.generate("the", 20, temperature=0.0, seed=s) for s in range(4)}
    hot = {model.generate("the", 20, temperature=2.0, seed=s) for s in range(4)}
    assert len(cold) == 1 and len(hot) == 4


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"prompt": ""}, "non-empty string"),
        ({"prompt": 12}, "non-empty string"),
        ({"prompt": "the", "length": -1}, "integer >= 0"),
        ({"prompt": "the", "temperature": -0.5}, "number >= 0"),
        ({"prompt": "the", "top_k": 0}, "None or an integer >= 1"),
    ],
)
def test_bad_generation_arguments_are_refused(kwargs, message):
    model = kw.tasks.language_model(TEXT, sequence_length=8, units=8)
    with pytest.raises(ValueError, match=message):
        model.generate(**kwargs)


def test_a_prompt_with_no_words_is_refused():
    model = kw.tasks.language_model(TEXT, level="word", sequence_length=8, units=8)
    with pytest.raises(ValueError, match="has no word tokens"):
        model.generate("   ", length=3)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"encoder": "bert"},
            ValueError,
            r"Expected one of \['gru', 'lstm', 'causal_transformer'\]",
        ),
        ({"level": "byte"}, ValueError, r"Expected one of \['character', 'word'\]"),
        ({"sequence_length": 0}, ValueError, "sequence_length=0"),
    ],
)
def test_bad_builder_arguments_are_refused(kwargs, error, message):
    with pytest.raises(error, match=message):
        kw.tasks.language_model(TEXT, **kwargs)


@pytest.mark.parametrize("text", [["a", "list"], "", None])
def test_training_text_must_be_a_string(text):
    with pytest.raises(ValueError, match="non-empty string"):
        kw.tasks.language_model(text)
