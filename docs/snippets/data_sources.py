import tempfile
from pathlib import Path

import keras
import numpy as np

import keras_walk as kw

# Named real datasets, with provenance and licence.
info = kw.data.dataset_info("digits")
print(info.name, "|", info.license, "|", info.source, "|", info.splits)

# NumPy arrays per split, TFDS split syntax.
train, test = kw.data.load("digits", splits=("train[:80%]", "test"))
print("arrays:", train.x.shape, train.y.shape, test.x.shape)

# A training pipeline: cache -> shuffle -> batch -> augment (per batch) -> prefetch.
train_ds = kw.data.pipeline(train, batch_size=32, shuffle=True, augment="flip", seed=0)
images, labels = next(iter(train_ds))
print("batch:", tuple(images.shape), tuple(labels.shape))

# An image folder (one sub-folder per class), unbatched, then the same pipeline.
folder = Path(tempfile.mkdtemp())
for label in range(3):
    (folder / f"class_{label}").mkdir()
    for i in np.flatnonzero(train.y == label)[:5]:
        keras.utils.save_img(folder / f"class_{label}" / f"{i}.png", train.x[i], scale=False)
images_ds = kw.data.from_directory(folder, image_size=(8, 8), color_mode="grayscale")
print("folder classes:", images_ds.class_names)
print("folder batches:", [int(x.shape[0]) for x, _ in kw.data.pipeline(images_ds, 8)])

# TFDS, offline: write a named dataset as a real TFDS dataset, read it back with TFDS.
tfds_dir = tempfile.mkdtemp()
kw.data.to_tfds("digits", tfds_dir)
test_ds = kw.data.from_tfds("digits", "test", data_dir=tfds_dir)
print("tfds test examples:", int(test_ds.cardinality()))

# No local copy and no network: a clear error within seconds, never a hang.
try:
    kw.data.load("fashion_mnist", data_dir=tempfile.mkdtemp(), download=False)
except kw.data.DatasetUnavailableError as error:
    print("unavailable:", str(error)[:90], "...")
