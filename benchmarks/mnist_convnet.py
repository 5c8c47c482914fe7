"""Throughput: the keras-io MNIST convnet built by keras_walk vs written by hand in Keras.

Both models have the architecture of keras-io's "Simple MNIST convnet" (Conv 32 -> pool ->
Conv 64 -> pool -> flatten -> dropout 0.5 -> softmax), train on the same Fashion-MNIST
images with the same batch size and optimizer, in the same process. Epochs alternate
between the two (A B A B ...) so that machine noise hits both alike; the first epoch of each
(tracing) is not timed, and samples/second come from each side's fastest epoch. keras_walk's
side uses its whole path: `kw.data.load`, `kw.data.pipeline` (checks, shuffle, batch,
prefetch) and `kw.tasks.image_classifier`.
The hand-written side is keras-io's: NumPy arrays scaled to [0, 1] and `model.fit(x, y)`.

    python benchmarks/mnist_convnet.py              # 60,000 images, 5 timed epochs each
    python benchmarks/mnist_convnet.py --samples 4096 --epochs 2
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from pathlib import Path

import keras

import keras_walk as kw


def hand_written_model(input_shape, num_classes):
    # keras-io examples/vision/mnist_convnet.py, verbatim architecture and compile.
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            keras.layers.MaxPooling2D(pool_size=(2, 2)),
            keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            keras.layers.MaxPooling2D(pool_size=(2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def keras_walk_model(input_shape, num_classes):
    backbone = functools.partial(
        kw.tasks.backbones.basic_convnet,
        filters=(32, 64),
        convs_per_block=1,
        batch_norm=False,
        padding="valid",
        pool_after_last=True,
    )
    return kw.tasks.image_classifier(
        input_shape,
        num_classes,
        backbone=backbone,
        pooling="flatten",
        dropout=0.5,
        optimizer="adam",
        learning_rate=1e-3,
    )


class EpochTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = time.perf_counter() - self.start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs for each model")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(0)
    info = kw.data.dataset_info("fashion_mnist")
    train, test = kw.data.load("fashion_mnist", splits=(f"train[:{args.samples}]", "test"))

    # keras_walk: uint8 arrays -> checked pipeline -> Task that rescales inside (its `fit`
    # checks the labels against its head, outside the timed epochs).
    walk_data = kw.data.pipeline(train, args.batch_size, shuffle=True, seed=0)
    walk_model = keras_walk_model(info.input_shape, info.num_classes)
    # Hand-written: keras-io's preprocessing in NumPy.
    x_hand = train.x.astype("float32") / 255
    hand_model = hand_written_model(info.input_shape, info.num_classes)

    def walk_epoch():
        timer = EpochTimer()
        walk_model.fit(walk_data, epochs=1, verbose=0, callbacks=[timer])
        return timer.seconds

    def hand_epoch():
        timer = EpochTimer()
        hand_model.fit(
            x_hand, train.y, batch_size=args.batch_size, epochs=1, verbose=0, callbacks=[timer]
        )
        return timer.seconds

    walk_epoch(), hand_epoch()  # first epochs trace and warm up: not timed
    walk_seconds, hand_seconds = [], []
    for _ in range(args.epochs):
        walk_seconds.append(walk_epoch())
        hand_seconds.append(hand_epoch())

    n = len(train.x)
    # The fastest epoch measures the code; slower ones add whatever else the machine did
    # (on the 2-core CI machines, whole epochs sometimes run at half speed). `timeit` takes
    # the minimum for the same reason. The medians are reported too.
    walk_rate = n / min(walk_seconds)
    hand_rate = n / min(hand_seconds)
    walk_accuracy = float(walk_model.evaluate(test.x, test.y, verbose=0)[1])
    hand_accuracy = float(hand_model.evaluate(test.x.astype("float32") / 255, test.y, verbose=0)[1])
    print(f"keras_walk:   {walk_rate:8.1f} samples/s  (test accuracy {walk_accuracy:.4f})")
    print(f"hand-written: {hand_rate:8.1f} samples/s  (test accuracy {hand_accuracy:.4f})")
    print(f"ratio keras_walk / hand-written: {walk_rate / hand_rate:.3f}")
    sections = {
        "benchmark": "keras-io MNIST convnet: keras_walk vs hand-written Keras",
        "metrics": {
            "ratio_keras_walk_over_hand_written": round(walk_rate / hand_rate, 3),
            "keras_walk_samples_per_second": round(walk_rate, 1),
            "hand_written_samples_per_second": round(hand_rate, 1),
            "ratio_of_median_epochs": round(
                statistics.median(hand_seconds) / statistics.median(walk_seconds), 3
            ),
            "keras_walk_test_accuracy": walk_accuracy,
            "hand_written_test_accuracy": hand_accuracy,
        },
        "config": {
            "samples": n,
            "batch_size": args.batch_size,
            "timed_epochs": args.epochs,
            "keras_walk_parameters": walk_model.count_params(),
            "hand_written_parameters": hand_model.count_params(),
        },
        "epoch_seconds": {"keras_walk": walk_seconds, "hand_written": hand_seconds},
    }
    if args.output:
        return kw.harness.write_results(args.output, **sections)
    return sections


if __name__ == "__main__":
    main()
