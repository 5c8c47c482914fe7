"""`image_segmenter`: a U-Net that gives every pixel a class (Ronneberger et al. 2015).

The per-pixel head comes from the heads table, like every other head: `binary` (one
sigmoid per pixel: foreground or not) for 2 classes, `multiclass` (a softmax per pixel)
for more. Masks are integer class ids, `(n, height, width)` or `(n, height, width, 1)`,
with 0 usually the background. The metrics are what segmentation is judged by: pixel
accuracy, intersection over union (IoU) and Dice.
"""

from __future__ import annotations

import itertools

import keras
import numpy as np
from keras import layers

from keras_walk import heads
from keras_walk.arguments import positive_shape, rate
from keras_walk.layers import conv_block, residual_block
from keras_walk.layers.blocks import padded_image_inputs, padding_to_multiple
from keras_walk.losses import SegmentationLoss
from keras_walk.metrics.segmentation import class_iou, segmentation_metrics
from keras_walk.tasks.backbones import BACKBONES, get_backbone
from keras_walk.tasks.building import CLASSIFIER_DEFAULT, builder
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["ImageSegmenter", "encoder_unet", "image_segmenter", "unet"]

SEGMENTATION_HEADS = ("binary", "multiclass")


def unet(input_shape, filters=(32, 64, 128, 256), *, residual: bool = False, name: str = "unet"):
    """A U-Net: an encoder arm that halves the resolution at each level, a decoder arm of
    transposed convolutions that doubles it back, and skips that concatenate each encoder
    level's features to the decoder level of the same size.

    keras-hub has no U-Net (its segmenters are DeepLabV3, SegFormer and SAM, all far
    larger), so it is written here, as keras-io's "Image segmentation with a U-Net-like
    architecture" example writes it.

    Args:
        input_shape: `(height, width, channels)`; height and width divisible by
            `2 ** (len(filters) - 1)`.
        filters: channels per level, highest resolution first; the last is the bottleneck.
        residual: ResNet basic blocks instead of two plain conv-BN-ReLU layers per level.
        name: the model's name.

    Returns:
        A `keras.Model` from images to `(height, width, filters[0])` feature maps.

    Examples:

        >>> tuple(unet((32, 32, 3), (8, 16, 32)).output.shape)
        (None, 32, 32, 8)
    """
    encoder, filters = unet_encoder(input_shape, filters, residual=residual)
    return _with_decoder(encoder, filters, residual, name)


def unet_encoder(input_shape, filters, *, residual: bool = False, name: str = "unet_encoder"):
    """The U-Net's encoder arm alone: images -> `[skip, ..., bottleneck]`, each level's
    features (highest resolution first) and the deepest ones. `image_segmenter` nests it
    as its backbone, the part `kw.tasks.fine_tune` freezes while the decoder learns.
    Returns `(encoder, filters)`, the widths checked, like `backbone_encoder`."""
    filters = tuple(int(f) for f in filters)
    if len(filters) < 2 or min(filters) < 1:
        raise ValueError(
            "Invalid value for argument `filters`. Expected two or more positive widths "
            f"(encoder levels, then the bottleneck). Received: filters={filters}"
        )
    factor = 2 ** (len(filters) - 1)
    height, width = input_shape[:2]
    if any(size is not None and size % factor for size in (height, width)):
        raise ValueError(
            f"Invalid input_shape={tuple(input_shape)} for a U-Net of {len(filters)} levels: "
            f"height and width must be divisible by {factor} (2 ** (len(filters) - 1)). "
            "Resize or pad the images, or use fewer levels."
        )
    inputs = keras.Input(input_shape, name="images")
    x, skips = inputs, []
    for level, width in enumerate(filters[:-1]):
        x = _block(x, width, f"down{level + 1}", residual)
        skips.append(x)
        x = layers.MaxPooling2D(name=f"down{level + 1}_pool")(x)
    x = _block(x, filters[-1], "bottleneck", residual)
    return keras.Model(inputs, [*skips, x], name=name), filters


def _with_decoder(encoder, filters, residual, name):
    """One model: the encoder arm's layers, then the decoder."""
    *skips, deepest = encoder.outputs
    return keras.Model(encoder.input, _decoder(deepest, skips, filters, residual), name=name)


def _block(x, width, name, residual):
    if residual:
        return residual_block(x, width, name=name)
    return conv_block(x, width, 2, name=name)


