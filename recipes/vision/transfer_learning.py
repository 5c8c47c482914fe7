"""
Title: Transfer learning: what a convnet learned on six kinds of clothes, reused
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/12/06
Description: Feature transfer and fine-tuning from 20 to 1,000 labels, against training from scratch done well and done badly.
Accelerator: None needed (2-core CPU); uses GPUs or a TPU when present
"""

"""
## Introduction

Labels are expensive; images of *something* are not. Transfer learning trains a network
on a large labelled set (the **source**), then reuses what its convolutions learned on a
small labelled set of another task (the **target**). Two ways to reuse it:

* **feature transfer**: the pretrained backbone frozen, only a new head learns;
* **fine-tuning**: after feature transfer, the backbone unfrozen and trained further
  at a lower learning rate.

The source here: the 36,000 Fashion-MNIST training images of six classes (trousers,
dresses, sandals, sneakers, bags, ankle boots; as in Géron's *Hands-On Machine Learning*,
chapter 11). Two targets, with 20, 100 or 1,000 labelled images:

* **tops**: the four classes the source never saw, T-shirt/top, pullover, coat and shirt
  (the four that Fashion-MNIST classifiers confuse most): the same kind of picture, new
  classes;
* **digits**: scikit-learn's 8x8 handwritten digits, resized to 28x28 inside the model:
  another kind of picture altogether.

Each is compared with the same network trained **from scratch**, twice: with a
learning-rate schedule (warm-up and cosine decay, the way the other recipes train), and
with a constant rate of 1e-3 (Keras's default, and a common baseline in write-ups).

```bash
python recipes/vision/transfer_learning.py            # full run
python recipes/vision/transfer_learning.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import time

import keras
import numpy as np

import keras_walk as kw
from keras_walk.data import Arrays

"""
## Hyperparameters

Every target model trains for the same number of optimizer steps whatever its number of
labels (fewer images, more epochs), batches of 32; transfer spends a third of them on the
head (rate 1e-2: a linear layer on fixed features takes a large rate) and two thirds on
fine-tuning (warm-up and cosine from 1e-3). Each size runs with three seeds (which images
are labelled, and the initial weights): we report the mean and the spread.
"""

FULL = {
    "source_epochs": 8, "source_augment": "light", "source_batch_size": 128,
    "source_learning_rate": 3e-3,
    "label_counts": (20, 100, 1000), "seeds": (0, 1, 2), "target_steps": 500,
    "target_batch_size": 32, "scratch_learning_rate": 3e-3, "head_learning_rate": 1e-2,
    "fine_tune_learning_rate": 1e-3, "dropout": 0.3, "test_limit": None,
}  # fmt: skip
SMOKE = {
    **FULL, "source_epochs": 1, "source_limit": 1024, "label_counts": (20,), "seeds": (0,),
    "target_steps": 6, "test_limit": 300,
}  # fmt: skip

"""
## Data

Source and tops come from one dataset, split by class, so no image is in both: the
source's six classes are relabelled 0-5, the tops 0-3. Digits: 1,437 training images
to draw labels from, 360 test images. The labelled images are drawn with a seed, the same
number of each class where possible, as a small labelling budget would be spent
(`kw.data.labelled_subset`).
"""

SOURCE_CLASSES = (1, 3, 5, 7, 8, 9)
TOPS = (0, 2, 4, 6)


def select_classes(arrays, classes):
    """The images of `classes`, relabelled 0, 1, ... in that order."""
    relabel = np.full(10, -1)
    relabel[list(classes)] = np.arange(len(classes))
    keep = np.isin(arrays.y, classes)
    return Arrays(arrays.x[keep], relabel[arrays.y[keep]])


def make_data(config):
    fashion_train, fashion_test = kw.data.load("fashion_mnist")
    source = select_classes(fashion_train, SOURCE_CLASSES)
    if config.get("source_limit"):
        source = Arrays(source.x[: config["source_limit"]], source.y[: config["source_limit"]])
    names = kw.data.dataset_info("fashion_mnist").class_names
    digits_train, digits_test = kw.data.load("digits")
    limit = config["test_limit"]
    targets = {
        "tops": (select_classes(fashion_train, TOPS), select_classes(fashion_test, TOPS),
                 [names[c] for c in TOPS]),
        "digits": (digits_train, digits_test, [str(d) for d in range(10)]),
    }  # fmt: skip
    targets = {
        name: (train, Arrays(test.x[:limit], test.y[:limit]), class_names)
        for name, (train, test, class_names) in targets.items()
    }
    return source, [names[c] for c in SOURCE_CLASSES], targets


"""
## Pretraining on the source

