"""Layers that put a pretrained BERT-family backbone's preprocessing inside a saved model."""

from __future__ import annotations

import keras
import keras_hub
import tensorflow as tf

__all__ = ["BertVocabularyTokenizer", "TrimPadding"]


@keras.saving.register_keras_serializable(package="keras_walk")
class BertVocabularyTokenizer(keras_hub.models.BertTokenizer):
    """keras-hub's `BertTokenizer` with the vocabulary kept in its config.

    keras-hub saves a tokenizer's vocabulary as an asset, restored only after the model is
    rebuilt; a functional model that calls the tokenizer on its string input is rebuilt
    first, so its reload fails with "No vocabulary has been set". Keeping the vocabulary
    in the config (30,522 strings for BERT) lets a raw-strings model reload.

    Examples:

        >>> tokenizer = BertVocabularyTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]",
        ...                                      "[MASK]", "good"], lowercase=True)
        >>> restored = BertVocabularyTokenizer.from_config(tokenizer.get_config())
        >>> restored("Good").tolist()
        [5]
    """

    def get_config(self):
        return {**super().get_config(), "vocabulary": self.get_vocabulary()}


@keras.saving.register_keras_serializable(package="keras_walk")
class TrimPadding(keras.layers.Layer):
    """Cuts packed BERT inputs down to the longest text of the batch.

    keras-hub's packers pad every text to the fixed `sequence_length`; attention costs
    grow with the padded length, so a batch of short reviews would pay for 256 tokens.
    With batches of similar lengths (`keras_walk.data.pipeline(..., sortish=True)`) this
    halves the training time of a BERT on short texts.

    Examples:

        >>> import numpy as np
        >>> packed = {"token_ids": np.array([[2, 7, 3, 0, 0]]),
        ...           "segment_ids": np.zeros((1, 5), "int32"),
        ...           "padding_mask": np.array([[True, True, True, False, False]])}
        >>> TrimPadding()(packed)["token_ids"].numpy().tolist()
        [[2, 7, 3]]
    """

    def call(self, inputs):
        length = tf.reduce_max(tf.reduce_sum(tf.cast(inputs["padding_mask"], "int32"), axis=1))
        return {key: value[:, :length] for key, value in inputs.items()}

    def compute_output_spec(self, inputs):
        return {
            key: keras.KerasTensor((value.shape[0], None), dtype=value.dtype)
            for key, value in inputs.items()
        }
