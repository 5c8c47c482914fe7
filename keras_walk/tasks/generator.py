"""`ImageGenerator`: the family of Tasks that make new images.

The diffusion model, the GAN and the autoencoders (plain and variational). Each has the
`image_shape` it makes, `num_labels` (the classes it is conditioned on, `None` when
unconditional) with their `class_names`, and `generate(num_images, labels=None, seed=None)`
returning uint8 images; `score(real_images, features)` measures how close generated
images are to real ones (FID and KID). `fit(images)` trains one (`fit(images, labels)` when it is
class-conditional): the targets are made from the images inside the model.

`predict` runs the graph on its own inputs, which each model documents: the noise the
diffusion U-Net sees in `{"noisy_images", "noise_variances"[, "labels"]}`, the GAN
discriminator's logit for images generated from `{"codes"[, "labels"]}`, an autoencoder's
reconstructions of images.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from keras_walk.data.inputs import first_labels
from keras_walk.metrics.image_quality import frechet_distance, kernel_distance
from keras_walk.tasks.generative_inputs import check_class_labels, checked_images, training_pairs
from keras_walk.tasks.task import Task, check_counts

__all__ = ["ImageGenerator"]


class ImageGenerator(Task):
    """A `Task` that generates images: the base of `DiffusionModel`, `GAN` and
    `ImageAutoencoder` (see the module). Its subclasses build their graph from their
    arguments and pass it here, and define `generate(num_images, labels=None, seed=None)`:
    `num_images` new uint8 images `(n, *image_shape)`, the same ones for the same `seed`,
    with `labels` (one class index or name for all, or one per image) for a
    class-conditional model.

    Args:
        inputs: the graph's inputs.
        outputs: its outputs.
        name: the model's name.
        image_shape: `(height, width, channels)` of the images it trains on and makes.
        num_labels: classes it is conditioned on; `None`: unconditional.
        class_names: names of those classes, for `generate(labels=...)`.
        **kwargs: `Task`'s `training_data` and `compile_defaults`.
    """

    # What messages call it ("a class-conditional GAN trains on ...").
    _noun = "image generator"

    def __init__(self, inputs, outputs, name=None, *, image_shape, num_labels=None,
                 class_names=None, **kwargs):  # fmt: skip
        super().__init__(inputs, outputs, name=name, input_kind="images", **kwargs)
        self.image_shape = tuple(int(d) for d in image_shape)
        self.num_labels = None if num_labels is None else int(num_labels)
        if class_names is not None:
            class_names = tuple(str(c) for c in class_names)
            if len(class_names) != (self.num_labels or 0):
                raise ValueError(
                    f"Invalid value for argument `class_names`. Expected {self.num_labels or 0} "
                    f"names, one per class it is conditioned on. Received: {len(class_names)} "
                    "names"
                )
        self.class_names = class_names

    @property
    def conditional(self) -> bool:
        """Whether it is conditioned on class labels."""
        return self.num_labels is not None

    def score(self, x, features=None, *, num_images: int | None = None, labels=None,
              seed: int | None = 0) -> dict:  # fmt: skip
        """How close generated images are to the real images `x`: the Fréchet and kernel
        distances (FID and KID, `keras_walk.metrics`) between `num_images` (`None`: as
        many as `x`) images from `generate(num_images, labels=labels, seed=seed)` and `x`,
        in the feature space of `features`: a `keras_walk.feature_networks.ImageFeatures`,
        or anything with a `features(images)` method. Lower is closer."""
        if features is None or not callable(getattr(features, "features", None)):
            raise ValueError(
                "Invalid value for argument `features`: expected a feature network with a "
                "`features(images)` method, e.g. `keras_walk.feature_networks.image_features"
                f"(...)`. Received: {type(features).__name__}"
            )
        real = features.features(checked_images(x, self.image_shape))
        generated = features.features(
            self.generate(num_images or len(real), labels=labels, seed=seed)
        )
        return {
            "frechet_distance": frechet_distance(generated, real),
            "kernel_distance": kernel_distance(generated, real),
        }

    def check_labels(self, y) -> None:
        """Raises `keras_walk.heads.LabelError` unless `y` holds class indices in
        `[0, num_labels)` (class-conditional models only)."""
        check_class_labels(y, self.num_labels, self._noun)

    def _checked(self, x, y):
        if isinstance(x, dict):  # the graph's own inputs (Keras's fit evaluating validation)
            return x, y
        x = checked_images(x, self.image_shape)
        x, y = training_pairs(x, y, self.image_shape, self.conditional, self._noun)
        if isinstance(x, tf.data.Dataset):
            labels = first_labels(x) if self.conditional else None
            if labels is not None:
                self.check_labels(labels)
        elif y is not None:
            y = np.asarray(y)
            check_counts(len(x), y)
            self.check_labels(y)
        return x, y

    def _model_inputs(self, x):
        if isinstance(x, dict):  # the graph's own inputs: `predict` on them
            return x
        return checked_images(x, self.image_shape)

    def _card(self) -> dict:
        names = None if self.class_names is None else list(self.class_names)
        return {"image_shape": list(self.image_shape), "num_labels": self.num_labels,
                "class_names": names}  # fmt: skip
