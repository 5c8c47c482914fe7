"""Denoising diffusion: `diffusion_model` and the `DiffusionModel` Task it returns.

Training (Ho et al. 2020): take a real image, pick a noise level at random, mix the image
with Gaussian noise at that level, and teach a U-Net to predict the noise. Sampling (DDIM,
Song et al. 2021): start from pure noise and, over `steps` deterministic steps, remove the
predicted noise and add back a little less. Details, after keras-io's DDIM example:

* **Schedule**: continuous offset cosine: at diffusion time t in [0, 1] the signal rate is
  `cos(angle)` and the noise rate `sin(angle)`, the angle moving linearly from
  `acos(0.95)` to `acos(0.02)` (signal² + noise² = 1).
* **Loss**: mean absolute error on the predicted noise (`compile("auto")`'s).
  Ho et al.'s "simple" loss is the squared error; keras-io found the absolute error better
  for short trainings, and it is less dominated by the noisiest steps.
* **Normalization**: pixels are standardized with the mean and variance of the training
  images (a `keras.layers.Normalization` adapted on them; kept in the model's config).
* **EMA**: the Task keeps an exponential moving average of its weights, with the warm-up
  of diffusers' `EMAModel`: after `s` steps the momentum is `min(ema_momentum,
  (1 + s) / (10 + s))`, so the average follows the weights closely early on and
  remembers more as training settles. `generate` samples with it. (Keras's optimizer
  `use_ema` has no warm-up: with its fixed momentum, 0.995, the samples after the first
  epoch of our recipe, 469 steps, were saturated noise, class accuracy 0.10.)
* **Class conditioning** with classifier-free guidance (Ho & Salimans 2022): labels are
  replaced by a "no label" class with probability `label_dropout` while training, so the
  same network predicts conditional and unconditional noise; sampling mixes the two,
  `uncond + guidance_scale * (cond - uncond)`.
"""

from __future__ import annotations

import contextlib
import math

import keras
import numpy as np
import tensorflow as tf

from keras_walk.arguments import is_integer, non_empty
from keras_walk.layers.unet import noise_unet
from keras_walk.tasks.building import builder
from keras_walk.tasks.generative_inputs import (
    check_generator_shape,
    check_num_images,
    checked_images,
    sampling_labels,
    to_uint8,
)
from keras_walk.tasks.generator import ImageGenerator

__all__ = ["DiffusionModel", "diffusion_model", "diffusion_rates"]

MIN_SIGNAL_RATE = 0.02
MAX_SIGNAL_RATE = 0.95


def diffusion_rates(times):
    """`(noise_rates, signal_rates)` of the offset-cosine schedule at diffusion times in
    [0, 1] (0: the image, 1: almost pure noise).

    Examples:

        >>> noise, signal = diffusion_rates(np.array([0.0, 1.0], "float32"))
        >>> np.round(signal.numpy(), 2), np.round(noise.numpy()**2 + signal.numpy()**2, 2)
        (array([0.95, 0.02], dtype=float32), array([1., 1.], dtype=float32))
    """
    start, end = math.acos(MAX_SIGNAL_RATE), math.acos(MIN_SIGNAL_RATE)
    angles = start + tf.convert_to_tensor(times) * (end - start)
    return tf.sin(angles), tf.cos(angles)


