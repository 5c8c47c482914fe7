"""Image autoencoders and VAEs: `autoencoder`, `vae`, and the `ImageAutoencoder` Task they
return (reconstruction, `encode` / `decode`, `anomaly_scores`, and `generate` for a VAE).

Both are a conv encoder (stride-2 convolutions, like keras-io's VAE example) and a
transposed-conv decoder. The decoder's sigmoid outputs are pixel intensities in [0, 1],
compared with the input images / 255 by binary cross-entropy (`compile("auto")`'s loss). A VAE adds the KL divergence of its codes from N(0, I), weighted by
`kl_weight`, divided by the pixel count so that it sits on the per-pixel scale of the
reconstruction loss: `kl_weight=1` is the ELBO (Kingma & Welling 2014), divided by the
pixel count.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from keras_walk.arguments import positive_int, positive_number, positive_shape
from keras_walk.data.checks import LabelError
from keras_walk.layers.blocks import padding_to_multiple
from keras_walk.tasks.building import builder
from keras_walk.tasks.generative_inputs import check_num_images, sampling_labels
from keras_walk.tasks.generator import ImageGenerator
from keras_walk.tasks.task import check_counts

__all__ = ["ImageAutoencoder", "VariationalSampling", "autoencoder", "vae"]


@keras.saving.register_keras_serializable(package="keras_walk")
class VariationalSampling(layers.Layer):
    """`z = mean + exp(log_var / 2) * noise` while training (the reparameterization trick)
    and `z = mean` at inference; adds `kl_weight * KL(q(z|x) || N(0, I)) / pixels` to the
    model's losses.

    Keras has no such layer: keras-io's VAE writes the same lines in its own example.
    """

    def __init__(self, kl_weight: float = 1.0, pixels: int = 1, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.kl_weight = float(kl_weight)
        self.pixels = int(pixels)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=None):
        mean, log_var = inputs
        kl = -0.5 * keras.ops.sum(1 + log_var - mean**2 - keras.ops.exp(log_var), axis=-1)
        self.add_loss(self.kl_weight * keras.ops.mean(kl) / self.pixels)
        if not training:
            return mean
        noise = keras.random.normal(keras.ops.shape(mean), seed=self.seed_generator)
        return mean + keras.ops.exp(0.5 * log_var) * noise

    def get_config(self):
        return {
            **super().get_config(), "kl_weight": self.kl_weight, "pixels": self.pixels,
            "seed": self.seed,
        }  # fmt: skip


@keras.saving.register_keras_serializable(package="keras_walk")
class ImageAutoencoder(ImageGenerator):
    """An image autoencoder or VAE, an (unconditional) `ImageGenerator`: uint8 images in,
    reconstructions in [0, 1] out (what `predict` returns).

    `fit(x)` needs no labels: the targets are the images themselves (scaled to [0, 1]).
    Build one with `autoencoder(...)` or `vae(...)`.
    """

    _noun = "autoencoder"
    _renamed_arguments = {"input_shape": "image_shape"}  # files saved before the families

    def __init__(
        self,
        image_shape,
        latent_dim: int = 16,
        filters=(32, 64),
        variational: bool = False,
        kl_weight: float = 1.0,
        seed: int | None = None,
        training_data: str | None = None,
        compile_defaults: dict | None = None,
        **kwargs,
    ):
        image_shape = positive_shape("image_shape", image_shape, 3, "(height, width, channels)")
        height, width, channels = image_shape
        scale = 2 ** len(filters)
        # Each stride-2 conv halves a side, rounding up; the decoder doubles back from there
        # and crops what it made beyond the image, so any size works.
        crop = padding_to_multiple((height, width), scale, at_end=True)
        rows, columns = -(-height // scale), -(-width // scale)
        # === Encoder ===
        images = keras.Input(image_shape, name="images")
        x = layers.Rescaling(1 / 255, name="rescale")(images)
        for index, count in enumerate(filters):
            x = layers.Conv2D(count, 3, strides=2, padding="same", activation="relu",
                              name=f"encoder_conv{index + 1}")(x)  # fmt: skip
        x = layers.Flatten(name="encoder_flatten")(x)
        if variational:
            mean = layers.Dense(latent_dim, name="code_mean")(x)
            log_var = layers.Dense(latent_dim, name="code_log_var")(x)
            code = VariationalSampling(kl_weight, height * width * channels, seed, name="code")(
                [mean, log_var]
            )
        else:
            code = layers.Dense(latent_dim, name="code")(x)
        # === Decoder ===
        codes = keras.Input((latent_dim,), name="codes")
        y = layers.Dense(rows * columns * filters[-1], activation="relu",
                         name="decoder_dense")(codes)  # fmt: skip
        y = layers.Reshape((rows, columns, filters[-1]), name="decoder_maps")(y)
        for index, count in enumerate(reversed(filters)):
            y = layers.Conv2DTranspose(count, 3, strides=2, padding="same", activation="relu",
                                       name=f"decoder_deconv{index + 1}")(y)  # fmt: skip
        if crop is not None:
            y = layers.Cropping2D(crop, name="decoder_crop")(y)
        pixels = layers.Conv2D(channels, 3, padding="same", activation="sigmoid",
                               dtype="float32", name="pixels")(y)  # fmt: skip
        decoder = keras.Model(codes, pixels, name="decoder")
        super().__init__(
            images, decoder(code), image_shape=image_shape, training_data=training_data,
            compile_defaults=compile_defaults, **kwargs,
        )  # fmt: skip
        self.latent_dim = latent_dim
        self.filters = tuple(filters)
        self.variational = variational
        self.kl_weight = kl_weight
        self.seed = seed

    def _auto_loss_and_metrics(self) -> tuple:
        # Pixel intensities against the images / 255 (see the module).
        return keras.losses.BinaryCrossentropy(), [keras.metrics.MeanAbsoluteError(name="mae")]

    @property
    def encoder(self) -> keras.Model:
        """images -> codes (a VAE: the means), sharing this model's layers."""
        if getattr(self, "_encoder", None) is None:
            code = self.get_layer("code_mean" if self.variational else "code").output
            # Set without Keras's attribute tracking: these layers are already this model's.
            object.__setattr__(self, "_encoder", keras.Model(self.inputs, code, name="encoder"))
        return self._encoder

    @property
    def decoder(self) -> keras.Model:
        """codes -> pixel intensities in [0, 1]."""
        return self.get_layer("decoder")

    def check_labels(self, y) -> None:
        """Raises `keras_walk.heads.LabelError` unless `y` holds intensities in [0, 1] shaped
        like the images (the targets `fit` makes from the images when given none)."""
        y = np.asarray(y)
        expected = tuple(self.output_shape[1:])
        if tuple(y.shape[1:]) != expected:
            raise LabelError(
                f"Invalid targets for the {self._noun}. Expected pixel intensities of shape "
                f"(n, {', '.join(map(str, expected))}), like the images. "
                f"Received: targets of shape {y.shape}."
            )
        if not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)):
            raise LabelError(
                f"Invalid targets for the {self._noun}. Expected finite pixel intensities "
                f"in [0, 1]. Received: dtype {y.dtype}, or NaN / inf values."
            )
        if y.size and (y.min() < 0 or y.max() > 1):
            raise LabelError(
                f"Invalid targets for the {self._noun}. Expected pixel intensities in [0, 1] "
                f"(the images / 255). Received: values from {y.min():g} to {y.max():g}."
            )

    def _checked(self, x, y):
        # The targets are the images, scaled to [0, 1]; labels that come along are dropped.
        x = self._model_inputs(x)
        if isinstance(x, tf.data.Dataset):
            return x.map(_reconstruction_pair, num_parallel_calls=tf.data.AUTOTUNE), None
        if y is None:
            return x, np.asarray(x, "float32") / 255
        y = np.asarray(y)
        check_counts(len(x), y)
        self.check_labels(y)
        return x, y

    def encode(self, images, batch_size: int = 256) -> np.ndarray:
        """The codes of `images` (a VAE: the means of their distributions)."""
        return self.encoder.predict(self._model_inputs(images), batch_size, verbose=0)

    def decode(self, codes, batch_size: int = 256) -> np.ndarray:
        """uint8 images from codes."""
        return _to_uint8(self.decoder.predict(np.asarray(codes, "float32"), batch_size, verbose=0))

    def reconstruct(self, images, batch_size: int = 256) -> np.ndarray:
        """uint8 reconstructions of `images`."""
        pixels = self.predict(images, batch_size=batch_size, verbose=0)
        return _to_uint8(pixels)

    def anomaly_scores(self, images, batch_size: int = 256) -> np.ndarray:
        """Mean squared reconstruction error per image, on the [0, 1] pixel scale: high for
        images unlike those the model was trained on."""
        images = self._model_inputs(images)
        pixels = self.predict(images, batch_size=batch_size, verbose=0)
        error = (pixels - np.asarray(images, "float32") / 255) ** 2
        return error.reshape(len(error), -1).mean(axis=1)

    def score(self, x, features=None, **options) -> dict:
        """Test metrics on images `x`: the mean `reconstruction_error` (as
        `anomaly_scores`) and, for a VAE given a feature network, how close its generated
        images are to `x` (`ImageGenerator.score`'s FID and KID; `options` go there)."""
        result = {"reconstruction_error": float(np.mean(self.anomaly_scores(x)))}
        if features is not None and self.variational:
            result.update(super().score(x, features, **options))
        return result

    def generate(self, num_images: int, labels=None, seed: int | None = None) -> np.ndarray:
        """uint8 images decoded from codes drawn from N(0, I) (VAEs only; unconditional:
        `labels` must be `None`)."""
        if not self.variational:
            raise ValueError(
                "`generate` samples the prior of a VAE; a plain autoencoder's codes follow no "
                "known distribution. Build the model with `kw.tasks.vae`."
            )
        check_num_images(num_images)
        sampling_labels(labels, num_images, None, what=self._noun)  # refuses labels
        codes = np.random.default_rng(seed).standard_normal((num_images, self.latent_dim))
        return self.decode(codes)


