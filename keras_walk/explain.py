"""Seeing what an image model does: Grad-CAM heatmaps, first-layer filters, activations.

* `grad_cam(task, images)`: where in each image the evidence for a class lies (Selvaraju
  et al. 2017). The gradient of the class's logit with respect to the last feature map
  says how much each channel matters; the channels weighted by it and summed, negative
  evidence dropped, give a coarse map, scaled up to the image.
* `first_layer_filters(task)`: the first convolution's kernels, the patterns its
  channels look for (edges and blobs, in a trained convnet).
* `layer_activations(task, images, layer)`: what a layer's channels answer for images.

Each takes any image Task (or functional Keras model) whose layers include convolutions;
`keras_walk.plots.plot_grad_cam` and `plot_filters` draw the results. Written here
because neither Keras nor keras-hub ships Grad-CAM (keras-io has it as an example only).
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from keras_walk.data.checks import DataError
from keras_walk.layers.nested import leaf_layers

__all__ = ["feature_map_layer", "first_layer_filters", "grad_cam", "layer_activations"]


def _outer_output(layer):
    """`layer`'s output in the model that calls it. For a nested model, `layer.output` is
    its own graph's; its call in the outer graph is its (only) inbound node."""
    if isinstance(layer, keras.Model):
        return layer._inbound_nodes[-1].output_tensors[0]
    return layer.output


def _check_images(model, images) -> np.ndarray:
    images = np.asarray(images)
    expected = tuple(model.input_shape[1:])
    if not len(images) or images.shape[1:] != expected:
        raise DataError(
            f"Invalid images for {model.name!r}: expected a non-empty batch of shape "
            f"(n, {', '.join(map(str, expected))}). Received: shape {images.shape}"
        )
    return images


def feature_map_layer(model: keras.Model) -> keras.layers.Layer:
    """The layer whose output Grad-CAM explains by default: the last layer of `model`
    (nested backbones count as one layer) with a `(height, width, channels)` output that
    comes after a convolution, e.g. an image classifier's backbone."""
    seen_convolution = False
    chosen = None
    for layer in model.layers:
        inner = list(leaf_layers(layer)) if isinstance(layer, keras.Model) else [layer]
        seen_convolution |= any(isinstance(leaf, keras.layers.Conv2D) for leaf in inner)
        if seen_convolution and len(_outer_output(layer).shape) == 4:
            chosen = layer
    if chosen is None:
        raise ValueError(
            f"{model.name!r} has no convolutional feature map to explain: Grad-CAM needs a "
            "layer with a (height, width, channels) output after a Conv2D."
        )
    return chosen


