"""
Title: A class-conditional diffusion model that draws Fashion-MNIST
Author: keras_walk developers
Date created: 2026/11/23
Last modified: 2026/11/23
Description: DDIM with a U-Net noise predictor and classifier-free guidance, trained on real Fashion-MNIST on two CPU cores, judged by class accuracy and the Fréchet distance.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

A diffusion model learns to generate images by learning to *remove noise*. Training takes
a real image, mixes it with Gaussian noise at a random level, and teaches a U-Net to
predict that noise. Sampling starts from pure noise and removes the predicted noise a
little at a time: here with DDIM (Song et al. 2021), a deterministic sampler whose number
of steps trades time for quality.

The model is **class-conditional**: it is told which of the ten classes to draw. Ten
percent of the training labels are replaced by a "no label" class, so the same network
also learns to draw without a label; at sampling time, **classifier-free guidance** (Ho &
Salimans 2022) pushes each prediction away from the unlabelled one and towards the
labelled one by `guidance_scale`.

We judge the images three ways with `kw.metrics` (see
[Generated images: quality](../user-guide/image-quality.md)): does a Fashion-MNIST
classifier see the class that was asked for (class-conditional accuracy), how far are the
images from real test images on that classifier's features (Fréchet distance, next to the
floor of real training images against real test images), and are they copies of
training images (memorization check).

```bash
python recipes/generative/ddim.py            # full run (about 30 min on 2 CPU cores)
python recipes/generative/ddim.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import time

import numpy as np

import keras_walk as kw

"""
## Hyperparameters

A U-Net of about 0.9 M parameters (widths 32, 64, 96 at 28x28, 14x14 and 7x7 pixels, two
residual blocks per resolution, self-attention at 7x7), trained for 3 epochs of the 60,000
training images in batches of 128 with a warm-up then cosine learning rate. The
evaluation samples with 20 DDIM steps.
"""

FULL = {
    "widths": (32, 64, 96),
    "block_depth": 2,
    "attention": True,
    "label_dropout": 0.1,
    "guidance_scale": 3.0,
    "epochs": 3,
    "batch_size": 128,
    "learning_rate": 2e-3,
    "train_images": None,  # all 60,000
    "sampling_steps": 20,
    "curve_samples": 500,  # generated after every epoch for the quality curve
    "final_samples": 5000,  # generated at the end, 500 per class
    "sweep_samples": 500,  # per point of the guidance and steps sweeps
    "guidance_sweep": (1.0, 2.0, 3.0, 5.0),
    "steps_sweep": (5, 10, 20, 50),
    "extractor_steps": 1500,
    "test_loss_images": None,  # all 10,000
}
SMOKE = {
    **FULL, "widths": (16, 32), "block_depth": 1, "epochs": 2, "train_images": 1000,
    "batch_size": 64, "curve_samples": 50, "final_samples": 100, "sweep_samples": 20,
    "guidance_sweep": (1.0, 3.0), "steps_sweep": (2, 5), "sampling_steps": 5,
    "extractor_steps": 50, "test_loss_images": 1000,
}  # fmt: skip

"""
## Data

The real Fashion-MNIST images, uint8, with their labels. The model learns the pixel mean
and variance from them (a `keras.layers.Normalization` adapted on the images).
"""


CLASS_NAMES = kw.data.dataset_info("fashion_mnist").class_names


def make_data(config, seed):
    train, test = kw.data.load("fashion_mnist", splits=("train", "test"))
    if config["train_images"]:
        keep = np.random.default_rng(seed).permutation(len(train.x))[: config["train_images"]]
        train = kw.data.Arrays(train.x[keep], train.y[keep])
    return train, test


"""
## Model

`kw.tasks.diffusion_model` returns a compiled Task whose graph is the U-Net: noisy images,
their noise variance and a label in, the predicted noise out. Its `train_step` does the
noising; it keeps a moving average of its weights (EMA, its momentum warming up towards
0.999) that `generate` samples with.
"""


def make_model(config, train):
    steps = -(-len(train.x) // config["batch_size"]) * config["epochs"]
    return kw.tasks.diffusion_model(
        train.x, 10, class_names=CLASS_NAMES, widths=config["widths"],
        block_depth=config["block_depth"], attention=config["attention"],
        label_dropout=config["label_dropout"], guidance_scale=config["guidance_scale"],
        learning_rate=kw.training.warmup_cosine(config["learning_rate"], steps),
    )  # fmt: skip


"""
## Measuring quality while it trains

After every epoch `kw.feature_networks.SampleQuality`, a Keras callback, draws the same
`curve_samples` images (same seed, an equal number per class, `sampling_steps` steps) and
records their class-conditional accuracy and Fréchet distance.
"""


"""
## Evaluate

