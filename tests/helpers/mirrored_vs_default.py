"""Run in a fresh process: train the same model with and without MirroredStrategy.

One physical CPU is split into two logical devices before TensorFlow starts (Keras's own
`tf_distribute_training_test.py` does the same). Prints one JSON line.
"""

import json

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

import keras  # noqa: E402

import keras_walk as kw  # noqa: E402

train, test = kw.data.load("digits")
results = {}
for name in ("default", "mirrored"):
    strategy = kw.distribute.resolve_strategy(name)
    keras.utils.set_random_seed(0)
    model = kw.tasks.image_classifier((8, 8, 1), 10, strategy=strategy, learning_rate=3e-3, seed=0)
    # The same global batch of 64 for both: 32 per replica under the mirrored strategy.
    history = model.fit(
        kw.data.pipeline(train, 64, shuffle=True, seed=0), epochs=12, verbose=0
    ).history
    results[name] = {
        "replicas": strategy.num_replicas_in_sync,
        "strategy": type(strategy).__name__,
        "test_accuracy": float(model.evaluate(test.x, test.y, verbose=0)[1]),
        "first_loss": history["loss"][0],
        "last_loss": history["loss"][-1],
    }
print(json.dumps(results))
