"""How good are generated images? Fréchet distance and KID between two sets of feature
vectors, class-conditional accuracy, and a memorization check: pure functions of features.

The features come from a network trained offline on the same real dataset
(`keras_walk.feature_networks.image_features`), since InceptionV3's weights are a download.
Distances on them compare models with each other and with the real-vs-real floor, never
with FIDs published on InceptionV3 features.

torchmetrics and clean-fid implement these metrics for PyTorch, and keras-io's DDIM example
implements KID as a Keras metric over InceptionV3 only. No maintained Keras/TF package takes
arbitrary features, so the formulas are written out here (Heusel et al. 2017 for the
Fréchet distance; Bińkowski et al. 2018 for KID).
"""

from __future__ import annotations

import numpy as np

__all__ = ["class_accuracy", "frechet_distance", "kernel_distance", "memorization"]


def frechet_distance(features_a, features_b) -> float:
    """The Fréchet distance between Gaussians fitted to two sets of feature vectors:
    `|mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))` (FID, on whatever features).

    Examples:

        >>> a = np.array([[0.0], [2.0]])  # mean 1, variance 2 (unbiased)
        >>> b = np.array([[3.0], [5.0]])  # mean 4, variance 2
        >>> round(frechet_distance(a, b), 6)  # (1 - 4)^2 + 2 + 2 - 2 * 2
        9.0
    """
    a, b = _features(features_a, "features_a"), _features(features_b, "features_b")
    if a.shape[1] != b.shape[1] or min(len(a), len(b)) < 2:
        raise ValueError(
            "Invalid values for arguments `features_a` and `features_b`: expected at least 2 "
            f"vectors each, of the same length. Received: shapes {a.shape} and {b.shape}"
        )
    mean_a, mean_b = a.mean(axis=0), b.mean(axis=0)
    cov_a = np.atleast_2d(np.cov(a, rowvar=False))
    cov_b = np.atleast_2d(np.cov(b, rowvar=False))
    # Tr((S_a S_b)^(1/2)) = Tr((S_a^(1/2) S_b S_a^(1/2))^(1/2)): a symmetric matrix, so
    # eigenvalues do it stably even when dead ReLU units make the covariances singular
    # (where `scipy.linalg.sqrtm(S_a @ S_b)` warns and may return complex round-off).
    root_a = _psd_sqrt(cov_a)
    eigenvalues = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
    value = np.sum((mean_a - mean_b) ** 2) + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    return float(max(value, 0.0))


def _psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    eigenvalues, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ vectors.T


def kernel_distance(
    features_a, features_b, *, subset_size: int = 1000, subsets: int = 50, seed: int = 0
) -> float:
    """KID: the unbiased squared MMD with the cubic polynomial kernel
    `k(x, y) = (x . y / d + 1)^3`, averaged over random subsets (Bińkowski et al. 2018).

    Unlike the Fréchet distance it has no bias from the sample size, so it compares small
    samples fairly; it can be slightly negative when the two sets come from one
    distribution.

    Examples:

        >>> rng = np.random.default_rng(0)
        >>> same = kernel_distance(rng.normal(size=(500, 4)), rng.normal(size=(500, 4)))
        >>> shifted = kernel_distance(rng.normal(size=(500, 4)), rng.normal(1, 1, (500, 4)))
        >>> abs(same) < 0.01 < shifted
        True
    """
    a, b = _features(features_a, "features_a"), _features(features_b, "features_b")
    size = min(subset_size, len(a), len(b))
    if size < 2:
        raise ValueError("KID needs at least 2 feature vectors in each set.")
    rng = np.random.default_rng(seed)
    dim = a.shape[1]
    values = []
    for _ in range(subsets):
        x = a[rng.choice(len(a), size, replace=False)]
        y = b[rng.choice(len(b), size, replace=False)]
        k_xx, k_yy, k_xy = ((p @ q.T / dim + 1) ** 3 for p, q in ((x, x), (y, y), (x, y)))
        off_diagonal = size * (size - 1)
        values.append(
            (k_xx.sum() - np.trace(k_xx)) / off_diagonal
            + (k_yy.sum() - np.trace(k_yy)) / off_diagonal
            - 2 * k_xy.mean()
        )
    return float(np.mean(values))


def memorization(generated_features, train_features, test_features) -> dict:
    """Does a generator copy its training images? Compares each generated sample's
    distance to its nearest training image with each real test image's distance to its
    nearest training image (in feature space).

    A `ratio` (median generated distance / median test distance) well below 1 means the
    samples sit closer to training images than new real images do: copies. Near or above
    1, they are as novel as real data.
    """
    train = _features(train_features, "train_features")
    generated = _nearest_distances(_features(generated_features, "generated_features"), train)
    test = _nearest_distances(_features(test_features, "test_features"), train)
    return {
        "generated_median_distance": float(np.median(generated)),
        "test_median_distance": float(np.median(test)),
        "ratio": float(np.median(generated) / max(np.median(test), 1e-12)),
    }


def class_accuracy(features, images, labels) -> float:
    """The share of `images` the feature extractor's classifier puts in `labels`: for
    class-conditional generators, how often an image made for class c looks like a c.

    Args:
        features: what classifies the images: any object with a `classify(images)` method
            that returns class indices, such as `keras_walk.feature_networks.image_features`.
        images: the images to classify.
        labels: the class each image was made for.
    """
    predicted = features.classify(images)
    return float(np.mean(predicted == np.asarray(labels).reshape(-1)))


def _features(values, name: str) -> np.ndarray:
    array = np.asarray(values, dtype="float64")
    if array.ndim != 2 or len(array) < 2:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a 2D array of at least 2 feature "
            f"vectors. Received: shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"Invalid value for argument `{name}`: it holds NaN or infinite values.")
    return array


def _nearest_distances(queries: np.ndarray, reference: np.ndarray, chunk: int = 1024):
    """Euclidean distance from each query to its nearest reference vector, in chunks so
    that 10,000 x 60,000 distances never sit in memory at once."""
    reference_norms = (reference**2).sum(axis=1)
    nearest = []
    for start in range(0, len(queries), chunk):
        q = queries[start : start + chunk]
        squared = (q**2).sum(axis=1)[:, None] - 2 * q @ reference.T + reference_norms[None]
        nearest.append(np.sqrt(np.maximum(squared.min(axis=1), 0.0)))
    return np.concatenate(nearest)