`final_samples` images, an equal number per class, at the default guidance and 20 steps,
against real test images; the floor is as many real training images against the same
test images. Then two sweeps on fewer images: the guidance scale (1 is no guidance), and
the number of DDIM steps, timed.
"""


def quality(model, features, f_test, count, steps, guidance, seed=1):
    labels = np.arange(count) % 10
    start = time.perf_counter()
    images = model.generate(count, steps=steps, labels=labels, guidance_scale=guidance, seed=seed)
    seconds = time.perf_counter() - start
    return images, {
        "frechet_distance": kw.metrics.frechet_distance(features.features(images), f_test),
        "class_accuracy": kw.metrics.class_accuracy(features, images, labels),
        "seconds_per_100_images": 100 * seconds / count,
    }


def evaluate(model, features, config, train, test):
    rng = np.random.default_rng(0)
    count = config["final_samples"]
    f_test, f_train = features.features(test.x), features.features(train.x)
    f_floor = f_train[rng.choice(len(train.x), min(count, len(train.x)), replace=False)]
    images, final = quality(
        model, features, f_test, count, config["sampling_steps"], config["guidance_scale"]
    )
    floor = kw.metrics.frechet_distance(f_floor, f_test)
    f_generated = features.features(images)
    metrics = {
        **final,
        "kernel_distance": kw.metrics.kernel_distance(f_generated, f_test),
        "floor_frechet_distance": floor,
        "floor_kernel_distance": kw.metrics.kernel_distance(f_floor, f_test),
        "frechet_over_floor": final["frechet_distance"] / floor,
        "memorization_ratio": kw.metrics.memorization(f_generated, f_train, f_test)["ratio"],
        "feature_extractor_test_accuracy": features.test_accuracy,
        "test_loss": model.evaluate(
            test.x[: config["test_loss_images"]],
            test.y[: config["test_loss_images"]],
            verbose=0,
            return_dict=True,
        )["loss"],
    }
    start = time.perf_counter()
    model.generate(100, steps=20, labels=np.arange(100) % 10, seed=2)
    metrics["generate_100_images_20_steps_seconds"] = time.perf_counter() - start
    sweeps = {"guidance": [], "steps": []}
    n = config["sweep_samples"]
    for scale in config["guidance_sweep"]:
        _, point = quality(model, features, f_test, n, config["sampling_steps"], scale)
        sweeps["guidance"].append({"guidance_scale": scale, **point})
        print(f"guidance {scale}: {point}")
    for steps in config["steps_sweep"]:
        _, point = quality(model, features, f_test, n, steps, config["guidance_scale"])
        sweeps["steps"].append({"steps": steps, **point})
        print(f"{steps} steps: {point}")
    return images, metrics, sweeps


def plot(curve, images, sweeps, class_names, output_dir):
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

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    guidance = sweeps["guidance"]
    scales = [p["guidance_scale"] for p in guidance]
    axes[0].plot(scales, [p["frechet_distance"] for p in guidance], "o-", label="Fréchet distance")
    twin = axes[0].twinx()
    twin.plot(scales, [p["class_accuracy"] for p in guidance], "s--", color="tab:orange")
    twin.set_ylabel("class accuracy", color="tab:orange")
    axes[0].set(xlabel="guidance scale", ylabel="Fréchet distance", title="Guidance sweep")
    steps = sweeps["steps"]
    axes[1].plot([p["seconds_per_100_images"] for p in steps],
                 [p["frechet_distance"] for p in steps], "o-")  # fmt: skip
    for point in steps:
        axes[1].annotate(f"{point['steps']} steps",
                         (point["seconds_per_100_images"], point["frechet_distance"]))  # fmt: skip
    axes[1].set(xlabel="seconds per 100 images", ylabel="Fréchet distance",
                title="DDIM steps: quality vs time")  # fmt: skip
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(output_dir / "sweeps.png", dpi=110)
    plt.close(fig)

    rows = [grid[:10] for grid in curve.grids]  # one image per class, each epoch
    kw.plots.plot_image_grid(
        np.concatenate(rows), output_dir / "samples_over_epochs.png", columns=10,
        titles=[class_names[c] if i < 10 else None for i, c in
                enumerate(np.tile(np.arange(10), len(rows)))],
    )  # fmt: skip
    order = np.argsort(np.arange(100) % 10, kind="stable")  # a row per class
    kw.plots.plot_image_grid(images[:100][order], output_dir / "samples.png", columns=10)


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/ddim",
                               description="A class-conditional DDIM on Fashion-MNIST")  # fmt: skip
    config = run.config
    train, test = make_data(config, run.seed)
    features = kw.feature_networks.image_features("fashion_mnist", steps=config["extractor_steps"])
    curve = kw.feature_networks.SampleQuality(
        features, features.features(test.x), config["curve_samples"],
        steps=config["sampling_steps"],
    )  # fmt: skip
    model = make_model(config, train)
    history = model.fit(
        train.x, train.y, batch_size=config["batch_size"], epochs=config["epochs"],
        **run.fit_options(callbacks=[curve], monitor="loss"),
    ).history  # fmt: skip
    train_seconds = run.seconds()  # includes the per-epoch quality curve
    evaluation_start = time.perf_counter()
    kw.plots.plot_history(history, run.output_dir / "training_curves.png", ("loss",))
    images, metrics, sweeps = evaluate(model, features, config, train, test)
    plot(curve, images, sweeps, CLASS_NAMES, run.output_dir)
    model.save(run.output_dir / "model.keras")
    results = run.write_results(
        "generative/ddim", task=model,
        metrics={**metrics, "train_seconds": train_seconds,
                 "evaluation_seconds": time.perf_counter() - evaluation_start},
        history={**history, "sample_frechet_distance": curve.frechet,
                 "sample_class_accuracy": curve.accuracy},
        sweeps=sweeps,
    )  # fmt: skip
    print(
        f"class accuracy {metrics['class_accuracy']:.3f}; Fréchet distance "
        f"{metrics['frechet_distance']:.2f} (floor {metrics['floor_frechet_distance']:.2f}, "
        f"ratio {metrics['frechet_over_floor']:.1f}); {train_seconds / 60:.1f} min training, "
        f"{metrics_minutes(evaluation_start):.1f} min evaluation; results in {run.output_dir}"
    )
    return results


def metrics_minutes(start):
    return (time.perf_counter() - start) / 60


if __name__ == "__main__":
    main()
