"""
Title: A variational autoencoder that draws Fashion-MNIST
Author: keras_walk developers
Date created: 2026/11/23
Last modified: 2026/11/23
Description: A convolutional VAE trained on real Fashion-MNIST, its samples judged by the Fréchet distance on features of a classifier trained here.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

A variational autoencoder (Kingma & Welling, 2014) encodes each image as a Gaussian over a
small code space and learns to decode draws from it. A KL term pulls every image's
Gaussian towards N(0, I), so that decoding a *random* draw from N(0, I) gives a new image:
a generative model. Its loss is the reconstruction error plus that KL term, the evidence
lower bound.

How good are its images? There is no label to check them against, so we measure how far
the generated images are from real test images on the features of a Fashion-MNIST
classifier: the Fréchet distance and KID of `kw.metrics` (see
[Generated images: quality](../user-guide/image-quality.md) for why not InceptionV3). We
measure it after every epoch, next to the floor: real training images against real test
images.

```bash
python recipes/generative/vae.py            # full run
python recipes/generative/vae.py --smoke    # a few seconds, for tests
```
"""

"""
## Setup
"""

import numpy as np

import keras_walk as kw

"""
## Hyperparameters

A 16-number code, two conv layers each way, the KL term at full weight (the ELBO). 20
epochs of the 54,000 training images (6,000 kept for validation), batch 128.
"""

FULL = {
    "latent_dim": 16,
    "kl_weight": 1.0,
    "filters": (32, 64),
    "epochs": 20,
    "batch_size": 128,
    "learning_rate": 2e-3,
    "validation_images": 6000,
    "train_images": None,  # all
    "quality_samples": 2000,  # generated each epoch for the Fréchet curve
    "final_samples": 10000,  # generated at the end, against the 10,000 test images
    "extractor_steps": 1500,
}
SMOKE = {
    **FULL, "epochs": 2, "train_images": 2000, "validation_images": 500,
    "quality_samples": 200, "final_samples": 500, "extractor_steps": 50,
}  # fmt: skip

"""
## Data
"""


def make_data(config, seed):
    train, test = kw.data.load("fashion_mnist", splits=("train", "test"))
    order = np.random.default_rng(seed).permutation(len(train.x))
    val = train.x[order[: config["validation_images"]]]
    rest = order[config["validation_images"] :]
    if config["train_images"]:
        rest = rest[: config["train_images"]]
    return train.x[rest], val, test


"""
## Measuring quality while it trains

`kw.feature_networks.SampleQuality`, a Keras callback, generates the same `quality_samples`
images (the same codes: seed 0) after every epoch, keeps the first 32 for a grid, and
records their Fréchet distance to as many real test images. A callback reads the model as
it trains, so nothing here touches the training loop; it is created in `main` below.
"""


"""
## Model and training
"""


def make_model(config, seed):
    return kw.tasks.vae(
        (28, 28, 1), latent_dim=config["latent_dim"], kl_weight=config["kl_weight"],
        filters=config["filters"], learning_rate=config["learning_rate"], seed=seed,
    )  # fmt: skip


def train(model, run, x_train, x_val, quality):
    history = model.fit(
        x_train, validation_data=x_val, batch_size=run.config["batch_size"],
        epochs=run.config["epochs"], **run.fit_options(callbacks=[quality]),
    )  # fmt: skip
    return history.history


"""
## Evaluate

At the end: `final_samples` new images against the 10,000 test images (Fréchet distance,
KID), the floor (10,000 real training images against the test images), the share of each
class the feature classifier sees among the samples (a VAE that draws only trousers would
still score well on a per-image check), and the memorization check.
"""


def evaluate(model, features, config, x_train, test):
    generated = model.generate(config["final_samples"], seed=1)
    f_gen, f_test, f_all_train = (features.features(x) for x in (generated, test.x, x_train))
    subset = np.random.default_rng(0).choice(
        len(x_train), min(len(x_train), len(test.x)), replace=False
    )
    f_train = f_all_train[subset]  # as many real training images as test images: the floor
    floor = kw.metrics.frechet_distance(f_train, f_test)
    frechet = kw.metrics.frechet_distance(f_gen, f_test)
    shares = np.bincount(features.classify(generated), minlength=10) / len(generated)
    return generated, {
        "frechet_distance": frechet,
        "kernel_distance": kw.metrics.kernel_distance(f_gen, f_test),
        "floor_frechet_distance": floor,
        "floor_kernel_distance": kw.metrics.kernel_distance(f_train, f_test),
        "frechet_over_floor": frechet / floor,
        "memorization_ratio": kw.metrics.memorization(f_gen, f_all_train, f_test)["ratio"],
        "largest_class_share": float(shares.max()),
        "smallest_class_share": float(shares.min()),
        "test_loss": model.evaluate(test.x, verbose=0, return_dict=True)["loss"],
        "feature_extractor_test_accuracy": features.test_accuracy,
    }


def plot(quality, generated, output_dir, epochs_to_show=(1, 2, 5, 10, 20)):
    plt = kw.plots.plt
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    ax.plot(np.arange(1, len(quality.frechet) + 1), quality.frechet, "o-")
    ax.set(xlabel="epoch", ylabel="Fréchet distance (lower is better)", yscale="log",
           title="Samples against real test images")  # fmt: skip
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(output_dir / "frechet_distance.png", dpi=110)
    plt.close(fig)
    shown = [e for e in epochs_to_show if e <= len(quality.grids)]
    kw.plots.plot_image_grid(
        np.concatenate([quality.grids[epoch - 1][:16] for epoch in shown]),
        output_dir / "samples_over_epochs.png", columns=16,
        titles=[f"epoch {epoch}" if column == 0 else None for epoch in shown
                for column in range(16)],
    )  # fmt: skip
    kw.plots.plot_image_grid(generated[:64], output_dir / "samples.png", columns=8)


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/vae",
                               description="A VAE on Fashion-MNIST, judged by the Fréchet distance")  # fmt: skip
    config = run.config
    x_train, x_val, test = make_data(config, run.seed)
    features = kw.feature_networks.image_features("fashion_mnist", steps=config["extractor_steps"])
    count = config["quality_samples"]
    quality = kw.feature_networks.SampleQuality(
        features, features.features(test.x[:count]), count, keep=32
    )
    model = make_model(config, run.seed)
    history = train(model, run, x_train, x_val, quality)
    kw.plots.plot_history(history, run.output_dir / "training_curves.png", ("loss", "mae"))
    generated, metrics = evaluate(model, features, config, x_train, test)
    plot(quality, generated, run.output_dir)
    model.save(run.output_dir / "model.keras")
    results = run.write_results(
        "generative/vae", task=model,
        metrics={**metrics, "train_seconds": run.seconds()},
        history={**history, "sample_frechet_distance": quality.frechet},
    )  # fmt: skip
    print(
        f"Fréchet distance {metrics['frechet_distance']:.2f} (floor "
        f"{metrics['floor_frechet_distance']:.2f}, ratio {metrics['frechet_over_floor']:.1f}); "
        f"KID {metrics['kernel_distance']:.3f}; {run.seconds() / 60:.1f} min of training; "
        f"results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
