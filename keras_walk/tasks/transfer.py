"""Transfer learning: reuse what a trained Task's backbone learned on a new, small task.

The recipe keras-io and fastai teach, in two calls:

1. `transfer(pretrained, num_classes)`: a new image classifier whose backbone is a copy of
   the pretrained Task's (weights included) and whose head is new;
2. `fine_tune(task, x, y)`: **feature transfer** first (the backbone frozen, only the new
   head learns, so its random start cannot wreck the pretrained features), then
   **fine-tuning** (the backbone unfrozen, all of it or its top layers, at a learning
   rate ten times lower). Batch normalization layers stay frozen throughout: they keep the
   statistics they learned on the large set instead of re-estimating them from a few
   small batches (the advice of the Keras transfer-learning guide).

A Task's backbone is the one nested `keras.Model` with weights inside it: the convnet of
`image_classifier`, the body of `object_detector`, the encoder arm of `image_segmenter`
(whose decoder then learns with the head while the encoder is frozen, as segmentation
libraries train on ImageNet encoders). `backbone_of` finds it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import keras
import numpy as np

from keras_walk import heads
from keras_walk.arguments import is_model, non_negative_int
from keras_walk.tasks.backbones import backbone_of, unfrozen_layers
from keras_walk.tasks.building import CLASSIFIER_DEFAULT, builder
from keras_walk.tasks.image_classifier import image_classifier
from keras_walk.tasks.supervised import SupervisedTask
from keras_walk.training.backup import BackupAndRestore

__all__ = ["backbone_of", "fine_tune", "linear_probe", "transfer"]


@builder(
    default_head=CLASSIFIER_DEFAULT, heads=heads.CLASSIFIER_HEADS,
    encoders=("a trained Task's backbone",), compiles=False,
)  # fmt: skip
def transfer(
    pretrained: keras.Model,
    num_classes: int,
    *,
    input_shape: tuple[int, int, int] | None = None,
    name: str = "transferred_classifier",
    **classifier_options,
) -> SupervisedTask:
    """A new image classifier on a copy of `pretrained`'s backbone and its weights.

    Args:
        pretrained: a trained model with a backbone (see `backbone_of`); it is not changed.
        num_classes: the new task's classes.
        input_shape: the new images' `(height, width, channels)`, by default the
            backbone's. Other sizes are resized to the backbone's inside the model; the
            channels must match.
        name: the new model's name.
        **classifier_options: passed to `image_classifier` (`head`, `class_names`,
            `augment`, `dropout`, `learning_rate`, `strategy`, `seed`...). `rescale`
            defaults to the pretrained model's own (its layer named `"rescale"`), so
            pixels are scaled as the backbone learned them.

    Returns:
        A compiled `Task` whose backbone starts from the pretrained weights.

    Examples:

        >>> import keras_walk as kw
        >>> source = kw.tasks.image_classifier((28, 28, 1), 10)
        >>> target = transfer(source, 3, input_shape=(8, 8, 1))
        >>> target.output_shape, backbone_of(target).input_shape
        ((None, 3), (None, 28, 28, 1))
    """
    source = backbone_of(is_model("pretrained", pretrained))
    backbone = keras.models.clone_model(source)
    backbone.set_weights(source.get_weights())
    backbone_shape = tuple(source.input_shape[1:])
    input_shape = tuple(input_shape or backbone_shape)
    if len(input_shape) != 3 or input_shape[-1] != backbone_shape[-1]:
        raise ValueError(
            f"Invalid value for argument `input_shape`: the pretrained backbone takes "
            f"{backbone_shape} images, so the new images need (height, width, "
            f"{backbone_shape[-1]}). Received: input_shape={input_shape}"
        )
    if "rescale" not in classifier_options:
        rescaling = [layer for layer in pretrained.layers if layer.name == "rescale"]
        classifier_options["rescale"] = rescaling[0].scale if rescaling else None
    resize_to = None if input_shape[:2] == backbone_shape[:2] else backbone_shape[:2]
    return image_classifier(
        input_shape, num_classes, backbone=backbone, resize_to=resize_to, name=name,
        **classifier_options,
    )  # fmt: skip


def linear_probe(
    task: SupervisedTask, x, y, *, regularization=(0.01, 0.1, 1.0, 10.0), folds: int = 3
):
    """Fits a classifier's head on its frozen features as a logistic regression: the
    linear probe of LP-FT (Kumar et al. 2022), solved to convergence instead of trained by
    a few epochs of `fit`. Returns the inverse regularization strength chosen.

    The features are what the head reads, the pooled backbone output, in inference mode (no
    augmentation, no dropout); scikit-learn's `LogisticRegressionCV` picks the L2 strength by
    cross-validated accuracy on `(x, y)` alone, and its weights become the head's `Dense`
    kernel and bias, so `task` then predicts exactly what the regression does. Fine-tune from there
    with `fine_tune(task, x, y, head_epochs=0, ...)`, but choose the strength by where
    fine-tuning ends, not by the probe: on the SimCLR recipe's encoder the cross-validated
    C = 10 (probe 0.845) fine-tuned to 0.860, a fixed `regularization=(0.1,)` (probe 0.805)
    to 0.880 (see the recipe page). Why not `fit`: a head trained with a large constant
    rate, dropout and augmented images ends noisier than the regression's optimum; on the
    ImageNet transfer recipe's emoji it scored 0.66 where this scores 0.74.

    Args:
        task: an `image_classifier`-style Task with a `multiclass` head (softmax over
            integer labels) in a `Dense` layer named `"head"`: the features are what that
            layer reads (pooled by the classifier, or already pooled by its backbone, as
            in `ContrastivePretrainer.to_classifier`).
        x: training images (arrays), `y`: their integer labels.
        regularization: the inverse L2 strengths (scikit-learn's `C`) to choose from.
        folds: cross-validation folds.

    Examples:

        >>> import keras_walk as kw
        >>> x = np.random.default_rng(0).integers(0, 256, (60, 8, 8, 1)).astype("uint8")
        >>> y = (x.mean(axis=(1, 2, 3)) > 127).astype(int) + 2 * (x[:, 0, 0, 0] > 127)
        >>> task = kw.tasks.image_classifier((8, 8, 1), 4, head="multiclass", seed=0)
        >>> linear_probe(task, x, y) in (0.01, 0.1, 1.0, 10.0)
        True
    """
    from sklearn.linear_model import LogisticRegressionCV

    if task.head != "multiclass":
        raise ValueError(
            "Invalid value for argument `task`: linear_probe fits a softmax head over "
            f"integer labels ('multiclass'). Received a Task with head={task.head!r}"
        )
    x, y = np.asarray(x), np.asarray(y)
    classes = np.unique(y)
    if len(classes) != task.num_classes or not np.array_equal(classes, np.arange(len(classes))):
        raise ValueError(
            f"Invalid labels for linear_probe: every class 0..{task.num_classes - 1} needs at "
            f"least one example, and no other label. Received labels {classes.tolist()}"
        )
    # The head's own input, read in inference mode (dropout before the head is then the
    # identity): the same features whatever the backbone ends with.
    head = task.get_layer("head")
    features = keras.Model(task.inputs, head.input).predict(x, batch_size=256, verbose=0)
    # scikit-learn 1.9 asks for its coming defaults (C_ a float, a pure L2 penalty named by
    # l1_ratios=(0,)); older versions have neither argument.
    layout = (
        {"use_legacy_attributes": False, "l1_ratios": (0.0,)}
        if "use_legacy_attributes" in LogisticRegressionCV().get_params() else {}
    )  # fmt: skip
    regression = LogisticRegressionCV(
        Cs=list(regularization), cv=min(folds, int(np.bincount(y).min())), max_iter=3000,
        scoring="accuracy", **layout,
    ).fit(features.astype("float64"), y)  # fmt: skip
    kernel, bias = regression.coef_.T, regression.intercept_
    if len(classes) == 2:  # one column for class 1: softmax over (0, w.x + b) is its sigmoid
        kernel = np.concatenate([np.zeros_like(kernel), kernel], axis=1)
        bias = np.concatenate([np.zeros_like(bias), bias])
    head.set_weights([kernel.astype("float32"), bias.astype("float32")])
    return float(np.ravel(regression.C_)[0])


def fine_tune(
    task: SupervisedTask,
    x,
    y=None,
    *,
    head_epochs: int = 5,
    fine_tune_epochs: int = 5,
    learning_rate: float = 1e-3,
    fine_tune_learning_rate: float | None = None,
    unfreeze: int | None = None,
    freeze_batch_norm: bool = True,
    callbacks=(),
    backup_dir=None,
    **fit_options,
) -> dict:
    """Feature transfer, then fine-tuning, as one call (see the module's docstring):
    `task.freeze_backbone()`, `fit`, `task.unfreeze_backbone()`, `fit`, each phase with a
    `BackupAndRestore` when `backup_dir` is given.

    Args:
        task: a compiled Task with a backbone, e.g. from `transfer`.
        x: the training inputs, as `fit` takes them (arrays or a `tf.data.Dataset`).
        y: their labels (`None` with a dataset).
        head_epochs: epochs with the backbone frozen (0 skips the phase).
        fine_tune_epochs: epochs with it unfrozen (0: feature transfer only).
        learning_rate: the first phase's: a float or a Keras schedule.
        fine_tune_learning_rate: the second phase's; `learning_rate / 10` by default
            (give it explicitly when `learning_rate` is a schedule).
        unfreeze: `None` unfreezes the whole backbone; an integer only its last that many
            layers with weights.
        freeze_batch_norm: keep batch normalization in inference mode with the source's
            statistics while fine-tuning (the usual advice for a target like the source);
            `False` lets it re-estimate them from the target's batches, which helps when
            the target's images look different (another kind of picture, another scale).
        callbacks: callbacks for both phases, or a callable `phase -> callbacks` (phases
            `"head"` and `"fine_tune"`), e.g. to give each its own log.
        backup_dir: a folder that makes the call resumable: each phase backs up every
            epoch, and a finished first phase is not run again.
        **fit_options: passed to `fit` (`batch_size`, `validation_data`, `verbose`...).

    Returns:
        The two phases' history, as one dict of per-epoch lists (`fit(...).history`), with
        `"phase"` saying which phase each epoch belongs to.

    Raises:
        ValueError: for a Task without a backbone, negative epochs, learning rates that
            are not positive or `unfreeze` outside 1..the backbone's layers with weights,
            before any training.

    Examples:

        >>> import numpy as np, keras_walk as kw
        >>> source = kw.tasks.image_classifier((16, 16, 1), 10)
        >>> task = kw.tasks.transfer(source, 2)
        >>> x, y = np.zeros((8, 16, 16, 1), "uint8"), np.array([0, 1] * 4)
        >>> history = kw.tasks.fine_tune(task, x, y, head_epochs=1, fine_tune_epochs=1, verbose=0)
        >>> history["phase"]
        ['head', 'fine_tune']
    """
    for argument, value in (("head_epochs", head_epochs), ("fine_tune_epochs", fine_tune_epochs)):
        non_negative_int(argument, value)
    fine_tune_learning_rate = _fine_tune_rate(
        learning_rate, fine_tune_learning_rate, fine_tune_epochs
    )
    unfreeze = unfrozen_layers(backbone_of(task), unfreeze, "unfreeze")  # before any training
    phase_callbacks = callbacks if callable(callbacks) else (lambda _phase: list(callbacks))
    history: dict[str, list] = {}
    fit = (task, x, y, phase_callbacks, backup_dir, fit_options)
    if head_epochs:
        task.freeze_backbone(learning_rate=learning_rate)
        _run_phase(*fit, "head", (0, head_epochs), history)
    if fine_tune_epochs:
        task.unfreeze_backbone(
            unfreeze, learning_rate=fine_tune_learning_rate, freeze_batch_norm=freeze_batch_norm
        )
        _run_phase(*fit, "fine_tune", (head_epochs, head_epochs + fine_tune_epochs), history)
    if backup_dir is not None:
        shutil.rmtree(backup_dir, ignore_errors=True)
    return history


def _run_phase(task, x, y, phase_callbacks, backup_dir, fit_options, phase, epochs, history):
    """Fits one phase over `epochs` (first, last) and adds its history, epoch by epoch, to
    `history`, with `"phase"` naming it."""
    extra = list(phase_callbacks(phase))
    if backup_dir is not None:  # first, so an epoch is backed up before anything stops
        extra.insert(0, _phase_backup(Path(backup_dir) / phase, keep=phase == "head"))
    phase_history = task.fit(
        x, y, epochs=epochs[1], initial_epoch=epochs[0], callbacks=extra, **fit_options
    ).history
    for key, values in phase_history.items():
        history.setdefault(key, []).extend(values)
    epochs_run = len(next(iter(phase_history.values()), []))
    history.setdefault("phase", []).extend([phase] * epochs_run)


def _fine_tune_rate(learning_rate, fine_tune_learning_rate, fine_tune_epochs):
    """The fine-tuning phase's rate: as given, else a tenth of the head's (both checked)."""
    schedule = keras.optimizers.schedules.LearningRateSchedule
    if fine_tune_learning_rate is None:
        if not isinstance(learning_rate, schedule):
            fine_tune_learning_rate = learning_rate / 10
        elif fine_tune_epochs:
            raise ValueError(
                "Invalid value for argument `fine_tune_learning_rate`: with a schedule as "
                "`learning_rate`, give the fine-tuning phase its own rate (a float or a "
                "schedule over its steps). Received: fine_tune_learning_rate=None"
            )
        else:
            fine_tune_learning_rate = learning_rate  # no fine-tuning phase to use it
    for argument, value in (
        ("learning_rate", learning_rate), ("fine_tune_learning_rate", fine_tune_learning_rate)
    ):  # fmt: skip
        if not isinstance(value, schedule) and not value > 0:
            raise ValueError(
                f"Invalid value for argument `{argument}`. Expected a positive float. "
                f"Received: {argument}={value}"
            )
    return fine_tune_learning_rate


def _phase_backup(folder: Path, keep: bool):
    """The BackupAndRestore of one phase. The head phase keeps its last backup when it
    finishes: a call run again after an interruption restores it, and its `fit` then has no
    epoch left to run, so the finished phase is not trained twice."""
    return BackupAndRestore(folder, delete_on_finish=not keep)
