"""Reliability you can count, on the flagship recipe's smoke mode, run as a user runs it (a
separate process per run):

* determinism: two runs with `--seed` and `--deterministic` end with bit-identical weights;
* interruptions: a run killed with SIGKILL at random moments (during an epoch, during the
  backup's write, during the best checkpoint's write) and started again with the same
  command, as often as it takes, ends with the same weights and results as a run that was
  never interrupted.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest

import keras_walk as kw  # noqa: F401 - registers the Task class for loading

ROOT = Path(__file__).resolve().parents[1]
RECIPE = ROOT / "recipes/vision/image_classification.py"
ARGS = ["--smoke", "--seed", "3", "--deterministic"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}

# Runs the recipe with `keras.Model.save_weights` (the backup) or `keras.Model.save` (the
# best checkpoint) stalled in the middle of the write named by STALL_AT, so that the test
# can kill the process right there. A stalled best checkpoint has half its bytes on disk.
STALLING = """
import os, runpy, sys, time
from pathlib import Path
import keras
stall_at, recipe = os.environ["STALL_AT"], sys.argv[1]
def stalled(original, truncate):
    def write(self, path, *args, **kwargs):
        original(self, path, *args, **kwargs)
        if stall_at in str(path):
            if truncate:
                data = Path(path).read_bytes()
                Path(path).write_bytes(data[: len(data) // 2])
            print("STALLED", path, flush=True)
            time.sleep(300)
    return write
keras.Model.save_weights = stalled(keras.Model.save_weights, False)
keras.Model.save = stalled(keras.Model.save, True)
sys.argv = [recipe, *sys.argv[2:]]
runpy.run_path(recipe, run_name="__main__")
"""


def _command(output_dir: Path, stall_at: str | None = None) -> tuple[list[str], dict]:
    if stall_at is None:
        return [sys.executable, str(RECIPE), *ARGS, "--output-dir", str(output_dir)], ENV
    command = [sys.executable, "-c", STALLING, str(RECIPE), *ARGS, "--output-dir", str(output_dir)]
    return command, {**ENV, "STALL_AT": stall_at}


def _run(output_dir: Path) -> None:
    command, env = _command(output_dir)
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def _kill_when(output_dir: Path, marker: str, delay: float = 0.0, stall_at=None):
    """Starts the recipe, waits for `marker` in its output (then `delay` seconds) and kills
    it with SIGKILL; returns whether it was killed and what it printed. A run that does not
    print `marker` (a resumed run that starts after that epoch) is left to finish."""
    command, env = _command(output_dir, stall_at)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    printed, killed = [], False
    for line in process.stdout:
        printed.append(line)
        if marker in line:
            time.sleep(delay)
            os.kill(process.pid, signal.SIGKILL)
            killed = True
            break
    process.wait(timeout=300)
    return killed and process.returncode == -signal.SIGKILL, "".join(printed)


def _weights(output_dir: Path) -> list[np.ndarray]:
    return keras.models.load_model(output_dir / "model.keras").get_weights()


def _results(output_dir: Path) -> dict:
    results = json.loads((output_dir / "results.json").read_text())
    metrics = {k: v for k, v in results["metrics"].items() if k != "train_seconds"}
    return {"metrics": metrics, "history": results["history"], "config": results["config"]}


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> Path:
    output_dir = tmp_path_factory.mktemp("uninterrupted")
    _run(output_dir)
    return output_dir


@pytest.mark.slow
def test_two_seeded_deterministic_runs_give_bit_identical_weights(uninterrupted, tmp_path):
    _run(tmp_path)
    assert _same(_weights(tmp_path), _weights(uninterrupted))
    assert _results(tmp_path) == _results(uninterrupted)
    # ...and the seed matters: another seed trains other weights.
    command, env = _command(tmp_path / "other")
    command[command.index("3")] = "4"
    subprocess.run(command, env=env, capture_output=True, check=True, timeout=300)
    assert not _same(_weights(tmp_path / "other"), _weights(uninterrupted))


@pytest.mark.slow
def test_killed_at_random_moments_a_run_resumes_to_the_same_result(uninterrupted, tmp_path):
    seed = int(os.environ.get("KILL_SEED", time.time_ns() % 2**32))  # rerun with KILL_SEED
    chance = random.Random(seed)
    kills = []
    for _ in range(3):  # kills at random moments of random epochs
        epoch = chance.randint(1, 3)
        delay = round(chance.uniform(0.0, 0.6), 2)
        killed, _ = _kill_when(tmp_path, f"Epoch {epoch}/3", delay)
        kills.append((epoch, delay, killed))
    message = f"KILL_SEED={seed}, (epoch, delay, killed): {kills}"
    assert any(killed for *_, killed in kills), message
    _run(tmp_path)
    assert not (tmp_path / "backup").exists()
    assert _same(_weights(tmp_path), _weights(uninterrupted)), message
    assert _results(tmp_path) == _results(uninterrupted), message
    rows = (tmp_path / "history.csv").read_text().strip().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["0", "1", "2"]  # each epoch once


@pytest.mark.parametrize(
    "stall_at", [".partial-epoch-00002", ".partial-best.keras"], ids=["backup", "checkpoint"]
)
def test_killed_while_writing_a_checkpoint_a_run_resumes_to_the_same_result(
    uninterrupted, tmp_path, stall_at
):
    killed, printed = _kill_when(tmp_path, "STALLED", stall_at=stall_at)
    assert killed, printed[-2000:]  # it was killed mid-write
    if stall_at == ".partial-best.keras":  # half a model on disk, under its temporary name
        assert list(tmp_path.glob(".partial-best.keras"))
    _run(tmp_path)
    assert _same(_weights(tmp_path), _weights(uninterrupted))
    assert _results(tmp_path) == _results(uninterrupted)
    keras.models.load_model(tmp_path / "best.keras")  # the best checkpoint is whole
