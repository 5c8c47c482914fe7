"""Batch norm's cost: the flagship convnet with Keras's `BatchNormalization` and with
keras_walk's `FusedBatchNormalization`, each in float32 and `mixed_bfloat16`.

The four models are the flagship recipe's (`image_classifier` with `basic_convnet`
32-64-128, convs (1, 1, 2), flattened features, flip augmentation); the Keras side is the
same backbone with each fused batch norm swapped for Keras's layer of the same config.
They train on the same Fashion-MNIST images at the recipe's batch size, in one process;
timed epochs alternate (A B C D A B ...) after one untimed epoch each, and each side's
fastest epoch gives its throughput. Ratios are against float32 with Keras's batch norm,
the flagship's settings before keras_walk fused it.

    python benchmarks/batch_norm.py                     # 16,384 images, 3 timed epochs
    python benchmarks/batch_norm.py --samples 4096 --epochs 2
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
from pathlib import Path

import keras

import keras_walk as kw

HERE = Path(__file__).resolve().parent
BASELINE = "float32, Keras batch norm"


def _builder_families():
    spec = importlib.util.spec_from_file_location("builder_families", HERE / "builder_families.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def keras_batch_norm(layer):
    """`clone_model`'s function: each fused batch norm becomes Keras's, same config."""
    if isinstance(layer, kw.layers.FusedBatchNormalization):
        return keras.layers.BatchNormalization.from_config(layer.get_config())
    return layer.__class__.from_config(layer.get_config())


def flagship(fused: bool):
    backbone = kw.tasks.backbones.basic_convnet((28, 28, 1), (32, 64, 128), (1, 1, 2))
    if not fused:
        backbone = keras.models.clone_model(backbone, clone_function=keras_batch_norm)
    return kw.tasks.image_classifier(
        (28, 28, 1), 10, backbone=backbone, augment="flip", pooling="flatten", dropout=0.3,
        learning_rate=1e-3, weight_decay=1e-4, seed=0,
    )  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=16384, help="training images")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs for each model")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    train = kw.data.load("fashion_mnist", f"train[:{args.samples}]")
    models = {}
    for policy in ("float32", "mixed_bfloat16"):
        keras.mixed_precision.set_global_policy(policy)
        for fused in (False, True):
            keras.utils.set_random_seed(0)
            name = f"{policy}, {'fused' if fused else 'Keras'} batch norm"
            models[name] = flagship(fused)
    keras.mixed_precision.set_global_policy("float32")
    fit = functools.partial(dict, x=train.x, y=train.y, batch_size=args.batch_size)
    seconds = _builder_families().alternate(
        {name: (model, fit()) for name, model in models.items()}, args.epochs
    )
    steps = -(-args.samples // args.batch_size)
    rows = [
        {
            "model": name,
            "batch norm layers": sum(
                "BatchNormalization" in type(layer).__name__ for layer in model._flatten_layers()
            ),
            "ms per step": round(1000 * min(s) / steps, 1),
            "samples/s": round(args.samples / min(s), 1),
            f"speed vs {BASELINE}": round(min(seconds[BASELINE]) / min(s), 2),
            "spread": f"{min(seconds[BASELINE]) / max(s):.2f}-{max(seconds[BASELINE]) / min(s):.2f}",
        }
        for name, s in seconds.items()
        for model in [models[name]]
    ]  # fmt: skip
    for row in rows:
        print(f"{row['model']:34s} {row['ms per step']:7.1f} ms/step  "
              f"{row[f'speed vs {BASELINE}']:.2f}x ({row['spread']})", flush=True)  # fmt: skip
    results = {
        "benchmark": "flagship convnet: Keras vs fused batch norm, float32 vs mixed_bfloat16",
        "samples": args.samples, "batch_size": args.batch_size, "timed_epochs": args.epochs,
        "cpu_has_bf16": kw.distribute.cpu_has_bfloat16(),
        "epoch_seconds": {name: [round(x, 2) for x in s] for name, s in seconds.items()},
        "tables": {"batch norm and precision, flagship convnet": rows},
    }  # fmt: skip
    return kw.harness.write_results(args.output, **results)  # written with --output


if __name__ == "__main__":
    main()
