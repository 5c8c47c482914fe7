"""Text as token ids for language modelling: a `Vocabulary` of characters or words adapted on
the training text, and `next_token_windows`, the tf.data pipeline of (tokens, next tokens).
"""

from __future__ import annotations

import collections
import re
from collections.abc import Sequence

import numpy as np
import tensorflow as tf

from keras_walk.arguments import positive_int
from keras_walk.data.epochs import shuffle_by_epoch

__all__ = ["LEVELS", "UNKNOWN", "Vocabulary", "next_token_windows"]

LEVELS = ("character", "word")
UNKNOWN = "[UNK]"
# Words (with an inner apostrophe: "nation's") and single punctuation marks are tokens.
_WORD = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
_NO_SPACE_BEFORE = re.compile(r" ([.,;:!?%)\]}'\"])")
_NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")


class Vocabulary(Sequence):
    """Characters or words of a training text, most frequent first, id 0 for unknown ones.

    Keras's `TextVectorization` / `StringLookup` would map strings to ids inside a graph,
    but generating text goes back and forth between ids and text one token at a time in
    Python; a dict each way does both exactly, keeps newlines and punctuation, and encodes
    the 10 million characters of a corpus in about a second.

    Args:
        tokens: the vocabulary in id order, `UNKNOWN` first (as `get_vocabulary()` returns).
        level: `"character"` or `"word"`.
        lowercase: whether text is lowercased before it is split (word level).

    Examples:

        >>> vocabulary = Vocabulary.adapt("the cat sat on the mat", level="character")
        >>> vocabulary.decode(vocabulary.encode("the dog"))
        'the [UNK]o[UNK]'
        >>> Vocabulary.adapt("The cat sat. The cat ran.", level="word").encode("the dog sat.")
        array([1, 0, 4, 3], dtype=int32)
    """

    def __init__(self, tokens, level: str = "character", lowercase: bool = False):
        if level not in LEVELS:
            raise ValueError(
                f"Invalid value for argument `level`. Expected one of {list(LEVELS)}. "
                f"Received: level={level!r}"
            )
        tokens = list(tokens)
        if not tokens or tokens[0] != UNKNOWN or len(set(tokens)) != len(tokens):
            raise ValueError(
                f"Invalid vocabulary: expected distinct tokens with {UNKNOWN!r} first. "
                f"Received {len(tokens)} tokens starting with {tokens[:3]!r}"
            )
        self.level = level
        self.lowercase = lowercase
        self._tokens = tokens
        self._ids = {token: index for index, token in enumerate(tokens)}

    @classmethod
    def adapt(
        cls, text: str, level: str = "character", max_tokens: int | None = None,
        lowercase: bool | None = None,
    ) -> Vocabulary:  # fmt: skip
        """The tokens of `text`, most frequent first (ties in first-seen order), at most
        `max_tokens` of them counting `UNKNOWN`. `lowercase` defaults to True for words."""
        if not isinstance(text, str) or not text:
            raise ValueError(
                "Invalid value for argument `text`. Expected a non-empty string (the training "
                f"text). Received: {type(text).__name__} {str(text)[:40]!r}"
            )
        if lowercase is None:
            lowercase = level == "word"
        splitter = cls([UNKNOWN], level, lowercase)
        counts = collections.Counter(splitter.split(text))
        adapted_tokens = counts.total()
        counts.pop(UNKNOWN, None)
        limit = None if max_tokens is None else max(max_tokens - 1, 1)
        vocabulary = cls([UNKNOWN, *(t for t, _ in counts.most_common(limit))], level, lowercase)
        vocabulary.adapted_tokens = adapted_tokens  # the training text's length in tokens
        return vocabulary

    def split(self, text: str) -> list[str]:
        """Tokens of `text`: its characters, or its words and punctuation marks."""
        if self.lowercase:
            text = text.lower()
        return list(text) if self.level == "character" else _WORD.findall(text)

    def encode(self, text: str) -> np.ndarray:
        """Token ids of `text` as an int32 array; unknown tokens are 0."""
        ids = self._ids
        return np.fromiter((ids.get(token, 0) for token in self.split(text)), dtype=np.int32)

    def decode(self, ids) -> str:
        """Text of token ids: characters joined as they are; words joined by spaces, with no
        space before closing punctuation."""
        tokens = [self._tokens[int(index)] for index in np.asarray(ids).reshape(-1)]
        if self.level == "character":
            return "".join(tokens)
        return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", " ".join(tokens)))

    def get_vocabulary(self) -> list[str]:
        return list(self._tokens)

    def __getitem__(self, index):
        """The token of id `index` (a sequence of tokens, like `get_vocabulary()`)."""
        return self._tokens[index]

    def __len__(self) -> int:
        return len(self._tokens)

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} {self.level} tokens)"


def next_token_windows(
    ids,
    sequence_length: int,
    batch_size: int = 64,
    *,
    shuffle: bool = False,
    seed: int | None = None,
    drop_remainder: bool | None = None,
) -> tf.data.Dataset:
    """Batches of `(tokens, next_tokens)`, each `(batch, sequence_length)`, for a language model.

    The ids are cut into consecutive, non-overlapping windows of `sequence_length + 1`
    tokens sharing their edge token; the target is the window shifted by one. The windows
    stay in memory (`cache`), are reshuffled every epoch with `shuffle`, and batches are
    prefetched.

    Args:
        ids: 1-D token ids (`Vocabulary.encode(text)`).
        sequence_length: tokens per window.
        batch_size: windows per batch.
        shuffle: reshuffle the windows every epoch (training).
        seed: seed of the shuffle.
        drop_remainder: drop a last, smaller batch; defaults to `shuffle` (training batches
            keep one shape).

    Examples:

        >>> dataset = next_token_windows(np.arange(11), sequence_length=5, batch_size=2)
        >>> [(x.tolist(), y.tolist()) for x, y in dataset.as_numpy_iterator()]
        [([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]], [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])]
    """
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(
            "Invalid value for argument `ids`. Expected a 1-D array of integer token ids "
            f"(Vocabulary.encode(text)). Received: shape {ids.shape}, dtype {ids.dtype}"
        )
    if ids.size and ids.min() < 0:
        raise ValueError(
            "Invalid value for argument `ids`: token ids are indices into a vocabulary, >= 0. "
            f"Received: {int((ids < 0).sum())} negative id(s), the first {int(ids[ids < 0][0])}"
        )
    sequence_length = positive_int("sequence_length", sequence_length)
    batch_size = positive_int("batch_size", batch_size)
    count = (len(ids) - 1) // sequence_length
    if count < 1:
        raise ValueError(
            f"Invalid value for argument `ids`: the text is too short: {len(ids)} tokens make "
            f"no window of sequence_length={sequence_length} + 1 tokens."
        )
    end = count * sequence_length
    inputs = ids[:end].reshape(count, sequence_length).astype(np.int32)
    targets = ids[1 : end + 1].reshape(count, sequence_length).astype(np.int32)
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets)).cache()
    if shuffle:
        dataset = shuffle_by_epoch(dataset, count, seed)
    if drop_remainder is None:
        drop_remainder = shuffle
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
