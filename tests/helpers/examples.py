"""A tiny example of every builder, of every Task family: `EXAMPLES[name]() -> Example`.
Shared by the contract test, the MirroredStrategy build and the saved-Task fixtures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

import keras_walk as kw


class Example(NamedTuple):
    """`build()` makes a fresh Task; `fit(x, y)` trains it (`y` is `None` for Tasks that
    learn from their inputs alone); the graph's `output_shape` and the `class_names`
    given, where the builder takes them."""

    build: Callable
    x: Any
    y: Any
    output_shape: tuple | None = None
    class_names: list | None = None


RNG = np.random.default_rng(0)
N = 12


def _image():
    x = RNG.integers(0, 255, (N, 8, 8, 1)).astype("uint8")
    names = ["a", "b", "c"]
    build = lambda: kw.tasks.image_classifier(  # noqa: E731
        (8, 8, 1),
        3,
        class_names=names,
        backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (4,)),
    )
    return Example(build, x, np.arange(N) % 3, (None, 3), names)


def _text():
    x = ["great taste", "awful stale", "great value", "stale bread"] * (N // 4)
    names = ["other", "great"]

    def build():
        return kw.tasks.text_classifier(x, 2, encoder="bag_of_ngrams", units=4, class_names=names)  # noqa: E731

    return Example(build, x, np.arange(N) % 2, (None, 1), names)


def _sequence():
    x = RNG.normal(size=(N, 20, 2)).astype("float32")
    build = lambda: kw.tasks.sequence_classifier((20, 2), 3, filters=(4,), kernel_sizes=(3,))  # noqa: E731
    return Example(build, x, np.arange(N) % 3, (None, 3), None)


def _table():
    x = pd.DataFrame({
        "size/cm": RNG.normal(size=N), "colour": ["red", None, "blue"] * (N // 3),
    })  # fmt: skip
    x.loc[0, "size/cm"] = np.nan
    features = kw.data.TabularFeatures.infer(x, impute=True)
    features.adapt(x)
    names = ["x", "y", "z"]

    def build():
        return kw.tasks.multiclass_classifier(features, 3, class_names=names, hidden_units=(4,))  # noqa: E731

    return Example(build, x, np.arange(N) % 3, (None, 3), names)


def _binary():
    x = RNG.normal(size=(N, 3)).astype("float32")
    return Example(
        (lambda: kw.tasks.binary_classifier(x, hidden_units=(4,))),
        x,
        np.arange(N) % 2,
        (None, 1),
        None,
    )


def _multilabel():
    x = RNG.normal(size=(N, 3)).astype("float32")
    y = (RNG.random((N, 4)) > 0.5).astype("int64")
    names = ["p", "q", "r", "s"]
    build = lambda: kw.tasks.multilabel_classifier(x, 4, class_names=names, hidden_units=(4,))  # noqa: E731
    return Example(build, x, y, (None, 4), names)


def _regressor():
    x = RNG.normal(size=(N, 3)).astype("float32")
    return Example(
        (lambda: kw.tasks.regressor(x, 2, hidden_units=(4,))),
        x,
        RNG.normal(size=(N, 2)),
        (None, 2),
        None,
    )


def _forecaster():
    series = {"temp": np.sin(np.arange(400) * 2 * np.pi / 24).astype("float32")}
    windows = kw.data.forecasting_windows(series, "temp", input_width=12, horizon=3)
    x, y = windows.train.inputs[:N], windows.train.targets[:N]
    return Example(
        (lambda: kw.tasks.timeseries_forecaster(windows, units=4)), x, y, (None, 1), None
    )


def _language_model():
    text = "to be or not to be " * 20
    build = lambda: kw.tasks.language_model(text, sequence_length=8, units=8)  # noqa: E731
    ids = build().encode(text)
    x = np.stack([ids[i : i + 8] for i in range(N)])
    y = np.stack([ids[i + 1 : i + 9] for i in range(N)])
    return Example(build, x, y, (None, None, len(set(text)) + 1), None)


def _ensemble():
    x = RNG.normal(size=(N, 3)).astype("float32")

    def build():
        a = kw.tasks.binary_classifier(x, hidden_units=(4,), name="a", class_names=["no", "yes"])
        b = kw.tasks.binary_classifier(x, hidden_units=(2,), name="b", class_names=["no", "yes"])
        return kw.tasks.average_ensemble([a, b])

    return Example(build, x, np.arange(N) % 2, (None, 1), ["no", "yes"])


def _autoencoder(variational):
    x = RNG.integers(0, 255, (N, 8, 8, 1)).astype("uint8")
    builder = kw.tasks.vae if variational else kw.tasks.autoencoder

    def build():
        return builder((8, 8, 1), latent_dim=3, filters=(4, 8), seed=0)

    return Example(build, x, x / 255, (None, 8, 8, 1), None)


def _diffusion():
    x = RNG.integers(0, 255, (N, 8, 8, 1)).astype("uint8")

    def build():
        return kw.tasks.diffusion_model(x, 3, widths=(4, 8), block_depth=1, embedding_dims=4)

    return Example(build, x, np.arange(N) % 3, (None, 8, 8, 1))


def _gan():
    x = RNG.integers(0, 255, (N, 8, 8, 1)).astype("uint8")

    def build():
        return kw.tasks.gan((8, 8, 1), 3, latent_dim=4, filters=(4, 8))

    return Example(build, x, np.arange(N) % 3, (None, 1))


def _image_text(builder):
    x = RNG.integers(0, 255, (N, 8, 8, 1)).astype("uint8")
    captions = ["a red bag", "a blue coat", "a bag", "a coat"] * (N // 4)

    def build():
        return builder(x, captions, embedding_dim=4, units=4,
                       backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (4,)))  # fmt: skip

    return Example(build, x, captions)


def _contrastive_pretrainer():
    x = RNG.integers(0, 255, (N, 8, 8, 1)).astype("uint8")

    def build():
        return kw.tasks.contrastive_pretrainer(
            (8, 8, 1), backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (4,)),
            projection_dim=4, projection_units=8, seed=0,
        )  # fmt: skip

    return Example(build, x, None)


def _distiller():
    x = RNG.integers(0, 255, (N, 8, 8, 1)).astype("uint8")

    def build():
        teacher = kw.tasks.image_classifier((8, 8, 1), 3, name="teacher")
        student = kw.tasks.image_classifier(
            (8, 8, 1), 3, backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (4,)),
            name="student",
        )  # fmt: skip
        return kw.tasks.distiller(teacher, student)

    return Example(build, x, np.arange(N) % 3, (None, 3))


def _segmenter(num_classes, backbone=None):
    """A U-Net segmenter; with `backbone`, one whose encoder arm is that backbone."""
    x = RNG.integers(0, 255, (N, 8, 8, 3)).astype("uint8")
    masks = (x[..., 0] // (256 // num_classes + 1)).astype("uint8")  # a class per pixel
    build = lambda: kw.tasks.image_segmenter(  # noqa: E731
        (8, 8, 3), num_classes, filters=None if backbone else (4, 8), backbone=backbone
    )
    head_units = 1 if num_classes == 2 else num_classes
    return Example(build, x, masks, (None, 8, 8, head_units), None)


def _detector():
    x = RNG.integers(0, 255, (N, 16, 16, 1)).astype("uint8")
    labels = np.full((N, 2, 5), -1, "int32")
    labels[:, 0] = [2, 3, 9, 12, 0]
    labels[::2, 1] = [8, 8, 16, 16, 2]
    build = lambda: kw.tasks.object_detector((16, 16, 1), 3, filters=(4, 8))  # noqa: E731
    return Example(build, x, labels, (None, 8, 8, 8), None)


def _transfer():
    """A classifier of 4x4 images on a copy of an 8x8 classifier's backbone."""
    x = RNG.integers(0, 255, (N, 4, 4, 1)).astype("uint8")
    names = ["a", "b", "c"]
    build = lambda: kw.tasks.transfer(  # noqa: E731
        kw.tasks.image_classifier(
            (8, 8, 1), 5, backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (4,))
        ),
        3, input_shape=(4, 4, 1), class_names=names,
    )  # fmt: skip
    return Example(build, x, np.arange(N) % 3, (None, 3), names)


EXAMPLES = {
    "image_classifier": _image,
    "text_classifier": _text,
    "sequence_classifier": _sequence,
    "multiclass_classifier": _table,
    "binary_classifier": _binary,
    "multilabel_classifier": _multilabel,
    "regressor": _regressor,
    "timeseries_forecaster": _forecaster,
    "language_model": _language_model,
    "average_ensemble": _ensemble,
    "autoencoder": lambda: _autoencoder(variational=False),
    "vae": lambda: _autoencoder(variational=True),
    "image_segmenter": lambda: _segmenter(3),
    "image_segmenter_binary": lambda: _segmenter(2),
    "image_segmenter_backbone": lambda: _segmenter(
        2, backbone=lambda shape: kw.tasks.backbones.basic_convnet(shape, (4, 8))
    ),
    "object_detector": _detector,
    "transfer": _transfer,
    "distiller": _distiller,
    "diffusion_model": _diffusion,
    "gan": _gan,
    "dual_encoder": lambda: _image_text(kw.tasks.dual_encoder),
    "image_captioner": lambda: _image_text(kw.tasks.image_captioner),
    "contrastive_pretrainer": _contrastive_pretrainer,
}
