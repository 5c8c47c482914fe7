"""`text_classifier`: raw strings in, class probabilities out: a compiled `Task`.

Its encoders: `"conv1d"` (two conv-pool blocks + global max pooling), `"lstm"`, `"gru"`,
`"bilstm"` (bidirectional LSTM), `"transformer"` (keras-hub `TokenAndPositionEmbedding` +
`TransformerEncoder` + average pooling), `"bag_of_ngrams"` (TF-IDF of 1- to `ngrams`-grams
into a dense layer, no embedding), and `"pretrained"`: a pretrained BERT-family backbone
from `preset`, fine-tuned (at a learning rate of 5e-5 unless one is given) as its
WordPiece tokenizer -> backbone -> masked average pooling.
"""

from __future__ import annotations

import keras
import keras_hub
import numpy as np
import tensorflow as tf
from keras import layers

from keras_walk import heads
from keras_walk.arguments import one_of, positive_int, rate
from keras_walk.data.checks import check_texts
from keras_walk.data.pretrained import list_pretrained, pretrained_preset
from keras_walk.layers import BertVocabularyTokenizer, TrimPadding
from keras_walk.layers.encoders import encode_sequence
from keras_walk.tasks.building import CLASSIFIER_DEFAULT, builder
from keras_walk.tasks.conventions import removed_arguments
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["ENCODERS", "choose_text_encoder", "text_classifier", "token_lengths"]

ENCODERS = (
    "auto", "conv1d", "lstm", "gru", "bilstm", "transformer", "bag_of_ngrams", "pretrained",
)  # fmt: skip
_SEQUENCE_ENCODERS = ("conv1d", "lstm", "gru", "bilstm", "transformer")
DEFAULT_PRESET = "all_minilm_l6_v2"
# Chollet, Deep Learning with Python (2nd ed.), 11.3.3: below this ratio of samples to
# words per sample, a bag of bigrams beats sequence models.
SAMPLES_TO_WORDS_THRESHOLD = 1500


def choose_text_encoder(texts) -> str:
    """Chollet's rule: `"bag_of_ngrams"` when samples / median words per sample < 1,500,
    else a sequence model (`"conv1d"`).

    Examples:

        >>> choose_text_encoder(["a short review", "another one"] * 100)
        'bag_of_ngrams'
    """
    texts = check_texts(texts)
    words = float(np.median([len(text.split()) for text in texts])) or 1.0
    return "bag_of_ngrams" if len(texts) / words < SAMPLES_TO_WORDS_THRESHOLD else "conv1d"


@removed_arguments("one_hot_labels", "num_labels")
@builder(default_head=CLASSIFIER_DEFAULT, heads=heads.CLASSIFIER_HEADS, encoders=ENCODERS)
def text_classifier(
    train_texts,
    num_classes: int = 2,
    *,
    head: str | None = None,
    encoder="conv1d",
    class_names=None,
    max_tokens: int = 20_000,
    sequence_length: int = 256,
    ngrams: int = 2,
    standardize: str | None = "lower_and_strip_punctuation",
    embedding_dim: int = 128,
    units: int = 64,
    num_heads: int = 4,
    preset: str = DEFAULT_PRESET,
    dropout: float = 0.5,
    strategy=None,
    seed: int | None = None,
    name: str = "text_classifier",
) -> SupervisedTask:
    """A compiled text classifier: `TextVectorization` -> embedding -> encoder -> head.

    Args:
        train_texts: the training split's texts, to adapt the vocabulary (and IDF weights).
        num_classes: number of classes or labels (`multilabel`).
        head: a classifier head of `keras_walk.heads` (default: `binary` for 2 classes).
        encoder: one of `ENCODERS` (see the module), `"auto"` (`choose_text_encoder`), or
            your own Keras layer, model or callable applied to the embedded tokens
            `(batch, sequence_length, embedding_dim)`.
        class_names: names of the classes in label order (`predict_labels` returns them).
        max_tokens: vocabulary size (words, or n-grams for `bag_of_ngrams`).
        sequence_length: tokens kept per text (padded or truncated); `ngrams`: the largest
            n-gram of `bag_of_ngrams`.
        standardize: `TextVectorization`'s standardization (`"lower"` keeps "!" and "?").
        embedding_dim: size of the token embeddings.
        units: width of the encoder (filters, RNN units, feed-forward or dense layer).
        num_heads: attention heads of the transformer.
        preset: the `"pretrained"` encoder's checkpoint: a name of
            `keras_walk.data.list_pretrained()` or a keras-hub `from_preset` handle with a
            BERT tokenizer; only `sequence_length` of the options above applies to it.
        dropout: dropout before the head, seeded by `seed`.
        name: the model's name.

    Returns:
        A compiled `Task` on raw strings; it saves with its vocabulary and compile state.

    Examples:

        >>> model = text_classifier(["great taste", "awful, stale"], encoder="bag_of_ngrams")
        >>> model.predict(["great"], verbose=0).shape
        (1, 1)
    """
    if isinstance(encoder, str):
        one_of("encoder", encoder, ENCODERS)
    head = heads.chosen_head(head, num_classes, what="text")
    max_tokens, sequence_length, ngrams, units = (
        positive_int(argument, value)
        for argument, value in (("max_tokens", max_tokens), ("sequence_length", sequence_length),
                                ("ngrams", ngrams), ("units", units))
    )  # fmt: skip
    dropout = rate("dropout", dropout)
    texts = check_texts(train_texts, "train_texts")
    encoder = choose_text_encoder(texts) if encoder == "auto" else encoder
    # Adapted outside the strategy's scope: a vocabulary is a lookup table, not a weight,
    # and under a MirroredStrategy its string state would be mirrored and fail to reduce.
    vectorize = None if encoder == "pretrained" else _vectorizer(
        encoder, texts, max_tokens, ngrams, standardize, sequence_length
    )  # fmt: skip
    with strategy.scope():
        inputs = keras.Input(shape=(), dtype="string", name="text")
        x = _text_features(inputs, encoder, vectorize, preset, sequence_length, embedding_dim,
                           units, num_heads)  # fmt: skip
        outputs = heads.dense_head(x, head, num_classes, dropout=dropout, seed=seed)
        # A pretrained encoder is fine-tuned at a low rate unless one is given.
        rate_default = 5e-5 if encoder == "pretrained" else None
        return SupervisedTask(
            inputs, outputs, name=name, head=head, num_classes=num_classes,
            class_names=class_names, input_kind="text",
            compile_defaults={"optimizer": "adamw", "learning_rate": rate_default},
        )  # fmt: skip


