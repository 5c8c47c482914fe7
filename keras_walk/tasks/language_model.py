"""`language_model`: a character- or word-level next-token model that writes text with
`generate(prompt, length, temperature, top_k)`."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from keras_walk import heads
from keras_walk.arguments import (
    is_integer,
    non_negative_int,
    positive_int,
    positive_number,
    rate,
)
from keras_walk.data.tokens import Vocabulary
from keras_walk.tasks.building import builder
from keras_walk.tasks.sequence_generator import SequenceGenerator

__all__ = ["LM_ENCODERS", "LanguageModel", "language_model"]

# Each position reads only itself and the past: causal networks, distinct from the
# one-vector-per-sequence encoders of `keras_walk.layers.encode_sequence`.
LM_ENCODERS = ("gru", "lstm", "causal_transformer")


@keras.saving.register_keras_serializable(package="keras_walk")
class LanguageModel(SequenceGenerator):
    """A `SequenceGenerator` from token ids `(batch, time)` to next-token probabilities
    `(batch, time, vocabulary)`, which keeps its `Vocabulary` and writes text.

    Build it with `language_model(...)`. It is a functional model (summary, plotting,
    `.keras` saving with its compile state all work as usual); its configuration holds the
    vocabulary, so a reloaded model generates the same text.
    """

    def __init__(
        self,
        vocabulary: list[str],
        level: str = "character",
        lowercase: bool = False,
        encoder: str = "gru",
        sequence_length: int = 100,
        embedding_dim: int = 64,
        units: int = 256,
        num_layers: int = 1,
        num_heads: int = 4,
        dropout: float = 0.0,
        seed: int | None = None,
        training_data: str | None = None,
        compile_defaults: dict | None = None,
        **kwargs,
    ):
        _check_encoder(encoder)
        import keras_hub

        vocab = Vocabulary(vocabulary, level, lowercase)
        # === Functional Model ===
        inputs = keras.Input((None,), dtype="int32", name="token_ids")
        if encoder == "causal_transformer":
            x = keras_hub.layers.TokenAndPositionEmbedding(
                len(vocab), sequence_length, embedding_dim, name="embedding"
            )(inputs)
            for index in range(num_layers):
                # With no encoder sequence, TransformerDecoder masks attention causally:
                # each position sees itself and the past only.
                x = keras_hub.layers.TransformerDecoder(
                    units, num_heads, dropout=dropout, name=f"decoder_{index + 1}"
                )(x)
        else:
            x = layers.Embedding(len(vocab), embedding_dim, name="embedding")(inputs)
            rnn = layers.GRU if encoder == "gru" else layers.LSTM
            for index in range(num_layers):
                x = rnn(units, return_sequences=True, name=f"{encoder}_{index + 1}")(x)
                if dropout:
                    x = layers.Dropout(dropout, seed=seed, name=f"dropout_{index + 1}")(x)
        outputs = heads.dense_head(x, "multiclass", len(vocab), name="next_token")
        super().__init__(
            inputs, outputs, input_kind="tokens", training_data=training_data,
            compile_defaults=compile_defaults, **kwargs,
        )  # fmt: skip
        self.vocabulary = vocab
        self.level = level
        self.lowercase = lowercase
        self.encoder = encoder
        self.sequence_length = sequence_length
        self.embedding_dim = embedding_dim
        self.units = units
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.dropout = dropout
        self.seed = seed
        self._next_probabilities = None

    def encode(self, text: str) -> np.ndarray:
        """Token ids of `text` (unknown tokens are 0)."""
        return self.vocabulary.encode(text)

    def decode(self, ids) -> str:
        """Text of token ids."""
        return self.vocabulary.decode(ids)

    def generate(
        self,
        prompt: str,
        length: int = 200,
        temperature: float = 1.0,
        top_k: int | None = None,
        seed: int | None = None,
    ) -> str:
        """The prompt followed by `length` sampled tokens.

        Each next token is drawn from the model's probabilities given the last
        `sequence_length` tokens, sharpened or flattened by `temperature` (0 picks the
        most likely token every time) and, with `top_k`, restricted to the k most likely.
        The unknown token is never drawn.

        Examples:

            >>> model = language_model("abcabcabc", sequence_length=4, units=8)
            >>> model.generate("ab", length=5, temperature=0.0, seed=0)[:2]
            'ab'
        """
        ids = list(self._check_generate(prompt, length, temperature, top_k))
        if self._next_probabilities is None:
            # One traced graph for every context length: a Python loop calling the model
            # eagerly would re-dispatch each layer at every token.
            self._next_probabilities = tf.function(
                lambda context: self(context, training=False)[:, -1, :],
                input_signature=[tf.TensorSpec((1, None), tf.int32)],
                autograph=False,
            )
        rng = np.random.default_rng(seed)
        for _ in range(length):
            context = np.asarray([ids[-self.sequence_length :]], dtype=np.int32)
            probabilities = self._next_probabilities(context).numpy()[0].astype(np.float64)
            ids.append(_sample(probabilities, temperature, top_k, rng))
        if not length:
            return prompt
        continuation = self.decode(ids[len(ids) - length :])
        joiner = " " if self.vocabulary.level == "word" and continuation[0].isalnum() else ""
        return prompt + joiner + continuation

    def _check_generate(self, prompt, length, temperature, top_k):
        if not isinstance(prompt, str) or not prompt:
            raise ValueError(
                "Invalid value for argument `prompt`. Expected a non-empty string. "
                f"Received: prompt={prompt!r}"
            )
        length = non_negative_int("length", length)
        temperature = positive_number("temperature", temperature, zero=True)
        if top_k is not None and (not is_integer(top_k) or top_k < 1):
            raise ValueError(
                "Invalid value for argument `top_k`. Expected None or an integer >= 1. "
                f"Received: top_k={top_k!r}"
            )
        ids = self.encode(prompt)
        if len(ids) == 0:
            raise ValueError(
                f"The prompt {prompt!r} has no {self.vocabulary.level} tokens; "
                "give at least one word or character."
            )
        return ids


def _check_encoder(encoder) -> None:
    if encoder not in LM_ENCODERS:
        raise ValueError(
            f"Invalid value for argument `encoder`. Expected one of {list(LM_ENCODERS)}. "
            f"Received: encoder={encoder!r}"
        )


def _sample(probabilities, temperature, top_k, rng) -> int:
    # Temperature and top-k sampling over one probability vector, in NumPy: keras-hub's
    # samplers are built for its own CausalLM caches, not for a plain Keras model.
    log_p = np.log(np.maximum(probabilities, 1e-30))
    log_p[0] = -np.inf  # the unknown token
    if top_k is not None and top_k < len(log_p):
        log_p[log_p < np.partition(log_p, -top_k)[-top_k]] = -np.inf
    if temperature == 0:
        return int(np.argmax(log_p))
    scaled = (log_p - log_p.max()) / temperature
    weights = np.exp(scaled)
    return int(rng.choice(len(weights), p=weights / weights.sum()))


@builder(default_head="the next token (cross-entropy)", heads=(), encoders=LM_ENCODERS)
def language_model(
    text: str,
    *,
    level: str = "character",
    encoder: str = "gru",
    max_tokens: int | None = None,
    lowercase: bool | None = None,
    sequence_length: int = 100,
    embedding_dim: int = 64,
    units: int = 256,
    num_layers: int = 1,
    num_heads: int = 4,
    dropout: float = 0.0,
    seed: int | None = None,
    name: str = "language_model",
) -> LanguageModel:
    """A compiled next-token model whose vocabulary is adapted on `text` (training text only).
    It trains with AdamW at a learning rate of 2e-3 unless `learning_rate` is given.

    Args:
        text: the training text; its characters or words make the vocabulary.
        level: `"character"` (default) or `"word"` (words and punctuation marks).
        encoder: `"gru"` (default), `"lstm"`, or `"causal_transformer"` (keras-hub
            `TokenAndPositionEmbedding` + causal `TransformerDecoder` blocks).
        max_tokens: vocabulary size (default: every character; 10,000 words).
        lowercase: lowercase the text first (default: for words, not for characters).
        sequence_length: context length in tokens: the windows to train on and the context
            `generate` reads (the transformer's largest position).
        embedding_dim: size of the token embeddings (the transformer's width).
        units: RNN units, or the transformer's feed-forward width.
        num_layers: stacked RNN layers or transformer blocks.
        num_heads: attention heads of the transformer.
        dropout: dropout after each RNN layer, or inside the transformer blocks.
        seed: seed of the dropout layers.
        name: the model's name.

    Returns:
        A compiled `LanguageModel`: a functional model from token ids to next-token
        probabilities (the heads table's `multiclass` head over the vocabulary) with
        `encode`, `decode` and `generate`.

    Examples:

        >>> model = language_model("to be or not to be", sequence_length=8, units=16)
        >>> model.generate("to", length=5, temperature=0.0)[:2]
        'to'
    """
    _check_encoder(encoder)  # before adapting a vocabulary on millions of characters
    sequence_length, embedding_dim, units, num_layers, num_heads = (
        positive_int(argument, value)
        for argument, value in (("sequence_length", sequence_length),
                                ("embedding_dim", embedding_dim), ("units", units),
                                ("num_layers", num_layers), ("num_heads", num_heads))
    )  # fmt: skip
    dropout = rate("dropout", dropout)
    vocabulary = Vocabulary.adapt(
        text, level, max_tokens=max_tokens or (10_000 if level == "word" else None),
        lowercase=lowercase,
    )  # fmt: skip
    if vocabulary.adapted_tokens <= sequence_length:
        raise ValueError(
            f"Invalid value for argument `text`: its {vocabulary.adapted_tokens} tokens are too few for one "
            f"training window of sequence_length={sequence_length} + 1. Give more text or "
            "a shorter sequence_length."
        )
    model = LanguageModel(
        vocabulary.get_vocabulary(), level=level, lowercase=vocabulary.lowercase,
        encoder=encoder, sequence_length=sequence_length, embedding_dim=embedding_dim,
        units=units, num_layers=num_layers, num_heads=num_heads, dropout=dropout,
        seed=seed, name=name, compile_defaults={"optimizer": "adamw", "learning_rate": 2e-3},
    )  # fmt: skip
    return model
