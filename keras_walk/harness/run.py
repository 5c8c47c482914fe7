"""`RecipeRun`: what every recipe does around `model.fit`, written once.

A recipe parses its command line, then calls `model.fit(..., **run.fit_options())`: the
callbacks that make the run resumable (`default_callbacks`), a timer, and a verbosity
that suits a terminal or a log file. At the end, `run.write_results(...)` writes
`results.json` with the configuration, the seed and the Task's summary card.
"""

from __future__ import annotations

import sys
import time

import keras

from keras_walk import distribute
from keras_walk.harness.recipe_arguments import recipe_arguments
from keras_walk.harness.results import write_results
from keras_walk.training.callbacks import default_callbacks

__all__ = ["RecipeRun"]


class _Timer(keras.callbacks.Callback):
    """Adds the seconds between `on_train_begin` and `on_train_end` to `seconds[name]`."""

    def __init__(self, seconds: dict, name: str):
        super().__init__()
        self.seconds, self.name = seconds, name

    def on_train_begin(self, logs=None):
        self._start = time.perf_counter()

    def on_train_end(self, logs=None):
        elapsed = time.perf_counter() - self._start
        self.seconds[self.name] = self.seconds.get(self.name, 0.0) + elapsed


class RecipeRun:
    """A recipe's run: arguments, configuration, output folder, fit options, results.

    Args:
        argv: the command line (`None`: `sys.argv[1:]`).
        full: the full run's configuration (`--smoke` picks `smoke` instead).
        smoke: the smoke run's configuration: a few steps that test the recipe.
        **arguments: `description`, `output_dir`, `strategy`, `datasets`,
            `precision_family`, as `keras_walk.harness.recipe_arguments`
            takes them (it parses `--smoke`, `--epochs`, `--output-dir`, `--seed`,
            `--deterministic`, `--precision`, sets the dtype policy, seeds Keras and makes
            the output folder).

    Examples:

        >>> import tempfile
        >>> run = RecipeRun(["--smoke", "--output-dir", tempfile.mkdtemp()], {"epochs": 9},
        ...                 {"epochs": 2}, description="demo", output_dir="runs/demo")
        >>> run.config["epochs"], sorted(run.fit_options())
        (2, ['callbacks', 'verbose'])
    """

    def __init__(self, argv, full: dict, smoke: dict, **arguments):
        self.args, self.config = recipe_arguments(argv, full=full, smoke=smoke, **arguments)
        # In a multi-worker cluster every worker runs the recipe; only the chief writes its
        # files, the others write into throwaway folders (their models are the same).
        self._backup_root = self.args.output_dir
        self.output_dir = (
            self.args.output_dir if distribute.is_chief() else distribute.worker_scratch_dir()
        )
        self.seed = self.args.seed
        self.smoke = self.args.smoke
        self.train_seconds: dict[str, float] = {}

    def fit_options(
        self, name: str | None = None, *, monitor: str = "val_loss",
        early_stopping_patience: int | None = None, callbacks=(), resumable: bool = True,
        best_checkpoint: bool = True,
    ) -> dict:  # fmt: skip
        """`callbacks` and `verbose` for `model.fit`.

        Args:
            name: for recipes that train several models: each gets its own subfolder of
                the output folder (its backup, checkpoint and log) and its own timer.
            monitor: the quantity the best checkpoint and early stopping watch.
            early_stopping_patience: epochs without improvement before stopping (the best
                weights are restored), or `None`.
            callbacks: more callbacks of the recipe's own.
            resumable: `default_callbacks` (backup, best checkpoint, CSV log); `False` for
                runs of seconds per model and thousands of epochs, where a backup at every
                epoch would cost more than a rerun.
            best_checkpoint: keep `best.keras` by `monitor`; `False` for models whose
                losses do not say which epoch is best (a GAN's two losses only say who is
                winning the game). The backup that resumes training is kept either way.
        """
        folder = self._backup_root / name if name else self._backup_root
        callbacks = list(callbacks)
        if resumable:
            callbacks += default_callbacks(
                folder, monitor=monitor, early_stopping_patience=early_stopping_patience,
                checkpoint=best_checkpoint,
            )  # fmt: skip
        callbacks.append(_Timer(self.train_seconds, name or "model"))
        return {"callbacks": callbacks, "verbose": 1 if sys.stdout.isatty() else 2}

    def seconds(self, name: str | None = None) -> float:
        """Seconds `fit` took for `name` (this process only, when a run was resumed)."""
        return self.train_seconds.get(name or "model", 0.0)

    def write_results(self, recipe: str, *, task=None, **sections) -> dict:
        """Writes `results.json`: the recipe, `smoke`, the configuration with its seed and
        dtype policy, the Task's summary card (when `task` is given), then `sections` (metrics, history...)."""
        config = {
            **self.config, "seed": self.seed, "precision": self.args.precision,
            **sections.pop("config", {}),
        }  # fmt: skip
        if task is not None:
            sections["task"] = task.summary_card()
        return write_results(
            self.output_dir / "results.json", recipe=recipe, smoke=self.smoke, config=config,
            **sections,
        )  # fmt: skip

    def finish(
        self, recipe: str, task, metrics: dict, *, show: tuple[str, ...], **sections
    ) -> dict:
        """Ends a recipe that compares its model with baselines on the test split: writes
        `results.json` with `metrics["model"]` (and the training seconds) as the metrics and
        every other entry of `metrics` as a baseline, then prints the `show` metrics of each
        and where the results are. `sections` go to `write_results`."""
        results = self.write_results(
            recipe, task=task, metrics={**metrics["model"], "train_seconds": self.seconds()},
            baselines={name: m for name, m in metrics.items() if name != "model"}, **sections,
        )  # fmt: skip
        width = max(map(len, metrics))
        for name, m in metrics.items():
            print(f"{name:>{width}}: test " + ", ".join(f"{key} {m[key]:.4f}" for key in show))
        print(f"({self.seconds():.0f} s of training); results in {self.output_dir}")
        return results
