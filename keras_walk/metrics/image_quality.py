"""How good are generated images? Fréchet distance and KID on features of a classifier the
project trains itself, class-conditional accuracy, and a memorization check.

FID and KID are normally computed on InceptionV3 features, but those weights are a
download, and this library must work offline. So, as many MNIST papers do with LeNet
features, the features here come from a small convnet trained on the same real dataset.
`image_features` trains it once, caches it with a SHA-256 checksum and reports its test
accuracy. Distances on these features compare models with each other and with the
real-vs-real floor, never with FIDs published on InceptionV3 features.

torchmetrics and clean-fid implement these metrics for PyTorch, and keras-io's DDIM example
implements KID as a Keras metric over InceptionV3 only. No maintained Keras/TF package takes
arbitrary features, so the formulas are written out here (Heusel et al. 2017 for the
Fréchet distance; Bińkowski et al. 2018 for KID).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import keras
import numpy as np

__all__ = [
    "ImageFeatures",
    "class_accuracy",
    "frechet_distance",
    "image_features",
    "kernel_distance",
    "memorization",
]

# Bump when the extractor's architecture or training changes: older caches are not reused.
EXTRACTOR_VERSION = 1
# About 1,500 steps in whole epochs: 4 epochs of Fashion-MNIST, 125 of the digits.
_EXTRACTOR_TRAINING = {
    "steps": 1500,
    "batch_size": 128,
    "learning_rate": 2e-3,
    "seed": 0,
}


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


def class_accuracy(features: ImageFeatures, images, labels) -> float:
    """The share of `images` the feature extractor's classifier puts in `labels`: for
    class-conditional generators, how often an image made for class c looks like a c."""
    predicted = features.classify(images)
    return float(np.mean(predicted == np.asarray(labels).reshape(-1)))


@dataclasses.dataclass
class ImageFeatures:
    """A trained image classifier used as a feature extractor.

    Attributes:
        classifier: the `kw.tasks.Task` it is.
        extractor: the same network up to the vector before its head.
        dataset: the named dataset it was trained on.
        test_accuracy: its accuracy on that dataset's test split.
        path: the cached `.keras` file.
    """

    classifier: keras.Model
    extractor: keras.Model
    dataset: str
    test_accuracy: float
    path: Path

    def features(self, images, batch_size: int = 512) -> np.ndarray:
        """Feature vectors of uint8 (or 0-255 float) images, `(n, d)`."""
        return np.asarray(self.extractor.predict(_images(images), batch_size, verbose=0))

    def classify(self, images, batch_size: int = 512) -> np.ndarray:
        """Predicted class indices."""
        scores = self.classifier.predict(_images(images), batch_size=batch_size, verbose=0)
        return scores.argmax(axis=-1)


def image_features(
    dataset: str = "fashion_mnist", *, cache_dir: str | Path | None = None, steps: int = 1500
) -> ImageFeatures:
    """The feature extractor for `dataset`'s images: a convnet trained on its training split,
    built on first use and cached as `<cache_dir>/<dataset>_features_v<N>.keras`.

    The cache holds the model and a JSON file with its SHA-256 and test accuracy. A model
    file whose checksum no longer matches is refused (delete the two files to rebuild).

    Args:
        dataset: a named image dataset of `keras_walk.data` (`"fashion_mnist"`,
            `"digits"`).
        cache_dir: where the cache lives; `None`: `<data_root()>/features`.
        steps: training steps, rounded up to whole epochs. Fewer make a worse extractor,
            cached under its own name: for quick tests, never for published figures.

    Examples:

        >>> import tempfile
        >>> features = image_features("digits", cache_dir=tempfile.mkdtemp(), steps=300)
        >>> features.test_accuracy > 0.9, features.features(np.zeros((3, 8, 8, 1))).shape[0]
        (True, 3)
    """
    from keras_walk import data, tasks

    cache_dir = Path(cache_dir) if cache_dir is not None else data.data_root() / "features"
    suffix = "" if steps == _EXTRACTOR_TRAINING["steps"] else f"_{steps}steps"
    path = cache_dir / f"{dataset}_features_v{EXTRACTOR_VERSION}{suffix}.keras"
    record_path = path.with_suffix(".json")
    if path.is_file() and record_path.is_file():
        record = json.loads(record_path.read_text())
        if _sha256(path) != record["sha256"]:
            raise ValueError(
                f"The cached feature extractor {path} does not match its SHA-256 in "
                f"{record_path.name}. Delete both files to rebuild it."
            )
        classifier = keras.models.load_model(path)
        return _wrap(classifier, dataset, record["test_accuracy"], path)

    info = data.dataset_info(dataset)
    train, test = data.load(dataset, splits=("train", "test"))
    settings = {**_EXTRACTOR_TRAINING, "steps": steps}
    keras.utils.set_random_seed(settings["seed"])
    classifier = tasks.image_classifier(
        info.input_shape, info.num_classes, class_names=info.class_names,
        backbone=_extractor_backbone,
        learning_rate=settings["learning_rate"], dropout=0.3, seed=settings["seed"],
        name=f"{dataset}_features",
    )  # fmt: skip
    # Few steps (a quick test): train on the first images only, for one epoch.
    images = min(len(train.y), settings["steps"] * settings["batch_size"])
    train = data.Arrays(train.x[:images], train.y[:images])
    steps_per_epoch = -(-images // settings["batch_size"])
    epochs = -(-settings["steps"] // steps_per_epoch)
    classifier.fit(
        data.pipeline(train, settings["batch_size"], shuffle=True, seed=settings["seed"]),
        epochs=epochs, verbose=0,
    )  # fmt: skip
    accuracy = classifier.evaluate(test.x, test.y, batch_size=512, return_dict=True, verbose=0)
    cache_dir.mkdir(parents=True, exist_ok=True)
    classifier.save(path)
    record = {
        "dataset": dataset,
        "test_accuracy": float(accuracy["accuracy"]),
        "sha256": _sha256(path),
        "training": {**settings, "epochs": epochs},
        "version": EXTRACTOR_VERSION,
    }
    record_path.write_text(json.dumps(record, indent=2) + "\n")
    return _wrap(classifier, dataset, record["test_accuracy"], path)


def _extractor_backbone(input_shape) -> keras.Model:
    """Two conv blocks, then a 128-unit dense layer: the features. Global pooling would
    discard where things are, which tells a shirt from a pullover; flattening the maps
    would give thousands of dimensions, too many for a covariance from 10,000 samples."""
    from keras_walk.tasks.backbones import basic_convnet

    convnet = basic_convnet(input_shape, (32, 64), pool_after_last=True)
    x = keras.layers.Flatten(name="flatten")(convnet.output)
    x = keras.layers.Dense(128, activation="relu", name="features")(x)
    return keras.Model(convnet.input, x, name="feature_backbone")


def _wrap(classifier, dataset, test_accuracy, path) -> ImageFeatures:
    head = classifier.get_layer("head")
    extractor = keras.Model(classifier.inputs, head.input, name=f"{dataset}_extractor")
    return ImageFeatures(classifier, extractor, dataset, float(test_accuracy), Path(path))


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


def _images(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 3:  # (n, height, width): add the channel axis
        images = images[..., None]
    return images


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
