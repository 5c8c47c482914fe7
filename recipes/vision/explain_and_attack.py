"""
Title: What a convnet looks at, and how little it takes to fool it
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/11/24
Description: Grad-CAM, first-layer filters and activations; FGSM adversarial examples and adversarial training.
Accelerator: None needed (2-core CPU); uses GPUs or a TPU when present
"""

"""
## Introduction

A trained Fashion-MNIST convnet, opened up three ways:

* its **first-layer filters**, the 3x3 patterns its first 32 channels respond to, and
  those channels' **activations** on one image;
* **Grad-CAM** heatmaps: where in an image the evidence for its predicted class lies;
* **adversarial examples** by the fast gradient sign method (FGSM): every pixel moved by
  `epsilon` of its range in the direction that raises the loss most. We measure test
  accuracy against `epsilon`, then train a second model **adversarially** (on clean and
  FGSM images of every batch) and measure what it gains.

```bash
python recipes/vision/explain_and_attack.py            # full run
python recipes/vision/explain_and_attack.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import numpy as np

import keras_walk as kw

"""
## Hyperparameters

Both models: the builder's basic convnet, 4 epochs, AdamW with warm-up and cosine decay.
The attacks run on 2,000 test images. `epsilon = 0.1` moves each pixel by 25.5 of 255.
"""

FULL = {
    "train_split": "train[:54000]", "val_split": "train[54000:]", "test_split": "test[:2000]",
    "epochs": 4, "batch_size": 128, "learning_rate": 3e-3,
    "epsilons": (0.0, 0.01, 0.02, 0.05, 0.1, 0.2), "train_epsilon": 0.1,
}  # fmt: skip
SMOKE = {
    **FULL, "train_split": "train[:1024]", "val_split": "train[54000:54256]",
    "test_split": "test[:128]", "epochs": 1, "epsilons": (0.0, 0.1),
}  # fmt: skip


def make_model(config, steps, name):
    info = kw.data.dataset_info("fashion_mnist")
    return kw.tasks.image_classifier(
        info.input_shape, info.num_classes, class_names=info.class_names, seed=0, name=name,
        learning_rate=kw.training.warmup_cosine(config["learning_rate"], steps),
    )  # fmt: skip


"""
## Looking inside

`kw.explain.first_layer_filters(model)` returns the first convolution's kernels;
`kw.explain.layer_activations(model, images)` what that layer outputs (any convolution
by name, inside the backbone too); `kw.explain.grad_cam(model, images)` a heatmap per
image for its predicted class (or any `class_index`), from the gradient of that class's
logit with respect to the backbone's last feature map.
"""


def explain(model, test, output_dir):
    kernels = kw.explain.first_layer_filters(model)[..., 0]
    kw.plots.plot_image_grid(
        kernels, output_dir / "first_layer_filters.png", columns=8,
        suptitle="First-layer 3x3 filters (light = positive weight)", cell=(0.7, 0.7),
    )  # fmt: skip
    activations = kw.explain.layer_activations(model, test.x[:1])[0]
    kw.plots.plot_image_grid(
        np.concatenate([test.x[:1, ..., 0], np.moveaxis(activations[..., :15], -1, 0)]),
        output_dir / "first_layer_activations.png", columns=8,
        titles=["input"] + [f"channel {i}" for i in range(15)],
        suptitle="One image and 15 of its first-layer activations", cell=(0.9, 1.0),
    )  # fmt: skip
    heatmaps = kw.explain.grad_cam(model, test.x[:10])
    names = model.predict_labels(test.x[:10])
    kw.plots.plot_grad_cam(
        test.x[:10], heatmaps, output_dir / "grad_cam.png", titles=[str(n) for n in names]
    )
    on_item = test.x[:200, ..., 0] > 0
    heat = kw.explain.grad_cam(model, test.x[:200])
    # How much of the heat falls on the garment's pixels, against the share of the image
    # they cover (0.5 would be no better than spreading it evenly over the garment).
    return {
        "grad_cam_heat_on_item": round(float((heat * on_item).sum() / heat.sum()), 4),
        "item_pixel_share": round(float(on_item.mean()), 4),
    }


"""
## Attacking

