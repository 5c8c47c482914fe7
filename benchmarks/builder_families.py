"""Throughput of every builder family against the same model written by hand in Keras.

For each family, keras_walk's builder and a hand-written twin (plain Keras layers, the
same architecture: the parameter counts must match) train on the same real data with the
same batch size and optimizer, in the same process. Timed epochs alternate (A B A B ...)
so that the machine's slower spells hit both alike; the first epoch of each (tracing) is
not timed. The ratio compares each side's fastest epoch; the spread pairs the slowest of
one with the fastest of the other. keras_walk's side goes through its whole path
(`kw.data` checks, `kw.data.pipeline`, the Task's `fit`), the hand-written side through
`model.fit` on arrays, as the keras-io examples do.

Two more measurements, for the image family:

* **the input pipeline's share of step time**: the same keras_walk model trained from the
  pipeline and from the same batches cached in memory (no pipeline work left);
* **achieved FLOP/s as a share of this machine's matmul peak**: the model's training FLOPs
  (TensorFlow's profiler counts the forward pass; backward is about twice that) times
  samples/s, over the float32 FLOP/s of large matrix products measured here.

    python benchmarks/builder_families.py                   # every family, 5 timed epochs
    python benchmarks/builder_families.py --families text --epochs 2
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

import keras_walk as kw

HERE = Path(__file__).resolve().parent


def _script(name):
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CONVNET = _script("mnist_convnet")  # its two models and its epoch timer


# --- The families: (keras_walk model, its fit data), (hand-written twin, its fit data) ---


def binary_twin(inputs, features) -> keras.Model:
    """A hand-written binary classifier on `features`, compiled as keras_walk's `binary` head
    is: sigmoid, binary crossentropy, AdamW(1e-3, weight decay 1e-4), and the four metrics
    that head reports at every step. A script that reports what the Task reports pays for
    them too (AUC's 200 thresholds cost a tiny model ~10%)."""
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(features))
    model.compile(
        keras.optimizers.AdamW(1e-3, weight_decay=1e-4), "binary_crossentropy",
        metrics=[keras.metrics.BinaryAccuracy(name="accuracy"), keras.metrics.AUC(name="auc"),
                 keras.metrics.Precision(name="precision"), keras.metrics.Recall(name="recall")],
    )  # fmt: skip
    return model


def image_family(samples):
    """keras-io's MNIST convnet (see `mnist_convnet.py`) on Fashion-MNIST."""
    train = kw.data.load("fashion_mnist", splits=f"train[:{samples}]")
    walk = CONVNET.keras_walk_model((28, 28, 1), 10)
    hand = CONVNET.hand_written_model((28, 28, 1), 10)
    return {
        "walk": (walk, lambda b: {"x": kw.data.pipeline(train, b, shuffle=True, seed=0)}),
        "hand": (hand, lambda b: {"x": train.x.astype("float32") / 255, "y": train.y,
                                  "batch_size": b}),  # fmt: skip
        "batch_size": 128, "samples": len(train.y), "train": train,
    }  # fmt: skip


def tabular_family(samples):
    """`binary_classifier` on the breast-cancer table's 30 numeric columns, its training rows
    repeated to `samples`: Normalization -> [Dense(64) -> ReLU -> Dropout] x 2 -> Dense."""
    table = kw.data.load_table("breast_cancer")
    target = table.info.target
    features = table.train.drop(columns=[target]).to_numpy("float32")
    repeat = int(np.ceil(samples / len(features)))
    x = np.tile(features, (repeat, 1))[:samples]
    y = np.tile(table.train[target].to_numpy(), repeat)[:samples]
    walk = kw.tasks.binary_classifier(features, hidden_units=(64, 64), dropout=0.1, seed=0)

    # keras-io's structured-data style: a Normalization layer adapted on the features.
    normalize = layers.Normalization()
    normalize.adapt(features)
    inputs = keras.Input((features.shape[1],))
    h = normalize(inputs)
    for _ in range(2):
        h = layers.Dropout(0.1)(layers.Dense(64, activation="relu")(h))
    hand = binary_twin(inputs, h)
    return {
        "walk": (walk, lambda b: {"x": x, "y": y, "batch_size": b}),
        "hand": (hand, lambda b: {"x": x, "y": y, "batch_size": b}),
        "batch_size": 32, "samples": len(y),
    }  # fmt: skip


