"""PNG plots of a run: learning curves, confusion matrix, a grid of predictions."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["plot_confusion_matrix", "plot_history", "plot_image_predictions"]


def plot_history(history: dict, path: str | os.PathLike, metrics=("loss", "accuracy")) -> None:
    """Training and validation curves, one panel per metric, from `History.history`."""
    metrics = [m for m in metrics if m in history]
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
