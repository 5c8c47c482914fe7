"""`dual_encoder`: CLIP-style image and text towers trained to agree, as a `Task`.

Two towers map images and captions into one space of L2-normalized vectors; training pulls
each image towards its own caption and away from every other caption of the batch (the
in-batch negatives), and each caption likewise (Radford et al. 2021). Once trained:

* `encode_images` / `encode_texts` give the vectors;
* `search(queries, gallery, k)` finds the `k` best images for texts, or texts for images;
* `zero_shot_classifier(class_names)` turns the image tower and one caption per class
  ("a photo of a {}") into an image classifier that never saw a label;
* `retrieval_metrics(images, captions)` reports recall@k and median rank both ways.

Examples:

    >>> from keras_walk.tasks.backbones import basic_convnet
    >>> images = np.random.default_rng(0).integers(0, 256, (8, 16, 16, 1), "uint8")
    >>> captions = ["a bag", "a coat", "a shirt", "a sandal"] * 2
    >>> model = dual_encoder(images, captions, backbone=lambda shape: basic_convnet(shape, (4,)),
    ...                      projection_dim=8, embedding_dim=8, units=8)
    >>> model.encode_texts(["a bag"]).shape
    (1, 8)
    >>> model.search(["a coat"], images, k=3).indices.shape
    (1, 3)
"""

from __future__ import annotations

import keras
import keras_hub
import numpy as np
import tensorflow as tf
from keras import layers

from keras_walk import heads
from keras_walk.arguments import one_of
from keras_walk.data.augment import augmentation_layer
from keras_walk.data.checks import check_texts
from keras_walk.layers.contrastive import CONTRASTIVE_LOSSES, ContrastiveLogits, unit_embedding
from keras_walk.layers.encoders import encode_sequence
from keras_walk.losses import check_contrastive_batch
from keras_walk.metrics.retrieval import retrieval_metrics
from keras_walk.tasks.backbones import BACKBONES, get_backbone
from keras_walk.tasks.building import builder, compile_task
from keras_walk.tasks.embedder import Embedder, SearchResults, are_vectors
from keras_walk.tasks.generative_inputs import checked_images
from keras_walk.tasks.image_text_inputs import (
    check_captions,
    checked_pair_dataset,
    checked_pairs,
    pairs_input_shape,
)
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["DualEncoder", "SearchResults", "dual_encoder", "image_encoder"]

TEXT_ENCODERS = ("transformer", "conv1d", "gru", "lstm", "bilstm")
_POOLING = {"avg": layers.GlobalAveragePooling2D, "flatten": layers.Flatten}


def image_encoder(input_shape, backbone="basic_convnet", *, pooling: str = "flatten",
                  projection_dim: int = 128, rescale: float | None = 1.0 / 255,
                  augment=None, seed: int | None = None,
                  name: str = "image_encoder") -> keras.Model:  # fmt: skip
    """Images -> L2-normalized vectors: [augment] -> rescale -> backbone -> pooling ->
    linear projection.

    `pooling="flatten"` keeps where things are in the image (captions that say "to the
    left of" need it); `"avg"` forgets it. `augment` (a preset of
    `keras_walk.data.image_augmentation` or a Keras layer) acts in training only; leave
    out flips when captions say "left" and "right".

    Examples:

        >>> tower = image_encoder((16, 16, 3), projection_dim=8, pooling="avg")
        >>> vectors = tower(np.full((2, 16, 16, 3), 200.0, "float32"))
        >>> tuple(vectors.shape), np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        ((2, 8), True)
    """
    if pooling not in _POOLING:
        raise ValueError(
            f"Invalid value for argument `pooling`. Expected one of {sorted(_POOLING)}. "
            f"Received: pooling={pooling!r}"
        )
    inputs = keras.Input(input_shape, name="images")
    x = inputs
    augmentation = augmentation_layer(augment, seed=seed)
    if augmentation is not None:
        x = augmentation(x)
    x = layers.Rescaling(rescale, name="rescale")(x) if rescale is not None else x
    x = get_backbone(backbone, input_shape)(x)
    if len(x.shape) > 2:
        x = _POOLING[pooling](name="pool")(x)
    return keras.Model(inputs, unit_embedding(x, projection_dim), name=name)


