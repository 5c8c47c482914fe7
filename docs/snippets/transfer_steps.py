import keras

import keras_walk as kw

keras.utils.set_random_seed(0)  # the same run every time
train, test = kw.data.load("digits", splits=("train", "test"))

# A source task: digits 0-4, with every label.
source = train.y < 5
pretrained = kw.tasks.image_classifier((8, 8, 1), 5, learning_rate=3e-3)
pretrained.fit(train.x[source], train.y[source], epochs=15, verbose=0)

# The target: digits 5-9, from 10 labelled images of each.
digits = kw.data.Arrays(train.x[~source], train.y[~source] - 5)
x, y = kw.data.labelled_subset(digits, 50, seed=0)
model = kw.tasks.transfer(pretrained, num_classes=5)  # the backbone's weights, a new head

model.freeze_backbone(learning_rate=3e-3)  # 1. only the new head learns
model.fit(x, y, epochs=20, verbose=0)
print("weights that learn while frozen:", len(model.trainable_weights))
model.unfreeze_backbone(learning_rate=3e-4)  # 2. everything learns, ten times slower
model.fit(x, y, epochs=10, verbose=0)

target = test.y >= 5
scores = model.evaluate(test.x[target], test.y[target] - 5, return_dict=True, verbose=0)
print(f"test accuracy on digits 5-9: {scores['accuracy']:.3f}")