@keras.saving.register_keras_serializable(package="keras_walk")
class DiffusionModel(ImageGenerator):
    """A DDIM diffusion model, an `ImageGenerator`: its functional graph is the
    noise-predicting U-Net (`predict` on `{"noisy_images", "noise_variances"[, "labels"]}`
    gives the noise it sees); `fit(images)` (or `fit(images, labels)` when
    class-conditional) trains it and `generate` samples new images. Build one with
    `diffusion_model(...)`.
    """

    _noun = "diffusion model"
    _renamed_arguments = {"input_shape": "image_shape"}  # files saved before the families

    def __init__(
        self,
        image_shape,
        num_labels: int | None = None,
        widths=(32, 64, 96),
        block_depth: int = 2,
        embedding_dims: int = 32,
        attention: bool = True,
        label_dropout: float = 0.1,
        guidance_scale: float = 3.0,
        ema_momentum: float = 0.999,
        pixel_mean=None,
        pixel_variance=None,
        class_names=None,
        training_data: str | None = None,
        compile_defaults: dict | None = None,
        **kwargs,
    ):
        image_shape = tuple(int(d) for d in image_shape)
        inputs, noise = noise_unet(
            image_shape, widths=widths, block_depth=block_depth, embedding_dims=embedding_dims,
            num_labels=num_labels, attention=attention,
        )  # fmt: skip
        super().__init__(
            inputs, noise, image_shape=image_shape, num_labels=num_labels,
            class_names=class_names, training_data=training_data,
            compile_defaults=compile_defaults, **kwargs,
        )  # fmt: skip
        self.widths = tuple(widths)
        self.block_depth = block_depth
        self.embedding_dims = embedding_dims
        self.attention = attention
        self.label_dropout = float(label_dropout)
        self.guidance_scale = float(guidance_scale)
        self.ema_momentum = float(ema_momentum)
        # The moving average of the trainable weights, saved with the model. "mean"
        # aggregation: under a distribution strategy every replica computes the same value.
        self.average_weights = [
            self.add_weight(
                shape=variable.shape,
                initializer="zeros",
                trainable=False,
                aggregation="mean",
                name=f"average_{index}",
            )  # fmt: skip
            for index, variable in enumerate(self.trainable_weights)
        ]
        self._set_pixel_statistics(pixel_mean, pixel_variance)

    def _auto_loss_and_metrics(self) -> tuple:
        # The absolute error of the predicted noise (see the module), and its squared error.
        return keras.losses.MeanAbsoluteError(), [keras.metrics.MeanSquaredError(name="mse")]

    # --- Normalization -----------------------------------------------------------------

    def _set_pixel_statistics(self, mean, variance):
        self.pixel_mean = None if mean is None else [float(m) for m in np.ravel(mean)]
        self.pixel_variance = None if variance is None else [float(v) for v in np.ravel(variance)]
        if self.pixel_mean is not None:
            self._mean = tf.constant(self.pixel_mean, "float32")
            self._std = tf.sqrt(tf.maximum(tf.constant(self.pixel_variance, "float32"), 1e-6))
            self._pixel_low, self._pixel_high = self._normalize(0.0), self._normalize(255.0)

    def adapt(self, images) -> None:
        """Learns the per-channel pixel mean and variance of `images` (an array or a
        dataset of images or `(images, labels)`); `fit` calls it on its data when the
        builder was given a shape only."""
        normalizer = keras.layers.Normalization(axis=-1)
        if isinstance(images, tf.data.Dataset):
            images = images.map(lambda x, *_: tf.cast(x, "float32"))
        else:
            images = np.asarray(checked_images(images, self.image_shape), "float32")
        normalizer.adapt(images)
        self._set_pixel_statistics(normalizer.mean, normalizer.variance)

    def _normalize(self, images):
        return (tf.cast(images, "float32") - self._mean) / self._std

    def _to_uint8(self, normalized) -> np.ndarray:
        return to_uint8((normalized * self._std + self._mean).numpy())

    # --- Training ----------------------------------------------------------------------

    def fit(self, x=None, y=None, *args, **kwargs):
        """Keras's `fit` on images (and labels, when class-conditional). Learns the pixel
        statistics first if the builder had none."""
        if self.pixel_mean is None:
            self.adapt(x)
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """The noise-prediction loss on `x` at random noise levels."""
        self._require_statistics("evaluate")
        return super().evaluate(x, y, *args, **kwargs)

    def _noised(self, data):
        # Turns (images[, labels]) into the U-Net's inputs and its target, the noise.
        images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        images = self._normalize(images)
        batch = tf.shape(images)[0]
        noises = tf.random.normal(tf.shape(images))
        times = tf.random.uniform((batch, 1, 1, 1))
        noise_rates, signal_rates = diffusion_rates(times)
        inputs = {
            "noisy_images": signal_rates * images + noise_rates * noises,
            "noise_variances": noise_rates**2,
        }
        if self.conditional:
            labels = tf.reshape(tf.cast(labels, "int32"), (batch,))
            dropped = tf.random.uniform((batch,)) < self.label_dropout
            inputs["labels"] = tf.where(dropped, self.num_labels, labels)
        return inputs, noises

    def _graph_batch(self, data_batch):
        return self._noised(data_batch)

    def train_step(self, data):
        # Keras's own step (loss, distribution scaling, metrics) on the noised batch, then
        # the moving average.
        logs = super().train_step(self._noised(data))
        step = tf.cast(self.optimizer.iterations, "float32")
        momentum = tf.minimum(self.ema_momentum, (1.0 + step) / (10.0 + step))
        for average, variable in zip(self.average_weights, self.trainable_weights, strict=True):
            average.assign(momentum * average + (1.0 - momentum) * variable)
        return logs

    def test_step(self, data):
        return super().test_step(self._noised(data))

    # --- Sampling ----------------------------------------------------------------------

    def generate(
        self,
        num_images: int,
        steps: int = 20,
        labels=None,
        guidance_scale: float | None = None,
        seed: int | None = None,
        batch_size: int = 500,
    ) -> np.ndarray:
        """New uint8 images, by DDIM sampling from seeded noise.

        Args:
            num_images: how many.
            steps: denoising steps (more: slower, better images).
            labels: for a class-conditional model, one class (index or name) for all the
                images or one per image; `None` samples without a label.
            guidance_scale: classifier-free guidance with `labels` (`None`: the model's
                default; 1: the conditional prediction alone; higher: more typical of the
                class, less varied).
            seed: the same seed gives the same images.
            batch_size: images denoised at once.

        Examples:

            >>> model = diffusion_model((8, 8, 1), widths=(8, 16), block_depth=1)
            >>> model.adapt(np.arange(64, dtype="uint8").reshape(1, 8, 8, 1))
            >>> model.generate(2, steps=3, seed=0).shape
            (2, 8, 8, 1)
        """
        check_num_images(num_images)
        if not is_integer(steps) or steps < 1:
            raise ValueError(
                f"Invalid value for argument `steps`. Expected an integer >= 1. "
                f"Received: steps={steps!r}"
            )
        labels = sampling_labels(labels, num_images, self.num_labels, self.class_names, self._noun)
        if guidance_scale is not None:
            if labels is None:
                raise ValueError(
                    "Invalid arguments: `guidance_scale` steers images towards their labels; "
                    + ("pass `labels` too." if self.conditional else
                       "this diffusion model is unconditional (it was built without "
                       "`num_classes`).")
                )  # fmt: skip
            if guidance_scale < 0:
                raise ValueError(
                    f"Invalid value for argument `guidance_scale`. Expected >= 0. "
                    f"Received: guidance_scale={guidance_scale}"
                )
        elif labels is not None:
            guidance_scale = self.guidance_scale
        self._require_statistics("generate")
        noise = np.random.default_rng(seed).standard_normal((num_images, *self.image_shape))
        noise = noise.astype("float32")
        chunks = []
        with self._sampling_weights():
            for start in range(0, num_images, batch_size):
                chunk_labels = None if labels is None else labels[start : start + batch_size]
                chunks.append(
                    self._to_uint8(
                        self._sample(
                            noise[start : start + batch_size], chunk_labels, steps, guidance_scale
                        )  # fmt: skip
                    )
                )
        return np.concatenate(chunks)

    def _sample(self, noise, labels, steps, guidance_scale):
        if getattr(self, "_denoise_step", None) is None:
            # Traced once per batch shape; set outside Keras's attribute tracking.
            object.__setattr__(
                self, "_denoise_step", tf.function(self._denoise, reduce_retracing=True)
            )
        images = tf.constant(noise)
        if labels is None and self.conditional:
            labels = np.full(len(noise), self.num_labels, "int32")  # the "no label" class
        labels = None if labels is None else tf.constant(labels)
        scale = tf.constant(1.0 if guidance_scale is None else guidance_scale, "float32")
        guided = guidance_scale is not None and guidance_scale != 1.0
        step_size = tf.constant(1.0 / steps)
        for step in range(steps):
            times = tf.fill((len(noise), 1, 1, 1), 1.0 - step / steps)
            images, predicted = self._denoise_step(images, labels, times, step_size, scale,
                                                   guided)  # fmt: skip
        return predicted

    def _denoise(self, noisy_images, labels, times, step_size, scale, guided):
        noise_rates, signal_rates = diffusion_rates(times)
        inputs = {"noisy_images": noisy_images, "noise_variances": noise_rates**2}
        if labels is not None:
            inputs["labels"] = labels
        if guided:  # conditional and unconditional predictions in one batch
            inputs = {key: tf.concat([value, value], 0) for key, value in inputs.items()}
            count = tf.shape(noisy_images)[0]
            inputs["labels"] = tf.concat(
                [labels, tf.fill((count,), tf.constant(self.num_labels, "int32"))], 0
            )
            conditional, unconditional = tf.split(self(inputs, training=False), 2)
            noises = unconditional + scale * (conditional - unconditional)
        else:
            noises = self(inputs, training=False)
        predicted = (noisy_images - noise_rates * noises) / signal_rates
        # Clip the image estimate to the pixel range (DDPM's clipped x0, diffusers'
        # `clip_sample`) and re-derive the noise from it: near t = 1 the estimate divides
        # the network's error by a signal rate of 0.02, and unclipped it snowballs.
        predicted = tf.clip_by_value(predicted, self._pixel_low, self._pixel_high)
        noises = (noisy_images - signal_rates * predicted) / noise_rates
        next_noise_rates, next_signal_rates = diffusion_rates(times - step_size)
        return next_signal_rates * predicted + next_noise_rates * noises, predicted

    @contextlib.contextmanager
    def _sampling_weights(self):
        """Swaps the moving average of the weights in while sampling (as
        `keras.callbacks.SwapEMAWeights` does for evaluation), then swaps it back. Before
        the first training step there is no average yet: the weights are used as they are."""
        optimizer = getattr(self, "optimizer", None)
        if optimizer is None or int(optimizer.iterations) == 0:
            yield
            return
        saved = [variable.numpy() for variable in self.trainable_weights]
        for variable, average in zip(self.trainable_weights, self.average_weights, strict=True):
            variable.assign(average)
        try:
            yield
        finally:
            for variable, value in zip(self.trainable_weights, saved, strict=True):
                variable.assign(value)

    def _require_statistics(self, what):
        if self.pixel_mean is None:
            raise ValueError(
                f"`{what}` needs the pixel statistics of the training images: pass images to "
                "`diffusion_model`, call `model.adapt(images)`, or `fit` first."
            )


