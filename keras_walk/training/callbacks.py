"""The callbacks a real training run wants, all from Keras itself."""

from __future__ import annotations

import os
from pathlib import Path

import keras

from keras_walk import distribute
from keras_walk.training.backup import BackupAndRestore

try:  # POSIX; elsewhere output directories are not locked
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["OutputDirInUseError", "default_callbacks", "lock_output_dir"]


def default_callbacks(
    output_dir: str | os.PathLike,
    *,
    monitor: str = "val_loss",
    early_stopping_patience: int | None = None,
    checkpoint: bool = True,
    backup: bool = True,
    csv_log: bool = True,
    tensorboard: bool = False,
) -> list[keras.callbacks.Callback]:
    """Resume-on-interrupt, best checkpoint, CSV log, optional early stopping and TensorBoard.

    * `BackupAndRestore(output_dir/backup)` (`keras_walk.training.BackupAndRestore`, safe
      to kill mid-save): an interrupted `fit` resumes from the last finished epoch when it
      is run again with the same `output_dir`; the backup is deleted when training
      completes.
    * `ModelCheckpoint(output_dir/best.keras)`: the best model by `monitor`, written to a
      temporary file and renamed, so a kill mid-write never leaves half a model.
    * `CSVLogger(output_dir/history.csv)`, appended to by a resumed run, started afresh by
      a new one.

    Two runs writing the same backup would corrupt it, so `output_dir` is locked for this
    process (`lock_output_dir`): a second process that asks for it gets a `RuntimeError`.
    In a multi-worker cluster only the chief writes into `output_dir`; the other workers
    restore from its backup and write their own files into a throwaway folder.

    Examples:

        >>> import tempfile
        >>> [type(c).__name__ for c in default_callbacks(tempfile.mkdtemp())]
        ['BackupAndRestore', 'AtomicModelCheckpoint', 'CSVLogger']
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    chief = distribute.is_chief()
    writes_to = output_dir if chief else distribute.worker_scratch_dir()
    if (backup or checkpoint) and chief:
        lock_output_dir(output_dir)
    callbacks: list[keras.callbacks.Callback] = []
    resuming = False
    if backup:
        callbacks.append(BackupAndRestore(output_dir / "backup"))
        resuming = callbacks[-1].latest_epoch() is not None
    if checkpoint:
        callbacks.append(
            AtomicModelCheckpoint(writes_to / "best.keras", monitor=monitor, save_best_only=True)
        )
    if csv_log:
        # A resumed run adds its epochs to the log; a fresh one starts a new log.
        log = keras.callbacks.CSVLogger(str(writes_to / "history.csv"), append=resuming)
        callbacks.append(log)
    if early_stopping_patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, patience=early_stopping_patience, restore_best_weights=True
            )
        )
    if tensorboard:
        callbacks.append(keras.callbacks.TensorBoard(str(output_dir / "tensorboard")))
    return callbacks


class AtomicModelCheckpoint(keras.callbacks.ModelCheckpoint):
    """Keras's `ModelCheckpoint` writes `best.keras` in place: a process killed mid-write
    leaves a truncated zip that no longer loads. This one writes `.partial-best.keras` and
    renames it over `best.keras`, which POSIX makes atomic."""

    def __init__(self, path: Path, **options):
        self.final_path = Path(path)
        super().__init__(
            str(self.final_path.with_name(f".partial-{self.final_path.name}")), **options
        )

    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        if os.path.exists(self.filepath):
            os.replace(self.filepath, self.final_path)


class OutputDirInUseError(RuntimeError):
    """Another running process is training into the same output directory."""


_LOCKS: dict[Path, object] = {}


def lock_output_dir(output_dir: str | os.PathLike) -> None:
    """Locks `output_dir` for this process until it exits (re-locking it is a no-op).

    The lock is an advisory `flock` on `output_dir/.lock`, which the operating system
    releases when the process ends, even killed: an interrupted run never leaves a stale
    lock behind, and its next run resumes.

    Raises:
        OutputDirInUseError: another live process holds the lock.
    """
    path = Path(output_dir).resolve()
    if fcntl is None or path in _LOCKS:
        return
    path.mkdir(parents=True, exist_ok=True)
    handle = open(path / ".lock", "a+")  # noqa: SIM115 - held open until the process exits
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        owner = handle.read().strip() or "another process"
        handle.close()
        raise OutputDirInUseError(
            f"{path} is in use by a running training ({owner}): two runs writing the same "
            "backup and checkpoints would corrupt them. Wait for it to finish, or give this "
            "run another output directory (recipes: --output-dir)."
        ) from None
    handle.truncate(0)
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    _LOCKS[path] = handle
