"""How sure is a classifier? Monte Carlo dropout and deep ensembles.

A softmax always sums to 1, so a network says "Sneaker, 0.97" as readily about a digit
it never saw as about a sneaker: one forward pass has no way to say "I don't know". Two
cheap ways to get closer:

* **MC dropout** (Gal and Ghahramani 2016): keep the dropout layers dropping at
  prediction time and average many passes. Where the network has learned the input well,
  the passes agree; where it has not, they scatter, and their mean is less confident.
* **Deep ensembles** (Lakshminarayanan et al. 2017): train several copies from different
  random starts and average them; they agree on what they learned and disagree elsewhere.

`predict_with_uncertainty` does either and returns the averaged probabilities with three
measures of doubt: the top probability (low = unsure), the entropy of the averaged
prediction (total uncertainty) and the mutual information between the prediction and the
sample (the part due to the model's own doubt: how much the passes disagree).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import keras
import numpy as np

from keras_walk.layers.nested import leaf_layers

__all__ = ["predict_with_uncertainty"]


def _dropout_layers(model) -> list:
    return [layer for layer in leaf_layers(model) if isinstance(layer, keras.layers.Dropout)]


@contextlib.contextmanager
def _dropout_always_on(model):
    """Dropout layers drop even when the model is called with `training=False`, while
    batch normalization keeps its learned statistics and augmentation stays off (calling
    the model with `training=True` would switch those too). Keras has no switch for this,
    so each Dropout layer's `call` is wrapped for the duration."""
    layers = _dropout_layers(model)
    for layer in layers:
        original = type(layer).call.__get__(layer)
        layer.call = lambda inputs, training=None, _call=original: _call(inputs, training=True)
    try:
        yield
    finally:
        for layer in layers:
            del layer.call


def _entropy(probabilities):
    return -np.sum(probabilities * np.log(np.clip(probabilities, 1e-12, 1.0)), axis=-1)


def predict_with_uncertainty(model, x, *, samples: int = 30, batch_size: int = 256) -> dict:
    """Averaged class probabilities and how uncertain they are.

    Args:
        model: a classifier with `Dropout` layers (MC dropout: `samples` passes with
            dropout on), or a sequence of classifiers (a deep ensemble: one pass each).
        x: inputs as the model(s) take them (arrays).
        samples: passes for MC dropout.
        batch_size: inputs per pass.

    Returns:
        A dict of arrays: `probabilities` `(n, classes)`, the mean over passes or members;
        `max_probability` `(n,)`; `entropy` `(n,)` of the mean; `mutual_information`
        `(n,)`, the mean's entropy minus the passes' mean entropy (0 when they all agree);
        `std` `(n, classes)` across passes; and `method`, `"mc_dropout"` or `"ensemble"`.

    Examples:

        >>> import keras_walk as kw
        >>> model = kw.tasks.image_classifier((8, 8, 1), 3, dropout=0.5)
        >>> result = predict_with_uncertainty(model, np.ones((4, 8, 8, 1)), samples=5)
        >>> result["probabilities"].shape, result["method"]
        ((4, 3), 'mc_dropout')
    """
    if isinstance(model, Sequence) and not isinstance(model, str):
        members = list(model)
        if len(members) < 2:
            raise ValueError(
                "Invalid value for argument `model`: a deep ensemble needs at least 2 models. "
                f"Received: {len(members)}"
            )
        shapes = {tuple(member.output_shape) for member in members}
        if len(shapes) != 1:
            raise ValueError(
                "Invalid value for argument `model`: the ensemble's members must give outputs "
                f"of one shape. Received: {sorted(shapes)}"
            )
        method = "ensemble"
    else:
        if not _dropout_layers(model):
            raise ValueError(
                f"{model.name!r} has no Dropout layer, so MC dropout cannot sample it: build "
                "it with dropout > 0, or pass a list of models for a deep ensemble."
            )
        if int(samples) != samples or samples < 2:
            raise ValueError(
                "Invalid value for argument `samples`. Expected an integer >= 2. "
                f"Received: samples={samples}"
            )
        method = "mc_dropout"
    if method == "ensemble":
        passes = np.stack(
            [np.asarray(member.predict(x, batch_size=batch_size, verbose=0)) for member in members]
        )
    else:
        with _dropout_always_on(model):
            passes = np.stack([
                np.concatenate([
                    np.asarray(model(x[i : i + batch_size], training=False))
                    for i in range(0, len(x), batch_size)
                ])
                for _ in range(int(samples))
            ])  # fmt: skip
    passes = passes.astype("float64")
    if passes.shape[-1] == 1:  # a sigmoid: P(class 1) -> both classes' probabilities
        passes = np.concatenate([1.0 - passes, passes], axis=-1)
    mean = passes.mean(axis=0)
    return {
        "probabilities": mean,
        "max_probability": mean.max(axis=-1),
        "entropy": _entropy(mean),
        "mutual_information": np.maximum(_entropy(mean) - _entropy(passes).mean(axis=0), 0.0),
        "std": passes.std(axis=0),
        "method": method,
    }
