"""The floor and the scale of keras_walk's image-quality metrics on real Fashion-MNIST.

Generated images are judged by their distance to real ones; this script measures what
"good" and "bad" look like on the same features: real training images against real test
images (the floor no generator can beat), and test images with Gaussian pixel noise added
(a visibly bad "generator"). Run: `python benchmarks/image_quality_floor.py --output
runs/benchmarks/image_quality_floor.json`.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

import keras_walk as kw


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="fashion_mnist")
    parser.add_argument("--samples", type=int, default=10_000, help="images per compared set")
    parser.add_argument("--noise", type=float, default=40.0, help="pixel noise std (0-255)")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    features = kw.feature_networks.image_features(args.dataset, cache_dir=args.cache_dir)
    extractor_seconds = time.perf_counter() - start
    train, test = kw.data.load(args.dataset, splits=("train", "test"))
    rng = np.random.default_rng(0)
    subset = rng.choice(len(train.x), min(args.samples, len(train.x)), replace=False)
    test_x, test_y = test.x[: args.samples], test.y[: args.samples]
    noisy = np.clip(test_x + rng.normal(0, args.noise, test_x.shape), 0, 255).astype("uint8")

    all_train, real_test, bad = (features.features(x) for x in (train.x, test_x, noisy))
    real = all_train[subset]  # as many real training images as test images: the floor
    results = {
        "benchmark": f"image-quality floor on {args.dataset}",
        "extractor": {
            "test_accuracy": features.test_accuracy,
            "feature_dimensions": int(real.shape[1]),
            "seconds_to_build_or_load": round(extractor_seconds, 1),
            "path": str(features.path),
        },
        "real_train_vs_real_test": {
            "frechet_distance": kw.metrics.frechet_distance(real, real_test),
            "kernel_distance": kw.metrics.kernel_distance(real, real_test),
            "class_accuracy": kw.metrics.class_accuracy(features, test_x, test_y),
            "memorization_ratio": kw.metrics.memorization(
                real_test[: len(real_test) // 2], all_train, real_test[len(real_test) // 2 :]
            )["ratio"],
        },
        f"real_train_vs_noisy_test_std_{args.noise:g}": {
            "frechet_distance": kw.metrics.frechet_distance(real, bad),
            "kernel_distance": kw.metrics.kernel_distance(real, bad),
            "class_accuracy": kw.metrics.class_accuracy(features, noisy, test_y),
        },
        "samples_per_set": len(test_x),
    }
    if args.output is not None:
        kw.harness.write_results(args.output, **results)
    print(json.dumps(results, indent=2, default=str))
    return results


if __name__ == "__main__":
    main()
