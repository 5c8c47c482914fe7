"""Import a script (a recipe or a benchmark) from its path, to call its `main([...])`."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_script(relative: str):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# No test times a --smoke run: these hosts vary several-fold in speed from day to day, and a
# slow day is no defect. benchmarks/smoke_times.py measures the runs' times; pytest-timeout
# (pyproject.toml) stops a run that hangs.
def smoke_run(relative: str, output_dir: Path, *extra: str) -> dict:
    """Runs a recipe's `main(["--smoke", ...])` into `output_dir` with seed 1 (then `extra`
    arguments), checks that `results.json` on disk holds the metrics `main` returned, and
    returns that results dict."""
    recipe = load_script(relative)
    arguments = ["--smoke", "--output-dir", str(output_dir), "--seed", "1", *extra]
    results = recipe.main(arguments)
    on_disk = json.loads((Path(output_dir) / "results.json").read_text())
    assert on_disk["metrics"] == json.loads(json.dumps(results["metrics"]))
    return on_disk
