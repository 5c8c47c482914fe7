"""
Title: Image captioning: composed scenes and real emoji names
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/11/24
Description: A convnet encoder and a keras-hub transformer decoder write captions, judged by BLEU, CIDEr and exact match beside a nearest-neighbour baseline.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

A captioner writes a sentence for an image, one word at a time. An **encoder** (here the
project's convnet) turns the image into a grid of feature vectors; a **decoder** (here
keras-hub's `TransformerDecoder`) reads the words written so far and, through
cross-attention, the image's grid, and predicts the next word. Training feeds it the true
caption and asks for each next word (teacher forcing); writing feeds it its own words,
choosing the likeliest one each time (greedy) or keeping the few likeliest partial captions
(beam search).

Two datasets:

1. **Composed scenes** (`kw.data.load("fashion_scenes")`): 1 to 4 Fashion-MNIST items on a
   canvas, captioned exactly ("a sneaker to the left of a bag at the top"). They are
   composed, not natural photos; their captions are always right, so every mistake is the
   model's: a wrong item, a wrong place, a missing item.
2. **Emoji** (`kw.data.load("emoji")`): 1,529 Noto emoji with their Unicode names for
   training, 382 emoji the model never saw for testing. Real names, written by people;
   a hard test from so few examples.

Each is judged beside a **nearest-neighbour baseline**: for each test image, the caption of
the training image nearest in the captioner's own encoder space. A captioner that only
retrieved would score like it.

```bash
python recipes/multimodal/captioning.py            # full run
python recipes/multimodal/captioning.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import textwrap

import keras
import numpy as np
import tensorflow as tf

import keras_walk as kw

"""
## Hyperparameters
"""

FULL = {
    "scene_epochs": 3,
    "scene_train": 54000,
    "scene_validation": 6000,  # the last of the 60,000 training scenes
    "scene_test": 2000,  # held-out scenes captioned twice (greedy and beam)
    "batch_size": 128,
    "learning_rate": 1e-3,
    "beam_width": 3,
    "emoji_epochs": 60,
    "emoji_batch_size": 32,
    "emoji_train": None,  # all 1,529
    "emoji_test": None,  # all 382
}
SMOKE = {
    **FULL, "scene_epochs": 1, "scene_train": 512, "scene_validation": 64, "scene_test": 64,
    "emoji_epochs": 1, "emoji_train": 128, "emoji_test": 32,
}  # fmt: skip


def first(arrays, count):
    return kw.data.Arrays(arrays.x[:count], arrays.y[:count]) if count else arrays


"""
## The nearest-neighbour baseline

