"""A small Fashion-MNIST classifier trained the way a recipe trains (`RecipeRun`, the default
callbacks, `kw.data.pipeline`), run by `keras-walk launch` in the multi-worker tests.

Each process writes its final weights to `--weights-out/<task>.npz` (`single` outside a
cluster) and its test accuracy, the epochs this process ran and the optimizer's steps in all
to `<task>.json`. `--kill-epoch E` makes
worker `--kill-task` SIGKILL itself in the middle of epoch E, once (a marker file in
`--weights-out` says it happened), as a crashed machine would.
"""

import json
import os
import signal
import sys
from pathlib import Path

import keras
import numpy as np

import keras_walk as kw

FULL = {"train": 4096, "test": 2000, "epochs": 3, "batch_size": 64, "learning_rate": 2e-3}


class KillOnce(keras.callbacks.Callback):
    def __init__(self, epoch, marker):
        super().__init__()
        self.epoch, self.marker, self.current = epoch, Path(marker), None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch == 20 and not self.marker.exists():
            self.marker.write_text("killed")
            os.kill(os.getpid(), signal.SIGKILL)


def main(argv):
    options = dict(zip(argv[::2], argv[1::2], strict=True))
    out = Path(options.pop("--weights-out"))
    kill_epoch = int(options.pop("--kill-epoch", -1))
    kill_task = options.pop("--kill-task", "worker 1")
    run = kw.harness.RecipeRun(
        [arg for pair in options.items() for arg in pair], description="multi-worker test",
        output_dir="runs/multi_worker_test", full=FULL, smoke=FULL,
    )  # fmt: skip
    config = kw.distribute.cluster_config()
    task = "single" if config is None else "{type} {index}".format(**config["task"])
    train, test = kw.data.load("fashion_mnist", splits=(f"train[:{run.config['train']}]",
                                                      f"test[:{run.config['test']}]"))  # fmt: skip
    model = kw.tasks.image_classifier(
        (28, 28, 1), 10, backbone=lambda shape: kw.tasks.backbones.basic_convnet(shape, (16, 32)),
        augment=None, dropout=0.0, learning_rate=run.config["learning_rate"], seed=run.seed,
    )  # fmt: skip
    callbacks = [KillOnce(kill_epoch, out / "killed")] if task == kill_task else []
    trained = []  # the epochs this process trains (a resumed fit's history has them all)
    callbacks.append(keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, _: trained.append(e)))
    history = model.fit(
        # Shuffled by epoch (the order of epoch e depends on the seed and e only) and no
        # dropout: a resumed or multi-worker run then does the same arithmetic as an
        # uninterrupted single one, so the tests can compare their results closely.
        kw.data.pipeline(train, run.config["batch_size"], shuffle=True, seed=run.seed),
        epochs=run.config["epochs"],
        **run.fit_options(callbacks=callbacks, best_checkpoint=False),
    ).history  # fmt: skip
    accuracy = float(np.mean(model.predict_labels(test.x, batch_size=500) == test.y))
    name = task.replace(" ", "-")
    np.savez(out / f"{name}.npz", *model.get_weights())
    (out / f"{name}.json").write_text(
        json.dumps(
            {
                "accuracy": accuracy,
                "epochs_here": len(trained),
                "epochs_in_history": len(history["loss"]),
                "steps": int(model.optimizer.iterations.numpy()),
                "replicas": model.distribute_strategy.num_replicas_in_sync,
            }
        )  # fmt: skip
    )


if __name__ == "__main__":
    main(sys.argv[1:])
