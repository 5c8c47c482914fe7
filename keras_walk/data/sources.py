"""Unbatched `tf.data` sources: image folders and TFDS (online and offline)."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_walk.data.catalog import dataset_info, load
from keras_walk.data.checks import check_image_files
from keras_walk.data.files import DatasetUnavailableError, network_available

__all__ = ["from_directory", "from_tfds", "to_tfds"]


def from_directory(
    directory: str | os.PathLike,
    image_size: tuple[int, int],
    *,
    color_mode: str = "rgb",
    validation_split: float | None = None,
    subset: str | None = None,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Images in `directory/<class_name>/*.png|jpg` as an unbatched `(image, label)` dataset.

    A thin call to `keras.utils.image_dataset_from_directory` with `batch_size=None`, so that
    `keras_walk.data.pipeline` does the batching. The dataset has `.class_names`.
    Raises `ValueError` if the folder is missing or holds no images, and `DataError` naming
    the files that are empty, truncated or not what their extension says
    (`keras_walk.data.checks.check_image_files`), before any of them is decoded.
    """
    import keras

    if not Path(directory).is_dir():
        raise ValueError(
            f"Invalid value for argument `directory`: {str(directory)!r} is not a folder."
        )
    if len(tuple(image_size)) != 2 or min(image_size) < 1:
        raise ValueError(
            "Invalid value for argument `image_size`. Expected (height, width), both positive. "
            f"Received: image_size={image_size!r}"
        )
    if color_mode not in ("rgb", "rgba", "grayscale"):
        raise ValueError(
            "Invalid value for argument `color_mode`. Expected 'rgb', 'rgba' or 'grayscale'. "
            f"Received: color_mode={color_mode!r}"
        )
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(
            "Invalid value for argument `validation_split`. Expected 0 < validation_split < 1. "
            f"Received: validation_split={validation_split!r}"
        )
    if (subset is None) != (validation_split is None) or subset not in (
        None,
        "training",
        "validation",
    ):
        raise ValueError(
            "Invalid value for argument `subset`: 'training' or 'validation' with a "
            f"`validation_split`, or neither. Received: subset={subset!r}, "
            f"validation_split={validation_split!r}"
        )
    check_image_files(directory)
    dataset = keras.utils.image_dataset_from_directory(
        directory,
        image_size=image_size,
        color_mode=color_mode,
        batch_size=None,
        shuffle=subset is not None,
        seed=seed if seed is not None else (0 if subset else None),
        validation_split=validation_split,
        subset=subset,
        verbose=False,
    )
    if int(dataset.cardinality()) == 0:
        raise ValueError(f"Invalid value for argument `directory`: no images in {directory!r}.")
    return dataset


def from_tfds(
    name: str,
    split: str,
    *,
    data_dir: str | os.PathLike | None = None,
    download: bool = False,
) -> tf.data.Dataset:
    """A TFDS dataset as an unbatched `(image, label)` dataset.

    With `download=False` (the default) only prepared data in `data_dir` is read, which is
    instant and offline. With `download=True` the network is checked first (3 s) so that an
    offline machine gets a clear `DatasetUnavailableError` instead of TFDS's long retries.

    Examples:
        Offline: write a named dataset as TFDS, then read it back.

        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> _ = to_tfds("digits", folder)
        >>> ds = from_tfds("digits", "test", data_dir=folder)
        >>> int(ds.cardinality())
        360
    """
    import tensorflow_datasets as tfds

    if download and not network_available():
        raise DatasetUnavailableError(
            f"TFDS dataset {name!r} cannot be downloaded: no network. Prepare it on a machine "
            "that is online and copy its data_dir here, or use keras_walk.data.to_tfds."
        )
    if data_dir is not None and not download:
        folder = _find_prepared(Path(data_dir), name)
        if folder is None:
            raise DatasetUnavailableError(
                f"TFDS dataset {name!r} is not prepared in {str(data_dir)!r}. Pass "
                "download=True when online, or write it with keras_walk.data.to_tfds."
            )
        builder = tfds.builder_from_directory(str(folder))
    else:
        try:
            builder = tfds.builder(name, data_dir=data_dir)
        except tfds.core.registered.DatasetNotFoundError as error:
            first_line = str(error).splitlines()[0]
            raise ValueError(
                f"Invalid TFDS dataset name {name!r}: {first_line} See tfds.list_builders()."
            ) from None
        if not builder.is_prepared():
            if not download:
                raise DatasetUnavailableError(
                    f"TFDS dataset {name!r} is not prepared in {builder.data_dir!r} and "
                    "download=False. Pass download=True when online."
                )
            builder.download_and_prepare()
    if builder.info.supervised_keys:
        return builder.as_dataset(split=split, as_supervised=True)
    # Datasets written by `to_tfds` (TFDS's ad-hoc builder) carry no supervised keys.
    return builder.as_dataset(split=split).map(
        lambda example: (example["image"], example["label"]), num_parallel_calls=tf.data.AUTOTUNE
    )


def _find_prepared(data_dir: Path, name: str) -> Path | None:
    # A prepared TFDS dataset lives in <data_dir>/<name>/[<config>/]<version>/dataset_info.json.
    infos = sorted((data_dir / name).glob("**/dataset_info.json"))
    return infos[-1].parent if infos else None


def to_tfds(name: str, data_dir: str | os.PathLike):
    """Writes a named `keras_walk.data` dataset as a real TFDS dataset under `data_dir`.

    Afterwards `from_tfds(name, split, data_dir=data_dir)` or
    `tfds.builder_from_directory(...)` read it offline like any prepared TFDS dataset.
    """
    import tensorflow_datasets as tfds

    info = dataset_info(name)
    splits = dict(zip(info.splits, load(name, splits=tuple(info.splits)), strict=True))
    tfds.display_progress_bar(False)
    # TFDS prints "Downloading and preparing dataset..." even though nothing is downloaded.
    with contextlib.redirect_stdout(io.StringIO()):
        return _store_as_tfds(tfds, name, info, splits, data_dir)


def _store_as_tfds(tfds, name, info, splits, data_dir):
    features = tfds.features.FeaturesDict(
        {
            "image": tfds.features.Image(shape=info.input_shape, dtype=np.uint8),
            "label": tfds.features.ClassLabel(names=list(info.class_names)),
        }
    )
    return tfds.dataset_builders.store_as_tfds_dataset(
        name=name,
        version="1.0.0",
        features=features,
        split_datasets={
            split: tf.data.Dataset.from_tensor_slices({"image": arrays.x, "label": arrays.y})
            for split, arrays in splits.items()
        },
        data_dir=str(data_dir),
        description=info.description,
        homepage=info.source,
        citation=info.citation,
    )
