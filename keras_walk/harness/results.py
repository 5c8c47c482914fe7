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

__all__ = ["machine_info", "process_seconds", "summarize_over_seeds", "write_results"]


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
        "gpus": [  # by model name ("NVIDIA H100 80GB HBM3") where TensorFlow knows it
            tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name)
            for gpu in tf.config.list_physical_devices("GPU")
        ],
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


def write_results(path: str | os.PathLike | None, **sections) -> dict:
    """Writes `sections` (metrics, config, history, timings...) plus the date, the machine and
    `process_seconds` (`process_seconds()`: for a recipe run from the command line, the
    whole command) as JSON, and returns them; with `path=None` it only returns them.

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
    if path is None:
        return results
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".partial-{path.name}")  # renamed into place: whole or absent
    partial.write_text(json.dumps(results, indent=2) + "\n")
    os.replace(partial, path)
    return results


def summarize_over_seeds(scores: dict, counts, gain=("fine_tuned", "scratch")):
    """Scores of several seeds -> `(summary, gains)` for a results.json.

    Args:
        scores: `{method: {count: [score of each seed]}}`; a method need not have run at
            every count.
        counts: the counts (labelled images, ...) in the order to report.
        gain: `(method, baseline)`: `gains` is the first's mean minus the second's, in
            points (x 100), at each count.

    Returns:
        `summary`: `{method: {str(count): {"mean": m, "std": s}}}`, rounded to 4 digits,
        and `gains`: `{str(count): points}`, rounded to 2.

    Examples:

        >>> summarize_over_seeds({"fine_tuned": {20: [0.6, 0.7]}, "scratch": {20: [0.5, 0.5]}}, [20])
        ({'fine_tuned': {'20': {'mean': 0.65, 'std': 0.05}}, 'scratch': {'20': {'mean': 0.5, 'std': 0.0}}}, {'20': 15.0})
    """
    summary = {
        method: {
            str(c): {"mean": round(float(np.mean(v[c])), 4), "std": round(float(np.std(v[c])), 4)}
            for c in counts if c in v
        }
        for method, v in scores.items()
    }  # fmt: skip
    method, baseline = gain
    gains = {
        str(c): round(float(np.mean(scores[method][c]) - np.mean(scores[baseline][c])) * 100, 2)
        for c in counts
    }
    return summary, gains
