"""The U-Net noise predictor of a diffusion model (`keras_walk.tasks.diffusion_model`) and
the sinusoidal embedding of the noise level that it is conditioned on.

The architecture follows keras-io's DDIM example (Béres, 2022), itself a small version of
the DDPM U-Net (Ho et al. 2020), with DDPM's group norm: residual blocks, average-pool downsampling, bilinear
upsampling, skips concatenated at every block, the noise embedding and (optionally) a
label embedding broadcast over the image and concatenated to it.
"""

from __future__ import annotations

import math

import keras
from keras import layers

from keras_walk.layers.blocks import padding_to_multiple

__all__ = ["SinusoidalEmbedding", "noise_unet"]


@keras.saving.register_keras_serializable(package="keras_walk")
class SinusoidalEmbedding(layers.Layer):
    """Embeds a continuous value (a noise variance) as sines and cosines of geometrically
    spaced frequencies, like the position encoding of a transformer (Vaswani et al. 2017).

    keras-hub's `SinePositionEncoding` encodes integer positions along a sequence axis, not
    a scalar per sample, and keras-io writes this as a `Lambda` (which a safe `.keras`
    reload refuses); hence this small layer.

    Args:
        dims: embedding size (even).
        min_frequency: the lowest frequency.
        max_frequency: the highest; the others are geometrically spaced between.

    Examples:

        >>> import numpy as np
        >>> SinusoidalEmbedding(8)(np.zeros((2, 1, 1, 1), "float32")).shape
        TensorShape([2, 1, 1, 8])
    """

    def __init__(self, dims: int = 32, min_frequency=1.0, max_frequency=1000.0, **kwargs):
        super().__init__(**kwargs)
        if dims < 2 or dims % 2:
            raise ValueError(
                f"Invalid value for argument `dims`. Expected an even number >= 2. "
                f"Received: dims={dims}"
            )
        self.dims = int(dims)
        self.min_frequency = float(min_frequency)
        self.max_frequency = float(max_frequency)

    def call(self, values):
        ops = keras.ops
        frequencies = ops.exp(
            ops.linspace(math.log(self.min_frequency), math.log(self.max_frequency), self.dims // 2)
        )
        angles = 2.0 * math.pi * ops.cast(frequencies, values.dtype) * values
        return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.dims)

    def get_config(self):
        return {
            **super().get_config(), "dims": self.dims, "min_frequency": self.min_frequency,
            "max_frequency": self.max_frequency,
        }  # fmt: skip


def _residual_block(x, width: int, name: str):
    # keras-io's block (a 1x1 projection when the width changes, a norm, two 3x3
    # convolutions with swish between them) with DDPM's group norm instead of keras-io's
    # batch norm: group norm has no running statistics, so the moving average of the
    # weights that sampling uses (Keras's EMA covers trainable weights only) is consistent
    # with it, and an image's noise prediction does not depend on the rest of its batch.
    residual = x if x.shape[-1] == width else layers.Conv2D(width, 1, name=f"{name}_proj")(x)
    x = layers.GroupNormalization(math.gcd(8, x.shape[-1]), name=f"{name}_norm")(x)
    x = layers.Conv2D(width, 3, padding="same", activation="swish", name=f"{name}_conv1")(x)
    x = layers.Conv2D(width, 3, padding="same", name=f"{name}_conv2")(x)
    return layers.Add(name=f"{name}_add")([x, residual])


def _attention_block(x, heads: int, name: str):
    # Self-attention over the pixels of a low-resolution feature map (DDPM's 16x16 block).
    height, width, channels = x.shape[1:]
    tokens = layers.Reshape((height * width, channels), name=f"{name}_tokens")(x)
    normed = layers.LayerNormalization(name=f"{name}_norm")(tokens)
    attended = layers.MultiHeadAttention(heads, channels // heads, name=f"{name}_mha")(
        normed, normed
    )
    tokens = layers.Add(name=f"{name}_add")([tokens, attended])
    return layers.Reshape((height, width, channels), name=f"{name}_maps")(tokens)


