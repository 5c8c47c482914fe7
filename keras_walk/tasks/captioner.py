"""`image_captioner`: images in, sentences out, as a `Task`.

An image encoder (the project's convnet) turns the image into a grid of feature vectors; a
decoder writes the caption one word at a time, each word chosen from the image and the
words before it (Vinyals et al. 2015; Xu et al. 2015):

* `decoder="transformer"`: keras-hub's `TransformerDecoder`, whose cross-attention reads
  the image's grid of features at every word;
* `decoder="gru"`: a GRU whose initial state is the image's vector (the flattened grid
  through a dense layer: the "show and tell" captioner of the teaching material).

The vocabulary is a `TextVectorization` adapted on the training captions and kept in the
model's config, so a reloaded `.keras` file writes the same captions. Two ids beyond it
mark a caption's start and end (keras-hub's `StartEndPacker` adds them). `caption`
decodes greedily or by beam search (keras-hub's `GreedySampler` / `BeamSampler`).

Examples:

    >>> from keras_walk.tasks.backbones import basic_convnet
    >>> images = np.random.default_rng(0).integers(0, 256, (4, 16, 16, 1), "uint8")
    >>> model = image_captioner(images, ["a bag", "a red coat", "a bag", "a coat"],
    ...                         backbone=lambda shape: basic_convnet(shape, (4, 8)),
    ...                         embedding_dim=8, units=8)
    >>> model.max_caption_words, model.vocabulary[:3]
    (3, ['', '[UNK]', 'a'])
    >>> len(model.caption(images[:2], method="beam", beam_width=2))
    2
"""

from __future__ import annotations

import keras
import keras_hub
import numpy as np
import tensorflow as tf
from keras import layers

from keras_walk import heads
from keras_walk.arguments import is_integer, positive_int
from keras_walk.data.augment import augmentation_layer
from keras_walk.data.epochs import shuffle_by_epoch
from keras_walk.metrics.captions import caption_metrics
from keras_walk.tasks.backbones import BACKBONES, get_backbone
from keras_walk.tasks.building import builder
from keras_walk.tasks.generative_inputs import checked_images
from keras_walk.tasks.image_text_inputs import (
    check_captions,
    checked_pair_dataset,
    checked_pairs,
    pairs_input_shape,
)
from keras_walk.tasks.sequence_generator import SequenceGenerator

__all__ = ["DECODERS", "ImageCaptioner", "image_captioner"]

DECODERS = ("transformer", "gru")
PAD = 0


