import tempfile

import keras

import keras_walk as kw

# 1. Real data, offline: 1,797 handwritten digits shipped inside scikit-learn.
train, val, test = kw.data.load("digits", splits=("train[:85%]", "train[85%:]", "test"))

# 2. A tf.data pipeline, checked against the head before anything trains.
checks = {"head": "multiclass", "num_classes": 10, "input_shape": (8, 8, 1)}
train_ds = kw.data.pipeline(train, batch_size=64, shuffle=True, seed=0, **checks)
val_ds = kw.data.pipeline(val, batch_size=256, **checks)

# 3. A compiled model: rescaling -> convnet backbone -> softmax head.
keras.utils.set_random_seed(0)
model = kw.tasks.image_classifier((8, 8, 1), 10, learning_rate=3e-3)
model.fit(train_ds, validation_data=val_ds, epochs=15, verbose=0)

# 4. Evaluate once on the test split; save and reload, compile state included.
loss, accuracy = model.evaluate(test.x, test.y, verbose=0)
print(f"digits test accuracy: {accuracy:.3f}")
path = f"{tempfile.mkdtemp()}/digits_classifier.keras"
model.save(path)
reloaded = keras.models.load_model(path)
print("reloaded loss:", reloaded.loss.name, "| optimizer:", reloaded.optimizer.name)
