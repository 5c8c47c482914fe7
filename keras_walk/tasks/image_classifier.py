"""`image_classifier`: images in, class probabilities out: a compiled `Task`."""

from __future__ import annotations

import keras
from keras import layers

from keras_walk import distribute, heads
from keras_walk.arguments import positive_shape, rate
from keras_walk.data.augment import augmentation_layer
from keras_walk.tasks.backbones import get_backbone
from keras_walk.tasks.conventions import removed_arguments
from keras_walk.tasks.task import Task, build_task

__all__ = ["image_classifier"]
_POOLING = {
    "avg": layers.GlobalAveragePooling2D,
    "max": layers.GlobalMaxPooling2D,
    "flatten": layers.Flatten,
}


@removed_arguments("one_hot_labels", "num_labels")
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
    optimizer: str | keras.optimizers.Optimizer = "adamw",
    learning_rate=None,
    weight_decay: float | None = None,
    strategy=None,
    jit_compile="auto",
    seed: int | None = None,
    name: str = "image_classifier",
) -> Task:
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
        optimizer: a name or a Keras optimizer; see `keras_walk.tasks.make_optimizer`
            (AdamW by default).
        learning_rate: a float or a schedule (1e-3 by default).
        weight_decay: decoupled weight decay (1e-4 by default).
        strategy: passed to `keras_walk.distribute.resolve_strategy` (`None`: the best
            this machine has); the model is built and compiled inside its scope.
        jit_compile: XLA: `"auto"`, `True` or `False` (passed to `compile`).
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
    head = heads.check_head(head or heads.default_head(num_classes), what="images")
    heads.output_units(head, num_classes)
    input_shape = positive_shape("input_shape", input_shape, 3, "(height, width, channels)")
    if pooling not in _POOLING:
        raise ValueError(
            f"Invalid value for argument `pooling`. Expected one of {sorted(_POOLING)}. "
            f"Received: pooling={pooling!r}"
        )
    dropout = rate("dropout", dropout)
    if resize_to is not None and (
        len(resize_to) != 2 or any(int(side) != side or side < 1 for side in resize_to)
    ):
        raise ValueError(
            "Invalid value for argument `resize_to`. Expected (height, width), two positive "
            f"integers. Received: resize_to={resize_to}"
        )
    strategy = distribute.resolve_strategy(strategy)
    with strategy.scope():
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
        if dropout:
            x = layers.Dropout(dropout, seed=seed, name="dropout")(x)
        outputs = heads.dense_head(x, head, num_classes)
        return build_task(
            inputs, outputs, name=name, head=head, num_classes=num_classes,
            class_names=class_names, input_kind="images", optimizer=optimizer,
            learning_rate=learning_rate, weight_decay=weight_decay, jit_compile=jit_compile,
        )  # fmt: skip
