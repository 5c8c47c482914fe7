"""
Title: A class-conditional DCGAN that draws Fashion-MNIST
Author: keras_walk developers
Date created: 2026/11/23
Last modified: 2026/11/23
Description: A generator and a discriminator trained against each other on real Fashion-MNIST, with one-sided label smoothing, judged by class accuracy and the Fréchet distance.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

A generative adversarial network (Goodfellow et al. 2014) is two networks in a game. The
**generator** turns a random code (and here a class label) into an image; the
**discriminator** sees real and generated images and says which is which. Each training
step first improves the discriminator, then improves the generator at fooling it. When
the game goes well, the generator's images end up hard to tell from real ones.

It often goes badly: the discriminator wins outright and its gradients vanish, or the
generator finds a few images that fool it and draws only those (mode collapse). DCGAN
(Radford et al. 2016) found an architecture and settings that train reliably: strided
convolutions, batch norm in the generator, leaky ReLU in the discriminator, Adam with
learning rate 2e-4 and beta_1 = 0.5. We add **one-sided label smoothing** (Salimans et al.
2016): the discriminator's target for real images is 0.9, not 1, so it never becomes
certain and keeps giving the generator useful gradients.

We judge the samples as the VAE and diffusion recipes do, with `kw.metrics` (see
[Generated images: quality](../user-guide/image-quality.md)).

```bash
python recipes/generative/dcgan.py            # full run
python recipes/generative/dcgan.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import numpy as np

import keras_walk as kw

"""
## Hyperparameters

A 64-number code; the discriminator has two stride-2 convolutions (64 and 128 filters), the
generator mirrors them with transposed convolutions. The label enters the generator as an
embedding next to the code, and the discriminator as an extra image channel.
"""

FULL = {
    "latent_dim": 64,
    "filters": (64, 128),
    "label_smoothing": 0.1,
    "epochs": 10,
    "batch_size": 128,
    "learning_rate": 2e-4,
    "train_images": None,  # all 60,000
    "curve_samples": 1000,  # generated after every epoch for the quality curve
    "final_samples": 10000,  # generated at the end, 1,000 per class
    "extractor_steps": 1500,
}
SMOKE = {
    **FULL, "epochs": 2, "train_images": 1000, "filters": (16, 32), "curve_samples": 100,
    "final_samples": 500, "extractor_steps": 50,
}  # fmt: skip

CLASS_NAMES = kw.data.dataset_info("fashion_mnist").class_names


def make_data(config, seed):
    train, test = kw.data.load("fashion_mnist", splits=("train", "test"))
    if config["train_images"]:
        keep = np.random.default_rng(seed).permutation(len(train.x))[: config["train_images"]]
        train = kw.data.Arrays(train.x[keep], train.y[keep])
    return train, test


"""
## Measuring quality while it trains

GAN losses say little about image quality (the two losses only say who is winning the
game), so after every epoch `kw.feature_networks.SampleQuality`, a Keras callback, draws
the same images (same codes, an equal number per class) and measures them: their Fréchet
distance and how often the feature network sees the class each was drawn for.
"""


"""
## Model and training
"""


def make_model(config):
    return kw.tasks.gan(
        (28, 28, 1), 10, class_names=CLASS_NAMES, latent_dim=config["latent_dim"],
        filters=config["filters"], label_smoothing=config["label_smoothing"],
        learning_rate=config["learning_rate"],
    )  # fmt: skip


"""
## Evaluate

`final_samples` images, an equal number per class, against the 10,000 real test images;
the floor is as many real training images against the same test images.
"""


def evaluate(model, features, config, train, test):
    count = config["final_samples"]
    labels = np.arange(count) % 10
    generated = model.generate(count, labels=labels, seed=1)
    f_gen, f_test, f_train = (features.features(x) for x in (generated, test.x, train.x))
    floor_rows = np.random.default_rng(0).choice(len(train.x), min(count, len(train.x)), False)
    floor = kw.metrics.frechet_distance(f_train[floor_rows], f_test)
    frechet = kw.metrics.frechet_distance(f_gen, f_test)
    shares = np.bincount(features.classify(generated), minlength=10) / count
    return generated, {
        "frechet_distance": frechet,
        "kernel_distance": kw.metrics.kernel_distance(f_gen, f_test),
        "floor_frechet_distance": floor,
        "floor_kernel_distance": kw.metrics.kernel_distance(f_train[floor_rows], f_test),
        "frechet_over_floor": frechet / floor,
        "class_accuracy": kw.metrics.class_accuracy(features, generated, labels),
        "memorization_ratio": kw.metrics.memorization(f_gen, f_train, f_test)["ratio"],
        "largest_class_share": float(shares.max()),
        "smallest_class_share": float(shares.min()),
        "feature_extractor_test_accuracy": features.test_accuracy,
    }


def plot(curve, generated, output_dir):
    plt = kw.plots.plt
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    epochs = np.arange(1, len(curve.frechet) + 1)
    axes[0].plot(epochs, curve.frechet, "o-")
    axes[0].set(xlabel="epoch", ylabel="Fréchet distance", yscale="log", title="Distance to real")
    axes[1].plot(epochs, curve.accuracy, "o-")
    axes[1].set(xlabel="epoch", ylabel="class accuracy", ylim=(0, 1), title="Asked-for class seen")
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(output_dir / "quality_curve.png", dpi=110)
    plt.close(fig)
    shown = sorted({0, len(curve.grids) // 4, len(curve.grids) // 2, len(curve.grids) - 1})
    kw.plots.plot_image_grid(
        np.concatenate([curve.grids[e][:10] for e in shown]),
        output_dir / "samples_over_epochs.png", columns=10,
        titles=[f"epoch {e + 1}" if column == 0 else None for e in shown for column in range(10)],
    )  # fmt: skip
    order = np.argsort(np.arange(100) % 10, kind="stable")  # a row per class
    kw.plots.plot_image_grid(generated[:100][order], output_dir / "samples.png", columns=10)


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/dcgan",
                               description="A class-conditional DCGAN on Fashion-MNIST")  # fmt: skip
    config = run.config
    train, test = make_data(config, run.seed)
    features = kw.feature_networks.image_features("fashion_mnist", steps=config["extractor_steps"])
    curve = kw.feature_networks.SampleQuality(
        features, features.features(test.x), config["curve_samples"]
    )
    model = make_model(config)
    history = model.fit(
        train.x, train.y, batch_size=config["batch_size"], epochs=config["epochs"],
        **run.fit_options(callbacks=[curve], best_checkpoint=False),
    ).history  # fmt: skip
    kw.plots.plot_history(
        history, run.output_dir / "training_curves.png", ("discriminator_loss", "generator_loss")
    )
    generated, metrics = evaluate(model, features, config, train, test)
    plot(curve, generated, run.output_dir)
    model.save(run.output_dir / "model.keras")
    results = run.write_results(
        "generative/dcgan", task=model,
        metrics={**metrics, "train_seconds": run.seconds()},
        history={**history, "sample_frechet_distance": curve.frechet,
                 "sample_class_accuracy": curve.accuracy},
    )  # fmt: skip
    print(
        f"class accuracy {metrics['class_accuracy']:.3f}; Fréchet distance "
        f"{metrics['frechet_distance']:.2f} (floor {metrics['floor_frechet_distance']:.2f}, "
        f"ratio {metrics['frechet_over_floor']:.1f}); {run.seconds() / 60:.1f} min of "
        f"training; results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