def _decoder(x, skips, filters, residual):
    """The U-Net's climb back: from the deepest level up, a transposed convolution doubles
    the resolution, the skip of that size is concatenated, and a block of `filters[level]`
    channels mixes them."""
    for level in reversed(range(len(skips))):
        width = filters[level]
        x = layers.Conv2DTranspose(width, 2, strides=2, name=f"up{level + 1}_transpose")(x)
        x = layers.Concatenate(name=f"up{level + 1}_skip")([x, skips[level]])
        x = _block(x, width, f"up{level + 1}", residual)
    return x


def skip_features(encoder: keras.Model) -> list:
    """The encoder's last feature map at each resolution above its deepest, highest
    resolution first: what a U-Net's decoder concatenates (for EfficientNet these are the
    expansions that open each downsampling block, the layers segmentation libraries pick).

    Raises:
        ValueError: the encoder does not halve the resolution one step at a time.
    """
    last_at = {}
    for layer in encoder.layers:
        output = layer.output
        if isinstance(output, keras.KerasTensor) and len(output.shape) == 4:
            last_at[tuple(output.shape[1:3])] = output
    deepest = tuple(encoder.output.shape[1:3])
    sizes = sorted((size for size in last_at if size != deepest), reverse=True)
    chain = [*sizes, deepest]
    for larger, smaller in itertools.pairwise(chain):
        if larger != tuple(2 * side for side in smaller):
            raise ValueError(
                f"Invalid backbone for a U-Net: its feature maps must halve in size one step "
                f"at a time, from the input to its output. Found sizes {chain}."
            )
    if not sizes:
        raise ValueError(
            "Invalid backbone for a U-Net: its output has the input's resolution, so there "
            "is nothing to decode. Use a backbone that downsamples, or `backbone=None`."
        )
    return [last_at[size] for size in sizes]


def encoder_unet(
    input_shape, backbone, filters=None, *, residual: bool = False, name: str = "encoder_unet"
):
    """A U-Net whose encoder arm is a backbone, pretrained or not (as in the libraries
    that segment with ImageNet encoders): the decoder upsamples the backbone's output and
    concatenates its feature map of each resolution on the way up.

    Args:
        input_shape: `(height, width, channels)`, sides divisible by the backbone's stride.
        backbone: a name of `keras_walk.tasks.backbones` (`"efficientnet_lite0"` loads its
            ImageNet weights), a `keras.Model` or a callable `input_shape -> keras.Model`.
        filters: the decoder's channels per level, highest resolution first, one per
            resolution the backbone passes through; `None`: 16, doubling per level up to 256.
        residual: ResNet basic blocks in the decoder instead of conv-BN-ReLU pairs.
        name: the model's name.

    Examples:

        >>> model = encoder_unet((32, 32, 3), "basic_convnet")  # 32 -> 16 -> 8
        >>> tuple(model.output.shape), [l.name for l in model.layers if "skip" in l.name]
        ((None, 32, 32, 16), ['up2_skip', 'up1_skip'])
    """
    encoder, filters = backbone_encoder(input_shape, backbone, filters)
    return _with_decoder(encoder, filters, residual, name)


def backbone_encoder(input_shape, backbone, filters=None):
    """A backbone as a U-Net's encoder arm: images -> `[skip, ..., deepest]` (see
    `skip_features`), with the decoder's widths checked against its resolutions (or
    chosen: 16, doubling per level up to 256). Returns `(encoder, filters)`."""
    encoder = get_backbone(backbone, input_shape)
    skips = skip_features(encoder)
    if filters is None:
        filters = tuple(min(16 * 2**level, 256) for level in range(len(skips)))
    filters = tuple(int(f) for f in filters)
    if len(filters) != len(skips) or min(filters) < 1:
        raise ValueError(
            f"Invalid value for argument `filters`: this backbone has {len(skips)} "
            f"resolutions to decode, so give {len(skips)} positive widths, highest "
            f"resolution first (or None). Received: filters={filters}"
        )
    return keras.Model(encoder.input, [*skips, encoder.output], name=encoder.name), filters


