"""`object_detector`: a single-shot grid detector in the style of YOLO (Redmon et al. 2016).

A convnet turns the image into a grid of cells (a 96x96 image with three poolings: 12x12
cells of 8x8 pixels). Every cell predicts, in one pass, whether an object's centre lies in
it (objectness), where that object's box is (its centre within the cell, its width and
height as shares of the image) and its class. Detections are the cells whose objectness
times class probability passes a threshold; non-maximum suppression (NMS) then keeps, of
boxes that overlap by more than an IoU threshold, only the most confident.

Labels are `(n, max_objects, 5)` rows of `[x1, y1, x2, y2, class]` in pixels, padded with
rows of -1 (see `keras_walk.data.composed.detection`).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from keras_walk import heads
from keras_walk.arguments import positive_int, positive_shape
from keras_walk.data.composed.detection import check_boxes
from keras_walk.layers import conv_block
from keras_walk.layers.blocks import padded_image_inputs, padding_to_multiple
from keras_walk.losses import DetectionLoss
from keras_walk.metrics.detection import mean_average_precision
from keras_walk.tasks.backbones import basic_convnet
from keras_walk.tasks.building import builder
from keras_walk.tasks.supervised import SupervisedTask

__all__ = ["ObjectDetector", "object_detector"]


def _check_threshold(name: str, value) -> float:
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a float in [0, 1]. "
            f"Received: {name}={value}"
        )
    return float(value)


@keras.saving.register_keras_serializable(package="keras_walk")
class ObjectDetector(SupervisedTask):
    """A `SupervisedTask` whose answer is a list of boxes: build it with `object_detector`.

    Beyond `SupervisedTask`: `detect` (boxes, scores and classes per image, with or
    without NMS), labels checked (box coordinates, classes) before training,
    `predict_labels` returning the detections with class names, and `score` giving mAP.
    Its head is its own, `"detection"`: objectness, box and class per grid cell.
    """

    _heads = ("detection",)

    def _auto_loss_and_metrics(self) -> tuple:
        # The grid detector's loss for this image size, and no Keras metric: mAP needs
        # whole images' detections (`score`).
        return DetectionLoss(image_size=self.grid_image_size), []

    def score(self, x, y, *, batch_size: int | None = None, score_threshold: float = 0.05) -> dict:
        """COCO's mAP@0.5 and mAP@0.5:0.95 of `detect(x)` against the labelled boxes `y`
        (`keras_walk.metrics.mean_average_precision`), with a low `score_threshold` as
        mAP wants every candidate ranked."""
        y = np.asarray(y)
        self.check_labels(y)
        found = self.detect(x, score_threshold=score_threshold, batch_size=batch_size or 256)
        return mean_average_precision(y, found, self.num_classes)

    @property
    def grid_image_size(self) -> tuple[int, int]:
        """`(height, width)` the grid of cells covers: the image's own, padded at the bottom
        and right up to whole cells when its sides are not multiples of the cell size."""
        height, width = self.input_shape[1:3]
        try:
            (_, bottom), (_, right) = self.get_layer("pad_to_cells").padding
        except ValueError:  # no padding layer: the sides were whole cells
            bottom = right = 0
        return height + bottom, width + right

    def check_labels(self, y) -> None:
        """Raises `keras_walk.heads.LabelError` unless `y` holds `(n, max_objects, 5)` rows of
        `[x1, y1, x2, y2, class]` inside the image, classes in `[0, num_classes)` and
        padding rows of -1."""
        y = np.asarray(y)
        if y.ndim != 3 or y.shape[-1] != 5 or not np.issubdtype(y.dtype, np.number):
            raise heads.LabelError(
                f"Invalid labels for {self.name!r}: expected (n, max_objects, 5) rows of "
                f"[x1, y1, x2, y2, class], padded with -1. Received: shape {y.shape}, dtype "
                f"{y.dtype}"
            )
        classes = y[..., 4]
        padding = (y == -1).all(axis=-1)
        if not np.isfinite(y).all() or ((classes < 0) & ~padding).any():
            raise heads.LabelError(
                f"Invalid labels for {self.name!r}: NaN, or a row that is neither a box nor "
                "padding (a padding row is all -1)."
            )
        bad = classes[~padding]
        if len(bad) and (bad.max() >= self.num_classes or (bad != np.round(bad)).any()):
            raise heads.LabelError(
                f"Invalid labels for {self.name!r}: classes must be integers in [0, "
                f"{self.num_classes}). Received: values from {bad.min()} to {bad.max()}"
            )
        for image, boxes in enumerate(y[..., :4]):
            try:
                check_boxes(boxes, self.input_shape[1:3])
            except ValueError as error:
                raise heads.LabelError(f"{error} (image {image})") from None

    def detect(
        self, x, *, score_threshold: float = 0.25, iou_threshold: float = 0.5,
        max_detections: int = 20, nms: bool = True, per_class: bool = True,
        classes_per_box: int = 1, batch_size: int = 256,
    ) -> list[dict]:  # fmt: skip
        """The objects found in each image.

        Args:
            x: images, like `fit` takes them.
            score_threshold: keep boxes whose objectness x class probability reaches it.
            iou_threshold: NMS drops a box that overlaps a more confident one by more.
            max_detections: most boxes kept per image.
            nms: apply non-maximum suppression (`False` shows what it removes).
            per_class: NMS compares only boxes of the same class (as COCO detectors do), so
                overlapping objects of different classes both survive; `False` suppresses
                across classes.
            classes_per_box: each cell proposes its box once for each of its this many most
                probable classes, with that class's score. 1 answers "what is it?"; 2 or 3
                lets a second guess (Shirt after T-shirt) count when the first is wrong, at
                a lower score, which is how COCO-style evaluations score detectors.
            batch_size: images per prediction batch.

        Returns:
            One dict per image: `boxes` (`(k, 4)` float, `[x1, y1, x2, y2]` pixels, inside
            the image),
            `scores` (`(k,)`), `classes` (`(k,)` ints) and `names` (class names, or the
            class ids without `class_names`), most confident first.
        """
        _check_threshold("score_threshold", score_threshold)
        _check_threshold("iou_threshold", iou_threshold)
        self._check_classes_per_box(classes_per_box)
        grid = self.predict(x, batch_size=batch_size, verbose=0)
        return self.decode_predictions(
            grid, score_threshold, iou_threshold=iou_threshold, max_detections=max_detections,
            nms=nms, per_class=per_class, classes_per_box=classes_per_box,
        )  # fmt: skip

    def _check_classes_per_box(self, value) -> int:
        if int(value) != value or not 1 <= value <= self.num_classes:
            raise ValueError(
                f"Invalid value for argument `classes_per_box`. Expected an integer from 1 to "
                f"num_classes={self.num_classes}. Received: classes_per_box={value}"
            )
        return int(value)

    def decode_predictions(
        self, scores, threshold: float = 0.25, *, iou_threshold: float = 0.5,
        max_detections: int = 20, nms: bool = True, per_class: bool = True,
        classes_per_box: int = 1,
    ) -> list[dict]:  # fmt: skip
        """Raw grid outputs -> the detections of `detect` (what `predict_labels` returns)."""
        threshold = _check_threshold("score_threshold", threshold)
        iou_threshold = _check_threshold("iou_threshold", iou_threshold)
        top = self._check_classes_per_box(classes_per_box)
        boxes, class_scores = self.decode_grid(scores)
        # Candidates: each cell's box once per each of its `top` best classes.
        ranked = np.argsort(-class_scores, axis=-1)[..., :top]
        candidate_scores = np.take_along_axis(class_scores, ranked, -1).reshape(len(boxes), -1)
        candidate_classes = ranked.reshape(len(boxes), -1)
        candidate_boxes = np.repeat(boxes, top, axis=1)
        if nms:
            # keras-hub's layer (Keras's own box utilities have no NMS). It suppresses across
            # classes; for per-class NMS we shift each class's boxes to a canvas of its own,
            # so boxes of different classes never overlap (torchvision's batched_nms trick).
            from keras_hub.layers import NonMaxSuppression

            canvas = 2.0 * max(self.input_shape[1:3]) if per_class else 0.0
            shift = (candidate_classes * canvas)[..., None]
            one_class = np.eye(self.num_classes, dtype="float32")[candidate_classes]
            kept = NonMaxSuppression(
                bounding_box_format="xyxy", from_logits=False, iou_threshold=iou_threshold,
                confidence_threshold=threshold, max_detections=max_detections,
            )(candidate_boxes + shift, one_class * candidate_scores[..., None])  # fmt: skip
            found = []
            for i, k in enumerate(np.asarray(kept["num_detections"])):
                classes = np.asarray(kept["labels"][i][:k])
                boxes_kept = np.asarray(kept["boxes"][i][:k]) - classes[:, None] * canvas
                found.append((boxes_kept, np.asarray(kept["confidence"][i][:k]), classes))
        else:
            found = []
            for image_boxes, image_scores, image_classes in zip(
                candidate_boxes, candidate_scores, candidate_classes, strict=True
            ):
                order = np.argsort(-image_scores)[:max_detections]
                order = order[image_scores[order] >= threshold]
                found.append((image_boxes[order], image_scores[order], image_classes[order]))
        names = self.class_names or tuple(range(self.num_classes))
        return [
            {
                "boxes": np.asarray(b, "float32").reshape(-1, 4),
                "scores": np.asarray(s, "float32"),
                "classes": np.asarray(c, "int32"),
                "names": [names[int(k)] for k in c],
            }
            for b, s, c in found
        ]

    def decode_grid(self, grid):
        """The grid's raw outputs -> `(boxes, class_scores)`: `(n, cells, 4)` pixel boxes
        `[x1, y1, x2, y2]`, clipped to the image, and `(n, cells, num_classes)` objectness
        x class probability."""
        grid = np.asarray(grid, "float32")
        n, rows, columns, _ = grid.shape
        height, width = self.grid_image_size
        sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
        row, column = np.meshgrid(np.arange(rows), np.arange(columns), indexing="ij")
        centre_x = (column + sigmoid(grid[..., 1])) / columns * width
        centre_y = (row + sigmoid(grid[..., 2])) / rows * height
        box_width, box_height = sigmoid(grid[..., 3]) * width, sigmoid(grid[..., 4]) * height
        boxes = np.stack(
            [centre_x - box_width / 2, centre_y - box_height / 2,
             centre_x + box_width / 2, centre_y + box_height / 2], axis=-1,
        )  # fmt: skip
        # A box's centre is always inside its cell, but its sides may reach past the image:
        # no object is there, so they are cut at the edges (as YOLO's decoders do).
        image_height, image_width = self.input_shape[1:3]
        size = np.array([image_width, image_height, image_width, image_height], "float32")
        boxes = np.clip(boxes, 0.0, size)
        logits = grid[..., 5:] - grid[..., 5:].max(-1, keepdims=True)
        probabilities = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        scores = sigmoid(grid[..., :1]) * probabilities
        return boxes.reshape(n, -1, 4), scores.reshape(n, rows * columns, -1)


@builder(
    default_head="`detection`: objectness, box and class per grid cell",
    heads=("detection",),
    encoders=("basic_convnet",),
)
def object_detector(
    input_shape: tuple[int, int, int],
    num_classes: int,
    *,
    head: str = "detection",
    filters=(32, 64, 128, 128),
    class_names=None,
    rescale: float | None = 1.0 / 255,
    name: str = "object_detector",
) -> ObjectDetector:
    """A compiled single-shot grid detector: rescale -> convnet -> a grid of cells, each
    predicting objectness, a box and a class (see the module's docstring).

    Args:
        input_shape: `(height, width, channels)`. The grid's cells are
            `2 ** (len(filters) - 1)` pixels wide; sides that are not whole cells are
            zero-padded at the bottom and right inside the model (boxes keep their pixel
            coordinates, detections stay inside the image).
        num_classes: object classes (no background class: objectness says "nothing here").
        head: `"detection"`, the heads table's row for this output.
        filters: channels per convnet block; each block after the first halves the
            resolution, so the cells are `2 ** (len(filters) - 1)` pixels wide.
        class_names: names of the classes in label order.
        rescale: multiply pixels by this first (`None` to feed them as they are).
        name: the model's name.

    Returns:
        A compiled `ObjectDetector`.

    Examples:

        >>> model = object_detector((32, 32, 1), 3, filters=(8, 16, 16))
        >>> model.output_shape  # an 8x8 grid of cells, 5 + 3 numbers each
        (None, 8, 8, 8)
        >>> len(model.detect(np.zeros((2, 32, 32, 1), "uint8")))
        2
        >>> object_detector((30, 45, 1), 3, filters=(8, 16, 16)).grid_image_size  # padded
        (32, 48)
    """
    heads.check_head(head, ("detection",), what="object detection")
    num_classes = positive_int("num_classes", num_classes)
    input_shape = positive_shape("input_shape", input_shape, 3, "(height, width, channels)")
    cell = 2 ** (len(filters) - 1)
    # Zeros at the bottom and right up to whole cells: boxes keep their pixel coordinates,
    # and the last row and column of cells reach past the image.
    padding = padding_to_multiple(input_shape[:2], cell, at_end=True)
    inputs, x = padded_image_inputs(input_shape, rescale, padding, "pad_to_cells")
    body = basic_convnet(tuple(x.shape[1:]), filters, (1,) + (2,) * (len(filters) - 1))
    x = conv_block(body(x), filters[-1], 1, name="grid")
    # Per cell: objectness, 4 box numbers, class logits; float32 for a stable loss.
    outputs = layers.Dense(5 + num_classes, dtype="float32", name="head")(x)
    task = ObjectDetector(
        inputs, outputs, name=name, head=head, num_classes=num_classes,
        class_names=class_names, input_kind="images",
    )  # fmt: skip
    return task