def grad_cam(model: keras.Model, images, class_index=None, *, layer: str | None = None):
    """Grad-CAM heatmaps: `(n, height, width)` in [0, 1], the images' size.

    Args:
        model: a classifier of images (one output of `(n, classes)` scores).
        images: `(n, height, width, channels)`, as the model takes them.
        class_index: the class to explain: `None` for each image's predicted class, an
            int for one class for all, or one int per image.
        layer: the name of the layer whose feature map is weighted (one of `model.layers`);
            by default `feature_map_layer(model)`.

    Examples:

        >>> import keras_walk as kw
        >>> model = kw.tasks.image_classifier((28, 28, 1), 10)
        >>> grad_cam(model, np.zeros((2, 28, 28, 1), "uint8")).shape
        (2, 28, 28)
    """
    images = _check_images(model, images)
    if len(model.outputs) != 1 or len(model.output_shape) != 2:
        raise ValueError(
            f"Grad-CAM explains classifiers: {model.name!r} must have one (n, classes) "
            f"output. Received: output shape {model.output_shape}"
        )
    chosen = model.get_layer(layer) if layer else feature_map_layer(model)
    feature_map = _outer_output(chosen)
    if len(feature_map.shape) != 4:
        raise ValueError(
            f"Invalid value for argument `layer`: {chosen.name!r} outputs shape "
            f"{tuple(feature_map.shape)}, not a (height, width, channels) feature map."
        )
    head = model.layers[-1]
    # The class's logit, before softmax or sigmoid (as in the paper), when the head is a
    # Dense layer; the output itself otherwise.
    dense_head = isinstance(head, keras.layers.Dense)
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    explainer = keras.Model(inputs, [feature_map, head.input if dense_head else model.output])
    num_classes = model.output_shape[-1]
    wanted = None if class_index is None else np.broadcast_to(class_index, (len(images),))
    if wanted is not None and (wanted.min() < 0 or wanted.max() >= num_classes):
        raise ValueError(
            f"Invalid value for argument `class_index`. Expected classes in [0, {num_classes}). "
            f"Received: class_index={class_index}"
        )
    maps = []
    for start in range(0, len(images), 128):
        batch = tf.convert_to_tensor(images[start : start + 128])
        with tf.GradientTape() as tape:
            features, scores = explainer(batch, training=False)
            features = tf.cast(features, "float32")
            if dense_head:
                scores = tf.matmul(tf.cast(scores, "float32"), tf.cast(head.kernel, "float32"))
                scores = scores + tf.cast(head.bias, "float32") if head.use_bias else scores
            classes = tf.argmax(scores, axis=-1) if wanted is None else wanted[start : start + 128]
            score = tf.gather(scores, classes, axis=1, batch_dims=1)
        gradients = tape.gradient(score, features)
        weights = tf.reduce_mean(gradients, axis=(1, 2), keepdims=True)
        cam = tf.nn.relu(tf.reduce_sum(weights * features, axis=-1))[..., None]
        cam = tf.image.resize(cam, images.shape[1:3], method="bilinear")[..., 0].numpy()
        peak = cam.max(axis=(1, 2), keepdims=True)
        maps.append(np.where(peak > 0, cam / np.where(peak > 0, peak, 1), 0.0))
    return np.concatenate(maps).astype("float32")


def first_layer_filters(model: keras.Model) -> np.ndarray:
    """The first `Conv2D`'s kernels as `(filters, height, width, input_channels)`.

    Examples:

        >>> import keras_walk as kw
        >>> first_layer_filters(kw.tasks.image_classifier((28, 28, 1), 10)).shape
        (32, 3, 3, 1)
    """
    for layer in leaf_layers(model):
        if isinstance(layer, keras.layers.Conv2D):
            return np.transpose(np.asarray(layer.kernel), (3, 0, 1, 2))
    raise ValueError(f"{model.name!r} has no Conv2D layer.")


def layer_activations(model: keras.Model, images, layer: str | None = None) -> np.ndarray:
    """The output of a convolution for `images`: `(n, height, width, channels)`.

    Args:
        model: an image model.
        images: as the model takes them.
        layer: a `Conv2D`'s name, inside a nested backbone too; by default the first.
    """
    images = _check_images(model, images)
    convolutions = [leaf for leaf in leaf_layers(model) if isinstance(leaf, keras.layers.Conv2D)]
    names = [leaf.name for leaf in convolutions]
    if not convolutions or (layer is not None and layer not in names):
        raise ValueError(
            f"Invalid value for argument `layer`. Expected one of {model.name!r}'s "
            f"convolutions {names}. Received: layer={layer!r}"
        )
    target = convolutions[names.index(layer) if layer else 0]
    return np.concatenate([
        np.asarray(_up_to(model, target)(images[i : i + 256], training=False))
        for i in range(0, len(images), 256)
    ])  # fmt: skip


def _up_to(model, target):
    """A callable from `model`'s inputs to `target`'s output, through nested models."""
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    if any(layer is target for layer in model.layers):
        return keras.Model(inputs, target.output)
    for layer in model.layers:
        if isinstance(layer, keras.Model) and any(leaf is target for leaf in leaf_layers(layer)):
            before = keras.Model(inputs, layer._inbound_nodes[-1].input_tensors[0])
            inside = _up_to(layer, target)
            return lambda x, training=False: inside(before(x, training=training), training=training)
    raise ValueError(f"{target.name!r} is not a layer of {model.name!r}.")