def _text_encoder(vectorize, encoder, sequence_length, embedding_dim, units, num_heads,
                  projection_dim) -> keras.Model:  # fmt: skip
    """Strings -> L2-normalized vectors: the adapted `TextVectorization` -> token (and
    position) embedding -> sequence encoder -> linear projection."""
    inputs = keras.Input(shape=(), dtype="string", name="texts")
    tokens = vectorize(inputs)
    if encoder == "transformer":
        x = keras_hub.layers.TokenAndPositionEmbedding(
            vectorize.vocabulary_size(), sequence_length, embedding_dim, mask_zero=True,
            name="embedding",
        )(tokens)  # fmt: skip
    else:
        x = layers.Embedding(
            vectorize.vocabulary_size(), embedding_dim, mask_zero=encoder != "conv1d",
            name="embedding",
        )(tokens)  # fmt: skip
    x = encode_sequence(x, encoder, units=units, num_heads=num_heads, allowed=TEXT_ENCODERS)
    return keras.Model(inputs, unit_embedding(x, projection_dim), name="text_encoder")


@keras.saving.register_keras_serializable(package="keras_walk")
class DualEncoder(Embedder):
    """An image tower and a text tower trained contrastively, an `Embedder`. Build one with
    `dual_encoder(images, captions)`; `fit(images, captions)` trains it; `encode` (or
    `predict`) takes images or texts."""

    @property
    def image_encoder(self) -> keras.Model:
        """The image tower: images -> unit vectors."""
        return self.get_layer("image_encoder")

    @property
    def text_encoder(self) -> keras.Model:
        """The text tower: strings -> unit vectors."""
        return self.get_layer("text_encoder")

    @property
    def image_shape(self) -> tuple:
        return tuple(self.image_encoder.input_shape[1:])

    # --- What it is fed ----------------------------------------------------------------

    def _checked(self, x, y):
        if isinstance(x, tf.data.Dataset):
            return self._pairs_dataset(x), None
        if isinstance(x, dict):  # the graph's own inputs (Keras's fit evaluating validation)
            x, y = x.get("images"), x.get("texts")
        images, captions = checked_pairs(x, y, self.image_shape, "dual encoder")
        check_contrastive_batch(len(images))
        return {"images": images, "texts": captions}, np.zeros(len(images), "float32")

    def _pairs_dataset(self, dataset: tf.data.Dataset) -> tf.data.Dataset:
        if isinstance(dataset.element_spec, dict):
            dataset = dataset.map(lambda pair: (pair["images"], pair["texts"]))
        check_contrastive_batch(checked_pair_dataset(dataset, self.image_shape))
        return dataset.map(
            lambda images, texts: (
                {"images": images, "texts": texts}, tf.zeros(tf.shape(texts)[:1], "float32")
            ),
            num_parallel_calls=tf.data.AUTOTUNE,
        )  # fmt: skip

    def fit(self, x=None, y=None, batch_size=None, *args, **kwargs):
        """Keras's `fit` on `(images, captions)` (arrays) or a batched dataset of pairs."""
        check_contrastive_batch(batch_size)
        return super().fit(x, y, batch_size, *args, **kwargs)

    # --- Using it ----------------------------------------------------------------------

    def encode_images(self, images, batch_size: int = 256) -> np.ndarray:
        """Unit vectors of `images` (uint8 pixels, the training images' shape)."""
        images = checked_images(images, self.image_shape)
        return self.image_encoder.predict(images, batch_size=batch_size, verbose=0)

    def encode_texts(self, texts, batch_size: int = 256) -> np.ndarray:
        """Unit vectors of `texts` (a list of strings)."""
        texts = check_texts(texts)
        return self.text_encoder.predict(
            tf.constant(texts.astype(str)), batch_size=batch_size, verbose=0
        )

    def encode(self, x, batch_size: int = 256) -> np.ndarray:
        """Unit vectors of `x`: texts (a string or a list of them) or images."""
        return (
            self.encode_texts(x, batch_size) if _are_texts(x) else self.encode_images(x, batch_size)
        )

    def search(self, queries, gallery, k: int = 5) -> SearchResults:
        """The `k` gallery items most similar to each query: texts -> images (`queries`
        strings, `gallery` images) or images -> texts. Either side may also be the float
        vectors `encode_images` or `encode_texts` returned: a large gallery is encoded once
        and searched many times.

        Raises:
            ValueError: `k` < 1 or larger than the gallery, or queries and gallery of the
                same kind.
        """
        kinds = {_kind(queries), _kind(gallery)}
        if len(kinds) == 1 and kinds != {"vectors"}:
            raise ValueError(
                f"Invalid arguments: `queries` and `gallery` are both {kinds.pop()}. Search "
                "texts in images or images in texts."
            )
        return super().search([queries] if isinstance(queries, str) else queries, gallery, k)

    def score(self, images, captions, ks=(1, 5, 10)) -> dict:
        """Test metrics: recall@k and median rank of text -> image and image -> text search
        over these pairs (`retrieval_metrics` is the same method). Pairs with the same
        caption count as matches of each other."""
        captions = check_captions(captions)
        image_vectors, text_vectors = self.encode_images(images), self.encode_texts(captions)
        if len(image_vectors) != len(text_vectors):
            raise ValueError(
                f"Invalid input data: {len(image_vectors)} images but {len(text_vectors)} "
                "captions. Expected one caption per image."
            )
        ids = captions.astype(str)
        return {
            "text_to_image": retrieval_metrics(text_vectors, image_vectors, ids, ids, ks),
            "image_to_text": retrieval_metrics(image_vectors, text_vectors, ids, ids, ks),
        }

    retrieval_metrics = score

    def zero_shot_classifier(self, class_names, template="a photo of a {}",
                             name: str = "zero_shot_classifier") -> SupervisedTask:  # fmt: skip
        """An image classifier `Task` made from the image tower and one caption per class,
        `template.format(name)`: its head's weights are the captions' vectors times the
        learnt temperature's inverse, so it predicts the class whose caption is nearest.
        It takes images like any classifier, and fine-tunes or saves like one (it has its
        own copy of the image tower).

        Args:
            class_names: the classes, in label order, as words the captions use.
            template: a caption with `{}` for the class name, or a list of them: CLIP's
                prompt ensembling averages each class's caption vectors.
            name: the classifier's name.

        Raises:
            ValueError: fewer than two class names, or a template without `{}`.
        """
        class_names = [str(c) for c in check_texts(class_names, "class_names")]
        if len(class_names) < 2:
            raise ValueError(
                "Invalid value for argument `class_names`. A classifier needs at least 2 "
                f"classes. Received: {class_names}"
            )
        templates = [template] if isinstance(template, str) else list(template)
        if not templates or any(not isinstance(t, str) or "{}" not in t for t in templates):
            raise ValueError(
                "Invalid value for argument `template`: each template needs a `{}` where the "
                f"class name goes. Received: template={template!r}"
            )
        vectors = self.encode_texts([t.format(c) for c in class_names for t in templates])
        class_vectors = vectors.reshape(len(class_names), len(templates), -1).mean(axis=1)
        class_vectors /= np.linalg.norm(class_vectors, axis=1, keepdims=True)
        scale = float(self.get_layer("contrastive_logits").scale.numpy())
        with self.distribute_strategy.scope():
            tower = keras.models.clone_model(self.image_encoder)
            tower.set_weights(self.image_encoder.get_weights())
            inputs = keras.Input(self.image_shape, name="images")
            head = "multiclass"
            outputs = heads.dense_head(tower(inputs), head, len(class_names))
            classifier = compile_task(SupervisedTask(
                inputs, outputs, name=name, head=head, num_classes=len(class_names),
                class_names=class_names, input_kind="images",
                training_data=f"zero-shot from {self.name} ({template!r})",
            ))  # fmt: skip
            classifier.get_layer(outputs._keras_history.operation.name).set_weights(
                [scale * class_vectors.T, np.zeros(len(class_names), "float32")]
            )
        return classifier


