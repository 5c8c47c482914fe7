"""
Title: A CLIP-style dual encoder: zero-shot Fashion-MNIST and cross-style emoji search
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/11/24
Description: Image and text towers trained contrastively on captioned scenes classify Fashion-MNIST from prompts alone, and find emoji drawn in a style they never saw.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

CLIP (Radford et al. 2021) learns from pairs of images and captions, not from labels. An
image tower and a text tower each map their input to a vector; training makes each image's
vector closest to its own caption's among all the captions of the batch (and each
caption's closest to its own image): the **contrastive** (InfoNCE) loss. What comes out is
one space for pictures and words, and with it two things no classifier can do:

* **search**: rank images by how well they match a sentence, or captions for an image;
* **zero-shot classification**: write one caption per class ("a photo of a sneaker") and
  call an image the class whose caption is nearest. No labelled example is needed.

This recipe trains a small dual encoder from scratch, twice:

1. On 54,000 **composed scenes**: 1 to 4 real Fashion-MNIST items on a 56x56 canvas, with
   captions that say what is where ("a sneaker to the left of a bag at the top"). The
   scenes are composed by `kw.data.load("fashion_scenes")`, so the captions are exactly
   right; they are not natural photos. Then it classifies the 10,000 Fashion-MNIST test
   images, each alone on a canvas, **from prompts alone**.
2. On the 1,529 training emoji of Google's **Noto** style, captioned with their Unicode
   names. Then it searches emoji drawn by **Twitter** (Twemoji), a style it never saw, by
   their names, beside a TF-IDF + pixel baseline and chance.

```bash
python recipes/multimodal/dual_encoder.py            # full run
python recipes/multimodal/dual_encoder.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import textwrap

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

import keras_walk as kw
from keras_walk.data.composed.scenes import ITEM_NAMES, SLOT_NAMES, one_item_scenes

"""
## Hyperparameters

The image tower is the project's basic convnet; for scenes its feature map is flattened, so
that the vector knows *where* each item is (captions say "left" and "above"). The text
tower is a `TextVectorization` vocabulary adapted on the training captions, token and
position embeddings and one keras-hub `TransformerEncoder`. Both project to 128 numbers,
normalized to length 1.
"""

FULL = {
    "scene_epochs": 5,
    "scene_train": 54000,
    "scene_validation": 6000,  # the last of the 60,000 training scenes
    "batch_size": 128,
    "learning_rate": 1e-3,
    "emoji_epochs": 60,
    "emoji_batch_size": 64,
    "retrieval_gallery": 10000,
    "zero_shot_images": 10000,  # all of Fashion-MNIST's test split
    "emoji_train": None,  # all 1,529
}
SMOKE = {
    **FULL, "scene_epochs": 1, "scene_train": 512, "scene_validation": 128,
    "emoji_epochs": 1,
    "retrieval_gallery": 300, "zero_shot_images": 200, "emoji_train": 128,
}  # fmt: skip

# Prompts for zero-shot classification: CLIP's default, the bare noun phrase, and an
# ensemble of the four placements our captions use (CLIP's prompt ensembling).
TEMPLATES = {
    "a photo of a {}": "a photo of a {}",
    "a {}": "a {}",
    "ensemble of placements": [f"a {{}} at the {slot}" for slot in SLOT_NAMES],
}
HEADLINE_TEMPLATE = "ensemble of placements"


def scene_data(config):
    train, test = kw.data.load("fashion_scenes", splits=("train", "test"))
    count = config["scene_train"]
    start = len(train.x) - config["scene_validation"]
    validation = kw.data.Arrays(train.x[start:], train.y[start:])
    return kw.data.Arrays(train.x[:count], train.y[:count]), validation, test


"""
## Part 1: scenes, then zero-shot Fashion-MNIST
"""


def train_scene_model(run, config, train, validation):
    steps = config["scene_epochs"] * int(np.ceil(len(train.x) / config["batch_size"]))
    model = kw.tasks.dual_encoder(
        train.x, train.y, name="scene_dual_encoder",
        learning_rate=kw.training.warmup_cosine(config["learning_rate"], steps, 0.05),
    )  # fmt: skip
    history = model.fit(
        train.x, train.y, batch_size=config["batch_size"], epochs=config["scene_epochs"],
        validation_data=(validation.x, validation.y),
        **run.fit_options("scenes", best_checkpoint=False),
    ).history  # fmt: skip
    return model, history


def zero_shot(model, fashion_test):
    """Accuracy of each prompt template on every Fashion-MNIST test image, alone on a
    canvas in a random quadrant."""
    scenes = one_item_scenes(fashion_test.x, seed=0)
    results, predictions = {}, {}
    for name, template in TEMPLATES.items():
        classifier = model.zero_shot_classifier(list(ITEM_NAMES), template=template)
        predicted = np.argmax(classifier.predict(scenes, batch_size=256, verbose=0), axis=1)
        results[name] = float(np.mean(predicted == fashion_test.y))
        predictions[name] = predicted
    return results, predictions[HEADLINE_TEMPLATE]


"""
## Part 2: emoji, searched in a style never seen