def text_family(samples):
    """`text_classifier(encoder="conv1d")` on the fine food reviews: TextVectorization ->
    Embedding -> Conv1D -> MaxPooling1D -> Conv1D -> GlobalMaxPooling1D -> Dropout -> Dense."""
    table = kw.data.load_table("fine_food_reviews")
    texts = table.train["review"].to_numpy(object)[:samples]
    labels = table.train[table.info.target].to_numpy()[:samples]
    walk = kw.tasks.text_classifier(texts, 2, encoder="conv1d", sequence_length=200, seed=0)

    # keras-io's "Text classification from scratch", sized like the builder's defaults.
    vectorize = layers.TextVectorization(max_tokens=20_000, output_sequence_length=200)
    vectorize.adapt(texts)
    inputs = keras.Input((), dtype="string")
    x = layers.Embedding(vectorize.vocabulary_size(), 128)(vectorize(inputs))
    x = layers.Conv1D(64, 7, activation="relu", padding="same")(x)
    x = layers.MaxPooling1D(3)(x)
    x = layers.Conv1D(64, 7, activation="relu", padding="same")(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dropout(0.5)(x)
    hand = binary_twin(inputs, x)
    return {
        "walk": (walk, lambda b: {"x": texts, "y": labels, "batch_size": b}),
        "hand": (hand, lambda b: {"x": texts, "y": labels, "batch_size": b}),
        "batch_size": 32, "samples": len(labels),
    }  # fmt: skip


def sequence_family(samples):
    """`sequence_classifier` (the FCN of Wang et al. 2017) on GunPoint, its 50 training
    series repeated to `samples`: Conv1D-BN-ReLU x3 -> GlobalAveragePooling1D -> Dense."""
    train = kw.data.load("gunpoint", splits="train")
    repeat = int(np.ceil(samples / len(train.y)))
    x, y = np.tile(train.x, (repeat, 1, 1))[:samples], np.tile(train.y, repeat)[:samples]
    walk = kw.tasks.sequence_classifier(x.shape[1:], 2, seed=0)

    # keras-io's "Timeseries classification from scratch", with the paper's filters.
    inputs = keras.Input(x.shape[1:])
    h = inputs
    for filters, kernel in zip((128, 256, 128), (8, 5, 3), strict=True):
        h = layers.Conv1D(filters, kernel, padding="same", use_bias=False)(h)
        h = layers.BatchNormalization(momentum=0.9)(h)
        h = layers.ReLU()(h)
    h = layers.GlobalAveragePooling1D()(h)
    hand = binary_twin(inputs, h)
    return {
        "walk": (walk, lambda b: {"x": kw.data.pipeline((x, y), b, shuffle=True, seed=0)}),
        "hand": (hand, lambda b: {"x": x, "y": y, "batch_size": b}),
        "batch_size": 32, "samples": len(y),
    }  # fmt: skip


def forecaster_family(samples):
    """`timeseries_forecaster` (LSTM) on the hourly NYC weather: 24 hours -> temperature 6
    hours on. Normalization -> LSTM(32) -> Dense(1) -> back to degrees."""
    series = kw.data.load_series("nyc_weather")
    windows = kw.data.forecasting_windows(series, "temp", input_width=24, horizon=6)
    x, y = windows.train.inputs[:samples], windows.train.targets[:samples]
    walk = kw.tasks.timeseries_forecaster(windows, seed=0)

    # keras-io's "Timeseries forecasting for weather prediction": inputs standardized with
    # the training statistics, LSTM(32), Dense(1); targets standardized the same way.
    inputs = keras.Input(x.shape[1:])
    h = layers.Normalization(axis=-1, mean=windows.mean, variance=windows.std**2)(inputs)
    h = layers.LSTM(32)(h)
    hand = keras.Model(inputs, layers.Dense(1)(h))
    hand.compile(keras.optimizers.AdamW(1e-3, weight_decay=1e-4), "mse")
    y_scaled = (y - windows.target_mean) / windows.target_std
    return {
        "walk": (walk, lambda b: {"x": x, "y": y, "batch_size": b}),
        "hand": (hand, lambda b: {"x": x, "y": y_scaled, "batch_size": b}),
        "batch_size": 64, "samples": len(y),
    }  # fmt: skip


def language_model_family(samples):
    """`language_model` (characters, GRU) on the State of the Union addresses: Embedding(64)
    -> GRU(256) over 100 characters -> Dense(vocabulary, softmax) at every step."""
    text = kw.data.load_corpus("state_of_the_union").train[: samples * 100]
    walk = kw.tasks.language_model(text, seed=0)
    ids = walk.encode(text)

    # keras-io's character-level text generation, with a GRU as in TensorFlow's tutorial.
    vocabulary = len(walk.vocabulary.get_vocabulary())
    inputs = keras.Input((None,), dtype="int32")
    h = layers.Embedding(vocabulary, 64)(inputs)
    h = layers.GRU(256, return_sequences=True)(h)
    hand = keras.Model(inputs, layers.Dense(vocabulary, activation="softmax")(h))
    hand.compile(keras.optimizers.AdamW(2e-3, weight_decay=1e-4),
                 "sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    count = (len(ids) - 1) // 100
    x = ids[: count * 100].reshape(count, 100)
    y = ids[1 : count * 100 + 1].reshape(count, 100)
    return {
        "walk": (walk, lambda b: {"x": kw.data.next_token_windows(ids, 100, b, shuffle=True,
                                                                  seed=0)}),  # fmt: skip
        "hand": (hand, lambda b: {"x": x, "y": y, "batch_size": b}),
        "batch_size": 64, "samples": count,
    }  # fmt: skip


FAMILIES = {
    "image": (image_family, 60000),
    "tabular": (tabular_family, 16384),
    "text": (text_family, 4096),
    "sequence": (sequence_family, 4096),
    "forecaster": (forecaster_family, 8192),
    "language_model": (language_model_family, 2048),
}


# --- Timing -------------------------------------------------------------------------------


def epoch_seconds(model, fit_arguments) -> float:
    timer = CONVNET.EpochTimer()
    model.fit(**fit_arguments, epochs=1, verbose=0, callbacks=[timer])
    return timer.seconds


def alternate(runs: dict, epochs: int) -> dict:
    """Epoch seconds of each `name: (model, fit arguments)`, alternating, after one untimed."""
    for model, arguments in runs.values():
        epoch_seconds(model, arguments)
    seconds = {name: [] for name in runs}
    for _ in range(epochs):
        for name, (model, arguments) in runs.items():
            seconds[name].append(epoch_seconds(model, arguments))
    return seconds


def compare(family: str, samples: int, epochs: int) -> dict:
    build, _ = FAMILIES[family]
    setup = build(samples)
    batch_size, samples = setup["batch_size"], setup["samples"]
    (walk, walk_data), (hand, hand_data) = setup["walk"], setup["hand"]
    seconds = alternate({"walk": (walk, walk_data(batch_size)),
                         "hand": (hand, hand_data(batch_size))}, epochs)  # fmt: skip
    walk_s, hand_s = seconds["walk"], seconds["hand"]
    row = {
        "samples": samples, "batch_size": batch_size, "timed_epochs": epochs,
        "keras_walk_parameters": walk.count_params(), "hand_written_parameters": hand.count_params(),
        "keras_walk_samples_per_second": round(samples / min(walk_s), 1),
        "hand_written_samples_per_second": round(samples / min(hand_s), 1),
        "ratio": round(min(hand_s) / min(walk_s), 3),
        "ratio_spread": [round(min(hand_s) / max(walk_s), 3), round(max(hand_s) / min(walk_s), 3)],
        "ratio_of_medians": round(statistics.median(hand_s) / statistics.median(walk_s), 3),
        "epoch_seconds": {"keras_walk": [round(s, 2) for s in walk_s],
                          "hand_written": [round(s, 2) for s in hand_s]},
    }  # fmt: skip
    if family == "image":
        row.update(pipeline_and_flops(walk, setup["train"], batch_size, epochs, min(walk_s)))
    return row


def pipeline_and_flops(model, train, batch_size, epochs, pipeline_seconds) -> dict:
    """The pipeline's share of step time, and achieved FLOP/s over the matmul peak."""
    cached = kw.data.pipeline(train, batch_size, shuffle=False).cache()
    for _ in cached:  # fill the cache: later epochs read finished batches from memory
        pass
    cached_seconds = min(alternate({"cached": (model, {"x": cached})}, epochs)["cached"])
    flops = 3 * forward_flops(model)  # backward ~ 2x forward
    achieved = flops * len(train.y) / pipeline_seconds
    peak = matmul_peak_flops()
    return {
        "cached_batches_samples_per_second": round(len(train.y) / cached_seconds, 1),
        "pipeline_share_of_step_time": round(max(0.0, 1 - cached_seconds / pipeline_seconds), 3),
        "training_flops_per_sample": int(flops),
        "achieved_gflops": round(achieved / 1e9, 2),
        "matmul_peak_gflops": round(peak / 1e9, 1),
        "share_of_matmul_peak": round(achieved / peak, 4),
    }


def forward_flops(model) -> float:
    """FLOPs of one sample's forward pass, counted by TensorFlow's profiler on the graph."""
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )
    from tensorflow.python.profiler import model_analyzer, option_builder

    spec = tf.TensorSpec((1, *model.input_shape[1:]), model.inputs[0].dtype)
    concrete = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
    graph = convert_variables_to_constants_v2(concrete).graph
    options = option_builder.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return float(model_analyzer.profile(graph, options=options).total_float_ops)


def matmul_peak_flops(size: int = 2048, repeats: int = 20) -> float:
    """float32 FLOP/s of `size` x `size` matrix products, the best of five runs."""
    a = tf.random.normal((size, size))

    @tf.function
    def products(a):
        x = a
        for _ in range(repeats):
            x = tf.matmul(x, a) * 1e-3  # scaled to stay finite
        return x

    products(a).numpy()  # trace
    best = min(_timed(lambda: products(a).numpy()) for _ in range(5))
    return 2 * size**3 * repeats / best


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES))
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs for each side")
    parser.add_argument("--samples", type=int, default=None, help="samples per family")
    parser.add_argument("--output", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args(argv)
    results = {"benchmark": "every builder family: keras_walk vs hand-written Keras",
               "families": {}}  # fmt: skip
    for family in args.families:
        keras.utils.set_random_seed(0)
        row = compare(family, args.samples or FAMILIES[family][1], args.epochs)
        results["families"][family] = row
        print(
            f"{family:11s} keras_walk / hand-written {row['ratio']:.3f} (spread "
            f"{row['ratio_spread'][0]:.2f}-{row['ratio_spread'][1]:.2f}), "
            f"{row['keras_walk_samples_per_second']:.0f} vs "
            f"{row['hand_written_samples_per_second']:.0f} samples/s",
            flush=True,
        )
    results["tables"] = tables(results["families"])
    return kw.harness.write_results(args.output, **results)  # written with --output


def tables(families: dict) -> dict:
    """The docs page's tables (rendered by its `<!-- tables: ... -->` marker)."""
    ratios = [
        {
            "family": family, "samples": row["samples"], "batch": row["batch_size"],
            "parameters": row["keras_walk_parameters"],
            "keras_walk samples/s": row["keras_walk_samples_per_second"],
            "hand-written samples/s": row["hand_written_samples_per_second"],
            "ratio": row["ratio"], "spread": f"{row['ratio_spread'][0]:.2f}-{row['ratio_spread'][1]:.2f}",
            "ratio of medians": row["ratio_of_medians"],
        }
        for family, row in families.items()
    ]  # fmt: skip
    result = {"keras_walk vs hand-written, same model and data": ratios}
    image = families.get("image", {})
    if "share_of_matmul_peak" in image:
        result["image family: pipeline and arithmetic"] = [{
            "pipeline samples/s": image["keras_walk_samples_per_second"],
            "cached batches samples/s": image["cached_batches_samples_per_second"],
            "pipeline share of step time": image["pipeline_share_of_step_time"],
            "training GFLOP/s": image["achieved_gflops"],
            "matmul peak GFLOP/s": image["matmul_peak_gflops"],
            "share of peak": image["share_of_matmul_peak"],
        }]  # fmt: skip
    return result


if __name__ == "__main__":
    main()
