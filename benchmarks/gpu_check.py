"""The flagship on a GPU, in one command: `make gpu-check` (issue 13, item 6).

No GPU has been lent to this project yet, so the GPU paths are written and tested on CPUs
only (the multi-GPU path with two logical CPUs). On a machine with one or more NVIDIA
GPUs, this script checks them for real. It runs the flagship recipe three times, one
after another, each in its own process as a user would run it:

1. `float32` on one device (`--strategy default`): the baseline.
2. `--precision auto` on one device: `mixed_float16` on a GPU, the recipe's default there.
3. `--precision auto --strategy mirrored`: `MirroredStrategy` over every GPU. This is
   the multi-GPU path. With one GPU it is a one-replica mirror: the same code, no speed-up.

It writes one JSON file: each run's test accuracy, training seconds, dtype policy and
replica count, the speed-up over run 1, and the GPUs' names. Copy it to
`docs/benchmarks/gpu_check.json` for the strategies page.

Without a GPU it stops within seconds, with exit status 2, and says so. A CPU run must
never pass for a GPU check. `--rehearse-on-cpu` runs the same steps on the CPU. It exists
for the test suite, and its JSON says `"rehearsal": true`.

    python benchmarks/gpu_check.py --output runs/benchmarks/gpu_check.json
    python benchmarks/gpu_check.py --smoke --rehearse-on-cpu   # the mechanics, in seconds
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import keras_walk as kw

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "recipes" / "vision" / "image_classification.py"
RUNS = {
    "float32, one device": ["--precision", "float32", "--strategy", "default"],
    "auto precision, one device": ["--precision", "auto", "--strategy", "default"],
    "auto precision, mirrored over every GPU": ["--precision", "auto", "--strategy", "mirrored"],
}
NO_GPU_EXIT_CODE = 2


def gpu_names() -> list[str]:
    """The visible GPUs, by model name where TensorFlow knows it."""
    return kw.harness.machine_info()["gpus"]


def run_flagship(options: list[str], output_dir: Path, smoke: bool) -> dict:
    """The flagship recipe in its own process, from a clean folder (a backup left there
    would resume an old run); the results it wrote, and its wall time."""
    shutil.rmtree(output_dir, ignore_errors=True)
    command = [sys.executable, str(FLAGSHIP), "--output-dir", str(output_dir), *options]
    command += ["--smoke"] if smoke else []
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
        raise RuntimeError(f"The flagship exited with status {done.returncode}: {command}")
    results = json.loads((output_dir / "results.json").read_text())
    return {
        "options": " ".join(options),
        "precision": results["config"]["precision"],
        "replicas": results["config"]["global_batch_size"] // results["config"]["batch_size"],
        "test_accuracy": results["metrics"]["test_accuracy"],
        "train_seconds": round(results["metrics"]["train_seconds"], 1),
        "command_seconds": round(seconds, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    parser.add_argument("--runs-dir", type=Path, default=ROOT / "runs" / "gpu_check")
    parser.add_argument("--smoke", action="store_true", help="the recipe's --smoke runs")
    parser.add_argument("--rehearse-on-cpu", action="store_true",
                        help="run even without a GPU (tests); the JSON says so")  # fmt: skip
    args = parser.parse_args(argv)
    gpus = gpu_names()
    if not gpus and not args.rehearse_on_cpu:
        print(
            "gpu_check: TensorFlow sees no GPU (tf.config.list_physical_devices('GPU') is "
            "empty), so there is nothing to check. Run it on a machine with an NVIDIA GPU "
            "and TensorFlow's CUDA build (pip install 'tensorflow[and-cuda]').",
            file=sys.stderr,
        )
        raise SystemExit(NO_GPU_EXIT_CODE)
    rows = {}
    for name, options in RUNS.items():
        slug = name.replace(",", "").replace(" ", "_")
        rows[name] = row = run_flagship(options, args.runs_dir / slug, args.smoke)
        print(f"{name:42s} {row['precision']:15s} x{row['replicas']}  accuracy "
              f"{row['test_accuracy']:.4f}  training {row['train_seconds']:.1f} s", flush=True)  # fmt: skip
    baseline = rows["float32, one device"]["train_seconds"]
    for row in rows.values():
        row["speed_up_over_float32"] = round(baseline / max(row["train_seconds"], 1e-9), 2)
    results = {
        "benchmark": "the flagship recipe on GPUs: float32, auto precision, mirrored",
        "rehearsal": not gpus,
        "smoke": args.smoke,
        "gpus": gpus,
        "runs": rows,
        "tables": {
            "the flagship on this machine's GPUs": [{"run": name, **row} for name, row in rows.items()]
        },
    }  # fmt: skip
    return kw.harness.write_results(args.output, **results)  # written with --output


if __name__ == "__main__":
    main()
