"""Import a script (a recipe or a benchmark) from its path, to call its `main([...])`."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_script(relative: str):
    spec = importlib.util.spec_from_file_location(Path(relative).stem, ROOT / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The guard catches a --smoke run that grew by a multiple, not the host's speed: on
# 2026-12-04 this machine ran the suite at well under half its usual speed (45 min, against
# 19 min the session before) and the detector's smoke run took 66 s. Speed itself is
# measured by benchmarks/smoke_times.py.
def smoke_run(relative: str, output_dir: Path, *, seconds: float = 120) -> dict:
    """Runs a recipe's `main(["--smoke", ...])` into `output_dir` with seed 1, checks it took
    under `seconds` (data loading included) and that `results.json` on disk is what `main`
    returned, and returns that results dict."""
    import json
    import time

    recipe = load_script(relative)
    start = time.perf_counter()
    results = recipe.main(["--smoke", "--output-dir", str(output_dir), "--seed", "1"])
    took = time.perf_counter() - start
    assert took < seconds, f"--smoke took {took:.0f} s"
    on_disk = json.loads((Path(output_dir) / "results.json").read_text())
    assert on_disk["metrics"] == json.loads(json.dumps(results["metrics"]))
    return on_disk
