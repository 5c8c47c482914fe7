import tempfile

import keras

import keras_walk as kw

# 1. Real data, offline: 1,797 handwritten digits shipped inside scikit-learn.
train, val, test = kw.data.load("digits", splits=("train[:85%]", "train[85%:]", "test"))

# 2. A tf.data pipeline: checked (non-empty, finite), cached, shuffled, batched, prefetched.
train_ds = kw.data.pipeline(train, batch_size=64, shuffle=True, seed=0)
val_ds = kw.data.pipeline(val, batch_size=256)

# 3. A Task: rescaling -> convnet backbone -> softmax head, compiled, with class names.
keras.utils.set_random_seed(0)
names = [str(digit) for digit in range(10)]
model = kw.tasks.image_classifier((8, 8, 1), 10, class_names=names, learning_rate=3e-3)
model.fit(train_ds, validation_data=val_ds, epochs=15, verbose=0)  # labels checked first

# 4. Evaluate once on the test split; save and reload, compile state included.
loss, accuracy = model.evaluate(test.x, test.y, verbose=0)
print(f"digits test accuracy: {accuracy:.3f}")
path = f"{tempfile.mkdtemp()}/digits_classifier.keras"
model.save(path)
reloaded = keras.models.load_model(path)
print("reloaded loss:", reloaded.loss.name, "| optimizer:", reloaded.optimizer.name)
print("reloaded predicts:", reloaded.predict_labels(test.x[:10]), "for", test.y[:10])
