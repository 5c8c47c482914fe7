"""
Title: Binary classification: breast cancer diagnosis
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: A small dense network on 30 numeric features, next to majority and logistic baselines.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

Binary classification is the first row of the heads table: **one sigmoid unit and binary
crossentropy**. We predict whether a breast tumour is malignant from 30 measurements of
its cell nuclei (the [Wisconsin diagnostic data](https://archive.ics.uci.edu/dataset/17),
shipped inside scikit-learn, so it loads offline). 569 tumours, 37% malignant: mildly
imbalanced, so we weight the classes and report AUC, precision and recall next to
accuracy, and we put the model next to two baselines, as any model should be:

* **majority**: always the frequent class (what accuracy means with no model at all);
* **linear**: logistic regression on standardized features (scikit-learn).

```bash
python recipes/tabular/breast_cancer.py            # full run, about 15 s
python recipes/tabular/breast_cancer.py --smoke    # a few seconds, for tests
```
"""

"""
## Setup
"""

import keras_walk as kw

"""
## Hyperparameters

Two hidden layers of 32 and 16 units with dropout are plenty for 30 features and 387
training rows; AdamW at 1e-3 for 60 epochs of batch 32. `--smoke` trains 5 epochs.
"""

FULL = {
    "epochs": 60,
    "batch_size": 32,
    "hidden_units": (32, 16),
    "dropout": 0.2,
    "learning_rate": 1e-3,
    "validation_fraction": 0.15,
}
SMOKE = {**FULL, "epochs": 5}
HEAD = "binary"

"""
## Data

`kw.data.load_table` returns pandas DataFrames with a fixed, stratified 80/20 train/test
split; we carve a validation split out of the training rows. The features are all numeric,
so the model reads them as one array. The Task checks the arrays and labels against its
head (NaN, shapes, 0/1 labels) in `fit`, before anything trains.
"""


def make_data(seed):
    table = kw.data.load_table("breast_cancer")
    target = table.info.target
    train, val = kw.data.split_validation(
        table.train, FULL["validation_fraction"], seed=seed, stratify=target
    )

    def arrays(frame):
        return frame.drop(columns=[target]).to_numpy("float32"), frame[target].to_numpy()

    return table.info, arrays(train), arrays(val), arrays(table.test)


"""
## Model

`kw.tasks.binary_classifier` builds Normalization (fitted on the training features) ->
Dense-ReLU-Dropout x 2 -> the `binary` head, compiled with binary crossentropy and
accuracy, AUC, precision and recall. The user never pairs the sigmoid and the loss.
"""


def make_model(config, info, x_train, seed):
    return kw.tasks.binary_classifier(
        x_train,
        class_names=info.class_names,
        hidden_units=config["hidden_units"],
        dropout=config["dropout"],
        learning_rate=config["learning_rate"],
        seed=seed,
    )


"""
## Train

Class weights from the training labels make each class count the same in the loss.
`default_callbacks` makes the run resumable and keeps the best model by validation AUC.
"""


def train(model, run, train_arrays, val_arrays):
    history = model.fit(
        kw.data.pipeline(train_arrays, run.config["batch_size"], shuffle=True, seed=run.seed),
        validation_data=val_arrays,
        epochs=run.config["epochs"],
        class_weight=kw.training.class_weights(train_arrays[1], HEAD),
        **run.fit_options(monitor="val_auc"),
    )
    return history.history


"""
## Evaluate

The test split is used once, for the model and both baselines alike.
"""


def evaluate(model, info, train_arrays, test_arrays, output_dir):
    x_test, y_test = test_arrays
    metrics = {"model": model.score(x_test, y_test)}
    for baseline in (kw.baselines.majority(HEAD), kw.baselines.linear(HEAD)):
        metrics[baseline.name] = baseline.fit(*train_arrays).score(x_test, y_test)
    predicted = kw.heads.predicted_labels(model.predict(x_test, verbose=0), HEAD)
    kw.plots.plot_confusion_matrix(
        y_test, predicted, info.class_names, output_dir / "confusion_matrix.png"
    )
    return metrics


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/breast_cancer",
                               description="Breast cancer: binary classification")  # fmt: skip

    info, train_arrays, val_arrays, test_arrays = make_data(run.seed)
    model = make_model(run.config, info, train_arrays[0], run.seed)
    history = train(model, run, train_arrays, val_arrays)
    kw.plots.plot_history(history, run.output_dir / "training_curves.png", ("loss", "auc"))
    metrics = evaluate(model, info, train_arrays, test_arrays, run.output_dir)
    model.save(run.output_dir / "model.keras")
    return run.finish(
        "tabular/breast_cancer", model, metrics, show=("accuracy", "auc"), history=history
    )


if __name__ == "__main__":
    main()
