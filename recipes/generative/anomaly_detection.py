"""
Title: Anomaly detection: what an autoencoder cannot reconstruct
Author: keras_walk developers
Date created: 2026/11/23
Last modified: 2026/11/23
Description: A convolutional autoencoder trained on some Fashion-MNIST classes flags the others by their reconstruction error, next to PCA.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

An autoencoder learns to squeeze an image through a small code and rebuild it. Trained
only on *normal* images, it rebuilds them well and anything unlike them badly, so the
**reconstruction error is an anomaly score**, with no anomaly ever labelled. Here the
normal images are seven of the ten Fashion-MNIST classes (tops, trousers, pullovers,
dresses, coats, shirts, bags) and the anomalies are the three footwear classes the model
never saw. The score is judged by ROC AUC on the official test set: the chance that a
random anomaly scores higher than a random normal image (0.5 is chance, 1 is perfect).

The baseline is the linear autoencoder: **PCA** with as many components as the code has
dimensions, fitted on the same normal images, scoring by its own reconstruction error.

```bash
python recipes/generative/anomaly_detection.py            # full run
python recipes/generative/anomaly_detection.py --smoke    # a few seconds, for tests
```
"""

"""
## Setup
"""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score

import keras_walk as kw

"""
## Hyperparameters
"""

FULL = {
    "anomaly_classes": ["Sandal", "Sneaker", "Ankle boot"],
    "latent_dim": 32,
    "filters": (32, 64),
    "epochs": 15,
    "batch_size": 128,
    "learning_rate": 2e-3,
    "validation_fraction": 0.1,
    "train_images": None,  # all normal training images
}
SMOKE = {**FULL, "epochs": 2, "train_images": 2000, "latent_dim": 8}

"""
## Data

The training and validation images are normal ones only; the test set keeps every class,
with the footwear as anomalies.
"""


def make_data(config, seed):
    info = kw.data.dataset_info("fashion_mnist")
    train, test = kw.data.load("fashion_mnist", splits=("train", "test"))
    anomalies = [info.class_names.index(name) for name in config["anomaly_classes"]]
    normal = train.x[~np.isin(train.y, anomalies)]
    normal = normal[np.random.default_rng(seed).permutation(len(normal))]
    if config["train_images"]:
        normal = normal[: config["train_images"]]
    cut = int(len(normal) * (1 - config["validation_fraction"]))
    return info, normal[:cut], normal[cut:], test.x, np.isin(test.y, anomalies), test.y


"""
## Model

`kw.tasks.autoencoder` builds two stride-2 convolutions down to a `latent_dim` code and two
transposed convolutions back up, ending in a sigmoid per pixel. Its `fit` takes the images
alone: the targets are the images themselves, scaled to [0, 1].
"""


def make_model(config, seed):
    return kw.tasks.autoencoder(
        (28, 28, 1), latent_dim=config["latent_dim"], filters=config["filters"],
        learning_rate=config["learning_rate"], seed=seed,
    )  # fmt: skip


"""
## Train
"""


def train(model, run, x_train, x_val):
    history = model.fit(
        x_train, validation_data=x_val, batch_size=run.config["batch_size"],
        epochs=run.config["epochs"], **run.fit_options(),
    )  # fmt: skip
    return history.history


"""
## Evaluate

Both detectors score every test image by its mean squared reconstruction error on the
[0, 1] pixel scale.
"""


def pca_scores(config, x_train, x_test):
    def flat(images):  # pixels in [0, 1], one row per image
        return images.reshape(len(images), -1).astype("float32") / 255

    pca = PCA(config["latent_dim"], random_state=0).fit(flat(x_train))
    test = flat(x_test)
    return ((pca.inverse_transform(pca.transform(test)) - test) ** 2).mean(axis=1)


def evaluate(model, config, info, x_train, x_test, is_anomaly, labels):
    scores = {"model": model.anomaly_scores(x_test), "pca": pca_scores(config, x_train, x_test)}
    metrics = {}
    normal = ~is_anomaly
    for name, score in scores.items():
        metrics[name] = {
            "roc_auc": roc_auc_score(is_anomaly, score),
            "normal_mean_error": float(score[normal].mean()),
            "anomaly_mean_error": float(score[is_anomaly].mean()),
        }
        for class_name in config["anomaly_classes"]:  # each anomaly class against the normal ones
            chosen = normal | (labels == info.class_names.index(class_name))
            metrics[name][f"roc_auc_{class_name}"] = roc_auc_score(
                is_anomaly[chosen], score[chosen]
            )
    return metrics, scores


def plot(model, scores, x_test, is_anomaly, output_dir):
    plt = kw.plots.plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    for ax, (name, score) in zip(axes, scores.items(), strict=True):
        bins = np.linspace(0, np.quantile(score, 0.995), 60)
        ax.hist(score[~is_anomaly], bins, alpha=0.6, label="normal", density=True)
        ax.hist(score[is_anomaly], bins, alpha=0.6, label="anomaly (footwear)", density=True)
        ax.set(title=f"{name}: reconstruction error", xlabel="mean squared error")
        ax.legend()
    fig.tight_layout()
    fig.savefig(output_dir / "anomaly_scores.png", dpi=110)
    plt.close(fig)
    # Originals above their reconstructions: four normal images, then four anomalies.
    chosen = np.concatenate([np.flatnonzero(~is_anomaly)[:4], np.flatnonzero(is_anomaly)[:4]])
    kw.plots.plot_image_grid(
        np.concatenate([x_test[chosen], model.reconstruct(x_test[chosen])]),
        output_dir / "reconstructions.png", columns=8,
        titles=[f"{scores['model'][i]:.3f}" for i in chosen] + [None] * len(chosen),
        suptitle="Originals (top, with the model's score) and reconstructions (bottom)",
    )  # fmt: skip


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/anomaly_detection",
                               description="Anomaly detection by reconstruction error on Fashion-MNIST")  # fmt: skip
    info, x_train, x_val, x_test, is_anomaly, labels = make_data(run.config, run.seed)
    model = make_model(run.config, run.seed)
    history = train(model, run, x_train, x_val)
    kw.plots.plot_history(history, run.output_dir / "training_curves.png", ("loss", "mae"))
    metrics, scores = evaluate(model, run.config, info, x_train, x_test, is_anomaly, labels)
    plot(model, scores, x_test, is_anomaly, run.output_dir)
    model.save(run.output_dir / "model.keras")
    return run.finish(
        "generative/anomaly_detection", model, metrics, show=("roc_auc",), history=history,
        data={"train_images": len(x_train), "test_images": len(x_test),
              "test_anomalies": int(is_anomaly.sum())},
    )  # fmt: skip


if __name__ == "__main__":
    main()