`kw.adversarial.accuracy_under_attack(model, x, y, epsilons)` makes FGSM images from the
model itself at each `epsilon` and scores the model on them.
`kw.adversarial.adversarial_fit(model, x, y, epsilon=0.1)` trains on clean and FGSM
images of each batch, half of the loss each (Goodfellow et al. 2015): every step makes
its attack from the model as it is at that step, so it costs about two and a half
ordinary steps.
"""


def attack_samples(model, test, epsilon, output_dir, name):
    attacked = kw.adversarial.fgsm(model, test.x[:8], test.y[:8], epsilon)
    before = model.predict_labels(test.x[:8])
    after = model.predict_labels(attacked)
    kw.plots.plot_image_grid(
        np.concatenate([test.x[:8, ..., 0], attacked[..., 0]]), output_dir / name, columns=8,
        titles=[str(n) for n in before] + [str(n) for n in after],
        suptitle=f"Test images (top) and their FGSM versions at epsilon {epsilon} (bottom), "
        "with the model's answers", cell=(1.0, 1.1),
    )  # fmt: skip


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/explain_and_attack",
                               description="Explain a convnet, then attack it")  # fmt: skip
    config = run.config
    train, val, test = kw.data.load(
        "fashion_mnist", splits=(config["train_split"], config["val_split"], config["test_split"])
    )
    train_ds = kw.data.pipeline(train, config["batch_size"], shuffle=True, seed=run.seed)
    steps = config["epochs"] * int(train_ds.cardinality())
    model = make_model(config, steps, "classifier")
    model.training_data = f"fashion_mnist {config['train_split']}"
    history = model.fit(
        train_ds, validation_data=kw.data.pipeline(val, 1024), epochs=config["epochs"],
        **run.fit_options("classifier"),
    ).history  # fmt: skip
    insight = explain(model, test, run.output_dir)
    plain = kw.adversarial.accuracy_under_attack(model, test.x, test.y, config["epsilons"])
    attack_samples(model, test, config["train_epsilon"], run.output_dir, "fgsm_samples.png")

    robust = make_model(config, steps, "adversarially_trained")
    robust_history = kw.adversarial.adversarial_fit(
        robust, train.x, train.y, epsilon=config["train_epsilon"], epochs=config["epochs"],
        batch_size=config["batch_size"],
        **run.fit_options("adversarial", monitor="loss", best_checkpoint=False),
    ).history  # fmt: skip
    hardened = kw.adversarial.accuracy_under_attack(robust, test.x, test.y, config["epsilons"])
    epsilons = [float(e) for e in config["epsilons"]]
    kw.plots.plot_curves(
        epsilons,
        {"trained on clean images": [plain[e] for e in epsilons],
         f"adversarially trained (epsilon {config['train_epsilon']})": [hardened[e] for e in epsilons]},
        run.output_dir / "accuracy_vs_epsilon.png", xlabel="epsilon (share of the pixel range)",
        ylabel=f"test accuracy ({len(test.y)} images)", title="FGSM: accuracy against epsilon",
    )  # fmt: skip
    kw.plots.plot_history(history, run.output_dir / "training_curves.png")
    target = float(config["train_epsilon"])
    metrics = {
        **insight,
        "accuracy_vs_epsilon": {str(e): round(plain[e], 4) for e in epsilons},
        "adversarially_trained_accuracy_vs_epsilon": {str(e): round(hardened[e], 4) for e in epsilons},
        f"gain_at_epsilon_{target}_points": round((hardened[target] - plain[target]) * 100, 2),
        "clean_accuracy_cost_points": round((plain[0.0] - hardened[0.0]) * 100, 2),
        "train_seconds": {name: round(s, 1) for name, s in run.train_seconds.items()},
        "adversarial_final_loss": round(float(robust_history["loss"][-1]), 4),
    }  # fmt: skip
    model.save(run.output_dir / "model.keras")
    robust.save(run.output_dir / "adversarially_trained.keras")
    results = run.write_results(
        "vision/explain_and_attack", task=model, metrics=metrics, history=history,
        tables={f"FGSM test accuracy ({len(test.y)} images)": [
            {"epsilon": e, "trained on clean images": round(plain[e], 4),
             "adversarially trained": round(hardened[e], 4)}
            for e in epsilons
        ]},
    )  # fmt: skip
    print(
        f"Accuracy at epsilon {target}: {plain[target]:.4f} -> {hardened[target]:.4f} with "
        f"adversarial training (clean {plain[0.0]:.4f} -> {hardened[0.0]:.4f}); results in "
        f"{run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
