"""
Title: Image segmentation with a U-Net: emoji and clip-art on photographs, clothes in scenes
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/11/24
Description: A U-Net labels every pixel: emoji and clip-art silhouettes on real photographs, then ten kinds of clothing.
Accelerator: None needed (2-core CPU); uses GPUs or a TPU when present
"""

"""
## Introduction

A classifier gives a whole image one label. A **segmenter** gives every *pixel* one: the
output has the image's height and width, with a class per pixel. This recipe trains the
U-Net of Ronneberger et al. (2015) twice, on two offline datasets whose masks are exact
because the images are composed from real pictures:

1. **Foreground / background** (`emoji_cutouts` and `clipart_cutouts`): Noto emoji and
   Open Clip Art drawings, whose alpha channel is their exact silhouette, pasted at
   random sizes and places on crops of real photographs and textures (scikit-image's CC0
   pictures). One U-Net learns both; each is tested twice: new emoji or drawings over the
   held-out 30% of the training photographs, and over four photographs training never
   saw. The head is `binary`: one sigmoid per pixel.
2. **Ten classes** (`fashion_scene_masks`): 1 to 4 Fashion-MNIST items on a 56x56 canvas,
   each pixel labelled 0 (background) or 1 + the item's class. The head is `multiclass`: a
   softmax over 11 classes per pixel.

```bash
python recipes/vision/segmentation.py            # full run
python recipes/vision/segmentation.py --smoke    # seconds, for tests
```
"""

"""
## Setup
"""

import keras
import numpy as np

import keras_walk as kw
from keras_walk.data import Arrays

"""
## Hyperparameters

The cut-out U-Net has four levels (16 to 128 channels) and trains with Dice +
crossentropy: crossentropy alone is dominated by the background, Dice scores the overlap
of the cut-out itself. The scene U-Net has three levels and plain crossentropy on 12,000 scenes.
"""

FULL = {
    "cutouts": {
        # name: (dataset, training split, validation split); trained on both together.
        "datasets": {
            "emoji": ("emoji_cutouts", "train[:8256]", "train[8256:]"),
            "clipart": ("clipart_cutouts", "train[:7612]", "train[7612:]"),
        },
        "test_splits": ("test", "test_new_photos"),
        "filters": (16, 32, 64, 128), "loss": "dice+crossentropy", "epochs": 8,
        "batch_size": 32, "learning_rate": 3e-3,
        "backbone": None,  # or "efficientnet_lite0" (ImageNet encoder; see the page)
    },
    "scenes": {
        "datasets": {"scenes": ("fashion_scene_masks", "train[:12000]", "train[54000:55000]")},
        "test_splits": ("test",), "filters": (16, 32, 64), "loss": "crossentropy",
        "epochs": 5, "batch_size": 64, "learning_rate": 3e-3,
    },
}  # fmt: skip
SMOKE = {
    "cutouts": {
        **FULL["cutouts"],
        "datasets": {
            "emoji": ("emoji_cutouts", "train[:128]", "train[8256:8320]"),
            "clipart": ("clipart_cutouts", "train[:128]", "train[7612:7676]"),
        },
        "test_splits": ("test[:64]", "test_new_photos[:64]"), "filters": (8, 16), "epochs": 2,
    },
    "scenes": {
        **FULL["scenes"],
        "datasets": {"scenes": ("fashion_scene_masks", "train[:1536]", "train[54000:54128]")},
        "test_splits": ("test[:128]",), "filters": (8, 16), "epochs": 2,
    },
}  # fmt: skip

"""
## Data

`kw.data.load` gives `(images, masks)` arrays: uint8 images and one class id per pixel.
`kw.data.pipeline(..., augment="flip", masks=True)` flips each image *and its mask*
together: a flip inside the model would move the pixels but not their labels.
"""


