"""DCGAN: `gan` and the `GAN` Task it returns.

Two networks play a game (Goodfellow et al. 2014): the generator turns random codes into
images, the discriminator tells real images from generated ones. Each step trains the
discriminator on a real and a generated batch, then the generator to make the
discriminator call its images real. The architecture is DCGAN's (Radford et al. 2016):
transposed convolutions with batch norm and ReLU up, strided convolutions with leaky ReLU
down, Adam at 2e-4 with beta_1 = 0.5.

Stabilizer: **one-sided label smoothing** (Salimans et al. 2016): the discriminator's
target for real images is `1 - label_smoothing` instead of 1, so it is never rewarded for
being certain, and its gradients to the generator do not vanish. Generated images keep
target 0 (smoothing those too would reward the generator for bad images).

The Task's functional graph is the whole game: codes (and labels) -> generator ->
discriminator -> logit, so that one `.keras` file holds both networks and the optimizer
state (one Adam whose slots cover both networks; each step applies it to one network's
variables at a time).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from keras_walk.arguments import in_range, positive_int
from keras_walk.layers.blocks import padding_to_multiple
from keras_walk.layers.fused_batch_norm import FusedBatchNormalization
from keras_walk.tasks.building import builder
from keras_walk.tasks.generative_inputs import (
    check_generator_shape,
    check_num_images,
    sampling_labels,
    to_uint8,
)
from keras_walk.tasks.generator import ImageGenerator

__all__ = ["GAN", "gan"]


def _generator(image_shape, latent_dim, filters, num_labels):
    height, width, channels = image_shape
    scale = 2 ** len(filters)
    # Sides that are not multiples of `scale`: start from the rounded-up map and crop the
    # last upsampling's extra rows and columns, so any image size works.
    crop = padding_to_multiple((height, width), scale, at_end=True)
    rows, columns = -(-height // scale), -(-width // scale)
    codes = keras.Input((latent_dim,), name="codes")
    inputs = [codes]
    x = codes
    if num_labels:
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        embedded = layers.Embedding(num_labels, latent_dim, name="label_embedding")(labels)
        x = layers.Concatenate(name="coded_labels")([codes, embedded])
    x = layers.Dense(rows * columns * filters[-1], use_bias=False, name="project")(x)
    x = FusedBatchNormalization(name="project_bn")(x)
    x = layers.ReLU(name="project_relu")(x)
    x = layers.Reshape((rows, columns, filters[-1]), name="maps")(x)
    for index, count in enumerate(reversed(filters[:-1])):
        x = layers.Conv2DTranspose(count, 4, strides=2, padding="same", use_bias=False,
                                   name=f"up{index + 1}")(x)  # fmt: skip
        x = FusedBatchNormalization(name=f"up{index + 1}_bn")(x)
        x = layers.ReLU(name=f"up{index + 1}_relu")(x)
    images = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", activation="tanh",
                                    dtype="float32", name="pixels")(x)  # fmt: skip
    if crop is not None:
        images = layers.Cropping2D(crop, dtype="float32", name="crop")(images)
    return keras.Model(inputs, images, name="generator")


def _discriminator(image_shape, filters, num_labels, dropout):
    height, width, _ = image_shape
    images = keras.Input(image_shape, name="images")
    inputs = [images]
    x = images
    if num_labels:  # the label as one more channel, as keras-io's conditional GAN does
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        plane = layers.Embedding(num_labels, height * width, name="label_plane")(labels)
        plane = layers.Reshape((height, width, 1), name="label_channel")(plane)
        x = layers.Concatenate(name="labelled_images")([x, plane])
    for index, count in enumerate(filters):
        x = layers.Conv2D(count, 4, strides=2, padding="same", name=f"down{index + 1}")(x)
        x = layers.LeakyReLU(0.2, name=f"down{index + 1}_lrelu")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    logit = layers.Dense(1, dtype="float32", name="logit")(x)
    return keras.Model(inputs, logit, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_walk")
class GAN(ImageGenerator):
    """A DCGAN, an `ImageGenerator`: `fit(images)` (or `fit(images, labels)` when
    class-conditional), then `generate(num_images, labels=..., seed=...)`. Build one with
    `gan(...)`.

    `generator` and `discriminator` are its two networks; its graph holds both: `predict`
    on `{"codes"[, "labels"]}` gives the discriminator's logit for the images generated
    from those codes.
    """

    _noun = "GAN"
    _renamed_arguments = {"input_shape": "image_shape"}  # files saved before the families

    def __init__(
        self,
        image_shape,
        num_labels: int | None = None,
        latent_dim: int = 64,
        filters=(64, 128),
        label_smoothing: float = 0.1,
        dropout: float = 0.3,
        class_names=None,
        training_data: str | None = None,
        compile_defaults: dict | None = None,
        **kwargs,
    ):
        image_shape = tuple(int(d) for d in image_shape)
        generator = _generator(image_shape, latent_dim, tuple(filters), num_labels)
        discriminator = _discriminator(image_shape, tuple(filters), num_labels, dropout)
        inputs = {"codes": keras.Input((latent_dim,), name="codes")}
        if num_labels:
            inputs["labels"] = keras.Input((), dtype="int32", name="labels")
        conditioning = [inputs["labels"]] if num_labels else []
        fake = generator([inputs["codes"], *conditioning])
        logit = discriminator([fake, *conditioning])
        super().__init__(
            inputs, logit, image_shape=image_shape, num_labels=num_labels,
            class_names=class_names, training_data=training_data,
            compile_defaults=compile_defaults, **kwargs,
        )  # fmt: skip
        self.latent_dim = latent_dim
        self.filters = tuple(filters)
        self.label_smoothing = float(label_smoothing)
        self.dropout = dropout
        self.generator_loss_tracker = keras.metrics.Mean(name="generator_loss")
        self.discriminator_loss_tracker = keras.metrics.Mean(name="discriminator_loss")
        self.real_accuracy_tracker = keras.metrics.Mean(name="real_accuracy")

    @property
    def generator(self) -> keras.Model:
        """Codes (and labels, when class-conditional) -> images in [-1, 1]."""
        return self.get_layer("generator")

    @property
    def discriminator(self) -> keras.Model:
        """Images in [-1, 1] (and labels, when class-conditional) -> the logit of "real"."""
        return self.get_layer("discriminator")

    @property
    def metrics(self):
        return [
            self.discriminator_loss_tracker, self.generator_loss_tracker,
            self.real_accuracy_tracker,
        ]  # fmt: skip

    def compile(self, optimizer="auto", loss="auto", metrics="auto", **kwargs):
        """`Task.compile` (the discriminator's cross-entropy on logits, the builder's
        optimizer). The optimizer is built at once over both networks, so that its state
        saves with them."""
        super().compile(optimizer, loss, metrics=[], **kwargs)
        self.optimizer.build(self.trainable_variables)

    def _auto_loss_and_metrics(self) -> tuple:
        # What `train_step` computes itself (`discriminator_loss`); the trackers report it.
        return keras.losses.BinaryCrossentropy(from_logits=True), []

    # --- Training ----------------------------------------------------------------------

    def _graph_batch(self, data_batch):
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data_batch)
        batch = tf.shape(images)[0]
        inputs = {"codes": tf.random.normal((batch, self.latent_dim))}
        if self.conditional:
            inputs["labels"] = tf.cast(labels, "int32")
        return inputs, tf.ones((batch, 1))

    def _logits(self, images, labels, training):
        conditioning = [labels] if self.conditional else []
        return self.discriminator([images, *conditioning], training=training)

    def _fakes(self, batch, labels, training):
        codes = tf.random.normal((batch, self.latent_dim))
        conditioning = [labels] if self.conditional else []
        return self.generator([codes, *conditioning], training=training)

    def _loss(self, targets, logits):
        # Mean over this replica's batch, divided by the replicas whose gradients are summed.
        losses = keras.losses.binary_crossentropy(targets, logits, from_logits=True)
        return tf.reduce_mean(losses) / tf.distribute.get_strategy().num_replicas_in_sync

    def discriminator_loss(self, real_logits, fake_logits):
        """Binary cross-entropy with one-sided label smoothing: real images towards
        `1 - label_smoothing`, generated ones towards 0 (per replica, see `_loss`)."""
        real_targets = tf.fill(tf.shape(real_logits), 1.0 - self.label_smoothing)
        return self._loss(real_targets, real_logits) + self._loss(
            tf.zeros_like(fake_logits), fake_logits
        )

    def _real_batch(self, data):
        # (images[, labels]) -> real images in [-1, 1], int32 labels (or None), batch size.
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        real = tf.cast(images, "float32") / 127.5 - 1.0
        batch = tf.shape(real)[0]
        if self.conditional:
            labels = tf.reshape(tf.cast(labels, "int32"), (batch,))
        return real, labels, batch

    def train_step(self, data):
        real, labels, batch = self._real_batch(data)
        # The discriminator: real images towards 1 - smoothing, generated ones towards 0.
        fakes = self._fakes(batch, labels, training=True)
        with tf.GradientTape() as tape:
            real_logits = self._logits(real, labels, training=True)
            fake_logits = self._logits(fakes, labels, training=True)
            discriminator_loss = self.discriminator_loss(real_logits, fake_logits)
        variables = self.discriminator.trainable_variables
        self.optimizer.apply_gradients(
            zip(tape.gradient(discriminator_loss, variables), variables, strict=True)
        )
        # The generator: make the discriminator call its images real.
        with tf.GradientTape() as tape:
            logits = self._logits(self._fakes(batch, labels, training=True), labels, training=True)
            generator_loss = self._loss(tf.ones_like(logits), logits)
        variables = self.generator.trainable_variables
        self.optimizer.apply_gradients(
            zip(tape.gradient(generator_loss, variables), variables, strict=True)
        )
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        self.discriminator_loss_tracker.update_state(discriminator_loss * replicas)
        self.generator_loss_tracker.update_state(generator_loss * replicas)
        self.real_accuracy_tracker.update_state(tf.reduce_mean(tf.cast(real_logits > 0, "float32")))
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        real, labels, batch = self._real_batch(data)
        real_logits = self._logits(real, labels, training=False)
        fake_logits = self._logits(self._fakes(batch, labels, training=False), labels, False)
        self.discriminator_loss_tracker.update_state(
            self._loss(tf.ones_like(real_logits), real_logits)
            + self._loss(tf.zeros_like(fake_logits), fake_logits)
        )
        self.generator_loss_tracker.update_state(self._loss(tf.ones_like(fake_logits), fake_logits))
        self.real_accuracy_tracker.update_state(tf.reduce_mean(tf.cast(real_logits > 0, "float32")))
        return {m.name: m.result() for m in self.metrics}

    # --- Sampling ----------------------------------------------------------------------

    def generate(self, num_images: int, labels=None, seed: int | None = None,
                 batch_size: int = 500) -> np.ndarray:  # fmt: skip
        """New uint8 images from seeded codes (the same seed, the same images).

        Args:
            num_images: how many.
            labels: for a class-conditional GAN, one class (index or name) for all images or
                one per image; `None` draws the classes at random (seeded too).
            seed: the same seed gives the same images.
            batch_size: images generated at once.

        Examples:

            >>> model = gan((8, 8, 1), 3, latent_dim=4, filters=(4, 8))
            >>> model.generate(2, labels=1, seed=0).shape
            (2, 8, 8, 1)
        """
        check_num_images(num_images)
        rng = np.random.default_rng(seed)
        codes = rng.standard_normal((num_images, self.latent_dim)).astype("float32")
        labels = sampling_labels(labels, num_images, self.num_labels, self.class_names, self._noun)
        if self.conditional and labels is None:
            labels = rng.integers(0, self.num_labels, num_images).astype("int32")
        inputs = [codes] if labels is None else [codes, labels]
        pixels = self.generator.predict(inputs, batch_size=batch_size, verbose=0)
        return to_uint8((pixels + 1.0) * 127.5)


@builder(default_head="adversarial (cross-entropy on logits)", heads=())
def gan(
    input_shape,
    num_classes: int | None = None,
    *,
    class_names=None,
    latent_dim: int = 64,
    filters=(64, 128),
    label_smoothing: float = 0.1,
    dropout: float = 0.3,
    beta_1: float = 0.5,
    name: str = "gan",
) -> GAN:
    """A compiled DCGAN: `fit(images)` or `fit(images, labels)`, then
    `generate(num_images, labels=..., seed=...)`.

    Args:
        input_shape: `(height, width, channels)`, any size: the generator crops what its
            transposed convolutions make beyond the image.
        num_classes: classes to condition on (`None`: unconditional).
        class_names: names of those classes, for `generate(labels=...)`.
        latent_dim: size of the random codes.
        filters: discriminator filters per stride-2 conv (the generator mirrors them).
        label_smoothing: one-sided: the discriminator's target for real images is
            `1 - label_smoothing`.
        dropout: before the discriminator's logit.
        beta_1: Adam's first-moment decay (DCGAN: 0.5; Keras's 0.9 makes GANs oscillate).
            With the default `optimizer="auto"` the GAN trains both networks with DCGAN's
            Adam: learning rate 2e-4, this `beta_1`.
        name: the model's name.

    Examples:

        >>> model = gan((28, 28, 1), 10, latent_dim=16)
        >>> model.num_labels, model.generator.output_shape, model.discriminator.output_shape
        (10, (None, 28, 28, 1), (None, 1))
    """
    latent_dim = positive_int("latent_dim", latent_dim)
    input_shape = check_generator_shape(input_shape, "input_shape", num_classes)
    if not 0 <= label_smoothing < 0.5:
        raise ValueError(
            "Invalid value for argument `label_smoothing`. Expected a number in [0, 0.5). "
            f"Received: label_smoothing={label_smoothing}"
        )
    beta_1 = in_range("beta_1", beta_1, 0, 1)
    return GAN(
        input_shape, num_classes, latent_dim, tuple(filters), label_smoothing, dropout,
        class_names=class_names, name=name,
        compile_defaults={"optimizer": "adam", "learning_rate": 2e-4, "beta_1": beta_1},
    )  # fmt: skip
