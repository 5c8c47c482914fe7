import keras

import keras_walk as kw

keras.utils.set_random_seed(0)  # the same run, and result, every time
train, val, test = kw.data.load("digits", splits=("train[:85%]", "train[85%:]", "test"))
model = kw.tasks.image_classifier((8, 8, 1), 10, learning_rate=3e-3)
model.fit(
    kw.data.pipeline(train, batch_size=64, shuffle=True),
    validation_data=kw.data.pipeline(val, batch_size=256),
    epochs=15,
)
print("test accuracy:", model.evaluate(test.x, test.y, return_dict=True)["accuracy"])
model.save("/tmp/digits.keras")  # reloads with its optimizer, loss and metrics
