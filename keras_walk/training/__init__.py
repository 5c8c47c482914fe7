"""Training helpers: Keras callbacks wired for resumable runs, test metrics, results.json, plots."""

from keras_walk.training.backup import BackupAndRestore
from keras_walk.training.callbacks import OutputDirInUseError, default_callbacks, lock_output_dir
from keras_walk.training.inspect import (
    LearningRateFinding,
    lr_find,
    plot_top_losses,
    show_batch,
)
from keras_walk.training.metrics import class_weights, predicted_labels, task_metrics
from keras_walk.training.plots import (
    plot_comparison,
    plot_confusion_matrix,
    plot_curves,
    plot_detections,
    plot_forecast,
    plot_grad_cam,
    plot_histograms,
    plot_histories,
    plot_history,
    plot_image_grid,
    plot_image_predictions,
    plot_per_label_f1,
    plot_predicted_vs_true,
    plot_segmentation,
)
from keras_walk.training.recipe_arguments import recipe_arguments
from keras_walk.training.results import machine_info, summarize_over_seeds, write_results
from keras_walk.training.run import RecipeRun, warmup_cosine

__all__ = [
    "BackupAndRestore",
    "LearningRateFinding",
    "OutputDirInUseError",
    "RecipeRun",
    "class_weights",
    "default_callbacks",
    "lock_output_dir",
    "lr_find",
    "machine_info",
    "plot_comparison",
    "plot_confusion_matrix",
    "plot_curves",
    "plot_detections",
    "plot_forecast",
    "plot_grad_cam",
    "plot_histograms",
    "plot_histories",
    "plot_history",
    "plot_image_grid",
    "plot_image_predictions",
    "plot_per_label_f1",
    "plot_predicted_vs_true",
    "plot_segmentation",
    "plot_top_losses",
    "predicted_labels",
    "recipe_arguments",
    "show_batch",
    "summarize_over_seeds",
    "task_metrics",
    "warmup_cosine",
    "write_results",
]
