import keras

import keras_walk as kw
from keras_walk import heads

# A builder takes its head by name...
tagger = kw.tasks.image_classifier((32, 32, 3), 5, head="multilabel")
print(tagger.layers[-1].activation.__name__, tagger.loss.name)

# ...and a model of your own takes the same row of the table.
inputs = keras.Input((20,))
features = keras.layers.Dense(32, activation="relu")(inputs)
outputs = heads.dense_head(features, "multilabel", num_classes=5)
model = keras.Model(inputs, outputs)
loss_and_metrics = heads.compile_args("multilabel", num_classes=5)
model.compile(optimizer="adam", **loss_and_metrics)
print(model.output_shape, model.loss.name, [m.name for m in loss_and_metrics["metrics"]])