@builder(default_head="reconstruction (cross-entropy on pixels)", heads=())
def autoencoder(
    input_shape,
    *,
    latent_dim: int = 16,
    filters=(32, 64),
    seed: int | None = None,
    name: str = "autoencoder",
) -> ImageAutoencoder:
    """A compiled convolutional autoencoder: images -> `latent_dim` code -> images.

    Args:
        input_shape: `(height, width, channels)`, any size: the decoder crops what its
            transposed convolutions make beyond the image.
        latent_dim: size of the code.
        filters: filters of each stride-2 conv of the encoder (mirrored by the decoder).
        seed: seed of the VAE's sampling noise (unused here).
        name: the model's name.

    Examples:

        >>> model = autoencoder((28, 28, 1), latent_dim=8)
        >>> model.image_shape, model.encode(np.zeros((2, 28, 28, 1), "uint8")).shape
        ((28, 28, 1), (2, 8))
    """
    input_shape = positive_shape("input_shape", input_shape, 3, "(height, width, channels)")
    latent_dim = positive_int("latent_dim", latent_dim)
    return ImageAutoencoder(input_shape, latent_dim, tuple(filters), False, 0.0, seed, name=name)


@builder(default_head="reconstruction + KL", heads=())
def vae(
    input_shape,
    *,
    latent_dim: int = 16,
    kl_weight: float = 1.0,
    filters=(32, 64),
    seed: int | None = None,
    name: str = "vae",
) -> ImageAutoencoder:
    """A compiled convolutional VAE: its codes are distributions, so new images come from
    decoding draws from N(0, I) (`generate`).

    Args:
        input_shape: `(height, width, channels)`, any size: the decoder crops what its
            transposed convolutions make beyond the image.
        latent_dim: size of the code.
        kl_weight: weight of the KL term (1: the ELBO; below 1 sharper reconstructions and
            a less regular code space, the beta-VAE trade-off).
        filters: filters of each stride-2 conv of the encoder (mirrored by the decoder).
        seed: seed of the sampling noise.
        name: the model's name.

    Examples:

        >>> model = vae((28, 28, 1), latent_dim=2, seed=0)
        >>> model.generate(3, seed=0).shape, model.generate(3, seed=0).dtype
        ((3, 28, 28, 1), dtype('uint8'))
    """
    input_shape = positive_shape("input_shape", input_shape, 3, "(height, width, channels)")
    kl_weight = positive_number("kl_weight", kl_weight, zero=True)
    latent_dim = positive_int("latent_dim", latent_dim)
    return ImageAutoencoder(
        input_shape, latent_dim, tuple(filters), True, kl_weight, seed, name=name
    )


def _reconstruction_pair(*element):
    images = element[0]
    return images, tf.cast(images, "float32") / 255


def _to_uint8(pixels) -> np.ndarray:
    return np.round(pixels * 255).astype("uint8")
