"""Caption metrics: BLEU-1..4 (keras-hub's `Bleu`), CIDEr (the COCO caption evaluation's
`pycocoevalcap` scorer) and exact match.

BLEU-n is the geometric mean of 1- to n-gram precisions of the written captions against the
references, over the whole corpus, times a brevity penalty (Papineni et al. 2002). CIDEr
weighs n-grams by how rare they are across the references (TF-IDF), so it rewards the
words that set one image apart (Vedantam et al. 2015). Exact match is the share of
captions equal to a reference word for word, after the same lower-casing and punctuation
stripping the captioner's vocabulary applies.

Examples:

    >>> caption_metrics(["a bag at the top left"], ["a bag at the top left"])["bleu_4"]
    1.0
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["caption_metrics"]


def _words(caption: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", str(caption).lower()).split())


def caption_metrics(references, predicted) -> dict:
    """BLEU-1..4, CIDEr and exact match of `predicted` captions against `references`
    (one string per image, or a list of strings per image)."""
    import keras_hub
    from pycocoevalcap.cider.cider import Cider

    references = [[r] if isinstance(r, str) else list(r) for r in references]
    predicted = [str(p) for p in predicted]
    if not references:
        raise ValueError("Invalid value for argument `references`: it is empty (0 images).")
    if len(references) != len(predicted):
        raise ValueError(
            f"Invalid input: `references` has {len(references)} images but `predicted` has "
            f"{len(predicted)} captions. Expected one caption per image."
        )
    references = [[_words(r) for r in refs] for refs in references]
    predicted = [_words(p) for p in predicted]
    metrics = {}
    for order in (1, 2, 3, 4):
        bleu = keras_hub.metrics.Bleu(max_order=order)
        bleu.update_state(references, predicted)
        metrics[f"bleu_{order}"] = round(float(bleu.result()), 4)
    # Cider's scorer takes {image id: [captions]}; an empty caption is a single space.
    cider, _ = Cider().compute_score(
        {i: refs for i, refs in enumerate(references)},
        {i: [p or " "] for i, p in enumerate(predicted)},
    )
    metrics["cider"] = round(float(cider), 4)
    metrics["exact_match"] = round(
        float(np.mean([p in refs for p, refs in zip(predicted, references, strict=True)])), 4
    )
    return metrics
