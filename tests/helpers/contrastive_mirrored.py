"""Run in a fresh process: a dual encoder under a MirroredStrategy over two logical CPUs.
Its loss on one global batch of 8 pairs (4 per replica) must be the loss of all 8 pairs
computed on one device: each replica's pairs are contrasted with the other replica's too.
Prints one JSON line."""

import json
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import keras_walk as kw  # noqa: E402

rng = np.random.default_rng(0)
images = rng.integers(0, 256, (8, 8, 8, 1)).astype("uint8")
captions = ["a red bag", "a blue coat", "a shirt", "a sandal", "red", "blue", "a bag", "coat"]
strategy = kw.distribute.resolve_strategy("mirrored")
results = {"replicas": strategy.num_replicas_in_sync}
for kind in ("softmax", "sigmoid"):
    model = kw.tasks.dual_encoder(
        images, captions, contrastive_loss=kind, projection_dim=8, embedding_dim=8, units=8,
        backbone=lambda shape: kw.tasks.backbones.basic_convnet(shape, (4,)), strategy=strategy,
    )  # fmt: skip
    mirrored = model.evaluate(images, captions, batch_size=8, verbose=0, return_dict=True)
    logits = model.get_layer("contrastive_logits")(
        [tf.constant(model.encode_images(images)), tf.constant(model.encode_texts(captions))]
    )
    one_device = float(kw.losses.ContrastiveLoss(kind)(tf.zeros(8), logits))
    before = model.get_weights()
    model.fit(images, captions, batch_size=8, epochs=1, verbose=0)
    results[kind] = {
        "mirrored_loss": mirrored["loss"],
        "one_device_loss": one_device,
        "steps": int(model.optimizer.iterations.numpy()),
        "weights_moved": any(
            not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True)
        ),
    }
print(json.dumps(results))
