"""keras_walk: applied-task builders for Keras 3 on TensorFlow.

>>> import keras_walk as kw
>>> train, test = kw.data.load("digits")
>>> model = kw.tasks.image_classifier((8, 8, 1), 10)  # a Task: a compiled Keras model
>>> model.head, model.num_classes
('multiclass', 10)
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

if keras.backend.backend() != "tensorflow":
    raise ImportError(
        "keras_walk needs the TensorFlow backend. Set KERAS_BACKEND=tensorflow before "
        f"importing keras. Received: backend {keras.backend.backend()!r}"
    )

from keras_walk import (  # noqa: E402
    adversarial,
    baselines,
    data,
    distribute,
    explain,
    feature_networks,
    harness,
    heads,
    layers,
    losses,
    metrics,
    plots,
    tasks,
    training,
    uncertainty,
)

__version__ = "0.1.0"
__all__ = [
    "__version__",
    "adversarial",
    "baselines",
    "data",
    "distribute",
    "explain",
    "feature_networks",
    "harness",
    "heads",
    "layers",
    "losses",
    "metrics",
    "plots",
    "tasks",
    "training",
    "uncertainty",
]