@keras.saving.register_keras_serializable(package="keras_walk")
class ImageCaptioner(SequenceGenerator):
    """An image encoder and a caption decoder, a `SequenceGenerator`; build one with
    `image_captioner(images, captions)`. `fit(images, captions)` trains it;
    `caption(images)` (its `generate`) writes captions; `predict` on
    `{"images", "token_ids"}` gives the next word's probabilities at each position."""

    def __init__(self, inputs, outputs, name=None, *, vocabulary, max_caption_words: int,
                 standardize="lower_and_strip_punctuation", **kwargs):  # fmt: skip
        super().__init__(inputs, outputs, name=name, **kwargs)
        self.vocabulary = [str(word) for word in vocabulary]
        self.max_caption_words = int(max_caption_words)
        self.standardize = standardize
        self.start_id, self.end_id = len(self.vocabulary), len(self.vocabulary) + 1
        # Not a layer of the graph (it runs in the input pipeline), so not saved as one:
        # rebuilt from the vocabulary in the config.
        object.__setattr__(self, "_tokenize", layers.TextVectorization(
            standardize=standardize, vocabulary=self.vocabulary[2:], ragged=True,
        ))  # fmt: skip
        object.__setattr__(self, "_pack", keras_hub.layers.StartEndPacker(
            self.max_caption_words + 2, start_value=self.start_id, end_value=self.end_id,
            pad_value=PAD,
        ))  # fmt: skip
        object.__setattr__(self, "_samplers", {})

    @property
    def image_encoder(self) -> keras.Model:
        """Images -> a sequence of feature vectors (the grid of the backbone's map)."""
        return self.get_layer("image_encoder")

    @property
    def decoder(self) -> keras.Model:
        """(image features, token ids so far) -> the next word's probabilities."""
        return self.get_layer("caption_decoder")

    @property
    def image_shape(self) -> tuple:
        return tuple(self.image_encoder.input_shape[1:])

    # --- What it is fed ----------------------------------------------------------------

    def token_ids(self, captions) -> np.ndarray:
        """`captions` as packed ids `(n, max_caption_words + 2)`: start, words, end, pad."""
        captions = check_captions(captions)
        return self._pack(self._tokenize(tf.constant(captions.astype(str)))).numpy()

    def _teacher_forcing(self, images, captions):
        # The decoder reads the caption up to each word and predicts that word; padding
        # after the end carries no weight.
        packed = self._pack(self._tokenize(captions))
        targets = packed[:, 1:]
        inputs = {"images": images, "token_ids": packed[:, :-1]}
        return inputs, targets, tf.cast(targets != PAD, "float32")

    def _model_inputs(self, x):
        if not (isinstance(x, dict) and {"images", "token_ids"} <= set(x)):
            raise ValueError(
                "Invalid input for `predict`: a captioner's graph reads `{'images', "
                "'token_ids'}` and gives the next word's probabilities at each position. To "
                "write captions for images, call `caption(images)`."
            )
        return {"images": checked_images(x["images"], self.image_shape),
                "token_ids": np.asarray(x["token_ids"], "int32")}  # fmt: skip

    def _checked(self, x, y):
        if isinstance(x, dict):  # the graph's own inputs (Keras's fit evaluating validation)
            return x, y
        return self._caption_batches(x, y, batch_size=32, shuffle=False, seed=None), None

    def _caption_batches(self, x, y, batch_size, shuffle, seed) -> tf.data.Dataset:
        """Teacher-forced batches from `(images, captions)` arrays or a batched dataset of
        them (passed through when it is teacher-forced already)."""
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if isinstance(spec, tuple) and isinstance(spec[0], dict) and "token_ids" in spec[0]:
                return x  # already teacher-forced (Keras's fit evaluating validation)
            checked_pair_dataset(x, self.image_shape)
            return x.map(self._teacher_forcing, num_parallel_calls=tf.data.AUTOTUNE)
        images, captions = checked_pairs(x, y, self.image_shape, "captioner")
        dataset = tf.data.Dataset.from_tensor_slices((images, captions.astype(str)))
        if shuffle:
            dataset = shuffle_by_epoch(dataset, len(images), seed)
        dataset = dataset.batch(batch_size).map(
            self._teacher_forcing, num_parallel_calls=tf.data.AUTOTUNE
        )
        return dataset.prefetch(tf.data.AUTOTUNE)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, *args, shuffle=True,
            seed=None, **kwargs):  # fmt: skip
        """Keras's `fit` on `(images, captions)` (arrays: batched and, by default,
        shuffled here) or a batched dataset of `(images, captions)`."""
        batches = self._caption_batches(x, y, positive_int("batch_size", batch_size or 32),
                                         shuffle, seed)  # fmt: skip
        return super().fit(batches, None, None, epochs, *args, shuffle=False, **kwargs)

    def evaluate(self, x=None, y=None, batch_size=None, **kwargs):
        """Loss and token accuracy (the next word right, given the true words before)."""
        batches = self._caption_batches(x, y, positive_int("batch_size", batch_size or 32),
                                        False, None)  # fmt: skip
        return super().evaluate(batches, **kwargs)

    def score(self, x, y, *, batch_size: int | None = None, method: str = "greedy",
              beam_width: int = 3) -> dict:  # fmt: skip
        """Test metrics of captions written for images `x` against their captions `y`
        (one per image, or a list per image): BLEU-1..4, CIDEr and exact match
        (`keras_walk.metrics.caption_metrics`), and the next word's `token_accuracy`
        given the true words before."""
        logs = self.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
        written = self.caption(x, method=method, beam_width=beam_width)
        return {**caption_metrics(y, written), "token_accuracy": float(logs["accuracy"])}

    # --- Writing captions --------------------------------------------------------------

    def generate(self, images, method: str = "greedy", beam_width: int = 3,
                 batch_size: int = 128) -> list[str]:  # fmt: skip
        """One caption per image (`caption` is the same method).

        Args:
            images: uint8 images shaped like the training images.
            method: `"greedy"` (the likeliest next word every time) or `"beam"` (keeps the
                `beam_width` likeliest partial captions and returns the likeliest whole).
            beam_width: partial captions kept by beam search.
            batch_size: images captioned at once.
        """
        if method not in ("greedy", "beam"):
            raise ValueError(
                "Invalid value for argument `method`. Expected 'greedy' or 'beam'. "
                f"Received: method={method!r}"
            )
        if not is_integer(beam_width) or beam_width < 1:
            raise ValueError(
                "Invalid value for argument `beam_width`. Expected an integer >= 1. "
                f"Received: beam_width={beam_width!r}"
            )
        images = checked_images(images, self.image_shape)
        generate = self._generator(method, beam_width)
        captions = []
        for start in range(0, len(images), batch_size):
            features = self.image_encoder(images[start : start + batch_size], training=False)
            captions += [self._words(ids) for ids in generate(features).numpy()]
        return captions

    caption = generate  # what a captioner's `generate` writes

    def _words(self, ids) -> str:
        words = []
        for token in ids[1:]:
            if token in (self.end_id, PAD):
                break
            words.append(self.vocabulary[token])
        return " ".join(words)

    def _generator(self, method, beam_width):
        key = (method, beam_width)
        if key not in self._samplers:
            sampler = (
                keras_hub.samplers.GreedySampler()
                if method == "greedy"
                else keras_hub.samplers.BeamSampler(num_beams=beam_width)
            )
            length = self.max_caption_words + 1
            # Words that may follow: never padding, the start or the unknown word; after
            # the end only padding, at no cost, so a finished beam keeps its score.
            banned = np.zeros(self.end_id + 1, "float32")
            banned[[PAD, 1, self.start_id]] = -1e9
            after_end = np.full(self.end_id + 1, -1e9, "float32")
            after_end[PAD] = 0.0

            def next_word(prompt, features, index):
                probabilities = self.decoder(
                    {"image_features": features, "token_ids": prompt}, training=False
                )[:, index - 1, :]
                logits = tf.math.log(tf.maximum(probabilities, 1e-9)) + banned
                ended = tf.reduce_any(
                    (prompt[:, 1:] == self.end_id) & (tf.range(1, length) < index), axis=1
                )
                return tf.where(ended[:, None], after_end, logits), None, features

            def generate(features):
                count = tf.shape(features)[0]
                prompt = tf.concat(
                    [tf.fill((count, 1), self.start_id), tf.zeros((count, length - 1), "int32")],
                    axis=1,
                )
                return sampler(
                    next_word, prompt, cache=features, index=1,
                    stop_token_ids=(self.end_id,),
                )  # fmt: skip

            self._samplers[key] = tf.function(generate, reduce_retracing=True)
        return self._samplers[key]


