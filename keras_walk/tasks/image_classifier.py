"""`image_classifier`: images in, class probabilities out: a compiled `Task`."""

from __future__ import annotations

import keras
from keras import layers

from keras_walk import heads
from keras_walk.arguments import one_of, positive_shape, rate
from keras_walk.data.augment import augmentation_layer
from keras_walk.tasks.backbones import BACKBONES, get_backbone
from keras_walk.tasks.building import CLASSIFIER_DEFAULT, builder
from keras_walk.tasks.conventions import removed_arguments
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["image_classifier"]
_POOLING = {
    "avg": layers.GlobalAveragePooling2D,
    "max": layers.GlobalMaxPooling2D,
    "flatten": layers.Flatten,
}


@removed_arguments("one_hot_labels", "num_labels")
@builder(
    default_head=CLASSIFIER_DEFAULT, heads=heads.CLASSIFIER_HEADS,
    encoders=tuple(BACKBONES),
)  # fmt: skip
def image_classifier(
    input_shape: tuple[int, int, int],
    num_classes: int,
    *,
    head: str | None = None,
    backbone="basic_convnet",
    class_names=None,
    augment=None,
    resize_to: tuple[int, int] | None = None,
    rescale: float | None = 1.0 / 255,
    pooling: str = "avg",
    dropout: float = 0.3,
    seed: int | None = None,
    name: str = "image_classifier",
) -> SupervisedTask:
    """A compiled image classifier: preprocessing -> backbone -> pooling -> dense head.

    Args:
        input_shape: `(height, width, channels)` of one image, pixels in 0..255.
        num_classes: number of classes (or labels, for `multilabel`).
        head: a `keras_walk.heads` name: `"multiclass"` (integer labels),
            `"multiclass_onehot"`, `"multilabel"` or `"binary"`; by default `"binary"`
            for 2 classes and `"multiclass"` for more.
        backbone: `"basic_convnet"`, `"small_resnet"`, a `keras.Model` (e.g.
            `keras.applications.MobileNetV3Small(include_top=False, weights=None)`, a
            keras-hub backbone), or a callable `input_shape -> keras.Model`. Pass a name or
            a callable under a multi-device strategy, so the backbone is built in its scope.
        class_names: names of the classes in label order (`predict_labels` returns them).
        augment: `None`, a preset of `keras_walk.data.image_augmentation`, or a Keras layer;
            active only in training.
        resize_to: `(height, width)` to resize images to inside the model, after the
            augmentation (e.g. a backbone pretrained on another size; see
            `keras_walk.tasks.transfer`), or `None`.
        rescale: multiply pixels by this first (`None` for backbones that rescale
            themselves).
        pooling: how feature maps become a vector: `"avg"` (global average), `"max"`
            (global max) or `"flatten"`.
        dropout: dropout rate before the head.
        seed: seed for the augmentation and dropout layers.
        name: the model's name.

    Returns:
        A compiled `Task` that takes images and saves to `.keras` with its compile state.

    Examples:

        >>> model = image_classifier((28, 28, 1), 10)
        >>> model.output_shape, model.head
        ((None, 10), 'multiclass')
        >>> model.loss.name
        'sparse_categorical_crossentropy'
    """
    head = heads.chosen_head(head, num_classes, what="images")
    input_shape = positive_shape("input_shape", input_shape, 3, "(height, width, channels)")
    one_of("pooling", pooling, _POOLING)
    dropout = rate("dropout", dropout)
    if resize_to is not None:
        resize_to = positive_shape("resize_to", resize_to, 2, "(height, width)")
    # === Layers ===
    feature_extractor = get_backbone(
        backbone, input_shape if resize_to is None else (*resize_to, input_shape[-1])
    )
    augmentation = augmentation_layer(augment, seed=seed)
    # === Functional Model ===
    inputs = keras.Input(input_shape, name="images")
    x = inputs
    if augmentation is not None:
        x = augmentation(x)
    if resize_to is not None:
        x = layers.Resizing(*resize_to, name="resize")(x)
    if rescale is not None:
        x = layers.Rescaling(rescale, name="rescale")(x)
    x = feature_extractor(x)
    if len(x.shape) > 2:
        x = _POOLING[pooling](name="pool")(x)
    outputs = heads.dense_head(x, head, num_classes, dropout=dropout, seed=seed)
    return SupervisedTask(
        inputs, outputs, name=name, head=head, num_classes=num_classes,
        class_names=class_names, input_kind="images",
    )  # fmt: skip
