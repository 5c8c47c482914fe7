"""Detection data (keras_walk/data/detection.py): exact boxes, bounded overlap, box checks."""

import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data.composed.detection import (
    box_iou,
    check_boxes,
    compose_detection_scenes,
    split_labels,
)


def test_boxes_are_exactly_around_each_items_pixels():
    items = np.zeros((3, 28, 28), "uint8")
    items[0, 2:26, 10:18] = 255  # a tall bar
    items[1, 12:16, 0:28] = 255  # a wide bar
    items[2, 5:20, 5:20] = 255  # a square
    scenes, labels = compose_detection_scenes(items, np.array([1, 2, 3]), 50, seed=0)
    boxes, classes = split_labels(labels)
    assert scenes.shape == (50, 96, 96, 1) and labels.shape == (50, 5, 5)
    drawn = np.zeros(scenes.shape[:3], bool)
    for scene, (scene_boxes, scene_classes) in enumerate(zip(boxes, classes, strict=True)):
        present = scene_classes >= 0
        assert present.any() and (scene_classes[present] >= 1).all()
        assert (scene_classes[~present] == -1).all() and (scene_boxes[~present] == -1).all()
        check_boxes(scene_boxes, (96, 96))
        for x1, y1, x2, y2 in scene_boxes[present].astype(int):
            # Every box's edges touch the item: its first and last rows and columns are lit.
            inside = scenes[scene, y1:y2, x1:x2, 0] > 0
            assert inside[0].any() and inside[-1].any()
            assert inside[:, 0].any() and inside[:, -1].any()
            drawn[scene, y1:y2, x1:x2] = True
        pair_iou = box_iou(scene_boxes[present], scene_boxes[present])
        assert (pair_iou[~np.eye(present.sum(), dtype=bool)] <= 0.35 + 1e-9).all()
    assert not (scenes[..., 0] > 0)[~drawn].any()  # no lit pixel outside every box
    counts = (classes >= 0).sum(axis=1)
    assert counts.min() >= 1 and counts.max() == 5
    overlapping = [box_iou(b[c >= 0], b[c >= 0])[np.triu_indices((c >= 0).sum(), 1)].max(initial=0)
                   for b, c in zip(boxes, classes, strict=True)]  # fmt: skip
    assert np.mean(np.array(overlapping) > 0) > 0.1  # some items do overlap
    again, again_labels = compose_detection_scenes(items, np.array([1, 2, 3]), 50, seed=0)
    np.testing.assert_array_equal(scenes, again)
    np.testing.assert_array_equal(labels, again_labels)


def test_named_set_uses_each_split_of_fashion_mnist():
    train, test = kw.data.load("fashion_detection", splits=("train[:300]", "test[:300]"))
    info = kw.data.dataset_info("fashion_detection")
    assert train.x.shape[1:] == info.input_shape and test.y.shape[1:] == (5, 5)
    _, classes = split_labels(test.y)
    assert set(np.unique(classes)) <= set(range(-1, 10)) and len(np.unique(classes)) == 11


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ([5, 5, 3, 9], "x1 < x2 and y1 < y2"),
        ([5, 5, 9, 5], "x1 < x2 and y1 < y2"),
        ([-1, 0, 4, 4], "outside the 16x16 image"),
        ([0, 0, 17, 4], "outside the 16x16 image"),
    ],
)
def test_bad_boxes_are_refused_with_the_box_named(box, message):
    with pytest.raises(ValueError, match=message):
        check_boxes([[0, 0, 4, 4], box], (16, 16))
    check_boxes([[0, 0, 4, 4], [-1, -1, -1, -1]], (16, 16))  # padding rows are fine


def test_box_iou_matches_a_hand_computed_case():
    a = [[0, 0, 4, 4], [10, 10, 12, 12]]
    b = [[2, 2, 6, 6], [0, 0, 4, 4], [20, 20, 21, 21]]
    expected = [[4 / 28, 1, 0], [0, 0, 0]]
    np.testing.assert_allclose(box_iou(a, b), expected)


def test_pipeline_flips_boxes_with_their_images():
    items = np.zeros((1, 28, 28), "uint8")
    items[0, 4:24, 6:14] = 255
    scenes, labels = compose_detection_scenes(items, np.array([4]), 32, seed=3)
    ds = kw.data.pipeline((scenes, labels), 8, augment="flip", boxes=True, seed=0)
    flipped = 0
    for images, rows in ds:
        images, rows = np.asarray(images), np.asarray(rows)
        assert rows.dtype == labels.dtype and rows.shape[1:] == (5, 5)
        for image, image_rows in zip(images, rows, strict=True):
            present = image_rows[:, 4] >= 0
            assert (image_rows[~present] == -1).all()  # padding stays padding
            check_boxes(image_rows[:, :4], (96, 96))
            lit = np.zeros((96, 96), bool)
            for x1, y1, x2, y2, _ in image_rows[present].astype(int):
                lit[y1:y2, x1:x2] = True
            assert not (image[..., 0] > 0)[~lit].any()  # every lit pixel is in a box
    flipped = sum(
        not np.array_equal(np.asarray(x), scenes[i * 8 : (i + 1) * 8])
        for i, (x, _) in enumerate(ds)
    )
    assert flipped > 0
    for preset in ("light", "randaugment"):
        with pytest.raises(ValueError, match="boxes cannot follow"):
            kw.data.pipeline((scenes, labels), 8, augment=preset, boxes=True)
