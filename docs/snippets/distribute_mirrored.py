import tensorflow as tf

# Split this machine's one CPU into two logical devices, before TensorFlow starts, so that
# MirroredStrategy has two replicas to mirror across (Keras's own tests do the same).
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

import keras  # noqa: E402

import keras_walk as kw  # noqa: E402

print("auto ->", type(kw.distribute.resolve_strategy("auto")).__name__)
strategy = kw.distribute.resolve_strategy("mirrored")
print("mirrored replicas:", strategy.num_replicas_in_sync)

# The batch size you give is per replica; the pipeline gets the global one.
batch_size = kw.distribute.global_batch_size(32, strategy)
print("global batch size:", batch_size)
print("mixed precision here:", kw.distribute.set_mixed_precision("auto"))

train, test = kw.data.load("digits")
keras.utils.set_random_seed(0)
model = kw.tasks.image_classifier((8, 8, 1), 10, strategy=strategy, learning_rate=3e-3)
model.fit(kw.data.pipeline(train, batch_size, shuffle=True, seed=0), epochs=10, verbose=0)
print(f"test accuracy under {type(strategy).__name__}: "
      f"{model.evaluate(test.x, test.y, verbose=0)[1]:.3f}")  # fmt: skip
