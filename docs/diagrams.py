"""Architecture diagrams of the models the recipes train, drawn from the models themselves.

Each diagram is `keras.utils.plot_model` (Graphviz's `dot`, from Debian's `graphviz`
package, through `pydot`) of a model built by the same builder, with the same options,
as its recipe's full run; only the data it adapts on (vocabularies, normalization) is a
small stand-in, which changes no layer. The SVGs go to `docs/assets/architectures/`, where
the Learn pages show them. `make diagrams` redraws them; a test checks that every
committed diagram still has the layers its builder makes today.

    python docs/diagrams.py [--output-dir DIR] [NAME ...]
"""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUTPUT_DIR = ROOT / "docs" / "assets" / "architectures"


def _images(shape, count=8):
    return np.random.default_rng(0).integers(0, 256, (count, *shape), dtype="uint8")


def _captions(count=8):
    words = ["a red shoe", "a blue bag", "a grey coat on a table", "two boots"]
    return np.array([words[i % len(words)] for i in range(count)])


def image_classifier():
    """The flagship: recipes/vision/image_classification.py, FULL configuration."""
    import keras_walk as kw

    return kw.tasks.image_classifier(
        (28, 28, 1), 10, backbone=functools.partial(
            kw.tasks.backbones.basic_convnet, filters=(32, 64, 128), convs_per_block=(1, 1, 2)
        ), augment="flip", pooling="flatten", dropout=0.3, seed=0,
    )  # fmt: skip


def image_segmenter():
    """recipes/vision/segmentation.py: the decoder on EfficientNet-Lite0's ImageNet encoder."""
    import keras_walk as kw

    return kw.tasks.image_segmenter(
        (64, 64, 3), 2, backbone="efficientnet_lite0", loss="dice+crossentropy", seed=0
    )


def sequence_classifier():
    """recipes/sequences/signal_classification.py: the FCN on GunPoint's 150 steps."""
    import keras_walk as kw

    return kw.tasks.sequence_classifier((150, 1), 2, encoder="fcn", seed=0)


def text_classifier():
    """recipes/text/text_classification.py, its transformer encoder."""
    import keras_walk as kw

    texts = np.array(["good food, fast delivery", "stale and late", "would buy again"] * 4)
    return kw.tasks.text_classifier(texts, 2, encoder="transformer", seed=0)


def dual_encoder():
    """recipes/multimodal/dual_encoder.py: a CLIP-style image tower and text tower."""
    import keras_walk as kw

    return kw.tasks.dual_encoder(_images((28, 28, 1)), _captions(), seed=0)


def image_captioner():
    """recipes/multimodal/captioning.py: a convnet encoder and a transformer decoder."""
    import keras_walk as kw

    return kw.tasks.image_captioner(_images((28, 28, 1)), _captions(), seed=0)


DIAGRAMS = {
    "image_classifier": image_classifier,
    "image_segmenter": image_segmenter,
    "sequence_classifier": sequence_classifier,
    "text_classifier": text_classifier,
    "dual_encoder": dual_encoder,
    "image_captioner": image_captioner,
}


def draw(name: str, output_dir: Path = OUTPUT_DIR) -> Path:
    """Builds `name`'s model and writes `output_dir/name.svg`; returns the path."""
    import keras

    model = DIAGRAMS[name]()
    path = Path(output_dir) / f"{name}.svg"
    path.parent.mkdir(parents=True, exist_ok=True)
    keras.utils.plot_model(
        model,
        to_file=str(path),
        show_shapes=True,
        show_layer_names=True,
        expand_nested=True,
        dpi=72,  # SVG in points at 1:1; the page scales it to its width
    )
    return path


def layer_names(model) -> set[str]:
    """Every layer name `plot_model` draws with `expand_nested=True` (a nested model is a
    frame around its own layers, not a box)."""
    import keras

    names = set()
    for layer in model.layers:
        names |= layer_names(layer) if isinstance(layer, keras.Model) else {layer.name}
    return names


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"some of {list(DIAGRAMS)}")
    parser.add_argument("--output-dir", type=Path, default=OUTPUT_DIR)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(DIAGRAMS))
    if unknown:
        parser.error(f"unknown diagrams {unknown}; choose from {list(DIAGRAMS)}")
    for name in args.names or DIAGRAMS:
        print(draw(name, args.output_dir))


if __name__ == "__main__":
    main()