@builder(
    default_head="contrastive (matching captions)", heads=(), encoders=(*BACKBONES, *TEXT_ENCODERS)
)
def dual_encoder(
    images,
    captions,
    *,
    contrastive_loss: str = "softmax",
    backbone="basic_convnet",
    pooling: str = "flatten",
    projection_dim: int = 128,
    text_encoder: str = "transformer",
    embedding_dim: int = 128,
    units: int = 256,
    num_heads: int = 4,
    max_tokens: int = 20_000,
    sequence_length: int | None = None,
    standardize: str | None = "lower_and_strip_punctuation",
    rescale: float | None = 1.0 / 255,
    augment=None,
    seed: int | None = None,
    strategy=None,
    name: str = "dual_encoder",
) -> DualEncoder:
    """A compiled CLIP-style dual encoder: `fit(images, captions)`.

    Args:
        images: training images (uint8 `(n, height, width, channels)`) or just their shape.
        captions: the training captions: the text tower's vocabulary is adapted on them.
        contrastive_loss: `"softmax"` (CLIP's symmetric InfoNCE) or `"sigmoid"` (SigLIP).
        backbone: the image tower's backbone: a name of `keras_walk.tasks.backbones`, a
            `keras.Model` or a callable `input_shape -> keras.Model`.
        pooling: `"flatten"` (keeps positions) or `"avg"`.
        projection_dim: size of the shared embedding space.
        text_encoder: `"transformer"` (keras-hub's token-and-position embedding and
            `TransformerEncoder`), or `"conv1d"`, `"gru"`, `"lstm"`, `"bilstm"`.
        embedding_dim: size of the token embeddings.
        units: width of the text encoder (the transformer's feed-forward layer).
        num_heads: attention heads of the transformer.
        max_tokens: vocabulary size.
        sequence_length: tokens kept per caption (`None`: the longest training caption's).
        standardize: `TextVectorization`'s standardization.
        rescale: multiply pixels by this first (`None` for backbones that rescale).
        augment: image augmentation in training: `None`, a preset of
            `keras_walk.data.image_augmentation` or a Keras layer.
        seed: seed of the augmentation.
        name: the model's name.
    """
    one_of("contrastive_loss", contrastive_loss, CONTRASTIVE_LOSSES)  # before adapting
    captions, input_shape = pairs_input_shape(images, captions)
    one_of("text_encoder", text_encoder, TEXT_ENCODERS)
    if sequence_length is None:
        sequence_length = max(len(caption.split()) for caption in captions)
    # Adapted outside the strategy's scope: a vocabulary is a lookup table, not a weight.
    vectorize = layers.TextVectorization(
        max_tokens=max_tokens, standardize=standardize, output_sequence_length=sequence_length,
        name="vectorize",
    )  # fmt: skip
    vectorize.adapt(captions.astype(str))
    with strategy.scope():
        # === Towers ===
        image_tower = image_encoder(
            input_shape, backbone, pooling=pooling, projection_dim=projection_dim,
            rescale=rescale, augment=augment, seed=seed,
        )  # fmt: skip
        text_tower = _text_encoder(
            vectorize, text_encoder, sequence_length, embedding_dim, units, num_heads,
            projection_dim,
        )  # fmt: skip
        # === Functional Model ===
        inputs = {
            "images": keras.Input(input_shape, name="images"),
            "texts": keras.Input(shape=(), dtype="string", name="texts"),
        }
        logits = ContrastiveLogits(contrastive_loss, dtype="float32", name="contrastive_logits")(
            [image_tower(inputs["images"]), text_tower(inputs["texts"])]
        )
        return DualEncoder(inputs, logits, name=name, input_kind="image_text")


def _are_texts(items) -> bool:
    """Whether `items` are texts: a string, or a 1-D array or list of strings."""
    if isinstance(items, str):
        return True
    array = items if isinstance(items, np.ndarray) else np.asarray(items, dtype=object)
    return array.dtype.kind in "USO" and array.ndim == 1


def _kind(items) -> str:
    if are_vectors(items):
        return "vectors"
    return "texts" if _are_texts(items) else "images"
