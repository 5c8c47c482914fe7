"""How long each recipe's `--smoke` run takes, as a user runs it: the whole command.

Every recipe runs as its own process (`python recipes/.../name.py --smoke`), one after
another so that no two share the cores, and the wall time of the whole command is taken:
Python's start-up and the TensorFlow/Keras imports (about 5 s here) included. The target
is `--smoke` under 30 s; the table says which recipes are. This is the one place recipe
speed is checked: the tests assert what a `--smoke` run learns and writes, not its time.

    python benchmarks/smoke_times.py                                 # every recipe
    python benchmarks/smoke_times.py --recipes tabular/penguins vision/segmentation
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keras_walk as kw

ROOT = Path(__file__).resolve().parents[1]
RECIPES = sorted(
    path.relative_to(ROOT / "recipes").with_suffix("").as_posix()
    for path in (ROOT / "recipes").glob("*/*.py")
    if not path.name.startswith("_")
)
BUDGET_SECONDS = 30.0


def time_smoke_run(recipe: str) -> dict:
    """Runs one recipe's `--smoke` in a fresh process; its wall time and exit status."""
    with tempfile.TemporaryDirectory() as output_dir:
        command = [sys.executable, str(ROOT / "recipes" / f"{recipe}.py"), "--smoke",
                   "--output-dir", output_dir]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
    return {"seconds": round(seconds, 1), "exit_code": done.returncode}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", nargs="+", default=RECIPES, choices=RECIPES,
                        metavar="GROUP/NAME", help="recipes to time (default: all)")  # fmt: skip
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    timings = {}
    for recipe in args.recipes:
        timings[recipe] = row = time_smoke_run(recipe)
        print(f"{recipe:36s} {row['seconds']:6.1f} s  exit {row['exit_code']}", flush=True)
    results = {
        "benchmark": "--smoke, the whole command, one recipe at a time",
        "budget_seconds": BUDGET_SECONDS,
        "recipes": timings,
        "tables": {
            "--smoke, whole command (imports included), one at a time": [
                {
                    "recipe": recipe,
                    "seconds": row["seconds"],
                    f"under {BUDGET_SECONDS:.0f} s": (
                        "failed" if row["exit_code"] else
                        "yes" if row["seconds"] < BUDGET_SECONDS else "no"
                    ),
                }
                for recipe, row in timings.items()
            ]
        },
    }  # fmt: skip
    return kw.harness.write_results(args.output, **results)  # written with --output


if __name__ == "__main__":
    main()
