"""`MissingStringLookup`: a `StringLookup` in which a missing value is its own category."""

from __future__ import annotations

import keras
import tensorflow as tf

__all__ = ["MISSING", "MissingStringLookup"]

MISSING = "[missing]"


def _fill_missing(values):
    values = tf.convert_to_tensor(values)
    return tf.where(tf.equal(values, ""), tf.constant(MISSING), values)


@keras.saving.register_keras_serializable(package="keras_walk")
class MissingStringLookup(keras.layers.StringLookup):
    """Maps the empty string, how a missing value reaches a string tensor, to the category
    `"[missing]"` before looking it up, in `adapt` and in `call` alike.

    Keras's `StringLookup` would treat `""` as any other token; doing the mapping inside
    the layer puts it in the saved model, so a reloaded model fed raw rows with holes
    encodes them exactly as in training, with nothing to remember on the caller's side.
    It takes `StringLookup`'s arguments.

    Examples:

        >>> layer = MissingStringLookup(num_oov_indices=1)
        >>> layer.adapt(["red", "", "blue", "red", "", "red"])
        >>> [str(token) for token in layer.get_vocabulary()]  # most frequent first
        ['[UNK]', 'red', '[missing]', 'blue']
        >>> layer(["", "green"]).numpy().tolist()
        [2, 0]
    """

    def adapt(self, data, steps=None):
        if isinstance(data, tf.data.Dataset):
            data = data.map(_fill_missing)
        else:
            data = _fill_missing(data)
        super().adapt(data, steps=steps)

    def call(self, inputs):
        return super().call(_fill_missing(inputs))
