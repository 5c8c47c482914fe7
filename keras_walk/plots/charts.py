"""PNG plots of a run: learning curves, confusion matrix, a grid of predictions."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# The public names are listed once, in keras_walk/plots/__init__.py.


def plot_history(history: dict, path: str | os.PathLike, metrics=("loss", "accuracy")) -> None:
    """Training and validation curves, one panel per metric, from `History.history`."""
    wanted, metrics = list(metrics), [m for m in metrics if m in history]
    if not metrics:
        raise ValueError(
            f"Invalid value for argument `history`: none of the metrics {wanted} in it. "
            f"Received keys: {sorted(history)}"
        )
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        epochs = np.arange(1, len(history[metric]) + 1)
        ax.plot(epochs, history[metric], "o-", label="train")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "s-", label="validation")
        ax.set(xlabel="epoch", ylabel=metric, title=metric)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_confusion_matrix(y_true, y_pred, class_names, path: str | os.PathLike) -> np.ndarray:
    """Row-normalised confusion matrix (rows: true class); returns the count matrix."""
    from sklearn.metrics import confusion_matrix

    n = len(class_names)
    counts = confusion_matrix(y_true, y_pred, labels=np.arange(n))
    rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(1.0 + 0.65 * n, 0.6 + 0.6 * n))
    ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            ax.text(j, i, f"{rates[i, j]:.2f}", ha="center", va="center", fontsize=7,
                    color="white" if rates[i, j] > 0.5 else "black")  # fmt: skip
    ax.set_xticks(range(n), class_names, rotation=45, ha="right")
    ax.set_yticks(range(n), class_names)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix (test)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return counts


def plot_image_predictions(
    images, y_true, y_pred, class_names, path: str | os.PathLike, columns: int = 8
) -> None:
    """A grid of images titled with the predicted class; wrong ones in red with the true class."""
    count = len(images)
    rows = int(np.ceil(count / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(1.6 * columns, 2.0 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, true, pred in zip(axes.ravel(), images, y_true, y_pred, strict=False):
        ax.imshow(np.squeeze(image), cmap="gray" if np.ndim(np.squeeze(image)) == 2 else None)
        if pred == true:
            ax.set_title(class_names[pred], fontsize=8)
        else:
            ax.set_title(
                f"{class_names[pred]}\n(true: {class_names[true]})", fontsize=8, color="red"
            )
    fig.suptitle("Test predictions (red: wrong)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_detections(
    images, labels, detections, class_names, path: str | os.PathLike, columns: int = 6
) -> None:
    """Images with their true boxes (green, dashed) and the detected ones (red, with class
    name and score). `labels` are `(n, max_objects, 5)` rows `[x1, y1, x2, y2, class]`
    padded with -1; `detections` the dicts of `ObjectDetector.detect`."""
    from matplotlib.patches import Rectangle

    count = len(images)
    rows = int(np.ceil(count / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(2.2 * columns, 2.3 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, truth, found in zip(axes.ravel(), images, labels, detections, strict=False):
        ax.imshow(np.squeeze(image), cmap="gray")
        for x1, y1, x2, y2, c in np.asarray(truth):
            if c >= 0:
                ax.add_patch(Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False,
                                       edgecolor="lime", linestyle="--", linewidth=1))  # fmt: skip
        for (x1, y1, x2, y2), score, c in zip(
            found["boxes"], found["scores"], found["classes"], strict=True
        ):
            ax.add_patch(Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False,
                                   edgecolor="red", linewidth=1))  # fmt: skip
            ax.text(x1, y1 - 1, f"{class_names[c]} {score:.2f}", color="red", fontsize=5)
    fig.suptitle("Test scenes: true boxes (green, dashed), detections (red)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_segmentation(
    images, true_masks, predicted_masks, path: str | os.PathLike, *, num_classes: int = 2,
    columns: int = 6,
) -> None:  # fmt: skip
    """Rows of three: each image, its true mask, the predicted mask (class ids coloured
    alike in both), titled with the image's IoU (binary) or mean IoU over the classes
    present."""
    images, true_masks = np.asarray(images), np.asarray(true_masks)
    predicted_masks = np.asarray(predicted_masks)
    count = len(images)
    per_row = max(1, columns // 3)
    rows = int(np.ceil(count / per_row))
    fig, axes = plt.subplots(
        rows, 3 * per_row, figsize=(1.4 * 3 * per_row, 1.6 * rows), squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    style = {
        "cmap": "tab20" if num_classes > 2 else "gray",
        "vmin": 0,
        "vmax": max(num_classes - 1, 1),
    }
    for i in range(count):
        row, column = divmod(i, per_row)
        image, true, predicted = (
            np.squeeze(images[i]),
            np.squeeze(true_masks[i]),
            predicted_masks[i],
        )
        ious = [
            np.sum((true == c) & (predicted == c)) / np.sum((true == c) | (predicted == c))
            for c in (range(1, num_classes) if num_classes > 2 else (1,))
            if np.any((true == c) | (predicted == c))
        ]
        cells = axes[row, 3 * column : 3 * column + 3]
        cells[0].imshow(image, cmap="gray" if image.ndim == 2 else None)
        cells[1].imshow(true, **style)
        cells[2].imshow(predicted, **style)
        cells[0].set_title("image", fontsize=7)
        cells[1].set_title("true", fontsize=7)
        cells[2].set_title(f"IoU {np.mean(ious):.2f}" if ious else "predicted", fontsize=7)
    # A fixed grid with room for one short title above each cell: `tight_layout` measures
    # every title and tick of dozens of axes and took half of this function's time.
    height = 1.6 * rows
    fig.subplots_adjust(
        left=0.01, right=0.99, bottom=0.02 / rows, top=1 - 0.22 / height, wspace=0.06, hspace=0.2
    )
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_image_grid(
    images, path: str | os.PathLike, *, columns: int = 8, titles=None, suptitle=None,
    row_titles=None, cell=(0.8, 0.9),
) -> None:  # fmt: skip
    """Images in rows of `columns`, each titled by `titles` (a sequence, `None` entries
    untitled): generated samples, originals above their reconstructions. `row_titles` puts
    one line above each row, starting at its left edge (a search query above its results).
    `cell` is the inches given to each image, width and height (more for long titles)."""
    count = len(images)
    rows = int(np.ceil(count / columns))
    fig, axes = plt.subplots(
        rows, columns, figsize=(cell[0] * columns, cell[1] * rows), squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    for index, (ax, image) in enumerate(zip(axes.ravel(), images, strict=False)):
        image = np.squeeze(image)
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        if titles is not None and titles[index] is not None:
            ax.set_title(str(titles[index]), fontsize=7)
        if row_titles is not None and index % columns == 0:
            ax.set_title(str(row_titles[index // columns]), fontsize=8, loc="left")
    if suptitle:
        fig.suptitle(suptitle, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_grad_cam(images, heatmaps, path: str | os.PathLike, *, titles=None) -> None:
    """Each image above itself with its Grad-CAM heatmap (`keras_walk.explain.grad_cam`)
    laid over it: red where the evidence for the explained class lies."""
    count = len(images)
    fig, axes = plt.subplots(2, count, figsize=(1.1 * count, 2.5), squeeze=False)
    for index, (image, heatmap) in enumerate(zip(images, heatmaps, strict=True)):
        image = np.squeeze(image)
        cmap = "gray" if image.ndim == 2 else None
        for row in (0, 1):
            axes[row, index].imshow(image, cmap=cmap)
            axes[row, index].axis("off")
        axes[1, index].imshow(heatmap, cmap="jet", alpha=0.45, vmin=0, vmax=1)
        if titles is not None:
            axes[0, index].set_title(str(titles[index]), fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_predicted_vs_true(y_true, y_pred, path: str | os.PathLike, label: str = "target") -> None:
    """Scatter of predictions against true values with the y = x line (regression)."""
    y_true = np.asarray(y_true).reshape(-1)
    y_pred = np.asarray(y_pred).reshape(-1)
    low, high = float(min(y_true.min(), y_pred.min())), float(max(y_true.max(), y_pred.max()))
    fig, ax = plt.subplots(figsize=(4.8, 4.5))
    ax.scatter(y_true, y_pred, s=6, alpha=0.5)
    ax.plot([low, high], [low, high], color="black", linewidth=1)
    ax.set(xlabel=f"true {label}", ylabel=f"predicted {label}", title="Predicted vs true (test)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_per_label_f1(
    report: dict,
    path: str | os.PathLike,
    baseline: dict | None = None,
    baseline_name: str = "baseline",
) -> None:
    """Horizontal bars of F1 per class or label from `task_metrics`, with a baseline's if given."""
    names = list(report)
    positions = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(5.5, 0.9 + 0.32 * len(names)))
    height = 0.4 if baseline else 0.8
    ax.barh(positions, [report[n]["f1"] for n in names], height=height, label="model")
    if baseline:
        ax.barh(positions + height, [baseline[n]["f1"] for n in names], height=height,
                label=baseline_name)  # fmt: skip
        ax.legend(loc="lower right")
    ax.set_yticks(positions + (height / 2 if baseline else 0), names)
    ax.invert_yaxis()
    ax.set(xlabel="F1 (test)", xlim=(0, 1), title="F1 per label")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_comparison(
    values: dict, path: str | os.PathLike, metric: str = "test accuracy", lower_is_better=False
) -> None:
    """Horizontal bars of one metric for several models and baselines, best first.

    Scores in [0, 1] where higher is better (accuracy, AUC) are zoomed on their range up
    to 1; errors and losses (`lower_is_better=True`) are drawn from 0."""
    names = sorted(values, key=values.get, reverse=not lower_is_better)
    fig, ax = plt.subplots(figsize=(5.5, 0.9 + 0.4 * len(names)))
    bars = ax.barh(range(len(names)), [values[n] for n in names])
    ax.bar_label(bars, [f"{values[n]:.3f}" for n in names], padding=3, fontsize=8)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    low, high = min(values.values()), max(values.values())
    if lower_is_better or high > 1.0:
        xlim = (0.0, high * 1.15)
    else:
        xlim = (max(0.0, low - 0.1), 1.0)
    ax.set(xlabel=metric, xlim=xlim, title=metric[:1].upper() + metric[1:])
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_curves(
    x,
    curves: dict,
    path: str | os.PathLike,
    *,
    xlabel: str,
    ylabel: str,
    log_x: bool = False,
    title: str | None = None,
) -> None:
    """One line per entry of `curves` over the shared `x` values: `name -> values`, or
    `name -> (means, standard deviations)` drawn with error bars (e.g. over seeds)."""
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for name, values in curves.items():
        means, spreads = values if isinstance(values, tuple) else (values, None)
        ax.errorbar(x, means, yerr=spreads, marker="o", markersize=3, capsize=3, label=name)
    if log_x:
        ax.set_xscale("log")
        ax.set_xticks(list(x), [str(v) for v in x])
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title or ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_histograms(
    panels: dict, path: str | os.PathLike, *, xlabel: str, bins=20, value_range=(0.0, 1.0)
) -> None:
    """Side-by-side panels of overlaid histograms: `{panel title: {label: values}}`, e.g.
    a model's confidence on in- and out-of-distribution images, one panel per model.
    Each histogram is normalized to its own count, so groups of different sizes compare."""
    fig, axes = plt.subplots(
        1, len(panels), figsize=(3.2 * len(panels), 2.9), squeeze=False, sharey=True
    )
    for ax, (title, groups) in zip(axes[0], panels.items(), strict=True):
        for label, values in groups.items():
            values = np.asarray(values, "float64")
            ax.hist(
                values, bins=bins, range=value_range, alpha=0.55, label=label,
                weights=np.full(len(values), 1.0 / max(len(values), 1)),
            )  # fmt: skip
        ax.set(title=title, xlabel=xlabel)
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("share of images")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_histories(histories: dict, path: str | os.PathLike, metric: str = "val_accuracy") -> None:
    """One curve per model of a metric from several `History.history` dicts."""
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for name, history in histories.items():
        if metric in history:
            ax.plot(
                range(1, len(history[metric]) + 1), history[metric], "o-", label=name, markersize=3
            )
    ax.set(xlabel="epoch", ylabel=metric, title=metric)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_forecast(truth, forecasts: dict, path: str | os.PathLike, label: str = "target") -> None:
    """The true series and one or more forecasts of it, step by step (e.g. two test weeks)."""
    fig, ax = plt.subplots(figsize=(9, 3.4))
    ax.plot(np.asarray(truth), color="black", linewidth=1.2, label="true")
    for name, forecast in forecasts.items():
        ax.plot(np.asarray(forecast), linewidth=1, label=name)
    ax.set(xlabel="step", ylabel=label, title="Forecasts on the test period")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
