"""
Title: Structured data with FeatureSpace: Palmer penguins
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: Mixed numeric and categorical columns with missing values, end to end from raw rows.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

Real tables mix kinds of columns and have holes. The [Palmer
penguins](https://allisonhorst.github.io/palmerpenguins/) (344 birds, 3 species) have four
numeric measurements, two categorical columns (island, sex) and missing values in both
kinds. We classify the species with the `multiclass` head (softmax + sparse categorical
crossentropy) on top of a Keras `FeatureSpace`:

* numeric columns are standardized; a missing value is filled with the training median
  and flagged by a second 0/1 input, so the model can tell;
* categorical columns are one-hot encoded over the training vocabulary, with a bucket for
  values never seen in training and a `"[missing]"` category for holes;
* island x sex is crossed into one more hashed feature.

All of it is fitted on the training split only and lives inside the model, so the saved
model takes **raw rows** (a dict of columns) end to end.

```bash
python recipes/tabular/penguins.py            # full run, about 20 s
python recipes/tabular/penguins.py --smoke    # a few seconds, for tests
```
"""

"""
## Setup
"""

import keras
import numpy as np

import keras_walk as kw

"""
## Hyperparameters
"""

FULL = {
    "epochs": 100,
    "early_stopping_patience": 10,
    "batch_size": 32,
    "hidden_units": (32,),
    "dropout": 0.1,
    "learning_rate": 3e-3,
    "validation_fraction": 0.15,
}
SMOKE = {**FULL, "epochs": 4}
HEAD = "multiclass"
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
CATEGORICAL = ["island", "sex"]

"""
## Data

`kw.data.load_table("penguins")` gives DataFrames with a fixed stratified test split. The
`year` of observation is not a property of the bird, so we drop it. String labels are
encoded with the class names declared in the table's info: an undeclared label would stop
the run here with a `LabelError`, not deep in TensorFlow.
"""


def make_data(seed):
    table = kw.data.load_table("penguins")
    info = table.info
    train, val = kw.data.split_validation(
        table.train, FULL["validation_fraction"], seed=seed, stratify=info.target
    )

    def features_and_labels(frame):
        features = frame.drop(columns=[info.target, "year"])
        return features, kw.data.encode_labels(frame[info.target], info.class_names)

    return (
        info,
        features_and_labels(train),
        features_and_labels(val),
        features_and_labels(table.test),
    )


"""
## Features

`TabularFeatures` declares each column's kind and checks every table against it: a
missing or extra column, or a NaN with `impute=False`, raises a `DataError` that names the
column. `adapt` fits the `FeatureSpace` on the training rows.
"""


def make_features(train_features):
    features = kw.data.TabularFeatures(
        numeric=NUMERIC, categorical=CATEGORICAL, crosses=[("island", "sex")], impute=True
    )
    features.adapt(train_features)
    return features


"""
## Model

`kw.tasks.multiclass_classifier(features, 3)` puts a dense layer and the softmax head on
the encoded features; its inputs are the raw columns.
"""


def make_model(config, info, features, seed):
    return kw.tasks.multiclass_classifier(
        features,
        len(info.class_names),
        class_names=info.class_names,
        hidden_units=config["hidden_units"],
        dropout=config["dropout"],
        learning_rate=config["learning_rate"],
        seed=seed,
    )


"""
## Train

With 276 training rows, when to stop matters more than anything else: we train up to 100
epochs and stop when the validation loss has not improved for 10, keeping the best
weights (`default_callbacks(..., early_stopping_patience=10)`).
"""


def train(model, run, features, train_data, val_data):
    history = model.fit(
        features.dataset(*train_data, run.config["batch_size"], shuffle=True, seed=run.seed),
        validation_data=features.dataset(*val_data, 256),
        epochs=run.config["epochs"],
        **run.fit_options(early_stopping_patience=run.config["early_stopping_patience"]),
    )
    return history.history


"""
## Evaluate

The model predicts from raw test rows (`features.rows` checks them and makes tensors); the
baselines see the same columns: majority class, and logistic regression on one-hot
categories and median-imputed, standardized numbers.
"""


def evaluate(model, features, info, train_data, test_data, output_dir):
    x_test, y_test = test_data
    metrics = {"model": model.score(x_test, y_test)}  # raw rows: a DataFrame
    for baseline in (kw.baselines.majority(HEAD, features), kw.baselines.linear(HEAD, features)):
        metrics[baseline.name] = baseline.fit(*train_data).score(x_test, y_test, info.class_names)
    predicted = kw.heads.predicted_labels(model.predict(x_test, verbose=0), HEAD)
    kw.plots.plot_confusion_matrix(
        y_test, predicted, info.class_names, output_dir / "confusion_matrix.png"
    )
    return metrics


"""
## Inference on one raw row

The reloaded model is a `Task` that knows its columns and class names: it takes a raw
row with holes (a missing sex, a missing flipper length) and answers with the species.
"""


def predict_one(model):
    row = {
        "island": ["Biscoe"],
        "sex": [None],
        "bill_length_mm": [47.5],
        "bill_depth_mm": [15.0],
        "flipper_length_mm": [np.nan],
        "body_mass_g": [5200.0],
    }
    probability = float(model.predict(row, verbose=0).max())
    return model.predict_labels(row)[0], probability


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/penguins",
                               description="Palmer penguins: structured data")  # fmt: skip

    info, train_data, val_data, test_data = make_data(run.seed)
    features = make_features(train_data[0])
    model = make_model(run.config, info, features, run.seed)
    history = train(model, run, features, train_data, val_data)
    kw.plots.plot_history(history, run.output_dir / "training_curves.png")
    metrics = evaluate(model, features, info, train_data, test_data, run.output_dir)
    model.save(run.output_dir / "model.keras")
    species, confidence = predict_one(keras.models.load_model(run.output_dir / "model.keras"))
    return run.finish(
        "tabular/penguins", model, metrics, show=("accuracy", "macro_f1"), history=history,
        raw_row_prediction={"species": species, "probability": confidence},
    )  # fmt: skip


if __name__ == "__main__":
    main()
