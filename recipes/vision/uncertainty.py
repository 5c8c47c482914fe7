"""
Title: Out of distribution: what a clothes classifier says about handwritten digits
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/11/24
Description: One model, MC dropout and a deep ensemble, asked about images unlike any they were trained on.
Accelerator: None needed (2-core CPU); uses GPUs or a TPU when present
"""

"""
## Introduction

A classifier trained on Fashion-MNIST has ten answers, all of them clothes. Show it a
handwritten digit and it still answers, often with high confidence: its softmax must sum
to 1 over classes that do not include "none of these". This recipe measures how sure
three predictors are on the 10,000 Fashion-MNIST test images (in distribution) and on
scikit-learn's 1,797 handwritten digits, resized to 28x28 (out of distribution):

* **one model**: a convnet, one forward pass;
* **MC dropout**: the same model, dropout left on at prediction time, 30 passes averaged;
* **a deep ensemble**: five such convnets from different random starts, averaged.

A predictor that knows what it does not know is less confident on digits than on
clothes; we measure the mean top probability on each, and how well that top probability
tells the two apart (the AUROC: 1.0 separates them perfectly, 0.5 is chance).

```bash
python recipes/vision/uncertainty.py            # full run
python recipes/vision/uncertainty.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import time

import numpy as np
import tensorflow as tf
from sklearn.metrics import roc_auc_score

import keras_walk as kw

"""
## Hyperparameters

Five members of three epochs each, dropout 0.5 before the head (more than the builder's
0.3, so that MC dropout has something to sample).
"""

FULL = {
    "train_split": "train[:54000]", "val_split": "train[54000:]", "test_split": "test",
    "members": 5, "epochs": 3, "batch_size": 128, "learning_rate": 3e-3, "dropout": 0.5,
    "mc_samples": 30, "ood_limit": None,
}  # fmt: skip
SMOKE = {
    **FULL, "train_split": "train[:2048]", "val_split": "train[54000:54256]",
    "test_split": "test[:256]", "members": 2, "epochs": 1, "mc_samples": 3, "ood_limit": 128,
}  # fmt: skip

"""
## Data

The digits are 8x8 images with values 0..16, scaled by keras_walk to 0..255; we resize
them to 28x28 (bilinear), the size the classifier takes. They are real images of
something the model never saw, not noise.
"""


def load_data(config):
    train, val, test = kw.data.load(
        "fashion_mnist", splits=(config["train_split"], config["val_split"], config["test_split"])
    )
    (digits,) = kw.data.load("digits", splits=("train+test",))
    resized = tf.image.resize(digits.x[: config["ood_limit"]].astype("float32"), (28, 28))
    ood = np.clip(np.round(resized.numpy()), 0, 255).astype("uint8")
    return train, val, test, ood, digits.y[: config["ood_limit"]]


"""
## The members

Each member is `kw.tasks.image_classifier` with its own seed (initial weights, dropout
masks, the order of batches). Member 0 is also "one model".
"""


def train_members(run, config, train, val):
    info = kw.data.dataset_info("fashion_mnist")
    members, histories = [], {}
    for index in range(config["members"]):
        train_ds = kw.data.pipeline(train, config["batch_size"], shuffle=True, seed=index)
        steps = config["epochs"] * int(train_ds.cardinality())
        member = kw.tasks.image_classifier(
            info.input_shape, info.num_classes, class_names=info.class_names,
            dropout=config["dropout"], seed=index, name=f"member_{index}",
            learning_rate=kw.training.warmup_cosine(config["learning_rate"], steps),
        )  # fmt: skip
        histories[f"member {index}"] = member.fit(
            train_ds, validation_data=kw.data.pipeline(val, 1024), epochs=config["epochs"],
            **run.fit_options(f"member_{index}"),
        ).history  # fmt: skip
        members.append(member)
    return members, histories


"""
## Three predictors, two kinds of images

