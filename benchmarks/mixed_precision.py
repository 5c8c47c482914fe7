"""Mixed precision on this machine: `mixed_bfloat16` against `float32`, per model family.

Each family's builder makes the same model twice, once under each dtype policy, in the same
process; timed epochs alternate between the two (A B A B ...), so that the machine's
slower spells hit both alike. Throughput is each side's fastest epoch; the test accuracy
after the same training says whether bfloat16's 8-bit mantissa costs accuracy.

    python benchmarks/mixed_precision.py                       # every family
    python benchmarks/mixed_precision.py --families conv --epochs 2
"""

from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

import keras
import numpy as np

import keras_walk as kw


def conv_family(samples):
    """The flagship: `image_classifier`'s default convnet on Fashion-MNIST."""
    train, test = kw.data.load("fashion_mnist", splits=(f"train[:{samples}]", "test[:5000]"))

    def build():
        return kw.tasks.image_classifier((28, 28, 1), 10, augment="flip", seed=0)

    return build, (train.x, train.y), (test.x, test.y), 128


def _reviews(samples):
    table = kw.data.load_table("fine_food_reviews")
    train, test = table.train.iloc[:samples], table.test
    target = table.info.target
    return (
        (train["review"].to_numpy(object), train[target].to_numpy()),
        (test["review"].to_numpy(object), test[target].to_numpy()),
    )


def text_family(encoder):
    def family(samples):
        """`text_classifier(encoder=...)` on the fine food reviews."""
        train, test = _reviews(samples)

        def build():
            return kw.tasks.text_classifier(
                train[0], 2, encoder=encoder, sequence_length=200, seed=0
            )

        return build, train, test, 32

    return family


FAMILIES = {
    "conv": conv_family,
    "lstm": text_family("bilstm"),
    "transformer": text_family("transformer"),
}


def _builder_families():
    """`benchmarks/builder_families.py`, whose alternating epoch timer this reuses."""
    spec = importlib.util.spec_from_file_location(
        "builder_families", Path(__file__).resolve().parent / "builder_families.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compare(family, samples, epochs):
    build, train, test, batch_size = FAMILIES[family](samples)
    models = {}
    for policy in ("float32", "mixed_bfloat16"):
        keras.mixed_precision.set_global_policy(policy)
        keras.utils.set_random_seed(0)
        models[policy] = build()
    keras.mixed_precision.set_global_policy("float32")

    fit_arguments = {"x": train[0], "y": train[1], "batch_size": batch_size}
    seconds = _builder_families().alternate(
        {policy: (model, fit_arguments) for policy, model in models.items()}, epochs
    )
    rates = {policy: len(train[1]) / min(s) for policy, s in seconds.items()}
    accuracy = {
        policy: float(np.mean(np.asarray(model.predict_labels(test[0])) == test[1]))
        for policy, model in models.items()
    }
    return {
        "samples": len(train[1]),
        "batch_size": batch_size,
        "timed_epochs": epochs,
        "float32_samples_per_second": round(rates["float32"], 1),
        "bfloat16_samples_per_second": round(rates["mixed_bfloat16"], 1),
        "speedup": round(rates["mixed_bfloat16"] / rates["float32"], 3),
        "speedup_spread": [
            round(min(seconds["float32"]) / max(seconds["mixed_bfloat16"]), 3),
            round(max(seconds["float32"]) / min(seconds["mixed_bfloat16"]), 3),
        ],
        "float32_test_accuracy": round(accuracy["float32"], 4),
        "bfloat16_test_accuracy": round(accuracy["mixed_bfloat16"], 4),
        "epochs_trained": epochs + 1,
        # Proof that each side ran in its precision: layers computing in bfloat16.
        "bfloat16_layers": {
            policy: sum(layer.compute_dtype == "bfloat16" for layer in model._flatten_layers())
            for policy, model in models.items()
        },
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES))
    parser.add_argument(
        "--samples", type=int, default=None,
        help="training samples per family (default: 16,384 images, 3,072 reviews)",
    )  # fmt: skip
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs for each policy")
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    results = {
        "benchmark": "mixed_bfloat16 vs float32 per model family",
        "cpu_has_bf16": kw.distribute.cpu_has_bfloat16(),
        "families": {},
    }
    for family in args.families:
        samples = args.samples or (16384 if family == "conv" else 3072)
        results["families"][family] = row = compare(family, samples, args.epochs)
        print(
            f"{family:12s} bf16 / f32 throughput {row['speedup']:.2f}x "
            f"(spread {row['speedup_spread'][0]:.2f}-{row['speedup_spread'][1]:.2f}); test "
            f"accuracy f32 {row['float32_test_accuracy']:.4f}, bf16 "
            f"{row['bfloat16_test_accuracy']:.4f}",
            flush=True,
        )
    results["tables"] = tables(results["families"])
    return kw.harness.write_results(args.output, **results)  # written with --output


def tables(families: dict) -> dict:
    """The docs page's table (rendered by its `<!-- tables: ... -->` marker)."""
    return {"mixed_bfloat16 against float32": [
        {
            "family": family, "samples": row["samples"],
            "float32 samples/s": row["float32_samples_per_second"],
            "bfloat16 samples/s": row["bfloat16_samples_per_second"],
            "bf16 / f32": row["speedup"],
            "spread": f"{row['speedup_spread'][0]:.2f}-{row['speedup_spread'][1]:.2f}",
            "f32 test accuracy": row["float32_test_accuracy"],
            "bf16 test accuracy": row["bfloat16_test_accuracy"],
        }
        for family, row in families.items()
    ]}  # fmt: skip


if __name__ == "__main__":
    main()
