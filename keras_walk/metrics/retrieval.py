"""Retrieval metrics: recall@k and median rank, for text -> image and image -> text search.

A query's rank is the position of its first relevant item when the gallery is sorted by
similarity (1 is best). Relevance is by id: with `query_ids` and `gallery_ids`, every
gallery item whose id equals the query's is a hit (two scenes with the same caption are
both right answers to it); by default query `i` matches gallery item `i` only.

Examples:

    >>> queries = np.array([[1.0, 0.0], [0.0, 1.0], [0.7, 0.7]])
    >>> gallery = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> retrieval_ranks(queries, gallery).tolist()
    [1, 2, 2]
    >>> retrieval_metrics(queries, gallery, ks=(1, 2))
    {'recall@1': 0.3333, 'recall@2': 1.0, 'median_rank': 2.0, 'queries': 3, 'gallery': 3}
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from keras_walk.layers.contrastive import replica_offset

__all__ = ["ContrastiveAccuracy", "retrieval_metrics", "retrieval_ranks"]


def retrieval_ranks(query_embeddings, gallery_embeddings, query_ids=None, gallery_ids=None,
                    chunk: int = 1024) -> np.ndarray:  # fmt: skip
    """The 1-based rank of each query's best relevant gallery item (dot-product similarity;
    pass L2-normalized embeddings for cosine). Ties rank in the query's favour."""
    queries = np.asarray(query_embeddings, "float32")
    gallery = np.asarray(gallery_embeddings, "float32")
    if queries.ndim != 2 or gallery.ndim != 2 or queries.shape[1] != gallery.shape[1]:
        raise ValueError(
            "Invalid embeddings: expected (queries, dim) and (gallery, dim) with the same dim. "
            f"Received: {queries.shape} and {gallery.shape}"
        )
    if (query_ids is None) != (gallery_ids is None):
        raise ValueError("Pass both `query_ids` and `gallery_ids`, or neither.")
    if query_ids is None:
        if len(queries) != len(gallery):
            raise ValueError(
                "Without ids, query i matches gallery item i: expected as many queries as "
                f"gallery items. Received: {len(queries)} and {len(gallery)}"
            )
        query_ids = gallery_ids = np.arange(len(queries))
    query_ids, gallery_ids = np.asarray(query_ids), np.asarray(gallery_ids)
    for name, ids, embeddings in (
        ("query_ids", query_ids, queries),
        ("gallery_ids", gallery_ids, gallery),
    ):
        if len(ids) != len(embeddings):
            raise ValueError(
                f"Invalid value for argument `{name}`: {len(ids)} ids for {len(embeddings)} "
                "embeddings. Expected one id per embedding."
            )
    ranks = np.empty(len(queries), "int64")
    for start in range(0, len(queries), chunk):
        similarity = queries[start : start + chunk] @ gallery.T
        relevant = query_ids[start : start + chunk, None] == gallery_ids[None, :]
        missing = ~relevant.any(axis=1)
        if missing.any():
            raise ValueError(
                f"Invalid ids: query {start + int(np.argmax(missing))} has no relevant item "
                "in the gallery."
            )
        best = np.where(relevant, similarity, -np.inf).max(axis=1, keepdims=True)
        ranks[start : start + chunk] = 1 + ((similarity > best) & ~relevant).sum(axis=1)
    return ranks


def retrieval_metrics(query_embeddings, gallery_embeddings, query_ids=None, gallery_ids=None,
                      ks=(1, 5, 10)) -> dict:  # fmt: skip
    """Recall@k (the share of queries whose first hit is in the top k) for each `k`, and the
    median rank; see `retrieval_ranks`. Rounded to 4 decimals."""
    ranks = retrieval_ranks(query_embeddings, gallery_embeddings, query_ids, gallery_ids)
    metrics = {f"recall@{k}": round(float(np.mean(ranks <= k)), 4) for k in ks}
    metrics["median_rank"] = float(np.median(ranks))
    metrics["queries"], metrics["gallery"] = len(ranks), len(gallery_embeddings)
    return metrics


@keras.saving.register_keras_serializable(package="keras_walk")
class ContrastiveAccuracy(keras.metrics.Mean):
    """In-batch retrieval accuracy on `keras_walk.layers.ContrastiveLogits` output: the share
    of pairs whose own partner scores highest among the batch, averaged over both
    directions. It depends on the batch size (more pairs, harder): compare runs at the same
    batch size, and use `retrieval_metrics` on a fixed gallery for results."""

    def __init__(self, name="accuracy", **kwargs):
        super().__init__(name=name, **kwargs)

    def update_state(self, y_true, y_pred, sample_weight=None):
        logits = tf.convert_to_tensor(y_pred)
        local = tf.shape(logits)[0]
        matches = tf.cast(replica_offset(local) + tf.range(local), "int64")[:, None]
        hits = tf.cast(tf.argmax(logits, axis=-1) == matches, "float32")
        return super().update_state(tf.reduce_mean(hits, axis=-1), sample_weight)
