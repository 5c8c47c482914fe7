import keras
import numpy as np

import keras_walk as kw

keras.utils.set_random_seed(0)  # weights, shuffling: the same run every time

frame = kw.data.load_series("nyc_weather")  # hourly, 12 features, in time order
windows = kw.data.forecasting_windows(
    frame,
    "temp",  # the target column(s)
    input_width=72,  # steps of history per window
    horizon=6,  # forecast 6 steps ahead...
    multi_step=False,  # ...only step 6 (True: every step 1..6)
    splits=(0.7, 0.15, 0.15),  # train, validation, test: in time order
    season=24,  # for the seasonal-naive baseline
)
model = kw.tasks.timeseries_forecaster(windows, encoder="gru", units=32, seed=0)
model.fit(
    windows.train.dataset(256, shuffle=True, seed=0),
    validation_data=windows.val.dataset(1024),
    epochs=8,
    verbose=0,
)

test = windows.test
forecast = model.predict(test.inputs, verbose=0)  # in degrees Fahrenheit
for name, values in {
    "gru": forecast,
    "persistence": test.persistence,
    "seasonal naive": test.seasonal_naive,
}.items():
    print(f"{name:>14}: test MAE {np.mean(np.abs(values - test.targets)):.2f} F")
