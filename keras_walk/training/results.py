"""results.json: what a run measured, with its configuration and the machine it ran on."""

from __future__ import annotations

import datetime
import json
import os
import platform
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

__all__ = ["machine_info", "process_seconds", "write_results"]


def machine_info() -> dict:
    """Platform, CPU count, processor name, accelerators and library versions."""
    processor = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        processor = names[0] if names else processor
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "processor": processor,
        "cpu_count": os.cpu_count(),
        "gpus": [d.name for d in tf.config.list_physical_devices("GPU")],
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }


def process_seconds() -> float:
    """Seconds since this process started: Python start-up, imports, data loading and
    training included.

    Examples:

        >>> process_seconds() > 0
        True
    """
    import time

    import psutil

    return round(time.time() - psutil.Process().create_time(), 1)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    return value


def write_results(path: str | os.PathLike, **sections) -> dict:
    """Writes `sections` (metrics, config, history, timings...) plus the date, the machine and
    `process_seconds` (`process_seconds()`: for a recipe run from the command line, the
    whole command) as JSON.

    Examples:

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "results.json"
        >>> write_results(path, metrics={"accuracy": np.float32(0.5)})["metrics"]
        {'accuracy': 0.5}
    """
    results = {
        **_jsonable(sections),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "process_seconds": process_seconds(),
        "machine": machine_info(),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".partial-{path.name}")  # renamed into place: whole or absent
    partial.write_text(json.dumps(results, indent=2) + "\n")
    os.replace(partial, path)
    return results
