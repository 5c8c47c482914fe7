"""
Title: Knowledge distillation: a small convnet taught by a big one
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/11/24
Description: A student with a quarter of the teacher's parameters, trained on its softened answers, against the same student trained alone.
Accelerator: None needed (2-core CPU); uses GPUs or a TPU when present
"""

"""
## Introduction

A big model is accurate and slow; a small one is fast and less accurate. Knowledge
distillation (Hinton, Vinyals and Dean 2015) trains the small **student** on the big
**teacher**'s probabilities, softened by a temperature, as well as on the labels: "Shirt
0.6, T-shirt 0.3" tells the student which mistakes are near, which the label "Shirt"
alone does not. This recipe trains a teacher on Fashion-MNIST, then the same small
student twice, alone and distilled, and measures accuracy, size and inference speed.

```bash
python recipes/vision/distillation.py            # full run
python recipes/vision/distillation.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import time

import numpy as np

import keras_walk as kw
from keras_walk.tasks.backbones import basic_convnet

"""
## Hyperparameters

Teacher: the builder's basic convnet (32, 64, 128 channels). Student: the same shape at
about half the width (16, 32, 60 channels): each convolution has a quarter of the
weights or fewer, 23% of the teacher's parameters in all (at 16, 32, 64 the head and
batch normalization, which shrink only by half, would make it 25.3%). All three train 8 epochs with the same schedule
and flips. Distillation: temperature 4, `alpha` 0.1 on the labels (keras-io's example
uses 0.1 and 10; 4 is the middle of Hinton et al.'s range).
"""

FULL = {
    "train_split": "train[:54000]", "val_split": "train[54000:]", "test_split": "test",
    "teacher_filters": (32, 64, 128), "student_filters": (16, 32, 60), "epochs": 8,
    "batch_size": 128, "learning_rate": 3e-3, "temperature": 4.0, "alpha": 0.1,
    "timing_repeats": 5,
}  # fmt: skip
SMOKE = {
    **FULL, "train_split": "train[:1024]", "val_split": "train[54000:54256]",
    "test_split": "test[:512]", "epochs": 1, "timing_repeats": 1,
}  # fmt: skip


def classifier(filters, name, config, steps):
    info = kw.data.dataset_info("fashion_mnist")
    return kw.tasks.image_classifier(
        info.input_shape, info.num_classes, class_names=info.class_names, augment="flip",
        backbone=lambda shape: basic_convnet(shape, filters), seed=0, name=name,
        learning_rate=kw.training.warmup_cosine(config["learning_rate"], steps),
    )  # fmt: skip


"""
## Training

`kw.tasks.distiller(teacher, student, temperature=4, alpha=0.1)` returns a compiled
model whose `fit` trains only the student (the teacher is frozen) on

    alpha * crossentropy(labels, student) + (1 - alpha) * T**2 * KL(teacher_T || student_T)

and afterwards `student` is an ordinary Task, used alone.
"""


def train_all(run, config, train_ds, val_ds):
    steps = config["epochs"] * int(train_ds.cardinality())
    fit = {"validation_data": val_ds, "epochs": config["epochs"]}
    teacher = classifier(config["teacher_filters"], "teacher", config, steps)
    histories = {"teacher": teacher.fit(train_ds, **fit, **run.fit_options("teacher")).history}
    alone = classifier(config["student_filters"], "student_alone", config, steps)
    histories["student alone"] = alone.fit(train_ds, **fit, **run.fit_options("alone")).history
    student = classifier(config["student_filters"], "student_distilled", config, steps)
    distiller = kw.tasks.distiller(
        teacher, student, temperature=config["temperature"], alpha=config["alpha"]
    )
    histories["student distilled"] = distiller.fit(
        train_ds, **fit, **run.fit_options("distilled", best_checkpoint=False)
    ).history
    return teacher, alone, student, histories


"""
## Speed

Inference time on the whole test set, batches of 256, the best of several repeats (the
first call also traces the graph, so it is left out), every model timed in the same run.
"""


def inference_seconds(model, x, repeats):
    predict = lambda: model.predict(x, batch_size=256, verbose=0)  # noqa: E731
    predict()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/distillation",
                               description="Knowledge distillation on Fashion-MNIST")  # fmt: skip
    config = run.config
    train, val, test = kw.data.load(
        "fashion_mnist", splits=(config["train_split"], config["val_split"], config["test_split"])
    )
    train_ds = kw.data.pipeline(train, config["batch_size"], shuffle=True, seed=run.seed)
    teacher, alone, student, histories = train_all(
        run, config, train_ds, kw.data.pipeline(val, 1024)
    )
    models = {"teacher": teacher, "student alone": alone, "student distilled": student}
    scores = {}
    for name, model in models.items():
        predicted = model.predict(test.x, batch_size=512, verbose=0).argmax(-1)
        scores[name] = {
            "test_accuracy": round(float(np.mean(predicted == test.y)), 4),
            "parameters": int(model.count_params()),
            "inference_seconds": round(inference_seconds(model, test.x, config["timing_repeats"]), 3),
        }  # fmt: skip
    teacher_scores = scores["teacher"]
    for name in ("student alone", "student distilled"):
        s = scores[name]
        s["parameter_share"] = round(s["parameters"] / teacher_scores["parameters"], 4)
        s["speedup"] = round(teacher_scores["inference_seconds"] / s["inference_seconds"], 2)
        s["points_below_teacher"] = round(
            (teacher_scores["test_accuracy"] - s["test_accuracy"]) * 100, 2
        )
    kw.plots.plot_histories(histories, run.output_dir / "validation_accuracy.png")
    student.save(run.output_dir / "student.keras")
    results = run.write_results(
        "vision/distillation", task=student,
        metrics={**scores, "train_seconds": {k: round(v, 1) for k, v in run.train_seconds.items()}},
        tables={f"Fashion-MNIST test ({len(test.y)} images)": [
            {"model": name, "test accuracy": s["test_accuracy"], "parameters": s["parameters"],
             "inference seconds (10,000 images)" if len(test.y) == 10_000 else "inference seconds":
             s["inference_seconds"], "speed-up": s.get("speedup", 1.0)}
            for name, s in scores.items()
        ]},
    )  # fmt: skip
    distilled = scores["student distilled"]
    print(
        f"Teacher {teacher_scores['test_accuracy']:.4f}; student alone "
        f"{scores['student alone']['test_accuracy']:.4f}; distilled {distilled['test_accuracy']:.4f} "
        f"with {distilled['parameter_share']:.2%} of the parameters, {distilled['speedup']}x "
        f"faster; results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
