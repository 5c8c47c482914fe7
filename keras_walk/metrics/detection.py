"""Detection metrics: mean average precision as COCO computes it, by `pycocotools`.

For one class and one IoU threshold, detections are sorted by score; each is a true
positive if it overlaps a not-yet-matched true box of its class by at least the threshold
(IoU), else a false positive. Average precision (AP) is the area under the resulting
precision-recall curve (COCO samples it at 101 recall points, each taking the best
precision at that recall or above). mAP averages AP over the classes: **mAP@0.5** at IoU
0.5 (PASCAL VOC's measure), **mAP@0.5:0.95** over the thresholds 0.5, 0.55, ..., 0.95
(COCO's: it rewards tight boxes). `pycocotools` is the reference implementation, so it is
used as it is rather than rewritten.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

from keras_walk.arguments import positive_int

__all__ = ["mean_average_precision"]


def mean_average_precision(labels, detections, num_classes: int) -> dict:
    """COCO's mAP@0.5 and mAP@0.5:0.95 of `detections` against `labels`.

    Args:
        labels: `(n, max_objects, 5)` rows of `[x1, y1, x2, y2, class]` in pixels, padded
            with -1 (the labels of `keras_walk.data.composed.detection`).
        detections: one dict per image with `boxes` (`(k, 4)`, `[x1, y1, x2, y2]`),
            `scores` (`(k,)`) and `classes` (`(k,)`), as `ObjectDetector.detect` returns.
        num_classes: the number of classes.

    Returns:
        `{"map_50": ..., "map_50_95": ...}`.

    Examples:

        >>> labels = np.array([[[0, 0, 10, 10, 0], [20, 20, 30, 30, 0]]])
        >>> found = [{"boxes": np.array([[0, 0, 10, 10], [50, 50, 60, 60]]),
        ...           "scores": np.array([0.9, 0.8]), "classes": np.array([0, 0])}]
        >>> {k: round(v, 4) for k, v in mean_average_precision(labels, found, 1).items()}
        {'map_50': 0.505, 'map_50_95': 0.505}
    """
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    num_classes = positive_int("num_classes", num_classes)
    labels = np.asarray(labels)
    if len(labels) != len(detections):
        raise ValueError(
            f"Invalid detections: {len(detections)} for {len(labels)} labelled images. "
            "Expected one dict per image."
        )
    annotations = []
    for image, rows in enumerate(labels):
        for x1, y1, x2, y2, c in rows:
            if c >= 0:
                annotations.append({
                    "id": len(annotations) + 1, "image_id": image, "category_id": int(c) + 1,
                    "bbox": [float(x1), float(y1), float(x2 - x1), float(y2 - y1)],
                    "area": float((x2 - x1) * (y2 - y1)), "iscrowd": 0,
                })  # fmt: skip
    truth = COCO()
    truth.dataset = {
        "images": [{"id": i} for i in range(len(labels))],
        "categories": [{"id": c + 1} for c in range(num_classes)],  # COCO ids start at 1
        "annotations": annotations,
    }
    found = [
        {
            "image_id": image, "category_id": int(c) + 1, "score": float(score),
            "bbox": [float(x1), float(y1), float(x2 - x1), float(y2 - y1)],
        }
        for image, result in enumerate(detections)
        for (x1, y1, x2, y2), score, c in zip(
            np.asarray(result["boxes"]).reshape(-1, 4), result["scores"], result["classes"],
            strict=True,
        )
    ]  # fmt: skip
    if not found:
        return {"map_50": 0.0, "map_50_95": 0.0}
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints its progress
        truth.createIndex()
        evaluation = COCOeval(truth, truth.loadRes(found), "bbox")
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return {
        "map_50": float(evaluation.stats[1]),
        "map_50_95": float(evaluation.stats[0]),
    }