def _image_features(input_shape, backbone, embedding_dim, rescale, augment, seed):
    """Images -> (positions, embedding_dim): the backbone's map as a sequence of vectors."""
    inputs = keras.Input(input_shape, name="images")
    x = inputs
    augmentation = augmentation_layer(augment, seed=seed)
    if augmentation is not None:
        x = augmentation(x)
    x = layers.Rescaling(rescale, name="rescale")(x) if rescale is not None else x
    x = get_backbone(backbone, input_shape)(x)
    if len(x.shape) != 4:
        raise ValueError(
            "Invalid value for argument `backbone`: a captioner reads the backbone's feature "
            f"map (batch, height, width, channels). Received: shape {tuple(x.shape)}"
        )
    x = layers.Reshape((-1, x.shape[-1]), name="grid_to_sequence")(x)
    x = layers.Dense(embedding_dim, activation="relu", name="project")(x)
    return keras.Model(inputs, x, name="image_encoder")


def _decoder(feature_shape, decoder, vocabulary_size, length, embedding_dim, units,
             num_heads, dropout):  # fmt: skip
    """(image features, token ids) -> next-word probabilities at every position."""
    features = keras.Input(feature_shape, name="image_features")
    token_ids = keras.Input((length,), dtype="int32", name="token_ids")
    if decoder == "transformer":
        x = keras_hub.layers.TokenAndPositionEmbedding(
            vocabulary_size, length, embedding_dim, mask_zero=True, name="embedding"
        )(token_ids)
        x = keras_hub.layers.TransformerDecoder(
            units, num_heads, dropout=dropout, name="transformer_decoder"
        )(x, features)
    else:
        # The whole grid, flattened: pooling it would forget where things are.
        state = layers.Dense(units, activation="tanh", name="initial_state")(
            layers.Flatten(name="flatten")(features)
        )
        x = layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True, name="embedding")(
            token_ids
        )
        x = layers.GRU(units, return_sequences=True, dropout=dropout, name="gru")(
            x, initial_state=state
        )
    if dropout:
        x = layers.Dropout(dropout, name="dropout")(x)
    outputs = heads.dense_head(x, "multiclass", vocabulary_size)
    return keras.Model({"image_features": features, "token_ids": token_ids}, outputs,
                       name="caption_decoder")  # fmt: skip


