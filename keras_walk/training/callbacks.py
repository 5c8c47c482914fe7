"""The callbacks a real training run wants, all from Keras itself."""

from __future__ import annotations

import os
from pathlib import Path

import keras

__all__ = ["default_callbacks"]


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

    * `BackupAndRestore(output_dir/backup)`: an interrupted `fit` resumes from the last
      finished epoch when it is run again with the same `output_dir`; the backup is deleted
      when training completes.
    * `ModelCheckpoint(output_dir/best.keras)`: the best model by `monitor`.
    * `CSVLogger(output_dir/history.csv)`, appended across resumes.

    Examples:

        >>> import tempfile
        >>> [type(c).__name__ for c in default_callbacks(tempfile.mkdtemp())]
        ['BackupAndRestore', 'ModelCheckpoint', 'CSVLogger']
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    callbacks: list[keras.callbacks.Callback] = []
    if backup:
        callbacks.append(keras.callbacks.BackupAndRestore(str(output_dir / "backup")))
    if checkpoint:
        callbacks.append(
            keras.callbacks.ModelCheckpoint(
                str(output_dir / "best.keras"), monitor=monitor, save_best_only=True
            )
        )
    if csv_log:
        callbacks.append(keras.callbacks.CSVLogger(str(output_dir / "history.csv"), append=True))
    if early_stopping_patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, patience=early_stopping_patience, restore_best_weights=True
            )
        )
    if tensorboard:
        callbacks.append(keras.callbacks.TensorBoard(str(output_dir / "tensorboard")))
    return callbacks
