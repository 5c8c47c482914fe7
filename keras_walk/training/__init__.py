"""Training helpers: Keras callbacks wired for resumable runs, results.json, plots."""

from keras_walk.training.callbacks import default_callbacks
from keras_walk.training.plots import (
    plot_confusion_matrix,
    plot_history,
    plot_image_predictions,
)
from keras_walk.training.results import machine_info, write_results

__all__ = [
    "default_callbacks",
    "machine_info",
    "plot_confusion_matrix",
    "plot_history",
    "plot_image_predictions",
    "write_results",
]
