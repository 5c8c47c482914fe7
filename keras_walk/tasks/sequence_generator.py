"""`SequenceGenerator`: the family of Tasks that write token by token.

The language model (text from a prompt) and the image captioner (a caption per image).
Their graph gives, at every position of a token sequence, the probabilities of the next
token given the tokens before it (teacher forcing): that is what `predict` returns and
what `fit` trains with cross-entropy on the true next tokens. `generate` writes: it feeds
the graph its own choices, one token at a time. `score` gives the test metrics.
"""

from __future__ import annotations

import math

import keras
import numpy as np

from keras_walk import heads
from keras_walk.data.inputs import to_labels
from keras_walk.tasks.task import Task, checked_with_labels

__all__ = ["SequenceGenerator"]


class SequenceGenerator(Task):
    """A `Task` that writes sequences: the base of `LanguageModel` and `ImageCaptioner`
    (see the module). Its graph's last axis is the vocabulary. Each defines `generate`:
    the language model continues a prompt, the captioner captions images."""

    # Files saved before the families gave sequence generators a stand-in head.
    _renamed_arguments = {"head": None, "num_classes": None, "class_names": None}

    @property
    def vocabulary_size(self) -> int:
        """How many tokens the graph chooses from (its output's last axis)."""
        return int(self.output_shape[-1])

    def _auto_loss_and_metrics(self) -> tuple:
        # Averaged over the tokens that carry weight: a captioner's padding after the end
        # has weight 0 and does not dilute the mean (without weights: the plain mean).
        loss = keras.losses.SparseCategoricalCrossentropy(reduction="mean_with_sample_weight")
        return loss, [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]

    def score(self, x, y, *, batch_size: int | None = None) -> dict:
        """Test metrics on `(x, y)` as Python numbers: the next-token cross-entropy
        (`loss`), the next-token `accuracy` given the true tokens before, and the
        `perplexity`, `exp(loss)`.

        Examples:

            >>> import keras_walk as kw
            >>> model = kw.tasks.language_model("abcabcabc", sequence_length=4, units=8)
            >>> ids = model.encode("abcabcab")
            >>> sorted(model.score(ids[None, :-1], ids[None, 1:]))
            ['accuracy', 'loss', 'perplexity']
        """
        logs = self.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
        loss = float(logs["loss"])
        return {"loss": loss, "accuracy": float(logs["accuracy"]), "perplexity": math.exp(loss)}

    def _checked(self, x, y):
        """Token ids `(n, time)` and the next token at each position `(n, time)`."""
        return checked_with_labels(self, x, y, "next token ids")

    def check_labels(self, y) -> None:
        """Raises `keras_walk.heads.LabelError` unless `y` holds token ids in
        `[0, vocabulary_size)`."""
        heads.check_labels(np.reshape(to_labels(y), (-1,)), "multiclass", self.vocabulary_size)

    def _card(self) -> dict:
        return {"vocabulary_size": self.vocabulary_size}