@builder(default_head="the next word (cross-entropy)", heads=(), encoders=(*BACKBONES, *DECODERS))
def image_captioner(
    images,
    captions,
    *,
    decoder: str = "transformer",
    backbone="basic_convnet",
    embedding_dim: int = 128,
    units: int = 256,
    num_heads: int = 4,
    dropout: float = 0.1,
    max_tokens: int = 10_000,
    max_caption_words: int | None = None,
    standardize: str | None = "lower_and_strip_punctuation",
    rescale: float | None = 1.0 / 255,
    augment=None,
    seed: int | None = None,
    strategy=None,
    name: str = "image_captioner",
) -> ImageCaptioner:
    """A compiled image captioner: `fit(images, captions)`, then `caption(images)`.

    Args:
        images: training images (uint8 `(n, height, width, channels)`) or their shape.
        captions: the training captions: the vocabulary is adapted on them.
        decoder: `"transformer"` (keras-hub `TransformerDecoder` cross-attending to the
            image's feature grid) or `"gru"` (the image's vector as its initial state).
        backbone: a name of `keras_walk.tasks.backbones`, a `keras.Model` of feature maps
            or a callable `input_shape -> keras.Model`.
        embedding_dim: size of the word and image-feature vectors.
        units: the transformer's feed-forward width, or the GRU's units.
        num_heads: attention heads of the transformer.
        dropout: dropout in the decoder.
        max_tokens: largest vocabulary (the most frequent words).
        max_caption_words: longest caption written (`None`: the longest training caption).
        standardize: `TextVectorization`'s standardization of captions.
        rescale: multiply pixels by this first.
        augment: image augmentation in training (a preset name or a Keras layer).
        seed: seed of the augmentation.
        name: the model's name.
    """
    if decoder not in DECODERS:
        raise ValueError(
            f"Invalid value for argument `decoder`. Expected one of {list(DECODERS)}. "
            f"Received: decoder={decoder!r}"
        )
    captions, input_shape = pairs_input_shape(images, captions)
    vectorize = layers.TextVectorization(max_tokens=max_tokens, standardize=standardize)
    vectorize.adapt(captions.astype(str))
    vocabulary = vectorize.get_vocabulary()
    if max_caption_words is None:
        max_caption_words = int(max(len(ids) for ids in vectorize(captions.astype(str)).numpy()))
    vocabulary_size = len(vocabulary) + 2  # and the start and end ids
    with strategy.scope():
        encoder = _image_features(input_shape, backbone, embedding_dim, rescale, augment, seed)
        caption_decoder = _decoder(
            encoder.output_shape[1:], decoder, vocabulary_size, max_caption_words + 1,
            embedding_dim, units, num_heads, dropout,
        )  # fmt: skip
        inputs = {
            "images": keras.Input(input_shape, name="images"),
            "token_ids": keras.Input((max_caption_words + 1,), dtype="int32", name="token_ids"),
        }
        outputs = caption_decoder(
            {"image_features": encoder(inputs["images"]), "token_ids": inputs["token_ids"]}
        )
        task = ImageCaptioner(
            inputs, outputs, name=name, input_kind="image_text", vocabulary=vocabulary,
            max_caption_words=max_caption_words, standardize=standardize,
        )  # fmt: skip
        return task