def _text_features(inputs, encoder, vectorize, preset, sequence_length, embedding_dim, units,
                   num_heads):  # fmt: skip
    """The encoder's vector of each text in `inputs` (raw strings)."""
    if encoder == "pretrained":
        return _pretrained(inputs, preset, sequence_length)
    if encoder == "bag_of_ngrams":
        return layers.Dense(units, activation="relu", name="dense")(vectorize(inputs))
    x = _embedded(vectorize(inputs), encoder, vectorize.vocabulary_size(), sequence_length,
                  embedding_dim)  # fmt: skip
    return encode_sequence(x, encoder, units=units, num_heads=num_heads, allowed=_SEQUENCE_ENCODERS)


def _vectorizer(encoder, texts, max_tokens, ngrams, standardize, sequence_length):
    """`TextVectorization` adapted on the training texts: TF-IDF n-grams or token ids."""
    if encoder == "bag_of_ngrams":
        options = {"ngrams": ngrams, "output_mode": "tf_idf"}
    else:
        options = {"output_mode": "int", "output_sequence_length": sequence_length}
    vectorize = layers.TextVectorization(
        max_tokens=max_tokens, standardize=standardize, name="vectorize", **options
    )
    vectorize.adapt(texts)
    return vectorize


def _embedded(token_ids, encoder, vocabulary_size, sequence_length, dim):
    """Token ids -> vectors: with positions for the transformer; masked padding for the
    recurrent encoders (the convnet has no use for a mask)."""
    if encoder == "transformer":
        return keras_hub.layers.TokenAndPositionEmbedding(
            vocabulary_size, sequence_length, dim, mask_zero=True, name="embedding"
        )(token_ids)
    mask_zero = isinstance(encoder, str) and encoder in ("lstm", "gru", "bilstm")
    return layers.Embedding(vocabulary_size, dim, mask_zero=mask_zero, name="embedding")(token_ids)


def token_lengths(model: SupervisedTask, texts) -> np.ndarray:
    """Tokens per text as a `pretrained` text classifier packs them: its WordPiece tokens,
    plus `[CLS]` and `[SEP]`, capped at its `sequence_length`. Pass them as
    `keras_walk.data.pipeline(..., sortish=lengths)` to batch texts of similar length.

    Examples:

        >>> texts = ["great", "great taste and great value"]
        >>> model = text_classifier(texts, encoder="pretrained", sequence_length=6)
        >>> token_lengths(model, texts).tolist()
        [3, 6]
    """
    try:
        preprocessor = model.get_layer("preprocessor")
    except ValueError:
        raise ValueError(
            "`token_lengths` takes a text classifier built with `encoder='pretrained'`. "
            f"Received: a model with no preprocessor layer ({model.name!r})"
        ) from None
    tokens = preprocessor.tokenizer(tf.constant(check_texts(texts).astype(str)))
    counts = np.array([len(text_tokens) for text_tokens in tokens]) + 2
    return np.minimum(counts, preprocessor.sequence_length)


def _preset_path(preset: str) -> str:
    return pretrained_preset(preset) if preset in list_pretrained() else preset


def _pretrained(inputs, preset, sequence_length):
    """The preset's WordPiece tokenizer and packer -> its backbone -> average pooling."""
    path = _preset_path(preset)
    tokenizer = keras_hub.models.Tokenizer.from_preset(path)
    if not isinstance(tokenizer, keras_hub.models.BertTokenizer):
        raise ValueError(
            "Invalid value for argument `preset`. The `pretrained` encoder takes BERT-family "
            f"presets (a WordPiece `BertTokenizer`). Received: preset={preset!r} with a "
            f"{type(tokenizer).__name__}"
        )
    tokenizer = BertVocabularyTokenizer(
        vocabulary=tokenizer.get_vocabulary(), lowercase=tokenizer.lowercase, name="tokenizer"
    )
    preprocessor = keras_hub.models.BertTextClassifierPreprocessor(
        tokenizer, sequence_length=sequence_length, name="preprocessor"
    )
    packed = TrimPadding(name="trim_padding")(preprocessor(inputs))
    x = keras_hub.models.Backbone.from_preset(path)(packed)["sequence_output"]
    # Average over real tokens, as sentence-transformers pool MiniLM.
    return layers.GlobalAveragePooling1D(name="pool")(x, mask=packed["padding_mask"])
