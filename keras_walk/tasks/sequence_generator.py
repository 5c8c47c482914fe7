"""`SequenceGenerator`: the family of Tasks that write token by token.

The language model (text from a prompt) and the image captioner (a caption per image).
Their graph gives, at every position of a token sequence, the probabilities of the next
token given the tokens before it (teacher forcing): that is what `predict` returns and
what `fit` trains with cross-entropy on the true next tokens. `generate` writes: it feeds
the graph its own choices, one token at a time.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from keras_walk import heads
from keras_walk.data.inputs import first_labels, to_labels
from keras_walk.tasks.task import Task, check_counts

__all__ = ["SequenceGenerator"]


class SequenceGenerator(Task):
    """A `Task` that writes sequences: the base of `LanguageModel` and `ImageCaptioner`
    (see the module). Its graph's last axis is the vocabulary."""

    # Files saved before the families gave sequence generators a stand-in head.
    _renamed_arguments = {"head": None, "num_classes": None, "class_names": None}

    @property
    def vocabulary_size(self) -> int:
        """How many tokens the graph chooses from (its output's last axis)."""
        return int(self.output_shape[-1])

    def generate(self, *args, **kwargs):
        """Writes: the language model continues a prompt, the captioner captions images."""
        raise NotImplementedError(f"{type(self).__name__} does not implement `generate`.")

    def _auto_loss_and_metrics(self) -> tuple:
        # Averaged over the tokens that carry weight: a captioner's padding after the end
        # has weight 0 and does not dilute the mean (without weights: the plain mean).
        loss = keras.losses.SparseCategoricalCrossentropy(reduction="mean_with_sample_weight")
        return loss, [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]

    def _checked(self, x, y):
        """Token ids `(n, time)` and the next token at each position `(n, time)`."""
        x = self._model_inputs(x)
        if isinstance(x, tf.data.Dataset):
            labels = first_labels(x)
            if labels is not None:
                self.check_labels(labels)
            return x, y
        if y is None:
            raise ValueError(
                "Invalid input data: argument `y` is missing. Pass the next token ids as `y`, "
                "or a tf.data.Dataset of (token ids, next token ids) as `x`."
            )
        y = to_labels(y)
        check_counts(len(x), y)
        self.check_labels(y)
        return x, y

    def check_labels(self, y) -> None:
        """Raises `keras_walk.heads.LabelError` unless `y` holds token ids in
        `[0, vocabulary_size)`."""
        heads.check_labels(np.reshape(to_labels(y), (-1,)), "multiclass", self.vocabulary_size)

    def _card(self) -> dict:
        return {"vocabulary_size": self.vocabulary_size}