def _conditions(inputs: dict, num_labels, embedding_dims: int, size, name: str) -> list:
    """The noise level's embedding and, with `num_labels`, the label's (adding a `labels`
    input to `inputs`), each broadcast over an image of `size`."""
    embedding = SinusoidalEmbedding(embedding_dims, name=f"{name}_noise_embedding")(
        inputs["noise_variances"]
    )
    conditions = [embedding]
    if num_labels is not None:
        inputs["labels"] = keras.Input((), dtype="int32", name="labels")
        labels = layers.Embedding(num_labels + 1, embedding_dims, name=f"{name}_label_embedding")(
            inputs["labels"]
        )
        conditions.append(layers.Reshape((1, 1, embedding_dims), name=f"{name}_label_map")(labels))
    return [
        layers.UpSampling2D(size, name=f"{name}_broadcast{i}")(c) for i, c in enumerate(conditions)
    ]


def noise_unet(
    input_shape,
    *,
    widths=(32, 64, 96),
    block_depth: int = 2,
    embedding_dims: int = 32,
    num_labels: int | None = None,
    attention: bool = True,
    attention_heads: int = 4,
    name: str = "noise_unet",
):
    """The inputs and output of a U-Net that predicts the noise in noisy images.

    Inputs: `noisy_images` (normalized images plus noise), `noise_variances` (one per image,
    shape `(1, 1, 1)`) and, with `num_labels`, integer `labels` (the index `num_labels` is
    the "no label" class used for classifier-free guidance). Output: the predicted noise.

    Args:
        input_shape: `(height, width, channels)`, any size: sides that are not multiples
            of `2 ** (len(widths) - 1)` are zero-padded inside and the noise cropped back.
        widths: channels at each resolution, highest first; every width after the first
            halves the resolution.
        block_depth: residual blocks per resolution, each way.
        embedding_dims: size of the noise embedding (and of the label embedding).
        num_labels: classes to condition on (`None`: unconditional).
        attention: self-attention at the lowest resolution.
        attention_heads: heads of that attention.
        name: prefix of the layer names.

    Returns:
        `(inputs, noise)`: a dict of `keras.Input`s and the output tensor, to wrap in a model.

    Examples:

        >>> inputs, noise = noise_unet((8, 8, 1), widths=(8, 16), block_depth=1)
        >>> sorted(inputs), tuple(noise.shape)
        (['noise_variances', 'noisy_images'], (None, 8, 8, 1))
    """
    height, width, channels = input_shape
    inputs = {
        "noisy_images": keras.Input(input_shape, name="noisy_images"),
        "noise_variances": keras.Input((1, 1, 1), name="noise_variances"),
    }
    padding = padding_to_multiple((height, width), 2 ** (len(widths) - 1))
    if padding is not None:  # sides the poolings cannot halve: padded here, cropped at the end
        (top, bottom), (left, right) = padding
        height, width = height + top + bottom, width + left + right
    conditions = _conditions(inputs, num_labels, embedding_dims, (height, width), name)
    x = inputs["noisy_images"]
    if padding is not None:
        x = layers.ZeroPadding2D(padding, name=f"{name}_pad_to_multiple")(x)
    x = layers.Conv2D(widths[0], 1, name=f"{name}_stem")(x)
    x = layers.Concatenate(name=f"{name}_conditioned")([x, *conditions])

    skips = []
    for level, width_ in enumerate(widths[:-1]):
        for block in range(block_depth):
            x = _residual_block(x, width_, f"{name}_down{level}_{block}")
            skips.append(x)
        x = layers.AveragePooling2D(2, name=f"{name}_down{level}_pool")(x)
    for block in range(block_depth):
        x = _residual_block(x, widths[-1], f"{name}_mid{block}")
        if attention:
            x = _attention_block(x, attention_heads, f"{name}_mid{block}_attention")
    for level, width_ in reversed(list(enumerate(widths[:-1]))):
        x = layers.UpSampling2D(interpolation="bilinear", name=f"{name}_up{level}_upsample")(x)
        for block in range(block_depth):
            x = layers.Concatenate(name=f"{name}_up{level}_{block}_skip")([x, skips.pop()])
            x = _residual_block(x, width_, f"{name}_up{level}_{block}")
    # Zero-initialized: the untrained network predicts no noise rather than random noise.
    noise = layers.Conv2D(
        channels, 1, kernel_initializer="zeros", dtype="float32", name=f"{name}_noise"
    )(x)
    if padding is not None:
        noise = layers.Cropping2D(padding, dtype="float32", name=f"{name}_crop_to_image")(noise)
    return inputs, noise
