"""
Title: Signal classification with a fully convolutional network: UCR GunPoint and ItalyPowerDemand
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: The FCN of conv-BN-ReLU blocks on two UCR archive sets, next to 1-NN Euclidean.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

For signals and sensor data, a 1D convnet is the first thing to try. The fully
convolutional network (FCN) of Wang, Yan and Oates (2017), three conv-BN-ReLU blocks and
global average pooling, is the strong baseline of the UCR time series archive and the
model of keras-io's "Timeseries classification from scratch". We train it on two UCR
sets with their official splits, shipped inside the `aeon` wheel (offline):

* **GunPoint**: 150-step traces of an actor's hand, drawing a gun or pointing; 50 training
  and 150 test series.
* **ItalyPowerDemand**: 24-hour electricity demand curves of Italy, October-March or
  April-September days; 67 training and 1,029 test series.

The reference baseline of the archive is **1-nearest-neighbour with Euclidean distance**
(0.913 and 0.955); we report it, and the majority class, beside the network.

```bash
python recipes/sequences/signal_classification.py            # full run, about 4 minutes
python recipes/sequences/signal_classification.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import keras

import keras_walk as kw

"""
## Hyperparameters

The FCN paper's training protocol: Adam at 1e-3, batch size 16, the learning rate halved
when the training loss has not improved for 50 epochs, many epochs (1,000 here; the paper
used 2,000), and the weights of the epoch with the lowest training loss kept at the end.
With 50 or 67 training series there is nothing to spare for a validation split.
"""

FULL = {
    "datasets": ("gunpoint", "italy_power_demand"),
    "epochs": 1000,
    "batch_size": 16,
    "filters": (128, 256, 128),
    "kernel_sizes": (8, 5, 3),
    "learning_rate": 1e-3,
}
SMOKE = {**FULL, "epochs": 15, "filters": (32, 64, 32)}
HEAD = "multiclass"

"""
## Model and training

`kw.tasks.sequence_classifier((steps, features), num_classes)` builds the FCN (its
default `"fcn"` encoder). Both datasets have two classes, which would give the `binary`
head by default; we ask for the two-way softmax of the `multiclass` head, as in Wang et
al. and keras-io, trained with Adam as they do. The Task checks the series against its
input shape and the labels against its head in `fit`: a series with the wrong number of
features stops there.
"""


def train_one(name, run):
    config, info = run.config, kw.data.dataset_info(name)
    train, test = kw.data.load(name)
    model = kw.tasks.sequence_classifier(
        info.input_shape,
        info.num_classes,
        head=HEAD,
        class_names=info.class_names,
        optimizer="adam",
        filters=config["filters"],
        kernel_sizes=config["kernel_sizes"],
        learning_rate=config["learning_rate"],
        seed=run.seed,
        name=name,
    )
    history = model.fit(
        kw.data.pipeline(train, config["batch_size"], shuffle=True, seed=run.seed),
        epochs=config["epochs"],
        **run.fit_options(
            name,
            resumable=False,  # a model trains in about a minute
            callbacks=[
                keras.callbacks.ReduceLROnPlateau("loss", factor=0.5, patience=50, min_lr=1e-4),
                keras.callbacks.EarlyStopping(
                    "loss", patience=config["epochs"], restore_best_weights=True
                ),  # never stops early: keeps the weights of the lowest training loss
            ],
        ),
    )
    return info, model, train, test, history.history


"""
## Evaluate
"""


def evaluate(model, train, test):
    metrics = {"model": model.score(test.x, test.y)}
    for baseline in (kw.baselines.majority(HEAD), kw.baselines.nearest_neighbor(HEAD)):
        metrics[baseline.name] = baseline.fit(*train).score(test.x, test.y, model.class_names)
    return metrics


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/signal_classification",
                               description="UCR signal classification")  # fmt: skip
    columns = {"model": {}, "majority": {}, "nearest_neighbor": {}}
    histories = {}
    for name in run.config["datasets"]:
        keras.utils.set_random_seed(run.seed)
        info, model, train, test, histories[name] = train_one(name, run)
        model.save(run.output_dir / f"{name}.keras")
        for column, metrics in evaluate(model, train, test).items():
            columns[column][f"{name}_accuracy"] = metrics["accuracy"]
        kw.plots.plot_confusion_matrix(
            test.y, model.predict(test.x, verbose=0).argmax(-1), info.class_names,
            run.output_dir / f"{name}_confusion_matrix.png",
        )  # fmt: skip
    kw.plots.plot_histories(histories, run.output_dir / "training_loss.png", metric="loss")
    results = run.write_results(
        "sequences/signal_classification",
        task=model,
        metrics={**columns["model"], **{f"{n}_train_seconds": run.seconds(n) for n in histories}},
        baselines={name: columns[name] for name in ("majority", "nearest_neighbor")},
        history=histories,
    )
    for key, value in columns["model"].items():
        print(f"{key}: {value:.4f} (1-NN Euclidean {columns['nearest_neighbor'][key]:.4f})")
    print(f"results in {run.output_dir}")
    return results


if __name__ == "__main__":
    main()
