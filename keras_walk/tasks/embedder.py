"""`Embedder`: the family of Tasks that map inputs to vectors, trained contrastively.

The dual encoder (CLIP-style: images and texts into one space) and the contrastive
pretrainer (SimCLR: two views of an image). Their graph ends in a `ContrastiveLogits`
layer named `contrastive_logits`, which is a training signal, not an answer: what they
answer with is `encode(x)` (what `predict(x)` returns too) and `search(queries, gallery)`.
`compile("auto")` uses the contrastive loss the logits layer was built for.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from keras_walk.arguments import is_integer
from keras_walk.losses import ContrastiveLoss
from keras_walk.metrics.retrieval import ContrastiveAccuracy
from keras_walk.tasks.task import Task

__all__ = ["Embedder", "SearchResults", "are_vectors"]


def are_vectors(items) -> bool:
    """Whether `items` are vectors `encode` returned: a 2-D float array (images are 4-D,
    texts 1-D)."""
    return isinstance(items, np.ndarray) and items.ndim == 2 and items.dtype.kind == "f"


class SearchResults(NamedTuple):
    """`search`'s answer: gallery indices `(queries, k)`, best first, and their cosine
    similarities."""

    indices: np.ndarray
    scores: np.ndarray


class Embedder(Task):
    """A `Task` whose answer is a vector per input: the base of `DualEncoder` and
    `ContrastivePretrainer` (see the module). Each defines `encode(x, batch_size=256)`,
    the vectors of `x` one row per input, which `predict` and `search` use."""

    # Files saved before the families gave embedders a stand-in head.
    _renamed_arguments = {"head": None, "num_classes": None, "class_names": None}

    @property
    def contrastive_loss(self) -> str:
        """`"softmax"` (CLIP, SimCLR) or `"sigmoid"` (SigLIP): what its logits layer was
        built for."""
        return self.get_layer("contrastive_logits").loss

    def _auto_loss_and_metrics(self) -> tuple:
        return ContrastiveLoss(self.contrastive_loss), [ContrastiveAccuracy()]

    def predict(self, x, batch_size=None, verbose="auto", **kwargs):
        """The vectors of `x`, as `encode` gives them: an embedder's graph output (the
        contrastive logits of a batch) is a training signal, not an answer."""
        return self.encode(x, batch_size=batch_size or 256)

    def search(self, queries, gallery, k: int = 5) -> SearchResults:
        """The `k` gallery items most similar to each query (cosine similarity). Either side
        may be inputs (encoded here) or the float vectors `encode` returned: a large
        gallery is encoded once and searched many times.

        Raises:
            ValueError: `k` < 1 or larger than the gallery.
        """
        query_vectors, gallery_vectors = self._vectors(queries), self._vectors(gallery)
        if not is_integer(k) or not 1 <= k <= len(gallery_vectors):
            raise ValueError(
                f"Invalid value for argument `k`. Expected an integer in [1, "
                f"{len(gallery_vectors)}] (the gallery's size). Received: k={k!r}"
            )
        similarity = query_vectors @ gallery_vectors.T
        top = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        top_scores = np.take_along_axis(similarity, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        return SearchResults(
            np.take_along_axis(top, order, 1), np.take_along_axis(top_scores, order, 1)
        )

    def _vectors(self, items) -> np.ndarray:
        """Unit vectors of `items`: encoded, or as given when they are vectors already."""
        vectors = items if are_vectors(items) else self.encode(items)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)
