"""Pictures of data, runs and models as PNG files: learning curves, confusion matrices,
grids of predictions, and fastai-style inspection (`show_batch`, `plot_top_losses`,
`lr_find`)."""

from keras_walk.plots.charts import (
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
    plt,
)
from keras_walk.plots.inspect import LearningRateFinding, lr_find, plot_top_losses, show_batch

__all__ = [
    "LearningRateFinding",
    "lr_find",
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
    "plt",
    "show_batch",
]
