"""Throughput: `kw.tasks.diffusion_model` vs the same DDIM written by hand in Keras.

The hand-written side is keras-io's DDIM example (Béres, 2022) at this recipe's size: a
`keras.Model` subclass with its own `train_step` (GradientTape, offset-cosine noising,
mean absolute error on the noise), a U-Net written out layer by layer, a `Normalization`
layer adapted on the images and an EMA copy of the network updated after every step; here
class-conditional with label dropout and with group norm, like the builder's. Both train on the same
Fashion-MNIST images, same batch size and AdamW, in the same process, epochs alternating
(A B A B ...) so that machine noise hits both alike; the first epoch of each (tracing) is
not timed and images/second come from each side's fastest epoch. Then both sample 100
images at 20 DDIM steps (timed; `--generate`, `--generate-steps`).

    python benchmarks/ddim_unet.py                   # 12,800 images, 3 timed epochs each
    python benchmarks/ddim_unet.py --samples 1024 --epochs 1
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

import keras_walk as kw

WIDTHS, BLOCK_DEPTH, EMBEDDING_DIMS, NUM_CLASSES, LABEL_DROPOUT = (32, 64, 96), 2, 32, 10, 0.1
MIN_SIGNAL, MAX_SIGNAL, EMA = 0.02, 0.95, 0.999


# --- The hand-written side: keras-io's code, conditioned on labels ---------------------


def sinusoidal_embedding(x):
    frequencies = tf.exp(tf.linspace(math.log(1.0), math.log(1000.0), EMBEDDING_DIMS // 2))
    angles = 2.0 * math.pi * frequencies * x
    return tf.concat([tf.sin(angles), tf.cos(angles)], axis=3)


def residual_block(width):
    def apply(x):
        residual = x if x.shape[3] == width else layers.Conv2D(width, 1)(x)
        x = layers.GroupNormalization(math.gcd(8, x.shape[3]))(x)
        x = layers.Conv2D(width, 3, padding="same", activation="swish")(x)
        x = layers.Conv2D(width, 3, padding="same")(x)
        return layers.Add()([x, residual])

    return apply


def attention_block(x):
    h, w, c = x.shape[1:]
    tokens = layers.Reshape((h * w, c))(x)
    normed = layers.LayerNormalization()(tokens)
    tokens = layers.Add()([tokens, layers.MultiHeadAttention(4, c // 4)(normed, normed)])
    return layers.Reshape((h, w, c))(tokens)


def hand_written_unet(image_shape):
    noisy_images = keras.Input(image_shape)
    noise_variances = keras.Input((1, 1, 1))
    labels = keras.Input((), dtype="int32")
    e = layers.Lambda(sinusoidal_embedding, output_shape=(1, 1, EMBEDDING_DIMS))(noise_variances)
    e = layers.UpSampling2D(image_shape[:2])(e)
    l_ = layers.Embedding(NUM_CLASSES + 1, EMBEDDING_DIMS)(labels)
    l_ = layers.UpSampling2D(image_shape[:2])(layers.Reshape((1, 1, EMBEDDING_DIMS))(l_))
    x = layers.Concatenate()([layers.Conv2D(WIDTHS[0], 1)(noisy_images), e, l_])
    skips = []
    for width in WIDTHS[:-1]:
        for _ in range(BLOCK_DEPTH):
            x = residual_block(width)(x)
            skips.append(x)
        x = layers.AveragePooling2D(2)(x)
    for _ in range(BLOCK_DEPTH):
        x = attention_block(residual_block(WIDTHS[-1])(x))
    for width in reversed(WIDTHS[:-1]):
        x = layers.UpSampling2D(interpolation="bilinear")(x)
        for _ in range(BLOCK_DEPTH):
            x = residual_block(width)(layers.Concatenate()([x, skips.pop()]))
    x = layers.Conv2D(image_shape[-1], 1, kernel_initializer="zeros")(x)
    return keras.Model([noisy_images, noise_variances, labels], x, name="residual_unet")


class HandWrittenDiffusion(keras.Model):
    def __init__(self, image_shape):
        super().__init__()
        self.normalizer = layers.Normalization()
        self.network = hand_written_unet(image_shape)
        self.ema_network = hand_written_unet(image_shape)  # (clone_model cannot copy the Lambda)
        self.ema_network.set_weights(self.network.get_weights())
        self.noise_loss_tracker = keras.metrics.Mean(name="n_loss")

    @property
    def metrics(self):
        return [self.noise_loss_tracker]

    def diffusion_schedule(self, diffusion_times):
        start_angle, end_angle = math.acos(MAX_SIGNAL), math.acos(MIN_SIGNAL)
        angles = start_angle + diffusion_times * (end_angle - start_angle)
        return tf.sin(angles), tf.cos(angles)

    def denoise(self, noisy_images, noise_rates, signal_rates, labels, training):
        network = self.network if training else self.ema_network
        pred_noises = network([noisy_images, noise_rates**2, labels], training=training)
        return pred_noises, (noisy_images - noise_rates * pred_noises) / signal_rates

    def train_step(self, data):
        images, labels = data
        images = self.normalizer(tf.cast(images, "float32"), training=True)
        batch = tf.shape(images)[0]
        noises = tf.random.normal(tf.shape(images))
        diffusion_times = tf.random.uniform((batch, 1, 1, 1))
        noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
        noisy_images = signal_rates * images + noise_rates * noises
        labels = tf.where(tf.random.uniform((batch,)) < LABEL_DROPOUT, NUM_CLASSES,
                          tf.cast(labels, "int32"))  # fmt: skip
        with tf.GradientTape() as tape:
            pred_noises, _ = self.denoise(noisy_images, noise_rates, signal_rates, labels, True)
            noise_loss = self.loss(noises, pred_noises)
        gradients = tape.gradient(noise_loss, self.network.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.network.trainable_weights, strict=True))
        self.noise_loss_tracker.update_state(noise_loss)
        for weight, ema_weight in zip(self.network.weights, self.ema_network.weights, strict=True):
            ema_weight.assign(EMA * ema_weight + (1 - EMA) * weight)
        return {m.name: m.result() for m in self.metrics}

    def generate(self, num_images, steps, labels, seed):
        noise = np.random.default_rng(seed).standard_normal((num_images, *IMAGE_SHAPE))
        next_noisy = tf.constant(noise, "float32")
        labels = tf.constant(labels, "int32")
        step_size = 1.0 / steps
        for step in range(steps):
            times = tf.ones((num_images, 1, 1, 1)) - step * step_size
            noise_rates, signal_rates = self.diffusion_schedule(times)
            pred_noises, pred_images = self.denoise(
                next_noisy, noise_rates, signal_rates, labels, False
            )
            next_noise_rates, next_signal_rates = self.diffusion_schedule(times - step_size)
            next_noisy = next_signal_rates * pred_images + next_noise_rates * pred_noises
        mean, variance = self.normalizer.mean, self.normalizer.variance
        return tf.clip_by_value(pred_images * variance**0.5 + mean, 0, 255)


IMAGE_SHAPE = (28, 28, 1)


# --- keras_walk's side -------------------------------------------------------------------


def keras_walk_model(images):
    return kw.tasks.diffusion_model(
        images, NUM_CLASSES, widths=WIDTHS, block_depth=BLOCK_DEPTH,
        embedding_dims=EMBEDDING_DIMS, label_dropout=LABEL_DROPOUT, ema_momentum=EMA,
    )  # fmt: skip


def trainable_parameters(model) -> int:
    return int(sum(np.prod(variable.shape) for variable in model.trainable_weights))


class EpochTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = time.perf_counter() - self.start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=12800)
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs for each model")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--generate", type=int, default=100, help="images each side samples")
    parser.add_argument("--generate-steps", type=int, default=20, help="DDIM steps to sample")
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(0)
    (train,) = kw.data.load("fashion_mnist", splits=(f"train[:{args.samples}]",))
    walk_model = keras_walk_model(train.x)
    hand_model = HandWrittenDiffusion(IMAGE_SHAPE)
    hand_model.normalizer.adapt(train.x.astype("float32"))
    hand_model.compile(
        optimizer=keras.optimizers.AdamW(1e-3, weight_decay=1e-4),
        loss=keras.losses.mean_absolute_error,
    )

    def epoch(model):
        timer = EpochTimer()
        model.fit(train.x, train.y, batch_size=args.batch_size, epochs=1, verbose=0,
                  callbacks=[timer])  # fmt: skip
        return timer.seconds

    epoch(walk_model), epoch(hand_model)  # first epochs trace and warm up: not timed
    walk_seconds, hand_seconds = [], []
    for _ in range(args.epochs):
        walk_seconds.append(epoch(walk_model))
        hand_seconds.append(epoch(hand_model))
    n = len(train.x)
    walk_rate, hand_rate = n / min(walk_seconds), n / min(hand_seconds)

    images, steps = args.generate, args.generate_steps
    labels = np.arange(images) % NUM_CLASSES
    sampling = {}
    for name, sample in (
        ("keras_walk", lambda: walk_model.generate(images, steps=steps, labels=labels,
                                                    guidance_scale=1.0, seed=0)),
        ("hand_written", lambda: hand_model.generate(images, steps, labels, seed=0)),
    ):  # fmt: skip
        sample()  # trace
        start = time.perf_counter()
        sample()
        sampling[name] = time.perf_counter() - start
    sampled = f"{images} images at {steps} steps"
    print(f"keras_walk:   {walk_rate:7.1f} images/s training, {sampled} in "
          f"{sampling['keras_walk']:.2f} s")  # fmt: skip
    print(f"hand-written: {hand_rate:7.1f} images/s training, {sampled} in "
          f"{sampling['hand_written']:.2f} s")  # fmt: skip
    generate_key = f"generate_{images}_images_{steps}_steps_seconds"
    print(f"ratio keras_walk / hand-written (training throughput): {walk_rate / hand_rate:.3f}")
    sections = {
        "benchmark": "DDIM U-Net training: kw.tasks.diffusion_model vs hand-written Keras",
        "metrics": {
            "ratio_keras_walk_over_hand_written": round(walk_rate / hand_rate, 3),
            "keras_walk_images_per_second": round(walk_rate, 1),
            "hand_written_images_per_second": round(hand_rate, 1),
            "ratio_of_median_epochs": round(
                statistics.median(hand_seconds) / statistics.median(walk_seconds), 3
            ),
            f"keras_walk_{generate_key}": round(sampling["keras_walk"], 2),
            f"hand_written_{generate_key}": round(sampling["hand_written"], 2),
        },
        "config": {
            "samples": n,
            "batch_size": args.batch_size,
            "timed_epochs": args.epochs,
            # Trainable weights: keras_walk's Task also holds their moving average, as the
            # hand-written side holds its EMA network.
            "keras_walk_parameters": trainable_parameters(walk_model),
            "hand_written_parameters": trainable_parameters(hand_model.network),
        },
        "epoch_seconds": {"keras_walk": walk_seconds, "hand_written": hand_seconds},
    }
    if args.output:
        return kw.harness.write_results(args.output, **sections)
    return sections


if __name__ == "__main__":
    main()