@keras.saving.register_keras_serializable(package="keras_walk")
class ImageSegmenter(SupervisedTask):
    """A `SupervisedTask` whose answer is a mask: one class per pixel.

    Build it with `image_segmenter`. Beyond `SupervisedTask`: `predict_masks`, and masks checked
    against the images' height and width before training.
    """

    def __init__(self, *args, segmentation_loss: str = "crossentropy", **kwargs):
        super().__init__(*args, **kwargs)
        self.segmentation_loss = segmentation_loss

    def _auto_loss_and_metrics(self) -> tuple:
        # The segmentation loss chosen at build time, and pixel accuracy, IoU and Dice.
        loss = heads.get_head(self.head).loss()
        if self.segmentation_loss != "crossentropy":
            loss = SegmentationLoss(self.segmentation_loss, self.head, self.num_classes)
        return loss, segmentation_metrics(self.head, self.num_classes)

    def check_labels(self, y) -> None:
        """Raises `keras_walk.heads.LabelError` unless `y` holds masks of this model's
        height and width with class ids the head knows."""
        y = np.asarray(y)
        expected = tuple(self.output_shape[1:3])
        shape = y.shape[1:]
        if shape[-1:] == (1,):
            shape = shape[:-1]
        if y.ndim not in (3, 4) or shape != expected:
            raise heads.LabelError(
                f"Invalid masks for {self.name!r}: expected one class id per pixel, shape "
                f"(n, {expected[0]}, {expected[1]}) or (n, {expected[0]}, {expected[1]}, 1) "
                f"like the images. Received: masks of shape {y.shape}"
            )
        heads.check_labels(y.reshape(-1), self.head, self.num_classes)

    def predict_masks(
        self, x, threshold: float = 0.5, *, test_time_flip: bool = False, **kwargs
    ) -> np.ndarray:
        """Class ids per pixel, `(n, height, width)` integers: the most probable class
        (`multiclass`), or 1 where the foreground probability is above `threshold`
        (`binary`).

        `test_time_flip=True` also scores each image mirrored left to right, mirrors
        those scores back and averages the two before choosing (test-time augmentation,
        like fastai's `Learner.tta`): twice the prediction time, for masks that no
        longer depend on which way the picture faces. It suits models trained with
        `augment="flip"`; in the segmentation recipe it raised every test IoU by 0.4 to
        0.8 points. `x` must then be an array of images, not a dataset.

        Examples:

            >>> model = image_segmenter((16, 16, 3), 2, filters=(4, 8))
            >>> images = np.zeros((2, 16, 16, 3), "uint8")
            >>> model.predict_masks(images, test_time_flip=True).shape
            (2, 16, 16)
        """
        kwargs.setdefault("verbose", 0)
        if not test_time_flip:
            return self._masks(self.predict(x, **kwargs), threshold)
        images = None if hasattr(x, "element_spec") else np.asarray(x)  # not a dataset
        if images is None or images.ndim != 4:
            raise ValueError(
                "`test_time_flip=True` mirrors the images, so `x` must be an array of shape "
                "(n, height, width, channels). Received: "
                + (type(x).__name__ if images is None else f"shape {images.shape}")
            )
        mirrored = self.predict(images[:, :, ::-1], **kwargs)[:, :, ::-1]
        return self._masks((self.predict(images, **kwargs) + mirrored) / 2, threshold)

    def score(self, x, y, *, batch_size: int | None = None, threshold: float = 0.5,
              test_time_flip: bool = False) -> dict:  # fmt: skip
        """Test metrics of the masks `predict_masks(x)` against the true masks `y`, pooled
        over every pixel: `pixel_accuracy`, `mean_iou` over the classes present, and the
        `iou` of each present class by name (`keras_walk.metrics.class_iou`)."""
        y = np.asarray(y)
        self.check_labels(y)
        predicted = self.predict_masks(
            x, threshold, test_time_flip=test_time_flip, batch_size=batch_size
        )
        y = y.reshape(predicted.shape)
        ious = class_iou(y, predicted, 2 if self.head == "binary" else self.num_classes)
        names = self.class_names or tuple(str(i) for i in range(len(ious)))
        return {
            "pixel_accuracy": float(np.mean(predicted == y)),
            "mean_iou": float(np.nanmean(ious)),
            "iou": {name: float(iou) for name, iou in zip(names, ious, strict=True) if iou == iou},
        }

    def decode_predictions(self, scores, threshold: float = 0.5):
        """Class names per pixel, `(n, height, width)` (class ids without `class_names`):
        what `predict_labels` returns for a segmenter."""
        masks = self._masks(scores, threshold)
        if self.class_names is None:
            return masks
        lookup = np.empty(len(self.class_names), dtype=object)
        lookup[:] = self.class_names
        return lookup[masks]

    def _masks(self, scores, threshold):
        scores = np.asarray(scores)
        if self.head == "binary":
            return (scores[..., 0] > threshold).astype("int32")
        return scores.argmax(axis=-1).astype("int32")


