"""Run in a fresh process: build every builder's example under a MirroredStrategy over two
logical CPUs and fit it one epoch. Prints one JSON line: builder -> replicas, steps."""

import json
import sys
from pathlib import Path

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import keras_walk as kw  # noqa: E402
from tests.helpers.examples import EXAMPLES  # noqa: E402

strategy = kw.distribute.resolve_strategy("mirrored")
results = {}
# Text and table Tasks feed strings: TrainerWorkarounds._maybe_symbolic_build
# (keras_walk/tasks/_keras_compat.py) keeps Keras from averaging them across replicas.
for name, example in EXAMPLES.items():
    with strategy.scope():
        build, x, y, *_ = example()
        task = build()
    task.fit(x, y, batch_size=4, epochs=1, verbose=0)
    results[name] = {
        "replicas": strategy.num_replicas_in_sync,
        "variables_mirrored": type(task.trainable_variables[0].value).__name__,  # Keras wraps it
        "steps": int(task.optimizer.iterations.numpy()),
    }
print(json.dumps(results))
