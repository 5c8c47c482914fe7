"""Image backbones: functions from an input shape to a `keras.Model` of feature maps.

A backbone is the architecture without its head (KerasHub's word). `image_classifier`
accepts a name from `BACKBONES`, a `keras.Model` (keras.applications with
`include_top=False`, a keras-hub backbone), or a callable `input_shape -> keras.Model`.
Backbones take pixels rescaled to [0, 1]. `"efficientnet_lite0"` comes with ImageNet
weights that load offline (`keras_walk.tasks.efficientnet_lite`); the others start random.
"""

from __future__ import annotations

import keras
from keras import layers

from keras_walk.arguments import is_integer
from keras_walk.layers import conv_block, residual_block
from keras_walk.layers.nested import leaf_layers
from keras_walk.tasks.efficientnet_lite import efficientnet_lite0

__all__ = [
    "BACKBONES",
    "backbone_of",
    "basic_convnet",
    "efficientnet_lite0",
    "get_backbone",
    "set_backbone_trainable",
    "unfrozen_layers",
    "small_resnet",
]


def basic_convnet(
    input_shape,
    filters=(32, 64, 128),
    convs_per_block: int | tuple[int, ...] | None = None,
    *,
    batch_norm: bool = True,
    padding: str = "same",
    pool_after_last: bool = False,
    name: str = "basic_convnet",
) -> keras.Model:
    """Blocks of conv-BN-ReLU with 2x2 max pooling between them.

    Args:
        input_shape: `(height, width, channels)`.
        filters: filters of each block; each block after the first halves the resolution.
        convs_per_block: an int for every block, one int per block, or `None`: one conv
            in the first block (cheap at full resolution), two in each later block.
        batch_norm: conv -> BatchNorm -> ReLU (`True`) or conv with ReLU (`False`).
        padding: `"same"` or `"valid"`.
        pool_after_last: also max-pool after the last block.

    The keras-io MNIST convnet is `basic_convnet(shape, (32, 64), 1, batch_norm=False,
    padding="valid", pool_after_last=True)` followed by `Flatten` (see `benchmarks/`).

    Examples:

        >>> tuple(basic_convnet((28, 28, 1)).output.shape)
        (None, 7, 7, 128)
    """
    if convs_per_block is None:
        convs_per_block = (1,) + (2,) * (len(filters) - 1)
    if isinstance(convs_per_block, int):
        convs_per_block = (convs_per_block,) * len(filters)
    if len(convs_per_block) != len(filters):
        raise ValueError(
            "Invalid value for argument `convs_per_block`. Expected an int or one int per "
            f"block ({len(filters)}). Received: convs_per_block={convs_per_block!r}"
        )
    inputs = keras.Input(input_shape, name="images")
    x = inputs
    for i, (width, convs) in enumerate(zip(filters, convs_per_block, strict=True)):
        x = conv_block(
            x, width, convs, batch_norm=batch_norm, padding=padding, name=f"block{i + 1}"
        )
        if i < len(filters) - 1 or pool_after_last:
            x = layers.MaxPooling2D(name=f"block{i + 1}_pool")(x)
    return keras.Model(inputs, x, name=name)


def small_resnet(
    input_shape,
    filters=(32, 64, 128),
    blocks_per_stage: int = 2,
    *,
    name: str = "small_resnet",
) -> keras.Model:
    """A small ResNet for small images: a 3x3 stem, then stages of residual blocks.

    Each stage after the first starts with a stride-2 block.

    Examples:

        >>> tuple(small_resnet((32, 32, 3), filters=(8, 16)).output.shape)
        (None, 16, 16, 16)
    """
    inputs = keras.Input(input_shape, name="images")
    x = conv_block(inputs, filters[0], 1, name="stem")
    for stage, width in enumerate(filters):
        for block in range(blocks_per_stage):
            stride = 2 if stage > 0 and block == 0 else 1
            x = residual_block(x, width, stride=stride, name=f"stage{stage + 1}_block{block + 1}")
    return keras.Model(inputs, x, name=name)


