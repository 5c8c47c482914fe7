"""
Title: Scene segmentation: a U-Net gives every pixel one of eleven classes
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/12/06
Description: A U-Net with a softmax per pixel labels clothes in composed Fashion-MNIST scenes, against the all-background baseline.
Accelerator: None needed (2-core CPU); uses GPUs or a TPU when present
"""

"""
## Introduction

The [segmentation recipe](segmentation.md) asks one question per pixel: cut-out or not.
Here each pixel gets one of **eleven** classes: background, or which of the ten
Fashion-MNIST garments covers it. The scenes (`fashion_scene_masks`) put 1 to 4 real
Fashion-MNIST items on a 56x56 canvas, one per quadrant, and label each pixel 0
(background) or 1 + the item's class where the item's pixel is not black: composed, so
the masks are exact. The U-Net is the same as for the cut-outs; only the head changes,
from one sigmoid per pixel (`binary`) to a softmax over 11 classes (`multiclass`),
chosen from the same heads table as a classifier's.

```bash
python recipes/vision/scene_segmentation.py            # full run
python recipes/vision/scene_segmentation.py --smoke    # seconds, for tests
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

Three U-Net levels (16 to 64 channels: the items are 28x28 at most) and plain
crossentropy: every class covers a good share of the pixels it is present in, so Dice's
reweighting is not needed. On a CPU that computes bfloat16 natively, `--precision auto`
(the default here) trains in `mixed_bfloat16`.
"""

FULL = {
    "dataset": "fashion_scene_masks", "train_split": "train[:12000]",
    "val_split": "train[54000:55000]", "test_split": "test",
    "filters": (16, 32, 64), "epochs": 5, "batch_size": 64, "learning_rate": 3e-3,
}  # fmt: skip
SMOKE = {
    **FULL, "train_split": "train[:1536]", "val_split": "train[54000:54128]",
    "test_split": "test[:128]", "filters": (8, 16), "epochs": 2,
}  # fmt: skip

"""
## Data and model

`kw.data.pipeline(..., augment="flip", masks=True)` flips each scene *and its mask*
together. `kw.tasks.image_segmenter` with 11 classes picks the `multiclass` head and
compiles it with pixel accuracy, mean IoU and mean Dice.
"""


def train_segmenter(run, config):
    train, val, test = kw.data.load(
        config["dataset"], splits=(config["train_split"], config["val_split"], config["test_split"])
    )
    info = kw.data.dataset_info(config["dataset"])
    train_ds = kw.data.pipeline(
        train, config["batch_size"], shuffle=True, augment="flip", masks=True, seed=run.seed
    )
    keras.utils.set_random_seed(run.seed)
    steps = config["epochs"] * int(train_ds.cardinality())
    model = kw.tasks.image_segmenter(
        info.input_shape, info.num_classes, class_names=info.class_names,
        filters=config["filters"], loss="crossentropy",
        learning_rate=kw.training.warmup_cosine(config["learning_rate"], steps),
        seed=run.seed, name="scenes_segmenter",
    )  # fmt: skip
    model.training_data = f"{config['dataset']} {config['train_split']}"
    history = model.fit(
        train_ds, validation_data=kw.data.pipeline(val, 256), epochs=config["epochs"],
        **run.fit_options("scenes", monitor="val_loss"),
    ).history  # fmt: skip
    return model, history, test


"""
## Evaluate

Mean IoU over the 11 classes on the 10,000 test scenes, beside the trivial baseline that
calls every pixel background: its pixel accuracy is high (most pixels *are* background),
its mean IoU is not, which is why mean IoU is the measure.
"""


def evaluate(model, test, output_dir):
    num_classes = model.num_classes
    predicted = model.predict_masks(test.x, batch_size=256)
    # Test-time augmentation: each scene also scored mirrored, the two averaged.
    flipped = model.predict_masks(test.x, batch_size=256, test_time_flip=True)
    kw.plots.plot_segmentation(
        test.x[:12], test.y[:12], predicted[:12], output_dir / "scenes_test_samples.png",
        num_classes=num_classes,
    )  # fmt: skip
    ious, flipped_ious, background = (
        kw.metrics.class_iou(test.y, masks, num_classes)
        for masks in (predicted, flipped, np.zeros_like(test.y))
    )
    return {
        "mean_iou": round(float(np.nanmean(ious)), 4),
        "pixel_accuracy": round(float(np.mean(predicted == test.y)), 4),
        "flip_averaged_mean_iou": round(float(np.nanmean(flipped_ious)), 4),
        "flip_averaged_pixel_accuracy": round(float(np.mean(flipped == test.y)), 4),
        "baseline_all_background_mean_iou": round(float(np.nanmean(background)), 4),
        "baseline_all_background_pixel_accuracy": round(float(np.mean(test.y == 0)), 4),
        "per_class_iou": {
            str(c): round(float(v), 4) for c, v in enumerate(ious) if not np.isnan(v)
        },
    }


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/scene_segmentation",
                               description="U-Net segmentation of clothes in composed scenes, 11 classes a pixel",
                               strategy=False,
                               precision_family="conv")  # fmt: skip
    model, history, test = train_segmenter(run, run.config)
    scores = evaluate(model, test, run.output_dir)
    kw.plots.plot_history(
        history, run.output_dir / "scenes_curves.png", metrics=("loss", "mean_iou")
    )
    model.save(run.output_dir / "scenes_model.keras")
    results = run.write_results(
        "vision/scene_segmentation", task=model,
        metrics={"test": scores, "train_seconds": round(run.seconds("scenes"), 1)},
        tables={
            "Fashion-MNIST scenes (mean IoU over 11 classes)": [
                {"model": "U-Net", "mean IoU": scores["mean_iou"],
                 "pixel accuracy": scores["pixel_accuracy"]},
                {"model": "U-Net, flip-averaged", "mean IoU": scores["flip_averaged_mean_iou"],
                 "pixel accuracy": scores["flip_averaged_pixel_accuracy"]},
                {"model": "every pixel background",
                 "mean IoU": scores["baseline_all_background_mean_iou"],
                 "pixel accuracy": scores["baseline_all_background_pixel_accuracy"]},
            ],
        },
        history=history,
    )  # fmt: skip
    print(
        f"Scene mean IoU {scores['mean_iou']:.4f} ({scores['flip_averaged_mean_iou']:.4f} "
        f"flip-averaged; every pixel background: {scores['baseline_all_background_mean_iou']:.4f}); "
        f"results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
