"""The catalog's types: `DataInfo`, what one named piece of data is, and `Registry`, the
named entries of one family with the one lookup that says what exists.

Each family module (`datasets`, `tables`, `corpora`, `pretrained`, `composed`) holds one
or two registries; `keras_walk.data.catalog` lists them all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator

__all__ = ["DataInfo", "Registry"]


@dataclasses.dataclass(frozen=True)
class DataInfo:
    """What a named piece of data is, where it comes from, and how to get it offline.

    Fields after `available` apply to some kinds only: `input_shape`, `splits` and
    `num_classes` to datasets; `head` and `target` to tables; `class_names` to both;
    `archive`, `member_prefix`, `sha256` and `unhashed_files` to pretrained checkpoints.
    """

    name: str
    kind: str  # images, image_text, segmentation, detection, sequences, table, series, corpus, pretrained
    description: str
    size: str
    source: str
    license: str
    citation: str
    how_to_get: str
    loader: Callable | None = dataclasses.field(default=None, repr=False)
    available: Callable[[], bool] = dataclasses.field(default=lambda: True, repr=False)
    class_names: tuple[str, ...] = ()
    num_classes: int | None = None
    input_shape: tuple[int | None, ...] | None = None
    splits: dict[str, int] | None = None
    head: str | None = None
    target: str | None = None
    archive: str | None = None
    member_prefix: str | None = None
    sha256: dict | None = dataclasses.field(default=None, repr=False)
    unhashed_files: tuple[str, ...] = ()


class Registry:
    """Named `DataInfo` entries of one family, and the one lookup that says what exists.

    Examples:

        >>> registry = Registry("toy", [DataInfo("a", "table", "", "", "", "", "", "")])
        >>> registry.names()
        ['a']
        >>> registry.get("b")
        Traceback (most recent call last):
        ...
        ValueError: Invalid value for argument `name`. Expected one of ['a']. Received: name='b'
    """

    def __init__(self, family: str, entries: Iterable[DataInfo]):
        self.family = family
        self._entries = {entry.name: entry for entry in entries}

    def names(self) -> list[str]:
        """The names this registry knows, sorted."""
        return sorted(self._entries)

    def get(self, name: str) -> DataInfo:
        """The `DataInfo` of `name`, or a `ValueError` listing the names."""
        if name not in self._entries:
            raise ValueError(
                f"Invalid value for argument `name`. Expected one of {self.names()}. "
                f"Received: name={name!r}"
            )
        return self._entries[name]

    def __iter__(self) -> Iterator[DataInfo]:
        return iter(self._entries[name] for name in self.names())