`kw.uncertainty.predict_with_uncertainty(model, x, samples=30)` runs MC dropout (only the
dropout layers sample; batch normalization keeps its learned statistics);
`predict_with_uncertainty(members, x)` averages a deep ensemble. Both return the averaged
probabilities, their top probability, the entropy and the mutual information (how much
the passes or members disagree).
"""


def predictors(members, config):
    single = members[0]

    def one_model(x):
        probabilities = single.predict(x, batch_size=512, verbose=0)
        return {"probabilities": probabilities, "max_probability": probabilities.max(-1)}

    return {
        "one model": one_model,
        "MC dropout": lambda x: kw.uncertainty.predict_with_uncertainty(
            single, x, samples=config["mc_samples"], batch_size=512
        ),
        "deep ensemble": lambda x: kw.uncertainty.predict_with_uncertainty(
            members, x, batch_size=512
        ),
    }


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/uncertainty",
                               description="Confidence in and out of distribution")  # fmt: skip
    config = run.config
    train, val, test, ood, ood_digits = load_data(config)
    members, histories = train_members(run, config, train, val)
    scores, panels, seconds = {}, {}, {}
    for name, predict in predictors(members, config).items():
        start = time.perf_counter()
        inside, outside = predict(test.x), predict(ood)
        seconds[name] = round(time.perf_counter() - start, 1)
        is_ood = np.r_[np.zeros(len(test.x)), np.ones(len(ood))]
        confidence = np.r_[inside["max_probability"], outside["max_probability"]]
        scores[name] = {
            "test_accuracy": round(float(np.mean(inside["probabilities"].argmax(-1) == test.y)), 4),
            "mean_max_probability_fashion": round(float(inside["max_probability"].mean()), 4),
            "mean_max_probability_digits": round(float(outside["max_probability"].mean()), 4),
            "digits_above_0.9": round(float(np.mean(outside["max_probability"] > 0.9)), 4),
            "auroc_fashion_vs_digits": round(float(roc_auc_score(is_ood, -confidence)), 4),
            "predict_seconds": seconds[name],
        }
        panels[name] = {
            "Fashion-MNIST test": inside["max_probability"],
            "digits": outside["max_probability"],
        }
        if name == "deep ensemble":
            names = np.array(members[0].class_names)
            picks = np.arange(0, len(ood), max(1, len(ood) // 16))[:16]
            kw.plots.plot_image_grid(
                ood[picks], run.output_dir / "digits_as_clothes.png", columns=8,
                titles=[f"{d}: {names[p]} {c:.2f}" for d, p, c in zip(
                    ood_digits[picks], outside["probabilities"][picks].argmax(-1),
                    outside["max_probability"][picks], strict=True)],
                suptitle="Digits, the ensemble's answer and its top probability", cell=(1.1, 1.2),
            )  # fmt: skip
    kw.plots.plot_histograms(
        panels, run.output_dir / "confidence_histograms.png", xlabel="top probability"
    )
    kw.plots.plot_histories(histories, run.output_dir / "member_curves.png")
    results = run.write_results(
        "vision/uncertainty", task=members[0],
        metrics={**{name: s for name, s in scores.items()},
                 "train_seconds": round(sum(run.train_seconds.values()), 1)},
        tables={"confidence in and out of distribution": [
            {"predictor": name, "Fashion-MNIST test accuracy": s["test_accuracy"],
             "mean top probability, Fashion-MNIST": s["mean_max_probability_fashion"],
             "mean top probability, digits": s["mean_max_probability_digits"],
             "digits above 0.9": s["digits_above_0.9"],
             "AUROC (top probability)": s["auroc_fashion_vs_digits"]}
            for name, s in scores.items()
        ]},
    )  # fmt: skip
    print(
        "Mean top probability on digits: "
        + ", ".join(f"{n} {s['mean_max_probability_digits']:.4f}" for n, s in scores.items())
        + f"; results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