def make_data(config, seed):
    """Training and validation images of all `config["datasets"]` together, and each one's
    test splits by name: "test_new_photos[:64]" of "clipart" -> "clipart_test_new_photos"
    (just "test_new_photos" when there is one dataset)."""
    trains, vals, tests = [], [], {}
    for short, (dataset, train_split, val_split) in config["datasets"].items():
        train, val, *test_splits = kw.data.load(
            dataset, splits=(train_split, val_split, *config["test_splits"])
        )
        trains.append(train)
        vals.append(val)
        for split, test in zip(config["test_splits"], test_splits, strict=True):
            name = split.split("[")[0]
            tests[name if len(config["datasets"]) == 1 else f"{short}_{name}"] = test
    train, val = (
        Arrays(*map(np.concatenate, zip(*splits, strict=True))) for splits in (trains, vals)
    )
    train_ds = kw.data.pipeline(
        train, config["batch_size"], shuffle=True, augment="flip", masks=True, seed=seed
    )
    return train_ds, kw.data.pipeline(val, 256), tests


"""
## Model

`kw.tasks.image_segmenter` builds rescale -> U-Net -> a per-pixel head from the heads
table, and compiles it with pixel accuracy, IoU and Dice. IoU (intersection over union) of
a class is the pixels both masks give it over the pixels either gives it; Dice is
`2 IoU / (1 + IoU)`, the F1 score of pixels.
"""


def train_segmenter(run, name, config):
    dataset = next(iter(config["datasets"].values()))[0]
    info = kw.data.dataset_info(dataset)  # the datasets share shape and classes
    train_ds, val_ds, tests = make_data(config, run.seed)
    keras.utils.set_random_seed(run.seed)
    steps = config["epochs"] * int(train_ds.cardinality())
    model = kw.tasks.image_segmenter(
        info.input_shape, info.num_classes,
        class_names=info.class_names if len(config["datasets"]) == 1 else ("background", "foreground"),
        filters=config["filters"], backbone=config.get("backbone"), loss=config["loss"],
        learning_rate=kw.training.warmup_cosine(config["learning_rate"], steps),
        seed=run.seed, name=f"{name}_segmenter",
    )  # fmt: skip
    model.training_data = " + ".join(f"{d} {split}" for d, split, _ in config["datasets"].values())
    history = model.fit(
        train_ds, validation_data=val_ds, epochs=config["epochs"],
        **run.fit_options(name, monitor="val_loss"),
    ).history  # fmt: skip
    return model, history, tests


"""
## Evaluate

On the test split, against the trivial baselines a segmenter must beat: every pixel
background, and (for the cut-outs) every pixel foreground.
"""


def iou_scores(masks, predicted, num_classes):
    per_class = {}
    for c in range(num_classes):
        union = np.sum((masks == c) | (predicted == c))
        if union:
            per_class[c] = float(np.sum((masks == c) & (predicted == c)) / union)
    return per_class


def evaluate(model, test, num_classes, output_dir, name):
    predicted = model.predict_masks(test.x, batch_size=256)
    ious = iou_scores(test.y, predicted, num_classes)
    # Test-time augmentation: each image also scored mirrored, the two averaged.
    flipped = model.predict_masks(test.x, batch_size=256, test_time_flip=True)
    flipped_ious = iou_scores(test.y, flipped, num_classes)
    kw.training.plot_segmentation(
        test.x[:12], test.y[:12], predicted[:12], output_dir / f"{name}_samples.png",
        num_classes=num_classes,
    )  # fmt: skip
    background = iou_scores(test.y, np.zeros_like(test.y), num_classes)
    if num_classes == 2:
        everything = iou_scores(test.y, np.ones_like(test.y), num_classes)
        return {
            "foreground_iou": round(ious[1], 4),
            "foreground_dice": round(2 * ious[1] / (1 + ious[1]), 4),
            "pixel_accuracy": round(float(np.mean(predicted == test.y)), 4),
            "flip_averaged_foreground_iou": round(flipped_ious[1], 4),
            "baseline_all_foreground_iou": round(everything[1], 4),
            "baseline_all_background_iou": round(background.get(1, 0.0), 4),
        }
    mean = lambda scores: round(float(np.mean([scores.get(c, 0.0) for c in range(num_classes)])), 4)  # noqa: E731
    return {
        "mean_iou": mean(ious),
        "pixel_accuracy": round(float(np.mean(predicted == test.y)), 4),
        "flip_averaged_mean_iou": mean(flipped_ious),
        "flip_averaged_pixel_accuracy": round(float(np.mean(flipped == test.y)), 4),
        "baseline_all_background_mean_iou": mean(background),
        "baseline_all_background_pixel_accuracy": round(float(np.mean(test.y == 0)), 4),
        "per_class_iou": {str(c): round(v, 4) for c, v in ious.items()},
    }