# "efficientnet_lite0" is the ImageNet-pretrained one (the checkpoint `make setup` fetches);
# `kw.tasks.efficientnet_lite0(shape, weights=None)` is the same network untrained.
BACKBONES = {
    "basic_convnet": basic_convnet,
    "small_resnet": small_resnet,
    "efficientnet_lite0": efficientnet_lite0,
}


def get_backbone(backbone, input_shape) -> keras.Model:
    """Resolves a backbone name, model or factory into a `keras.Model` for `input_shape`."""
    if isinstance(backbone, str):
        if backbone not in BACKBONES:
            raise ValueError(
                f"Invalid value for argument `backbone`. Expected one of {sorted(BACKBONES)}, "
                f"a keras.Model, or a callable input_shape -> keras.Model. "
                f"Received: backbone={backbone!r}"
            )
        return BACKBONES[backbone](input_shape)
    if isinstance(backbone, keras.Model):
        model = backbone
    elif callable(backbone):
        model = backbone(input_shape)
        if not isinstance(model, keras.Model):
            raise ValueError(
                "Invalid value for argument `backbone`: the callable must return a "
                f"keras.Model. Received: {type(model).__name__}"
            )
    else:
        raise ValueError(
            "Invalid value for argument `backbone`. Expected a name, a keras.Model or a "
            f"callable. Received: backbone={backbone!r}"
        )
    expected = model.input_shape
    if isinstance(expected, tuple) and expected[-1] not in (None, input_shape[-1]):
        raise ValueError(
            f"Invalid backbone for input_shape={tuple(input_shape)}: the backbone expects "
            f"{expected[-1]} channels, the images have {input_shape[-1]}."
        )
    return model


def backbone_of(task: keras.Model) -> keras.Model:
    """The backbone of `task`: its one nested `keras.Model` that has weights.

    Raises:
        ValueError: when `task` has none (or several, so that "the backbone" is not one).

    Examples:

        >>> import keras_walk as kw
        >>> backbone_of(kw.tasks.image_classifier((28, 28, 1), 10)).name
        'basic_convnet'
    """
    nested = [layer for layer in task.layers if isinstance(layer, keras.Model) and layer.weights]
    if len(nested) != 1:
        found = ", ".join(repr(layer.name) for layer in nested) or "none"
        raise ValueError(
            f"{task.name!r} has no backbone to freeze or transfer: a backbone is the one "
            f"nested keras.Model with weights (image_classifier's convnet, object_detector's "
            f"body, image_segmenter's encoder arm). Found: {found}"
        )
    return nested[0]


def set_backbone_trainable(
    backbone: keras.Model, unfreeze: int | None, freeze_batch_norm: bool = True
) -> None:
    """Freezes the whole backbone (`unfreeze=0`), or unfreezes all of it (`None`) or its
    last `unfreeze` layers with weights, batch normalization too unless
    `freeze_batch_norm`."""
    backbone.trainable = unfreeze != 0
    if unfreeze == 0:
        return
    weighted = [layer for layer in leaf_layers(backbone) if layer.weights]
    frozen = {id(layer) for layer in weighted[: len(weighted) - (unfreeze or len(weighted))]}
    for layer in leaf_layers(backbone):
        layer.trainable = id(layer) not in frozen and not (
            freeze_batch_norm and isinstance(layer, keras.layers.BatchNormalization)
        )


def unfrozen_layers(backbone: keras.Model, layers, argument: str = "layers") -> int | None:
    """`layers` checked as how many of `backbone`'s last layers with weights to unfreeze:
    `None` (all of them) or an integer from 1 to their number."""
    weighted = [layer for layer in leaf_layers(backbone) if layer.weights]
    if layers is not None and (not is_integer(layers) or not 1 <= layers <= len(weighted)):
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected None (all) or an integer from 1 "
            f"to {len(weighted)}, the backbone's layers with weights. Received: {argument}={layers}"
        )
    return None if layers is None else int(layers)
