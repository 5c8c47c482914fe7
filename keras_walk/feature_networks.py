"""Networks trained here whose features the image-quality metrics are measured in.

FID and KID are normally computed on InceptionV3 features, but those weights are a
download, and this library must work offline. So, as many MNIST papers do with LeNet
features, the features here come from a small convnet trained on the same real dataset
(`image_features`): trained once, cached with a SHA-256 checksum, with its test accuracy
reported. Distances on these features compare models with each other and with the
real-vs-real floor, never with FIDs published on InceptionV3 features. The distances
themselves are pure functions in `keras_walk.metrics`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import keras
import numpy as np

from keras_walk import data, metrics, tasks
from keras_walk.arguments import positive_int
from keras_walk.tasks.backbones import basic_convnet

__all__ = ["ImageFeatures", "SampleQuality", "image_features"]

# Bump when the extractor's architecture or training changes: older caches are not reused.
EXTRACTOR_VERSION = 1
# About 1,500 steps in whole epochs: 4 epochs of Fashion-MNIST, 125 of the digits.
_EXTRACTOR_TRAINING = {
    "steps": 1500,
    "batch_size": 128,
    "learning_rate": 2e-3,
    "seed": 0,
}


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


class SampleQuality(keras.callbacks.Callback):
    """Measures a generator's samples at the end of every epoch: their Fréchet distance to
    real images in `features`' space, and, for a class-conditional model, how often the
    feature network's classifier sees the class each image was drawn for.

    The model must have `generate(count, seed=..., **options)` (a VAE, GAN or diffusion
    model); a class-conditional one (`model.conditional`) is asked for the classes in turn,
    `labels = i % num_labels`. The same seed every epoch: the curve shows the model
    change, not the noise.

    Args:
        features: an `ImageFeatures` (`image_features(...)`).
        reference_features: feature vectors of real images, e.g. `features.features(test.x)`.
        num_samples: images drawn each epoch.
        keep: how many of each epoch's images `grids` keeps (for a plot over epochs).
        verbose: print a line per epoch.
        **generate_options: passed to `generate` (for example `steps=5`).

    Attributes:
        frechet: the Fréchet distance, one per epoch.
        accuracy: the class accuracy, one per epoch (empty for an unconditional model).
        grids: the first `keep` images of each epoch.

    Examples:

        >>> import tempfile, keras_walk as kw
        >>> images = kw.data.load("digits", splits="train[:64]").x
        >>> features = image_features("digits", cache_dir=tempfile.mkdtemp(), steps=20)
        >>> model = kw.tasks.vae(images.shape[1:], latent_dim=2, filters=(8,))
        >>> quality = SampleQuality(features, features.features(images), 16, verbose=False)
        >>> _ = model.fit(images, epochs=2, callbacks=[quality], verbose=0)
        >>> len(quality.frechet), quality.accuracy, quality.grids[0].shape
        (2, [], (16, 8, 8, 1))
    """

    def __init__(
        self, features: ImageFeatures, reference_features, num_samples: int, *,
        keep: int = 20, verbose: bool = True, **generate_options,
    ):  # fmt: skip
        super().__init__()
        self.features, self.reference_features = features, np.asarray(reference_features)
        self.num_samples = positive_int("num_samples", num_samples)
        self.keep = positive_int("keep", keep)
        self.verbose, self.generate_options = verbose, generate_options
        self.frechet, self.accuracy, self.grids = [], [], []

    def on_epoch_end(self, epoch, logs=None):
        labels, options = None, dict(self.generate_options)
        if getattr(self.model, "conditional", False):
            labels = options["labels"] = np.arange(self.num_samples) % self.model.num_labels
        images = self.model.generate(self.num_samples, seed=0, **options)
        self.frechet.append(
            metrics.frechet_distance(self.features.features(images), self.reference_features)
        )
        line = f"epoch {epoch + 1}: samples' Fréchet distance {self.frechet[-1]:.2f}"
        if labels is not None:
            self.accuracy.append(metrics.class_accuracy(self.features, images, labels))
            line += f", class accuracy {self.accuracy[-1]:.3f}"
        self.grids.append(images[: self.keep])
        if self.verbose:
            print(line)


def _extractor_backbone(input_shape) -> keras.Model:
    """Two conv blocks, then a 128-unit dense layer: the features. Global pooling would
    discard where things are, which tells a shirt from a pullover; flattening the maps
    would give thousands of dimensions, too many for a covariance from 10,000 samples."""
    convnet = basic_convnet(input_shape, (32, 64), pool_after_last=True)
    x = keras.layers.Flatten(name="flatten")(convnet.output)
    x = keras.layers.Dense(128, activation="relu", name="features")(x)
    return keras.Model(convnet.input, x, name="feature_backbone")


def _wrap(classifier, dataset, test_accuracy, path) -> ImageFeatures:
    head = classifier.get_layer("head")
    extractor = keras.Model(classifier.inputs, head.input, name=f"{dataset}_extractor")
    return ImageFeatures(classifier, extractor, dataset, float(test_accuracy), Path(path))


def _images(images) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 3:  # (n, height, width): add the channel axis
        images = images[..., None]
    return images


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
