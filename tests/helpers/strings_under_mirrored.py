"""Run in a fresh process: fit a model with a string input under a MirroredStrategy over two
logical CPUs. `plain` uses `keras.Model`, `workaround` keras_walk's `TrainerWorkarounds`.
Prints TRAINED when `fit` finished."""

import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import keras  # noqa: E402

from keras_walk.tasks._keras_compat import TrainerWorkarounds  # noqa: E402

model_class = {"plain": keras.Model, "workaround": TrainerWorkarounds}[sys.argv[1]]
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    inputs = keras.Input((), dtype="string")
    lookup = keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="one_hot")
    model = model_class(inputs, keras.layers.Dense(1)(lookup(inputs)))
    model.compile("sgd", "mse")
texts, targets = np.array(["a", "b"] * 8, dtype=object), np.zeros((16, 1), "float32")
model.fit(texts, targets, batch_size=8, verbose=0)
print("TRAINED")