The model trains on Noto emoji only. The test is text -> image search among Twemoji:

* **all 1,911 Twemoji**: concepts seen in training, in a new style (chance recall@10 is
  10 / 1,911 = 0.5%);
* **the 382 test-split Twemoji**: new concepts *and* a new style.

The baseline reads the query, finds the training caption nearest in TF-IDF, and ranks the
gallery by pixel similarity to that caption's Noto image.
"""


def train_emoji_model(run, config, noto_train):
    model = kw.tasks.dual_encoder(
        noto_train.x, noto_train.y, name="emoji_dual_encoder", pooling="avg",
        augment="light", seed=run.seed, learning_rate=config["learning_rate"],
    )  # fmt: skip
    history = model.fit(
        noto_train.x, noto_train.y, batch_size=config["emoji_batch_size"],
        epochs=config["emoji_epochs"], **run.fit_options("emoji", best_checkpoint=False),
    ).history  # fmt: skip
    return model, history


def tfidf_pixel_ranks(noto_train, queries, gallery, gallery_captions):
    tfidf = TfidfVectorizer().fit(noto_train.y)
    nearest = np.argmax((tfidf.transform(queries) @ tfidf.transform(noto_train.y).T).toarray(), 1)

    def pixels(images):
        flat = images.reshape(len(images), -1).astype("float32")
        flat -= flat.mean(axis=1, keepdims=True)
        return flat / (np.linalg.norm(flat, axis=1, keepdims=True) + 1e-6)

    ids = np.asarray(gallery_captions)
    return kw.metrics.retrieval_metrics(
        pixels(noto_train.x[nearest]), pixels(gallery), np.asarray(queries), ids
    )


def emoji_search(model, noto_train, every_twemoji, test_count):
    """Text -> image search among all Twemoji and among the last `test_count` (the test
    split), each image and caption encoded once."""
    image_vectors = model.encode_images(every_twemoji.x)
    text_vectors = model.encode_texts(every_twemoji.y)
    galleries = {"all_twemoji": slice(None), "test_twemoji": slice(-test_count, None)}
    results = {}
    for name, part in galleries.items():
        ids = every_twemoji.y[part].astype(str)
        results[name] = {
            "model": kw.metrics.retrieval_metrics(
                text_vectors[part], image_vectors[part], ids, ids
            ),
            "tfidf_pixels": tfidf_pixel_ranks(
                noto_train, every_twemoji.y[part], every_twemoji.x[part], ids
            ),
            "chance_recall@10": round(min(10 / len(ids), 1.0), 4),
        }
    return results, image_vectors


"""
## Pictures: what the searches return
"""


def plot_search(model, queries, gallery, path, k=6, gallery_vectors=None):
    found = model.search(queries, gallery if gallery_vectors is None else gallery_vectors, k=k)
    found = found.indices
    kw.plots.plot_image_grid(
        gallery[found.reshape(-1)],
        path,
        columns=k,
        cell=(1.1, 1.45),
        row_titles=[textwrap.fill(f'"{query}"', 80) for query in queries],
    )


def results_tables(metrics):
    """The page's tables: zero-shot accuracy per prompt, scene search both ways, and emoji
    search per gallery and method."""
    recall = ("recall@1", "recall@5", "recall@10", "median_rank")
    return {
        "zero-shot Fashion-MNIST test accuracy, by prompt": [
            {"prompt": name, "accuracy": value}
            for name, value in metrics["zero_shot_accuracy_by_template"].items()
        ],
        "search among held-out scenes": [
            {
                "direction": direction.replace("_", " "),
                **{k: m[k] for k in recall},
                "gallery": m["gallery"],
            }
            for direction, m in metrics["scene_retrieval"].items()
        ],  # fmt: skip
        "text -> image search among Twemoji (trained on Noto only)": [
            {
                "gallery": gallery,
                "method": method,
                **{k: entry[method][k] for k in recall},
                "chance recall@10": entry["chance_recall@10"],
            }
            for gallery, entry in metrics["emoji_retrieval"].items()
            for method in ("model", "tfidf_pixels")
        ],  # fmt: skip
    }


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/dual_encoder",
                               description="A CLIP-style dual encoder on scenes and emoji")  # fmt: skip
    config = run.config
    train, validation, test = scene_data(config)
    fashion_test = kw.data.load("fashion_mnist", f"test[:{config['zero_shot_images']}]")
    scene_model, scene_history = train_scene_model(run, config, train, validation)
    accuracy, predicted = zero_shot(scene_model, fashion_test)
    gallery = kw.data.Arrays(
        test.x[: config["retrieval_gallery"]], test.y[: config["retrieval_gallery"]]
    )
    scene_retrieval = scene_model.score(gallery.x, gallery.y)
    kw.plots.plot_history(scene_history, run.output_dir / "training_curves.png")
    kw.plots.plot_confusion_matrix(
        fashion_test.y, predicted, ITEM_NAMES, run.output_dir / "zero_shot_confusion.png"
    )
    plot_search(scene_model, list(test.y[:6]), gallery.x, run.output_dir / "scene_search.png")

    noto_train = kw.data.load("emoji", "train")
    if config["emoji_train"]:
        noto_train = kw.data.Arrays(*(part[: config["emoji_train"]] for part in noto_train))
    twemoji_train, twemoji_test = kw.data.load("emoji_twitter", splits=("train", "test"))
    emoji_model, emoji_history = train_emoji_model(run, config, noto_train)
    every_twemoji = kw.data.Arrays(
        *(np.concatenate(parts) for parts in zip(twemoji_train, twemoji_test, strict=True))
    )
    emoji, twemoji_vectors = emoji_search(
        emoji_model, noto_train, every_twemoji, len(twemoji_test.y)
    )
    queries = ["red apple", "dog face", "rocket", "snowflake", "grinning face", "pizza"]
    plot_search(
        emoji_model, queries, every_twemoji.x, run.output_dir / "emoji_search.png",
        gallery_vectors=twemoji_vectors,
    )  # fmt: skip

    scene_model.save(run.output_dir / "scene_model.keras")
    emoji_model.save(run.output_dir / "emoji_model.keras")
    headline = accuracy[HEADLINE_TEMPLATE]
    metrics = {
        "zero_shot_accuracy": headline,
        "zero_shot_accuracy_by_template": accuracy,
        "scene_retrieval": scene_retrieval,
        "emoji_retrieval": emoji,
        "scene_train_seconds": run.seconds("scenes"),
        "emoji_train_seconds": run.seconds("emoji"),
    }
    results = run.write_results(
        "multimodal/dual_encoder", task=scene_model, metrics=metrics,
        tables=results_tables(metrics),
        history={**scene_history, "emoji_loss": emoji_history["loss"]},
    )  # fmt: skip
    print(
        f"zero-shot Fashion-MNIST accuracy {headline:.4f} ({HEADLINE_TEMPLATE}); "
        + ", ".join(f"{name!r}: {value:.4f}" for name, value in accuracy.items())
    )
    print(
        "scene search recall@10 text->image "
        f"{scene_retrieval['text_to_image']['recall@10']:.3f}; Twemoji (all) recall@10 "
        f"{emoji['all_twemoji']['model']['recall@10']:.3f} vs TF-IDF+pixels "
        f"{emoji['all_twemoji']['tfidf_pixels']['recall@10']:.3f} vs chance "
        f"{emoji['all_twemoji']['chance_recall@10']:.3f}; results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
