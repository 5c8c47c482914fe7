import tempfile

import keras

import keras_walk as kw

keras.utils.set_random_seed(0)
train, val, test = kw.data.load("digits", splits=("train[:85%]", "train[85%:]", "test"))
names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# A builder returns a Task: a compiled Keras model that knows what it is for.
model = kw.tasks.image_classifier((8, 8, 1), 10, class_names=names, learning_rate=3e-3)
print("head:", model.head, "| classes:", model.num_classes, "| inputs:", model.input_kind)

# Labels are checked against the head before the first step: 1..10 has a 10 in it.
try:
    model.fit(train.x, train.y + 1, epochs=1)
except ValueError as error:
    print("refused:", error)

# The learning-rate range test: a suggestion, weights and optimizer put back afterwards.
finding = kw.plots.lr_find(model, kw.data.pipeline(train, batch_size=64, shuffle=True))
print(f"lr_find suggests {finding.suggestion:.0e}")

model.fit(
    kw.data.pipeline(train, batch_size=64, shuffle=True),
    validation_data=kw.data.pipeline(val, batch_size=256),
    epochs=15,
    verbose=0,
)
print("predicted:", " ".join(model.predict_labels(test.x[:6])))
print("actual:   ", " ".join(names[label] for label in test.y[:6]))
print(kw.plots.plot_top_losses(model, test.x, test.y, k=3).to_string(index=False))

# The .keras file keeps the class names and the optimizer state: training goes on from it.
path = f"{tempfile.mkdtemp()}/digits.keras"
model.save(path)
reloaded = keras.models.load_model(path)
print("reloaded predicts:", " ".join(reloaded.predict_labels(test.x[:6])))
print("optimizer step:", int(model.optimizer.iterations), "->", int(reloaded.optimizer.iterations))
print(reloaded.summary_card(format="markdown"))
