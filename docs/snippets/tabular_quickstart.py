import keras

import keras_walk as kw

keras.utils.set_random_seed(0)  # the same run every time

# A real table with mixed columns and holes, split once with a fixed seed.
table = kw.data.load_table("penguins")
x_train = table.train.drop(columns=["species", "year"])
y_train = kw.data.encode_labels(table.train["species"], table.info.class_names)
x_test = table.test.drop(columns=["species", "year"])
y_test = kw.data.encode_labels(table.test["species"], table.info.class_names)

# Declare the columns, then fit the FeatureSpace on the training split only.
features = kw.data.TabularFeatures(
    numeric=["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"],
    categorical=["island", "sex"],
    impute=True,  # numbers: training median + a "was missing" flag; strings: "[missing]"
)
features.adapt(x_train)

# The builder picks softmax + sparse categorical crossentropy from the heads table; the
# Task takes the DataFrame itself, holes and all, and checks the labels first.
model = kw.tasks.multiclass_classifier(
    features, num_classes=3, class_names=table.info.class_names, hidden_units=(32,), seed=0
)
model.fit(x_train, y_train, batch_size=32, epochs=30, verbose=0)

# Raw rows in, probabilities out; next to the common-sense and linear baselines.
print("first test penguins:", ", ".join(model.predict_labels(x_test[:3])))
scores = {"model": model.predict(x_test, verbose=0)}
for baseline in (
    kw.baselines.majority("multiclass", features),
    kw.baselines.linear("multiclass", features),
):
    scores[baseline.name] = baseline.fit(x_train, y_train).predict(x_test)
for name, s in scores.items():
    print(
        f"{name:>8}: test accuracy {kw.training.task_metrics(y_test, s, 'multiclass')['accuracy']:.3f}"
    )
