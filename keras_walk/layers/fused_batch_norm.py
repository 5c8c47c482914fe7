"""`FusedBatchNormalization`: Keras's `BatchNormalization`, computed by TF's fused kernel."""

from __future__ import annotations

import keras
import tensorflow as tf

__all__ = ["FusedBatchNormalization"]


@keras.saving.register_keras_serializable(package="keras_walk")
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` with the same variables, arguments and results,
    computed by TensorFlow's fused batch-norm kernel (one op forward, one backward).

    Why by hand: Keras 3 computes batch norm from separate ops (a cast to float32, the
    moments, then the normalization, each with its own gradient), where tf.keras 2 used
    the fused kernel (keras-team/keras-core#225, "BatchNorm is slow", closed without
    restoring it; still so in Keras 3.15 with TF 2.21). On a CPU with bfloat16 matrix units
    that cost decides: the flagship convnet's training step took 102 ms in float32, 80 ms
    in `mixed_bfloat16` with Keras's batch norm and 39 ms with this one (2-core Xeon with
    AMX, 2026-12-06, `benchmarks/batch_norm.py`). On GPUs it calls cuDNN's fused kernel.

    The fused path runs for channels-last inputs of rank 2 to 4 on the TensorFlow backend
    (dense features and 1-D convolutions are viewed as 4-D, which costs nothing); anything
    else (a mask, `renorm`, `synchronized`, another axis, rank 5, float64) is handed to
    Keras's own implementation. Moving statistics follow Keras's rule exactly: the batch
    variance they average is the biased one (TF's kernel returns the unbiased one, which is
    rescaled here).

    Examples:

        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(size=(4, 3, 3, 2)).astype("float32")
        >>> fused = FusedBatchNormalization()
        >>> plain = keras.layers.BatchNormalization()
        >>> bool(np.allclose(fused(x, training=True), plain(x, training=True), atol=1e-5))
        True
    """

    def _fused(self, inputs, mask) -> bool:
        return (
            keras.backend.backend() == "tensorflow"
            and mask is None
            and not self.renorm
            and not self.synchronized
            and len(inputs.shape) in (2, 3, 4)
            and self.axis in (-1, len(inputs.shape) - 1)
            and tf.as_dtype(inputs.dtype) in (tf.float32, tf.bfloat16, tf.float16)
        )

    def call(self, inputs, training=None, mask=None):
        if not self._fused(inputs, mask):
            return super().call(inputs, training=training, mask=mask)
        inputs = tf.cast(inputs, self.compute_dtype)
        if len(inputs.shape) == 4:
            return self._fused_call(inputs, training)
        # (batch, channels) or (batch, steps, channels), viewed as (batch, h, w, channels).
        shape = tf.shape(inputs)
        as_4d = tf.reshape(inputs, [shape[0], -1 if len(inputs.shape) == 3 else 1, 1, shape[-1]])
        return tf.reshape(self._fused_call(as_4d, training), shape)

    def _fused_call(self, inputs, training):
        ones = tf.ones_like(self.moving_mean, dtype=tf.float32)
        gamma = tf.cast(self.gamma, tf.float32) if self.scale else ones
        beta = tf.cast(self.beta, tf.float32) if self.center else tf.zeros_like(ones)
        common = {"scale": gamma, "offset": beta, "epsilon": self.epsilon, "data_format": "NHWC"}
        if training and self.trainable:
            outputs, mean, unbiased_variance, *_ = tf.raw_ops.FusedBatchNormV3(
                x=inputs, mean=tf.zeros([0]), variance=tf.zeros([0]), is_training=True, **common
            )
            count = tf.cast(tf.size(inputs) // tf.shape(inputs)[-1], tf.float32)
            variance = unbiased_variance * tf.maximum(count - 1.0, 1.0) / tf.maximum(count, 1.0)
            momentum = self.momentum
            self.moving_mean.assign(self.moving_mean * momentum + mean * (1.0 - momentum))
            self.moving_variance.assign(
                self.moving_variance * momentum + variance * (1.0 - momentum)
            )
            return outputs
        outputs, *_ = tf.raw_ops.FusedBatchNormV3(
            x=inputs,
            mean=tf.cast(self.moving_mean, tf.float32),
            variance=tf.cast(self.moving_variance, tf.float32),
            is_training=False,
            **common,
        )
        return outputs