@builder(default_head="noise prediction (absolute error)", heads=(), encoders=("unet",))
def diffusion_model(
    images,
    num_classes: int | None = None,
    *,
    class_names=None,
    widths=(32, 64, 96),
    block_depth: int = 2,
    embedding_dims: int = 32,
    attention: bool = True,
    label_dropout: float = 0.1,
    guidance_scale: float = 3.0,
    ema_momentum: float = 0.999,
    name: str = "diffusion_model",
) -> DiffusionModel:
    """A compiled DDIM diffusion model: `fit(images)` or `fit(images, labels)`, then
    `generate(num_images, steps=..., labels=..., guidance_scale=..., seed=...)`.

    Args:
        images: training images (uint8, `(n, height, width, channels)`: the pixel
            statistics are learnt from them) or just `(height, width, channels)` (learnt by
            the first `fit`). Any size: sides the U-Net cannot halve evenly are padded
            inside it and the noise cropped back.
        num_classes: classes to condition on (`None`: unconditional).
        class_names: names of those classes, for `generate(labels=...)`.
        widths: U-Net channels per resolution; each width after the first halves it.
        block_depth: residual blocks per resolution, each way.
        embedding_dims: size of the noise and label embeddings.
        attention: self-attention at the lowest resolution.
        label_dropout: share of training labels replaced by "no label" (what classifier-free
            guidance needs).
        guidance_scale: `generate`'s default guidance.
        ema_momentum: the largest momentum of the weights' moving average that `generate`
            samples with (reached after a warm-up; see the module's docstring).
        name: the model's name.

    Examples:

        >>> images = np.random.default_rng(0).integers(0, 256, (16, 8, 8, 1), "uint8")
        >>> model = diffusion_model(images, 2, widths=(8, 16), block_depth=1)
        >>> model.conditional, model.generate(3, steps=2, labels=1, seed=0).dtype
        (True, dtype('uint8'))
    """
    shape_given = isinstance(images, tuple | list) and all(is_integer(d) for d in images)
    input_shape = tuple(images) if shape_given else tuple(np.shape(images)[1:])
    if not shape_given and len(images) == 0:
        raise ValueError("Invalid value for argument `images`: it is empty (0 images).")
    input_shape = check_generator_shape(input_shape, "images", num_classes)
    _check_arguments(widths, num_classes, label_dropout, guidance_scale, ema_momentum)
    task = DiffusionModel(
        input_shape, num_classes, tuple(widths), block_depth, embedding_dims, attention,
        label_dropout, guidance_scale, ema_momentum, class_names=class_names, name=name,
    )  # fmt: skip
    if not shape_given:
        task.adapt(images)
    return task


def _check_arguments(widths, num_classes, label_dropout, guidance_scale, ema):
    non_empty("widths", tuple(widths))
    for argument, value, low, high in (
        ("label_dropout", label_dropout, 0.0, 1.0),
        ("ema_momentum", ema, 0.0, 1.0),
    ):
        if not low <= value < high:
            raise ValueError(
                f"Invalid value for argument `{argument}`. Expected a number in [{low}, {high}). "
                f"Received: {argument}={value}"
            )
    if num_classes is not None and label_dropout == 0:
        raise ValueError(
            "Invalid value for argument `label_dropout`: 0 never trains the unconditional "
            "prediction that classifier-free guidance needs. Use e.g. 0.1."
        )
    if guidance_scale < 0:
        raise ValueError(
            f"Invalid value for argument `guidance_scale`. Expected >= 0. "
            f"Received: guidance_scale={guidance_scale}"
        )
