"""The package's import layers and its lack of import cycles, as `pyproject.toml` declares
them (`[tool.importlinter]`), checked by import-linter."""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.helpers.scripts import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_imports_keep_the_layers_and_make_no_cycle():
    done = subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-4000:]
    assert "Contracts: 3 kept, 0 broken." in report


def _page_layers(marker: str) -> list[str]:
    page = (ROOT / "docs" / "contributing" / "architecture.md").read_text()
    table = page.split(f"<!-- {marker}:")[1].split("\n\n")[0]
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    return [" | ".join(re.findall(r"`([\w_]+)`", row)) for row in rows]


def _contract_layers(contract_id: str) -> list[str]:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in contracts["contracts"] if c["id"] == contract_id]
    return layers


@pytest.mark.parametrize(
    ("contract_id", "folder"), [("layers", "keras_walk"), ("data-layers", "keras_walk/data")]
)
def test_the_contributors_page_lists_the_enforced_layers(contract_id, folder):
    layers = _contract_layers(contract_id)
    assert _page_layers(contract_id) == layers
    # Every module of the package is in a layer: a new one must be placed on purpose.
    placed = {name for layer in layers for name in layer.split(" | ")}
    modules = {p.stem for p in (ROOT / folder).iterdir() if p.suffix == ".py" or p.is_dir()}
    assert modules - {"__init__", "__pycache__"} == placed
