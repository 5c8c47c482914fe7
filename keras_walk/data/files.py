"""Where data files live, whether the network answers, and the error for data not here.

The bottom of `keras_walk.data`: every loader asks these few questions, so they import
nothing of the package.

Examples:

    >>> import os
    >>> os.environ["KERAS_WALK_OFFLINE"] = "1"
    >>> network_available()
    False
    >>> require_download("cifar10", "auto", "no local copy", "Copy the files to ~/data.")
    Traceback (most recent call last):
    ...
    keras_walk.data.files.DatasetUnavailableError: Dataset 'cifar10' is not available: no local copy and no network to download it from. Copy the files to ~/data.
    >>> del os.environ["KERAS_WALK_OFFLINE"]
"""

from __future__ import annotations

import importlib.util
import os
import socket
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = [
    "DatasetUnavailableError",
    "data_root",
    "kept_on_disk",
    "module_available",
    "network_available",
    "require_download",
]


class DatasetUnavailableError(ValueError):
    """A dataset has no local copy and cannot be downloaded (no network, or download off)."""


def network_available(host: str = "storage.googleapis.com", timeout: float = 3.0) -> bool:
    """Whether `host` answers on port 443 within `timeout` seconds.

    `KERAS_WALK_OFFLINE=1` forces `False` (tests and air-gapped machines).
    """
    if os.environ.get("KERAS_WALK_OFFLINE", "") not in ("", "0"):
        return False
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def data_root() -> Path:
    """Where keras_walk keeps data files that no Python package ships: `$KERAS_WALK_DATA`,
    else `~/.cache/keras_walk` (`make setup` puts the npm corpora there)."""
    return Path(os.environ.get("KERAS_WALK_DATA") or Path.home() / ".cache" / "keras_walk")


def module_available(name: str) -> Callable[[], bool]:
    """A check, for a catalog entry's `available`, that the Python module `name` is
    installed (it imports nothing)."""
    return lambda: importlib.util.find_spec(name) is not None


def require_download(name: str, download: bool | str, reason: str, how_to_get: str) -> None:
    """Raises `DatasetUnavailableError` unless `name` may be downloaded now: `download` is
    not `False` and the network answers. `reason` says why no local copy was used."""
    if download is False:
        raise DatasetUnavailableError(
            f"Dataset {name!r} is not available: {reason} and download=False. {how_to_get}"
        )
    if not network_available():
        raise DatasetUnavailableError(
            f"Dataset {name!r} is not available: {reason} and no network to download it "
            f"from. {how_to_get}"
        )


def kept_on_disk(path: Path, make) -> dict:
    """The arrays saved at `path`, else `make()`'s dict of arrays, saved there for next
    time: written whole or not at all (a temporary file, then renamed), even with two
    processes at once; on a read-only or full disk, a warning, and `make()` runs again
    next time. Hand-written because `np.savez` has no atomic mode."""
    if path.is_file():
        with np.load(path) as saved:
            return dict(saved)
    arrays = make()
    partial = path.with_suffix(f".{os.getpid()}.tmp.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(partial, **arrays)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        warnings.warn(f"Not kept in {path.parent}: {error}", stacklevel=3)
    return arrays
