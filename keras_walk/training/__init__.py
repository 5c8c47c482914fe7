"""Training: Keras callbacks wired for resumable runs, backups, learning-rate schedules and
test metrics. The recipe harness is `keras_walk.harness`; the plots are `keras_walk.plots`."""

from keras_walk.training.backup import BackupAndRestore
from keras_walk.training.callbacks import OutputDirInUseError, default_callbacks, lock_output_dir
from keras_walk.training.metrics import class_weights, predicted_labels, task_metrics
from keras_walk.training.schedules import warmup_cosine

__all__ = [
    "BackupAndRestore",
    "OutputDirInUseError",
    "class_weights",
    "default_callbacks",
    "lock_output_dir",
    "predicted_labels",
    "task_metrics",
    "warmup_cosine",
]

# Names that moved when training was split by job: reading the old name raises an error
# that names the new one.
_MOVED = {
    **{name: f"keras_walk.harness.{name}" for name in (
        "RecipeRun", "machine_info", "recipe_arguments", "summarize_over_seeds", "write_results",
    )},
    **{name: f"keras_walk.plots.{name}" for name in (
        "LearningRateFinding", "lr_find", "plot_top_losses", "show_batch", "plot_comparison",
        "plot_confusion_matrix", "plot_curves", "plot_detections", "plot_forecast",
        "plot_grad_cam", "plot_histograms", "plot_histories", "plot_history", "plot_image_grid",
        "plot_image_predictions", "plot_per_label_f1", "plot_predicted_vs_true",
        "plot_segmentation",
    )},
    "plots": "keras_walk.plots (matplotlib's pyplot: keras_walk.plots.plt)",
    "run": "keras_walk.harness.run",
    "results": "keras_walk.harness.results",
    "inspect": "keras_walk.plots.inspect",
}  # fmt: skip


def __getattr__(name):
    if name in _MOVED:
        raise AttributeError(
            f"`keras_walk.training.{name}` is now `{_MOVED[name]}` (training holds callbacks, "
            "backups, schedules and metrics; the recipe harness and the plots have their own "
            "packages)."
        )
    raise AttributeError(f"module 'keras_walk.training' has no attribute {name!r}")
