"""
Title: Image segmentation with a U-Net: emoji and clip-art on photographs
Author: keras_walk developers
Date created: 2026/11/24
Last modified: 2026/12/06
Description: A U-Net labels every pixel of an image foreground or background: emoji and clip-art silhouettes on real photographs.
Accelerator: None needed (2-core CPU); uses GPUs or a TPU when present
"""

"""
## Introduction

A classifier gives a whole image one label. A **segmenter** gives every *pixel* one: the
output has the image's height and width, with a class per pixel. This recipe trains the
U-Net of Ronneberger et al. (2015) to tell **foreground from background** on two offline
datasets whose masks are exact because the images are composed from real pictures
(`emoji_cutouts` and `clipart_cutouts`): Noto emoji and Open Clip Art drawings, whose
alpha channel is their exact silhouette, pasted at random sizes and places on crops of
real photographs and textures (scikit-image's CC0 pictures). One U-Net learns both; each
is tested twice: new emoji or drawings over the held-out 30% of the training
photographs, and over four photographs training never saw. The head is `binary`: one
sigmoid per pixel. Eleven classes a pixel (clothes in scenes) are the
[scene segmentation recipe](scene_segmentation.md)'s.

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

The encoder arm is EfficientNet-Lite0 with its ImageNet weights (loaded offline), and it
stays **frozen**: only the decoder (16 to 256 channels, one level per resolution the
encoder passes through) and the head learn, with `kw.tasks.fine_tune`'s first phase. A
frozen encoder needs no backward pass, so its epochs cost less than a trainable U-Net's,
and a million photographs taught it more about edges, textures and objects than our
12,000 composites can. `"backbone": None` trains the U-Net's own encoder arm of `filters`
from scratch instead (the page compares the two). The loss is Dice + crossentropy:
crossentropy alone is dominated by the background, Dice scores the overlap of the
cut-out itself. It trains on half of the emoji composites (3 of each emoji's 6) and all of
the drawings' (2 of each): the drawings are the harder half.

It trains in `mixed_bfloat16` on a CPU that computes bfloat16 natively (`--precision
auto`, the default here), in float32 elsewhere.
"""

FULL = {
    # name: (dataset, training split, validation split[, every n-th training image]);
    # trained on all of them together.
    "datasets": {
        # Each emoji is composed 6 times in a row, so 2 keeps 3 composites of each, and
        # the time saved goes to a wider U-Net for the drawings, the harder half.
        "emoji": ("emoji_cutouts", "train[:8256]", "train[8256:]", 2),
        "clipart": ("clipart_cutouts", "train[:7612]", "train[7612:]"),
    },
    "test_splits": ("test", "test_new_photos"),
    # The encoder, and the decoder's widths (None: 16 doubling to 256); "backbone": None
    # with "filters": (24, 48, 96, 192) is the U-Net trained from scratch of the page.
    "backbone": "efficientnet_lite0", "filters": None, "loss": "dice+crossentropy",
    "batch_size": 32,
    "frozen_epochs": 10, "learning_rate": 3e-3,  # the encoder frozen (0 from scratch)
    "fine_tune_epochs": 0, "fine_tune_learning_rate": 3e-4,  # then everything
}  # fmt: skip
SMOKE = {
    **FULL,
    "datasets": {
        "emoji": ("emoji_cutouts", "train[:256]", "train[8256:8320]", 2),
        "clipart": ("clipart_cutouts", "train[:128]", "train[7612:7676]"),
    },
    "test_splits": ("test[:64]", "test_new_photos[:64]"), "filters": (8, 8, 8, 16, 16),
    "frozen_epochs": 2, "fine_tune_epochs": 0,
}  # fmt: skip

"""
## Data

`kw.data.load` gives `(images, masks)` arrays: uint8 images and one class id per pixel.
`kw.data.pipeline(..., augment="flip", masks=True)` flips each image *and its mask*
together: a flip inside the model would move the pixels but not their labels.
"""


def make_data(config, seed):
    """Training and validation images of all `config["datasets"]` together, and each one's
    test splits by name: "test_new_photos[:64]" of "clipart" -> "clipart_test_new_photos",
    and what the training images are, in words (the model's `training_data`)."""
    trains, vals, tests, described = [], [], {}, []
    for short, (dataset, train_split, val_split, *every) in config["datasets"].items():
        train, val, *test_splits = kw.data.load(
            dataset, splits=(train_split, val_split, *config["test_splits"])
        )
        step = every[0] if every else 1
        trains.append(Arrays(train.x[::step], train.y[::step]))
        described.append(f"{dataset} {train_split}" + (f" (every {step})" if every else ""))
        vals.append(val)
        for split, test in zip(config["test_splits"], test_splits, strict=True):
            tests[f"{short}_{split.split('[')[0]}"] = test
    train, val = (
        Arrays(*map(np.concatenate, zip(*splits, strict=True))) for splits in (trains, vals)
    )
    train_ds = kw.data.pipeline(
        train, config["batch_size"], shuffle=True, augment="flip", masks=True, seed=seed
    )
    return train_ds, kw.data.pipeline(val, 256), tests, " + ".join(described)


