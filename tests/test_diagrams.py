"""The architecture diagrams on the Learn pages are drawn from today's models: each
committed SVG names exactly the layers its builder makes, and drawing one works."""

import re

import pytest

from tests.helpers.scripts import ROOT, load_script

diagrams = load_script("docs/diagrams.py")


def _drawn_layers(svg: str) -> set[str]:
    # plot_model writes each layer as "<b>name</b> (Class)"; in SVG the name is a bold text.
    return _unnumbered(re.findall(r'font-weight="bold"[^>]*>([A-Za-z_][\w]*)</text>', svg))


def _unnumbered(names) -> set[str]:
    # Keras numbers the default names of layers made earlier in the same process
    # (random_flip_3): the layer is the same one.
    return {re.sub(r"_\d+$", "", name) for name in names}


@pytest.mark.parametrize("name", list(diagrams.DIAGRAMS))
def test_each_committed_diagram_shows_the_layers_of_todays_model(name):
    model = diagrams.DIAGRAMS[name]()
    committed = (ROOT / "docs/assets/architectures" / f"{name}.svg").read_text()
    assert _drawn_layers(committed) == _unnumbered(diagrams.layer_names(model)), (
        f"docs/assets/architectures/{name}.svg is stale: run `make diagrams`"
    )


def test_drawing_writes_an_svg_of_the_model(tmp_path):
    path = diagrams.draw("sequence_classifier", tmp_path)
    svg = path.read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert {"conv", "batch_norm", "pool", "head"} <= _drawn_layers(svg)