A basic convnet (32, 64, 128 channels, batch normalization) learns the six source
classes, 8 epochs with random flips and shifts (`augment="light"`): the augmented source
is what makes its features worth reusing (see the page). It is saved, so a rerun (or an
interrupted one) reuses it.
"""


def pretrain(run, config, source, class_names):
    path = run.output_dir / "pretrained.keras"
    if path.exists():
        return keras.models.load_model(path), None
    train_ds = kw.data.pipeline(source, config["source_batch_size"], shuffle=True, seed=run.seed)
    steps = config["source_epochs"] * int(train_ds.cardinality())
    model = kw.tasks.image_classifier(
        (28, 28, 1), len(class_names), class_names=class_names, seed=0,
        augment=config["source_augment"],
        learning_rate=kw.training.warmup_cosine(config["source_learning_rate"], steps),
    )  # fmt: skip
    history = model.fit(
        train_ds, epochs=config["source_epochs"], **run.fit_options("pretrain", monitor="loss")
    ).history
    model.training_data = "fashion_mnist train, six classes"
    model.save(path)
    return model, history


"""
## Four ways to learn a target

`kw.tasks.transfer(pretrained, num_classes, input_shape=...)` builds a new classifier on a
*copy* of the pretrained backbone (the pretrained model is not changed) with a new, random
head; images of another size (the 8x8 digits) are resized inside the model to what the
backbone learned on. `kw.tasks.fine_tune(task, x, y, head_epochs=..., fine_tune_epochs=...)`
trains the head with the backbone frozen, then everything. Fine-tuning here lets batch
normalization re-estimate its statistics (`freeze_batch_norm=False`): with it frozen,
the tops pilot runs were about 2 points lower at 1,000 labels. We call `fine_tune`
twice, to score the model between the phases; one call with both epoch counts does the
same. From scratch is `kw.tasks.image_classifier` with the same backbone and
`resize_to`, randomly initialized.
"""


def step_counts(count, config):
    """Optimizer steps for `count` labelled images: `target_steps`, rounded to whole
    epochs, of which a third (at least one epoch) trains the head in transfer."""
    steps_per_epoch = int(np.ceil(count / config["target_batch_size"]))
    epochs = max(1, round(config["target_steps"] / steps_per_epoch))
    return epochs * steps_per_epoch, max(1, epochs // 3) * steps_per_epoch


def batches(x, y, config, seed):
    # An endless stream of batches, reshuffled at every pass, that `fit` reads by steps
    # (`steps_per_epoch`, one epoch per phase). Fed as arrays, 20 labelled images make 500
    # epochs of one step each, and Keras's bookkeeping at every epoch end took longer
    # than the step: the 20-label models trained 2.7 times slower than this way.
    return kw.data.pipeline((x, y), config["target_batch_size"], shuffle=True, seed=seed).repeat()


def train_target(pretrained, x, y, test, input_shape, num_classes, config, method, seed):
    steps, head_steps = step_counts(len(x), config)
    keras.utils.set_random_seed(seed)
    data = batches(x, y, config, seed)
    common = {"dropout": config["dropout"], "seed": seed}
    resize = None if input_shape == (28, 28, 1) else (28, 28)
    if method.startswith("scratch"):
        rate = (
            1e-3 if method == "scratch_constant"
            else kw.training.warmup_cosine(config["scratch_learning_rate"], steps)
        )  # fmt: skip
        model = kw.tasks.image_classifier(
            input_shape, num_classes, resize_to=resize, learning_rate=rate, **common
        )
        model.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
        return {method: accuracy(model, test)}
    model = kw.tasks.transfer(pretrained, num_classes, input_shape=input_shape, **common)
    kw.tasks.fine_tune(
        model, data, head_epochs=1, fine_tune_epochs=0, steps_per_epoch=head_steps,
        learning_rate=config["head_learning_rate"], verbose=0,
    )  # fmt: skip
    scores = {"feature_transfer": accuracy(model, test)}
    kw.tasks.fine_tune(
        model, data, head_epochs=0, fine_tune_epochs=1, steps_per_epoch=steps - head_steps,
        fine_tune_learning_rate=kw.training.warmup_cosine(
            config["fine_tune_learning_rate"], max(steps - head_steps, 1)),
        freeze_batch_norm=False, verbose=0,
    )  # fmt: skip
    scores["fine_tuned"] = accuracy(model, test)
    return scores


def accuracy(model, test):
    # Called eagerly, batch by batch: `predict` would trace a graph for each of the
    # recipe's many models, a second or more each, for one pass over a few thousand images.
    batches = (model(test.x[i : i + 512], training=False) for i in range(0, len(test.x), 512))
    return float(np.mean(np.concatenate([np.asarray(b) for b in batches]).argmax(-1) == test.y))


"""
## The experiment
"""

METHODS = {
    "scratch": "from scratch (schedule)", "scratch_constant": "from scratch (constant 1e-3)",
    "feature_transfer": "feature transfer", "fine_tuned": "fine-tuned",
}  # fmt: skip


def run_target(pretrained, train, test, config):
    scores = {key: {} for key in METHODS}
    input_shape, num_classes = tuple(train.x.shape[1:]), int(train.y.max()) + 1
    for count in config["label_counts"]:
        for seed in config["seeds"]:
            x, y = kw.data.labelled_subset(train, count, seed)
            for method in ("scratch", "scratch_constant", "transfer"):
                found = train_target(
                    pretrained, x, y, test, input_shape, num_classes, config, method, seed
                )
                for key, value in found.items():
                    scores[key].setdefault(count, []).append(value)
        print(count, {key: np.round(values[count], 4).tolist() for key, values in scores.items()})
    return scores


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/transfer_learning",
                               description="Transfer learning from six Fashion-MNIST classes",
                               precision_family="conv")  # fmt: skip
    config = run.config
    source, source_names, targets = make_data(config)
    pretrained, source_history = pretrain(run, config, source, source_names)
    (fashion_test,) = kw.data.load("fashion_mnist", splits=("test",))
    source_test = select_classes(fashion_test, SOURCE_CLASSES)
    source_accuracy = accuracy(pretrained, source_test)
    counts = list(config["label_counts"])
    metrics = {"source_test_accuracy": round(source_accuracy, 4)}
    tables = {}
    start = time.perf_counter()
    for name, (train, test, _) in targets.items():
        scores = run_target(pretrained, train, test, config)
        summary, gains = kw.harness.summarize_over_seeds(scores, counts)
        metrics[name] = {"accuracy": summary, "fine_tuned_gain_points": gains}
        tables[f"{name}: test accuracy ({len(test.y)} images), mean ± spread over seeds"] = [
            {"labelled images": c,
             **{label: f"{summary[key][str(c)]['mean']:.4f} ± {summary[key][str(c)]['std']:.4f}"
                for key, label in METHODS.items()},
             "fine-tuned - scratch (points)": gains[str(c)]}
            for c in counts
        ]  # fmt: skip
        kw.plots.plot_curves(
            counts,
            {label: ([summary[key][str(c)]["mean"] for c in counts],
                     [summary[key][str(c)]["std"] for c in counts])
             for key, label in METHODS.items()},
            run.output_dir / f"{name}_accuracy_vs_labels.png", xlabel="labelled images",
            ylabel=f"test accuracy ({len(test.y)} images)", log_x=True,
            title=f"{name}: accuracy against labels",
        )  # fmt: skip
    metrics["pretrain_seconds"] = round(run.seconds("pretrain"), 1)
    metrics["target_seconds"] = round(time.perf_counter() - start, 1)
    if source_history:
        kw.plots.plot_history(source_history, run.output_dir / "pretraining_curves.png")
    results = run.write_results(
        "vision/transfer_learning", task=pretrained, metrics=metrics, tables=tables
    )
    print(
        f"Source test accuracy {source_accuracy:.4f}; fine-tuned minus from scratch, points: "
        + "; ".join(f"{name} {metrics[name]['fine_tuned_gain_points']}" for name in targets)
        + f"; results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