The encoder's grid is averaged down to at most 4x4 places, so that "where" still counts,
flattened and compared by cosine similarity.
"""


def encoder_vectors(model, images, batch_size=256):
    vectors = []
    for start in range(0, len(images), batch_size):
        grid = model.image_encoder(images[start : start + batch_size], training=False)
        side = int(round(grid.shape[1] ** 0.5))
        grid = tf.reshape(grid, (-1, side, side, grid.shape[-1]))
        pooled = tf.image.resize(grid, (min(side, 4), min(side, 4)), method="area")
        vectors.append(tf.reshape(pooled, (len(grid), -1)).numpy())
    vectors = np.concatenate(vectors)
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-8)


def nearest_neighbour_captions(model, train, test_images):
    train_vectors = encoder_vectors(model, train.x)
    test_vectors = encoder_vectors(model, test_images)
    nearest = np.concatenate([
        np.argmax(test_vectors[start : start + 512] @ train_vectors.T, axis=1)
        for start in range(0, len(test_vectors), 512)
    ])  # fmt: skip
    return [str(caption) for caption in train.y[nearest]]


"""
## Train and judge one captioner
"""


def train_and_judge(run, name, train, test, validation, epochs, batch_size, config, **options):
    model = kw.tasks.image_captioner(
        train.x, train.y, name=f"{name}_captioner", learning_rate=config["learning_rate"],
        seed=run.seed, **options,
    )  # fmt: skip
    history = model.fit(
        train.x, train.y, batch_size=batch_size, epochs=epochs, seed=run.seed,
        validation_data=None if validation is None else (validation.x, validation.y),
        **run.fit_options(name, best_checkpoint=False),
    ).history  # fmt: skip
    _, token_accuracy = model.evaluate(test.x, test.y, batch_size=batch_size, verbose=0)
    written = {
        "greedy": model.caption(test.x, method="greedy"),
        "beam": model.caption(test.x, method="beam", beam_width=config["beam_width"]),
        "nearest_neighbour": nearest_neighbour_captions(model, train, test.x),
    }
    metrics = {way: kw.metrics.caption_metrics(test.y, c) for way, c in written.items()}
    metrics["token_accuracy"] = round(float(token_accuracy), 4)
    return model, history, metrics, written


def examples(test, written, count=8):
    return [
        {"reference": str(test.y[i]), **{way: captions[i] for way, captions in written.items()}}
        for i in range(min(count, len(test.y)))
    ]


def plot_captions(test, written, path, count=8):
    kw.plots.plot_image_grid(
        test.x[:count], path, columns=4, cell=(2.3, 2.9),
        titles=[textwrap.fill(written["beam"][i], 26) for i in range(count)],
    )  # fmt: skip


def results_tables(metrics):
    """The page's tables: each way of writing captions, per dataset."""
    columns = ("bleu_1", "bleu_2", "bleu_3", "bleu_4", "cider", "exact_match")
    return {
        f"held-out {name}": [
            {"captions by": way.replace("_", " "), **{k: metrics[name][way][k] for k in columns}}
            for way in ("beam", "greedy", "nearest_neighbour")
        ]
        for name in ("scenes", "emoji")
    }


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/captioning",
                               description="Image captioning on composed scenes and emoji")  # fmt: skip
    config = run.config
    scenes, scene_test = kw.data.load("fashion_scenes", splits=("train", "test"))
    start = len(scenes.x) - config["scene_validation"]
    validation = kw.data.Arrays(scenes.x[start:], scenes.y[start:])
    scene_model, scene_history, scene_metrics, scene_written = train_and_judge(
        run, "scenes", first(scenes, config["scene_train"]), first(scene_test, config["scene_test"]),
        validation, config["scene_epochs"], config["batch_size"], config,
    )  # fmt: skip
    kw.plots.plot_history(scene_history, run.output_dir / "training_curves.png")
    plot_captions(first(scene_test, 8), scene_written, run.output_dir / "scene_captions.png")

    emoji_train, emoji_test = kw.data.load("emoji", splits=("train", "test"))
    emoji_test = first(emoji_test, config["emoji_test"])
    emoji_model, _, emoji_metrics, emoji_written = train_and_judge(
        run, "emoji", first(emoji_train, config["emoji_train"]), emoji_test, None,
        config["emoji_epochs"], config["emoji_batch_size"], config, augment="light",
    )  # fmt: skip
    plot_captions(emoji_test, emoji_written, run.output_dir / "emoji_captions.png")

    # A reloaded model writes the same captions.
    scene_model.save(run.output_dir / "scene_model.keras")
    again = keras.models.load_model(run.output_dir / "scene_model.keras")
    count = min(100, len(scene_written["beam"]))
    same = again.caption(scene_test.x[:count], method="beam", beam_width=config["beam_width"])
    reload_identical = same == scene_written["beam"][:count]
    emoji_model.save(run.output_dir / "emoji_model.keras")

    metrics = {
        "scenes": scene_metrics, "emoji": emoji_metrics,
        "scene_token_accuracy": scene_metrics["token_accuracy"],
        "emoji_token_accuracy": emoji_metrics["token_accuracy"],
        "reloaded_captions_identical": reload_identical,
        "scene_train_seconds": run.seconds("scenes"),
        "emoji_train_seconds": run.seconds("emoji"),
    }  # fmt: skip
    results = run.write_results(
        "multimodal/captioning", task=scene_model, metrics=metrics,
        tables=results_tables(metrics), history=scene_history,
        examples={"scenes": examples(scene_test, scene_written),
                  "emoji": examples(emoji_test, emoji_written)},
    )  # fmt: skip
    for name, metrics in (("scenes", scene_metrics), ("emoji", emoji_metrics)):
        print(
            f"{name}: BLEU-4 beam {metrics['beam']['bleu_4']:.3f}, greedy "
            f"{metrics['greedy']['bleu_4']:.3f}, nearest neighbour "
            f"{metrics['nearest_neighbour']['bleu_4']:.3f}; exact match (beam) "
            f"{metrics['beam']['exact_match']:.3f}; token accuracy {metrics['token_accuracy']:.3f}"
        )
    print(
        f"reloaded model writes the same captions: {reload_identical}; results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