CUTOUT_TESTS = {
    "emoji_test": "test emoji, held-out 30% of the training photographs",
    "emoji_test_new_photos": "test emoji, 4 photographs training never saw",
    "clipart_test": "test clip-art, held-out 30% of the training photographs",
    "clipart_test_new_photos": "test clip-art, 4 photographs training never saw",
}


def _cutout_row(split, scores):
    return {
        "test images": CUTOUT_TESTS.get(split, split),
        "U-Net IoU": scores["foreground_iou"], "U-Net Dice": scores["foreground_dice"],
        "U-Net IoU, flip-averaged": scores["flip_averaged_foreground_iou"],
        "every pixel foreground IoU": scores["baseline_all_foreground_iou"],
        "every pixel background IoU": scores["baseline_all_background_iou"],
    }  # fmt: skip


def main(argv=None):
    run = kw.training.RecipeRun(
        argv, description="U-Net segmentation: emoji and clip-art on photographs, clothes in scenes",
        output_dir="runs/segmentation", full=FULL, smoke=SMOKE, strategy=False,
    )  # fmt: skip
    metrics, histories = {}, {}
    for name in ("cutouts", "scenes"):
        model, history, tests = train_segmenter(run, name, run.config[name])
        metrics[name] = {
            split: evaluate(model, test, model.num_classes, run.output_dir, f"{name}_{split}")
            for split, test in tests.items()
        }
        metrics[name]["train_seconds"] = round(run.seconds(name), 1)
        histories[name] = history
        kw.training.plot_history(
            history, run.output_dir / f"{name}_curves.png",
            metrics=("loss", "iou" if model.head == "binary" else "mean_iou"),
        )  # fmt: skip
        model.save(run.output_dir / f"{name}_model.keras")
    cutouts, scenes = metrics["cutouts"], metrics["scenes"]["test"]
    cutout_tests = [split for split in cutouts if split != "train_seconds"]
    results = run.write_results(
        "vision/segmentation", task=model, metrics=metrics,
        tables={
            "emoji and clip-art cut-outs (foreground IoU and Dice)": [
                _cutout_row(split, cutouts[split]) for split in cutout_tests
            ],
            "Fashion-MNIST scenes (mean IoU over 11 classes)": [
                {"model": "U-Net", "mean IoU": scenes["mean_iou"],
                 "pixel accuracy": scenes["pixel_accuracy"]},
                {"model": "U-Net, flip-averaged", "mean IoU": scenes["flip_averaged_mean_iou"],
                 "pixel accuracy": scenes["flip_averaged_pixel_accuracy"]},
                {"model": "every pixel background",
                 "mean IoU": scenes["baseline_all_background_mean_iou"],
                 "pixel accuracy": scenes["baseline_all_background_pixel_accuracy"]},
            ],
        },
        history={f"{n}_{k}": v for n, h in histories.items() for k, v in h.items()},
    )  # fmt: skip
    print(
        "Foreground IoU: "
        + ", ".join(f"{split} {cutouts[split]['foreground_iou']:.4f}" for split in cutout_tests)
        + f"; scene mean IoU {scenes['mean_iou']:.4f} (all background: "
        f"{scenes['baseline_all_background_mean_iou']:.4f}); results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
