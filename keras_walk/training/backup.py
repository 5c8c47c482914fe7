"""`BackupAndRestore`: Keras's resume-after-interruption callback, safe to kill at any
moment and aware of multi-worker clusters.

Keras's own `keras.callbacks.BackupAndRestore` (3.15) writes its weights file, then its
epoch number, in place: a process killed while writing leaves a truncated weights file
(the next run fails to load it) or new weights beside an old epoch number (the next run
trains one epoch too many). And every worker of a cluster writes the same two files at
once. Here each backup is a folder, `epoch-00007/` holding the weights and the epoch,
written under a temporary name and then renamed, which POSIX makes atomic: a reader sees
the whole previous backup or the whole new one, never half of one. In a cluster every
worker saves (saving may read variables that need all of them), but only the chief writes
into `backup_dir`; the others write to a throwaway folder. Every worker restores from
`backup_dir`, so it must be on storage that all of them see (one machine's disk for local
workers, a shared volume or a bucket on a real cluster).

Examples:

    >>> import tempfile
    >>> callback = BackupAndRestore(tempfile.mkdtemp())
    >>> callback.latest_epoch() is None
    True
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import keras
import numpy as np

from keras_walk import distribute

__all__ = ["BackupAndRestore"]

_BACKUP = re.compile(r"^epoch-(\d+)$")
_WEIGHTS, _STATE = "model.weights.h5", "state.json"


class BackupAndRestore(keras.callbacks.Callback):
    """Backs up the model and optimizer after every epoch; a `fit` run again with the same
    `backup_dir` resumes after the last finished epoch, and returns the history of the
    whole training (the restored epochs' logs come from the backup).

    Args:
        backup_dir: the folder of the backups (made if missing).
        delete_on_finish: remove `backup_dir` when training completes, as Keras does (a
            finished run then starts afresh).
        keep: complete backups to keep (the newest); older ones are removed.
    """

    def __init__(self, backup_dir, *, delete_on_finish: bool = True, keep: int = 1):
        super().__init__()
        if not backup_dir:
            raise ValueError("Invalid value for argument `backup_dir`: it is empty.")
        if keep < 1:
            raise ValueError(f"Invalid value for argument `keep`. Expected >= 1. Received: {keep}")
        self.backup_dir = Path(backup_dir)
        self.delete_on_finish = delete_on_finish
        self.keep = keep
        self._scratch = None
        self._logs: list[dict] = []  # each finished epoch's logs, restored ones included
        self._restored: list[int] = []  # the epochs whose logs came from a backup

    # --- Reading -------------------------------------------------------------------------

    def backups(self) -> list[tuple[int, Path]]:
        """`(epoch, folder)` of every complete backup, oldest first."""
        return _complete_backups(self.backup_dir)

    def latest_epoch(self) -> int | None:
        """The epochs finished by the newest complete backup, or `None` without one."""
        backups = self.backups()
        return backups[-1][0] if backups else None

    def on_train_begin(self, logs=None):
        self._logs, self._restored = [], []
        backups = self.backups()
        if not backups:
            return
        if not self.model.built:
            raise ValueError(
                "To resume from a backup the model must be built before `fit()`. Call it on "
                "a batch of data first."
            )
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)  # its slots get restored
        epoch, folder = backups[-1]
        self.model.load_weights(folder / _WEIGHTS)
        # The attribute Keras's own BackupAndRestore sets: `fit` starts at this epoch.
        self.model._initial_epoch = epoch
        state = json.loads((folder / _STATE).read_text())
        self._logs = state.get("logs", [])[-epoch:]
        generators = _seed_generator_states(self.model)
        if len(state.get("seeds", [])) == len(generators):
            for variable, value in zip(generators, state["seeds"], strict=True):
                variable.assign(np.asarray(value, variable.dtype))
        self._restored = list(range(epoch - len(self._logs), epoch))
        history = getattr(self.model, "history", None)  # Keras's History, about to record
        if isinstance(history, keras.callbacks.History):
            for logs in self._logs:
                for key, value in logs.items():
                    history.history.setdefault(key, []).append(value)

    # --- Writing -------------------------------------------------------------------------

    def on_epoch_end(self, epoch, logs=None):
        self._logs.append({key: float(value) for key, value in (logs or {}).items()
                           if np.ndim(value) == 0})  # fmt: skip
        self.save(epoch + 1)

    def save(self, epochs_done: int) -> None:
        """Writes the backup of `epochs_done` finished epochs, all or nothing."""
        target = self._write_dir()
        target.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".partial-epoch-{epochs_done:05d}-", dir=target))
        self.model.save_weights(partial / _WEIGHTS)
        seeds = [np.asarray(v).tolist() for v in _seed_generator_states(self.model)]
        state = {"epoch": epochs_done, "logs": self._logs[-epochs_done:], "seeds": seeds}
        (partial / _STATE).write_text(json.dumps(state))
        final = target / f"epoch-{epochs_done:05d}"
        if final.exists():  # a backup of the same epoch, from a run that was resumed
            shutil.rmtree(final)
        os.rename(partial, final)  # atomic: the backup appears whole
        for _, older in _complete_backups(target)[: -self.keep]:
            shutil.rmtree(older, ignore_errors=True)
        for stale in target.glob(".partial-*"):  # left by a process killed mid-save
            if stale != partial:
                shutil.rmtree(stale, ignore_errors=True)

    def on_train_end(self, logs=None):
        history = getattr(self.model, "history", None)
        if self._restored and isinstance(history, keras.callbacks.History):
            # `History` forgot the restored epochs' numbers when training began.
            history.epoch = self._restored + list(history.epoch)
        if self.delete_on_finish and distribute.is_chief():
            shutil.rmtree(self.backup_dir, ignore_errors=True)

    def _write_dir(self) -> Path:
        if distribute.is_chief():
            return self.backup_dir
        if self._scratch is None:
            self._scratch = distribute.worker_scratch_dir()
        return self._scratch


def _complete_backups(folder: Path) -> list[tuple[int, Path]]:
    if not folder.is_dir():
        return []
    found = []
    for backup in folder.iterdir():
        match = _BACKUP.match(backup.name)
        if match and (backup / _WEIGHTS).is_file() and (backup / _STATE).is_file():
            found.append((int(match.group(1)), backup))
    return sorted(found)


def _seed_generator_states(model) -> list:
    """The state of every `keras.random.SeedGenerator` of the model's layers (dropout masks,
    random flips...), in layer order. Keras's `save_weights` leaves them out, so a resumed
    run would draw its first epochs' random numbers again; the backup keeps them."""
    return [
        generator.state
        for layer in model._flatten_layers()  # noqa: SLF001 - Keras's own layer walk
        for generator in getattr(layer, "_seed_generators", [])
    ]
