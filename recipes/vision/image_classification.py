"""
Title: Image classification on Fashion-MNIST
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: A small conv-BN-ReLU network past 0.93 test accuracy on Fashion-MNIST on a CPU.
Accelerator: None needed (2-core CPU); uses GPUs or a TPU when present
"""

"""
## Introduction

This recipe trains an image classifier on [Fashion-MNIST](https://github.com/zalandoresearch/fashion-mnist):
70,000 greyscale 28x28 pictures of clothing in 10 classes, with the official split of
60,000 training and 10,000 test images. We hold out the last 6,000 training images for
validation and touch the test set once, at the very end.

Everything comes from `keras_walk`: the named dataset (loaded offline from Debian's
`dataset-fashion-mnist` package), the `tf.data` pipeline, the model builder with its head
from the heads table, the strategy, the callbacks that make an interrupted run resumable,
and the plots. Run it with:

```bash
python recipes/vision/image_classification.py            # full run
python recipes/vision/image_classification.py --smoke    # a few seconds, for tests
```
"""

"""
## Setup
"""

import functools
import sys
import time

import keras
import numpy as np

import keras_walk as kw

"""
## Hyperparameters

The full run trains for 9 epochs of 211 batches with a one-cycle-like schedule (a linear
warm-up over the first eighth of the steps, then cosine decay to zero) with AdamW: that is
what takes a small network this far in a few CPU minutes. The network is sized to the
budget: on a 2-core CPU, convolutions at full 28x28 resolution dominate the cost, so the
first block has a single convolution. `--smoke` shrinks the data and the run to seconds,
keeping the same code path.
"""

FULL = {
    "train_split": "train[:54000]",
    "val_split": "train[54000:]",
    "test_split": "test",
    "epochs": 9,
    "batch_size": 256,
    "filters": (32, 64, 128),
    "convs_per_block": (1, 1, 2),
    "pooling": "flatten",
    "peak_learning_rate": 3e-3,
    "weight_decay": 1e-4,
    "dropout": 0.3,
    "augment": "flip",
}
SMOKE = {
    **FULL,
    "train_split": "train[:4096]",
    "val_split": "train[54000:54512]",
    "test_split": "test[:1000]",
    "epochs": 3,
    "batch_size": 128,
    "filters": (16, 32),
    "convs_per_block": 1,
}

"""
## Data

`kw.data.load` returns NumPy arrays per split (TFDS split syntax); `kw.data.pipeline` checks
them against the head and the input shape, then builds the `tf.data` pipeline: cache,
shuffle every epoch, batch, prefetch with AUTOTUNE.
"""


def make_datasets(config, batch_size, seed):
    info = kw.data.dataset_info("fashion_mnist")
    train, val, test = kw.data.load(
        "fashion_mnist", splits=(config["train_split"], config["val_split"], config["test_split"])
    )
    checks = {
        "head": "multiclass",
        "num_classes": info.num_classes,
        "input_shape": info.input_shape,
    }
    train_ds = kw.data.pipeline(train, batch_size, shuffle=True, seed=seed, **checks)
    val_ds = kw.data.pipeline(val, 1024, **checks)
    return info, train_ds, val_ds, test


"""
## Model

`kw.tasks.image_classifier` builds: augmentation (a random horizontal flip, active only
while training; adding random shifts of 10% slowed learning too much for a 10-epoch run:
0.910 validation accuracy after 8 epochs instead of 0.932) -> rescaling to [0, 1] -> a basic
convnet (conv-BN-ReLU blocks of 32, 64 and 2x128 filters, 2x2 max pooling between them) ->
flatten (unlike global average pooling, the flattened 7x7 map keeps *where* each feature is)
-> dropout -> the `multiclass` head (softmax + sparse categorical crossentropy). It compiles
the model with AdamW inside the resolved strategy's scope.
"""


def make_model(config, info, steps, strategy):
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=config["peak_learning_rate"] / 30,
        decay_steps=steps - steps // 8,
        warmup_target=config["peak_learning_rate"],
        warmup_steps=steps // 8,
    )
    backbone = functools.partial(
        kw.tasks.backbones.basic_convnet,
        filters=config["filters"],
        convs_per_block=config["convs_per_block"],
    )
    return kw.tasks.image_classifier(
        num_classes=info.num_classes,
        input_shape=info.input_shape,
        backbone=backbone,
        augment=config["augment"],
        pooling=config["pooling"],
        dropout=config["dropout"],
        learning_rate=schedule,
        weight_decay=config["weight_decay"],
        strategy=strategy,
        seed=0,
    )


"""
## Train

`kw.training.default_callbacks` gives `BackupAndRestore` (rerun the same command after an
interruption and training resumes from the last finished epoch), the best checkpoint and a
CSV log.
"""


def train(model, train_ds, val_ds, epochs, output_dir):
    verbose = 1 if sys.stdout.isatty() else 2
    start = time.perf_counter()
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=epochs,
        callbacks=kw.training.default_callbacks(output_dir, monitor="val_accuracy"),
        verbose=verbose,
    )
    return history.history, time.perf_counter() - start


"""
## Evaluate

The test set is used once. We write `results.json`, the learning curves, the confusion
matrix and a grid of test predictions.
"""


def evaluate(model, test, info, output_dir):
    probabilities = model.predict(test.x, batch_size=1024, verbose=0)
    predicted = probabilities.argmax(axis=-1)
    accuracy = float(np.mean(predicted == test.y))
    kw.training.plot_confusion_matrix(
        test.y, predicted, info.class_names, output_dir / "confusion_matrix.png"
    )
    kw.training.plot_image_predictions(
        test.x[:32], test.y[:32], predicted[:32], info.class_names,
        output_dir / "sample_predictions.png",
    )  # fmt: skip
    return {"test_accuracy": accuracy, "test_error_count": int(np.sum(predicted != test.y))}


def main(argv=None):
    args, config = kw.training.recipe_arguments(
        argv,
        description="Image classification on Fashion-MNIST",
        output_dir="runs/image_classification",
        full=FULL,
        smoke=SMOKE,
        strategy=True,
    )

    strategy = kw.distribute.resolve_strategy(args.strategy)
    batch_size = kw.distribute.global_batch_size(config["batch_size"], strategy)
    info, train_ds, val_ds, test = make_datasets(config, batch_size, args.seed)
    steps = config["epochs"] * int(train_ds.cardinality())
    model = make_model(config, info, steps, strategy)
    history, train_seconds = train(model, train_ds, val_ds, config["epochs"], args.output_dir)
    kw.training.plot_history(history, args.output_dir / "training_curves.png")
    metrics = evaluate(model, test, info, args.output_dir)
    model.save(args.output_dir / "model.keras")

    results = kw.training.write_results(
        args.output_dir / "results.json",
        recipe="vision/image_classification",
        smoke=args.smoke,
        metrics={**metrics, "train_seconds": train_seconds, "epochs": config["epochs"],
                 "final_val_accuracy": history["val_accuracy"][-1]},
        config={**config, "seed": args.seed, "global_batch_size": batch_size},
        history=history,
        distribute=kw.distribute.describe(strategy),
    )  # fmt: skip
    print(f"Test accuracy: {metrics['test_accuracy']:.4f} "
          f"({train_seconds / 60:.1f} min of training); results in {args.output_dir}")  # fmt: skip
    return results


if __name__ == "__main__":
    main()