@builder(
    default_head=f"{CLASSIFIER_DEFAULT}, per pixel",
    heads=("binary", "multiclass"),
    encoders=("unet", *BACKBONES),
)
def image_segmenter(
    input_shape: tuple[int, int, int],
    num_classes: int,
    *,
    head: str | None = None,
    filters=None,
    backbone=None,
    residual: bool = False,
    loss: str = "crossentropy",
    class_names=None,
    rescale: float | None = 1.0 / 255,
    dropout: float = 0.0,
    seed: int | None = None,
    name: str = "image_segmenter",
) -> ImageSegmenter:
    """A compiled U-Net segmenter: rescale -> `unet` -> per-pixel dense head.

    Augment images and masks together in the pipeline (`pipeline(..., masks=True)`).

    Args:
        input_shape: `(height, width, channels)` of one image, pixels in 0..255, any size
            (padded inside the model and the masks cropped back).
        num_classes: classes per pixel, background included (2 for foreground/background).
        head: `"binary"` (2 classes, one sigmoid per pixel) or `"multiclass"` (a softmax
            per pixel); by default `binary` for 2 classes, `multiclass` for more.
        filters: channels per U-Net level, highest resolution first; the last is the
            bottleneck (`None`: 32, 64, 128, 256). With a `backbone`, the decoder's
            channels per level (see `encoder_unet`).
        backbone: `None` for the U-Net's own encoder arm, or a backbone for it
            (`"efficientnet_lite0"`: ImageNet's features, see `encoder_unet`); images are
            then zero-padded to a multiple of 32 inside the model.
        residual: residual blocks in the U-Net instead of plain conv-BN-ReLU pairs.
        loss: `"crossentropy"` (the head's), `"dice"` (soft Dice, blind to how many pixels
            are background) or `"dice+crossentropy"` (for a small foreground).
        class_names: names of the classes in label order.
        rescale: multiply pixels by this first (`None` to feed them as they are).
        dropout: spatial dropout rate before the head.
        seed: seed for the dropout layer.
        name: the model's name.

    Examples:

        >>> model = image_segmenter((32, 32, 3), 2, filters=(8, 16))
        >>> model.output_shape, model.head
        ((None, 32, 32, 1), 'binary')
        >>> model.predict_masks(np.zeros((1, 32, 32, 3), "uint8")).shape
        (1, 32, 32)
        >>> image_segmenter((50, 70, 1), 3, filters=(8, 16, 32)).output_shape  # padded inside
        (None, 50, 70, 3)
    """
    head = heads.chosen_head(head, num_classes, SEGMENTATION_HEADS, what="segmentation")
    SegmentationLoss.check_kind(loss)
    input_shape = positive_shape("input_shape", input_shape, 3, "(height, width, channels)")
    dropout = rate("dropout", dropout)
    if backbone is None and filters is None:
        filters = (32, 64, 128, 256)
    stride = 32 if backbone is not None else 2 ** max(len(tuple(filters)) - 1, 0)
    padding = padding_to_multiple(input_shape[:2], stride)
    # Images whose sides the U-Net cannot halve evenly are padded with zeros up to the next
    # size it can, and its output cropped back: masks stay image-sized.
    inputs, x = padded_image_inputs(input_shape, rescale, padding, "pad_to_multiple")
    x = _encoded_and_decoded(x, backbone, filters, residual)
    if padding is not None:
        x = layers.Cropping2D(padding, name="crop_to_image")(x)
    if dropout:
        x = layers.SpatialDropout2D(dropout, seed=seed, name="dropout")(x)
    # A Dense layer on the channel axis is a 1x1 convolution: the same head as an
    # image classifier's, once per pixel.
    outputs = heads.dense_head(x, head, num_classes)
    return ImageSegmenter(
        inputs, outputs, name=name, head=head, num_classes=num_classes,
        class_names=class_names, input_kind="images", segmentation_loss=loss,
    )  # fmt: skip


def _encoded_and_decoded(x, backbone, filters, residual: bool):
    """The U-Net on `x`: the encoder arm is one nested model (the backbone that
    `fine_tune` freezes); the decoder's layers are the segmenter's own."""
    if backbone is None:
        encoder, filters = unet_encoder(tuple(x.shape[1:]), filters, residual=residual)
    else:
        encoder, filters = backbone_encoder(tuple(x.shape[1:]), backbone, filters)
    *skips, deepest = encoder(x)
    return _decoder(deepest, skips, filters, residual)
