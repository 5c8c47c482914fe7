"""Adversarial examples: the fast gradient sign method (FGSM) and adversarial training.

A classifier that is right on 93% of test images can be wrong on most of them after a
change of each pixel by a tenth of its range, invisible as noise to a person: FGSM
(Goodfellow, Shlens and Szegedy 2015) moves every pixel by `epsilon` in the direction
that raises the loss most, the sign of the loss's gradient with respect to the image.
Adversarial training fits the model on such images, made anew from the current model at
every step, beside the clean ones.

Images are in the units the model takes (0..255 for keras_walk's image Tasks, which
rescale inside); `epsilon` is a share of `value_range`, so `epsilon=0.1` moves each pixel
by 25.5 of 255 (the same as 0.1 on images scaled to [0, 1]). Written here because
neither Keras nor keras-hub ships adversarial attacks.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from keras_walk.arguments import non_empty

__all__ = ["accuracy_under_attack", "adversarial_fit", "fgsm"]


def _check_epsilon(epsilon) -> float:
    if not 0.0 <= float(epsilon) <= 1.0:
        raise ValueError(
            "Invalid value for argument `epsilon`. Expected a share of the value range in "
            f"[0, 1]. Received: epsilon={epsilon}"
        )
    return float(epsilon)


def _loss_function(model):
    """The model's compiled loss when it is a Keras loss, else sparse crossentropy."""
    loss = getattr(model, "loss", None)
    if isinstance(loss, str):
        loss = keras.losses.get(loss)
    if not callable(loss):
        loss = keras.losses.SparseCategoricalCrossentropy()
    return loss


def _check_data(model, x, y):
    x, y = np.asarray(x), np.asarray(y)
    if not len(x) or len(x) != len(y) or tuple(x.shape[1:]) != tuple(model.input_shape[1:]):
        raise ValueError(
            f"Invalid data for {model.name!r}: expected a non-empty batch of images of shape "
            f"{tuple(model.input_shape[1:])} and one label each. Received: {x.shape} images, "
            f"{len(y)} labels"
        )
    if hasattr(model, "check_labels"):
        model.check_labels(y)
    return x, y


def _perturb(model, loss_fn, x, y, epsilon, low, high):
    x = tf.cast(x, "float32")
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(y, model(x, training=False))
    step = epsilon * (high - low) * tf.sign(tape.gradient(loss, x))
    return tf.clip_by_value(x + step, low, high)


def fgsm(model, x, y, epsilon: float, *, value_range=(0, 255), batch_size: int = 256):
    """FGSM adversarial versions of images `x` with labels `y` (float32, clipped to
    `value_range`).

    Examples:

        >>> import keras_walk as kw
        >>> model = kw.tasks.image_classifier((8, 8, 1), 3)
        >>> x = np.full((2, 8, 8, 1), 128, "uint8")
        >>> adversarial = fgsm(model, x, np.array([0, 1]), 0.1)
        >>> float(np.abs(adversarial - x).max())  # 0.1 of 255
        25.5
    """
    epsilon = _check_epsilon(epsilon)
    x, y = _check_data(model, x, y)
    low, high = (float(v) for v in value_range)
    loss_fn = _loss_function(model)
    return np.concatenate([
        np.asarray(_perturb(model, loss_fn, x[i : i + batch_size], y[i : i + batch_size],
                            epsilon, low, high))
        for i in range(0, len(x), batch_size)
    ])  # fmt: skip


def accuracy_under_attack(
    model, x, y, epsilons=(0.0, 0.02, 0.05, 0.1, 0.2), *, value_range=(0, 255),
    batch_size: int = 256,
) -> dict:  # fmt: skip
    """Test accuracy on FGSM images at each `epsilon`: `{epsilon: accuracy}` (0 is clean).

    For classifiers with one `(n, classes)` output and integer labels."""
    non_empty("epsilons", tuple(epsilons))
    for epsilon in epsilons:
        _check_epsilon(epsilon)
    x, y = _check_data(model, x, y)
    scores = {}
    for epsilon in epsilons:
        attacked = fgsm(model, x, y, epsilon, value_range=value_range, batch_size=batch_size)
        predicted = model.predict(attacked, batch_size=batch_size, verbose=0).argmax(-1)
        scores[float(epsilon)] = float(np.mean(predicted == y))
    return scores


class _AdversarialTrainer(keras.Model):
    """Trains `task`'s own variables on clean and FGSM images of each batch."""

    def __init__(self, task, epsilon, adversarial_weight, value_range, **kwargs):
        super().__init__(**kwargs)
        self.task = task
        self.epsilon, self.adversarial_weight = epsilon, adversarial_weight
        self.low, self.high = (float(v) for v in value_range)
        self.loss_fn = _loss_function(task)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.accuracy = keras.metrics.SparseCategoricalAccuracy(name="adversarial_accuracy")

    def call(self, x, training=False):
        return self.task(x, training=training)

    @property
    def metrics(self):
        return [self.loss_tracker, self.accuracy]

    def train_step(self, data):
        x, y = data[0], data[1]
        attacked = _perturb(self.task, self.loss_fn, x, y, self.epsilon, self.low, self.high)
        with tf.GradientTape() as tape:
            clean = self.loss_fn(y, self.task(tf.cast(x, "float32"), training=True))
            attacked_predictions = self.task(attacked, training=True)
            loss = (1 - self.adversarial_weight) * clean + self.adversarial_weight * self.loss_fn(
                y, attacked_predictions
            )
        variables = self.task.trainable_variables
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        self.loss_tracker.update_state(loss)
        self.accuracy.update_state(y, attacked_predictions)
        return {metric.name: metric.result() for metric in self.metrics}


def adversarial_fit(
    task, x, y, *, epsilon: float = 0.1, adversarial_weight: float = 0.5,
    value_range=(0, 255), **fit_options,
):  # fmt: skip
    """Adversarial training: `fit` `task` on the clean images and their FGSM versions (made
    from the model as it is at each step), the two losses weighted `1 - adversarial_weight`
    and `adversarial_weight` (Goodfellow et al. 2015 use 0.5). Trains `task` in place with
    its own optimizer; returns the `History` (loss and accuracy on the attacked images).

    Args:
        task: a compiled classifier with integer labels.
        x: training images (an array).
        y: their integer labels.
        epsilon: the attack's size, a share of `value_range`.
        adversarial_weight: in [0, 1].
        value_range: the images' `(low, high)`.
        **fit_options: passed to `fit` (`epochs`, `batch_size`, `callbacks`...).
    """
    epsilon = _check_epsilon(epsilon)
    if not 0.0 <= adversarial_weight <= 1.0:
        raise ValueError(
            "Invalid value for argument `adversarial_weight`. Expected a float in [0, 1]. "
            f"Received: adversarial_weight={adversarial_weight}"
        )
    x, y = _check_data(task, x, y)
    trainer = _AdversarialTrainer(task, epsilon, adversarial_weight, value_range)
    trainer(x[:1])  # built, so a backup callback can save and restore its weights
    trainer.compile(optimizer=task.optimizer, jit_compile=False)
    return trainer.fit(x, y, **fit_options)