"""
## Model

`kw.tasks.image_segmenter` builds rescale -> U-Net -> a per-pixel head from the heads
table, and compiles it with pixel accuracy, IoU and Dice. IoU (intersection over union) of
a class is the pixels both masks give it over the pixels either gives it; Dice is
`2 IoU / (1 + IoU)`, the F1 score of pixels. Its encoder arm is its backbone, so
`kw.tasks.fine_tune` trains the decoder and head with the encoder frozen
(`frozen_epochs`), then everything (`fine_tune_epochs`), and with `backup_dir` an
interrupted run resumes where it stopped.
"""


def train_segmenter(run, config):
    dataset = next(iter(config["datasets"].values()))[0]
    info = kw.data.dataset_info(dataset)  # the datasets share shape and classes
    train_ds, val_ds, tests, training_data = make_data(config, run.seed)
    keras.utils.set_random_seed(run.seed)
    model = kw.tasks.image_segmenter(
        info.input_shape, info.num_classes, class_names=("background", "foreground"),
        filters=config["filters"], backbone=config["backbone"], loss=config["loss"],
        seed=run.seed, name="cutouts_segmenter",
    )  # fmt: skip
    model.training_data = training_data
    frozen, tuned = config["frozen_epochs"], config["fine_tune_epochs"]
    steps = int(train_ds.cardinality())
    rate = lambda peak, epochs: kw.training.warmup_cosine(peak, max(epochs, 1) * steps)  # noqa: E731
    fit_options = run.fit_options("cutouts", resumable=False)
    history = kw.tasks.fine_tune(
        model, train_ds, validation_data=val_ds, head_epochs=frozen, fine_tune_epochs=tuned,
        learning_rate=rate(config["learning_rate"], frozen),
        fine_tune_learning_rate=rate(config["fine_tune_learning_rate"], tuned),
        # A pretrained encoder keeps ImageNet's batch statistics; one trained here learns its own.
        freeze_batch_norm=config["backbone"] is not None,
        callbacks=fit_options["callbacks"], verbose=fit_options["verbose"],
        backup_dir=run.output_dir / "cutouts_backup",  # an interrupted run resumes
    )  # fmt: skip
    return model, history, tests


"""
## Evaluate

On each test split, against the trivial baselines a segmenter must beat: every pixel
background, and every pixel foreground.
"""


def evaluate(model, test, output_dir, name):
    predicted = model.predict_masks(test.x, batch_size=256)
    # Test-time augmentation: each image also scored mirrored, the two averaged.
    flipped = model.predict_masks(test.x, batch_size=256, test_time_flip=True)
    kw.plots.plot_segmentation(
        test.x[:12], test.y[:12], predicted[:12], output_dir / f"cutouts_{name}_samples.png"
    )
    foreground = {
        key: float(np.nan_to_num(kw.metrics.class_iou(test.y, masks, 2)[1]))
        for key, masks in (
            ("model", predicted), ("flipped", flipped),
            ("background", np.zeros_like(test.y)), ("everything", np.ones_like(test.y)),
        )
    }  # fmt: skip
    iou = foreground["model"]
    return {
        "foreground_iou": round(iou, 4),
        "foreground_dice": round(2 * iou / (1 + iou), 4),
        "pixel_accuracy": round(float(np.mean(predicted == test.y)), 4),
        "flip_averaged_foreground_iou": round(foreground["flipped"], 4),
        "baseline_all_foreground_iou": round(foreground["everything"], 4),
        "baseline_all_background_iou": round(foreground["background"], 4),
    }


TEST_SPLITS = {
    "emoji_test": "test emoji, held-out 30% of the training photographs",
    "emoji_test_new_photos": "test emoji, 4 photographs training never saw",
    "clipart_test": "test clip-art, held-out 30% of the training photographs",
    "clipart_test_new_photos": "test clip-art, 4 photographs training never saw",
}


def main(argv=None):
    run = kw.harness.RecipeRun(argv, FULL, SMOKE, output_dir="runs/segmentation",
                               description="U-Net segmentation: emoji and clip-art on photographs",
                               strategy=False,
                               precision_family="conv")  # fmt: skip
    model, history, tests = train_segmenter(run, run.config)
    scores = {split: evaluate(model, test, run.output_dir, split) for split, test in tests.items()}
    kw.plots.plot_history(history, run.output_dir / "cutouts_curves.png", metrics=("loss", "iou"))
    model.save(run.output_dir / "cutouts_model.keras")
    results = run.write_results(
        "vision/segmentation", task=model,
        metrics={**scores, "train_seconds": round(run.seconds("cutouts"), 1)},
        tables={
            "emoji and clip-art cut-outs (foreground IoU and Dice)": [
                {"test images": TEST_SPLITS.get(split, split),
                 "U-Net IoU": s["foreground_iou"], "U-Net Dice": s["foreground_dice"],
                 "U-Net IoU, flip-averaged": s["flip_averaged_foreground_iou"],
                 "every pixel foreground IoU": s["baseline_all_foreground_iou"],
                 "every pixel background IoU": s["baseline_all_background_iou"]}
                for split, s in scores.items()
            ],
        },
        history=history,
    )  # fmt: skip
    print(
        "Foreground IoU (flip-averaged): "
        + ", ".join(
            f"{split} {s['foreground_iou']:.4f} ({s['flip_averaged_foreground_iou']:.4f})"
            for split, s in scores.items()
        )
        + f"; results in {run.output_dir}"
    )
    return results


if __name__ == "__main__":
    main()
