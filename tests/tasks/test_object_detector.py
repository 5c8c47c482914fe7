"""The grid detector (keras_walk/tasks/object_detector.py), its loss and COCO mAP, on
composed Fashion-MNIST detection scenes."""

import contextlib

import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data.composed.detection import split_labels
from keras_walk.heads import LabelError
from keras_walk.losses import DetectionLoss, grid_targets
from keras_walk.metrics import mean_average_precision


@pytest.fixture(scope="module")
def trained():
    train, test = kw.data.load("fashion_detection", splits=("train[:2000]", "test[:300]"))
    keras.utils.set_random_seed(0)
    model = kw.tasks.object_detector((96, 96, 1), 10, filters=(16, 32, 64, 64), learning_rate=3e-3)
    history = model.fit(train.x, train.y, batch_size=64, epochs=3, verbose=0).history
    return model, history, test


@pytest.mark.slow
def test_finds_clothes_in_scenes_it_never_saw(trained):
    model, history, test = trained
    assert history["loss"][-1] < 0.6 * history["loss"][0], history["loss"]
    found = model.detect(test.x)
    scores = mean_average_precision(test.y, found, 10)
    assert scores["map_50"] > 0.3, scores  # a detector that finds nothing scores 0
    assert scores["map_50_95"] < scores["map_50"]
    first = found[0]
    assert first["boxes"].shape == (len(first["scores"]), 4)
    assert (np.diff(first["scores"]) <= 1e-6).all()  # most confident first
    # Without NMS, the overlapping duplicates NMS removes are still there.
    raw = model.detect(test.x, nms=False)
    assert sum(len(r["scores"]) for r in raw) > sum(len(r["scores"]) for r in found)


def test_round_trip_keeps_loss_and_detections(trained, tmp_path):
    model, _, test = trained
    model.save(tmp_path / "detector.keras")
    reloaded = keras.models.load_model(tmp_path / "detector.keras")
    assert type(reloaded) is kw.tasks.ObjectDetector
    assert isinstance(reloaded.loss, DetectionLoss) and reloaded.loss.image_size == (96, 96)
    before, after = model.detect(test.x[:20]), reloaded.detect(test.x[:20])
    for a, b in zip(before, after, strict=True):
        np.testing.assert_allclose(a["boxes"], b["boxes"], atol=1e-3)
        np.testing.assert_array_equal(a["classes"], b["classes"])
    steps = int(reloaded.optimizer.iterations)
    reloaded.fit(test.x[:64], test.y[:64], batch_size=32, epochs=1, verbose=0)
    assert int(reloaded.optimizer.iterations) == steps + 2


@contextlib.contextmanager
def _case(name):
    try:
        yield
    except BaseException as error:
        error.add_note(f"case: {name}")
        raise


def test_bad_labels_and_thresholds_fail_before_a_step():
    x = np.zeros((2, 32, 32, 1), "uint8")
    model = kw.tasks.object_detector((32, 32, 1), 3, filters=(8, 16, 16))
    good = np.full((2, 2, 5), -1.0)
    good[:, 0] = [2, 2, 10, 12, 1]
    cases = {
        "x2 < x1": ([10, 2, 2, 12, 1], "x1 < x2 and y1 < y2"),
        "outside": ([20, 2, 40, 12, 1], "outside the 32x32 image"),
        "class": ([2, 2, 10, 12, 3], r"classes must be integers in \[0, 3\)"),
        "half padding": ([2, 2, 10, 12, -1], "neither a box nor padding"),
    }
    for name, (row, message) in cases.items():
        labels = good.copy()
        labels[1, 1] = row
        with _case(name), pytest.raises(LabelError, match=message):
            model.fit(x, labels, verbose=0)
    with pytest.raises(LabelError, match=r"\(n, max_objects, 5\)"):
        model.fit(x, np.zeros((2, 4)), verbose=0)
    assert int(model.optimizer.iterations) == 0
    for argument in ("score_threshold", "iou_threshold"):
        with pytest.raises(ValueError, match=f"`{argument}`. Expected a float in \\[0, 1\\]"):
            model.detect(x, **{argument: 1.5})
    for value in (0, 4, 1.5):
        with pytest.raises(ValueError, match="`classes_per_box`. Expected an integer from 1 to"):
            model.detect(x, classes_per_box=value)
    with pytest.raises(
        ValueError,
        match=r"argument `input_shape`. Expected \(height, width, channels\).*Received: input_shape=\(30, 30\)",
    ):
        kw.tasks.object_detector((30, 30), 3, filters=(8, 16, 16))


def test_grid_targets_put_each_box_in_the_cell_of_its_centre():
    labels = np.array([[[0, 0, 16, 8, 2], [16, 16, 32, 32, 0], [-1, -1, -1, -1, -1]]], "float32")
    targets = np.asarray(grid_targets(labels, (4, 4), (32, 32)))  # 8x8-pixel cells
    assert targets[..., 0].sum() == 2
    # Box 1: centre (8, 4) -> cell (row 0, column 1), offset (0, 0.5), size (0.5, 0.25).
    np.testing.assert_allclose(targets[0, 0, 1], [1, 0, 0.5, 0.5, 0.25, 2])
    # Box 2: centre (24, 24) -> cell (3, 3), offset (0, 0), size (0.5, 0.5), class 0.
    np.testing.assert_allclose(targets[0, 3, 3], [1, 0, 0, 0.5, 0.5, 0])


def test_map_matches_hand_computed_cases():
    labels = np.array([[[0, 0, 10, 10, 0], [20, 20, 30, 30, 1]], [[5, 5, 9, 9, 1], [-1] * 5]])
    boxes, classes = split_labels(labels)
    perfect = [
        {"boxes": b[c >= 0], "scores": np.ones((c >= 0).sum()), "classes": c[c >= 0]}
        for b, c in zip(boxes, classes, strict=True)
    ]
    assert mean_average_precision(labels, perfect, 2) == {"map_50": 1.0, "map_50_95": 1.0}
    # Class 0 found exactly; class 1: one of its two boxes found, below a false positive
    # of higher score -> precision 1/2 at recall 1/2, so AP = 51 of COCO's 101 recall
    # points at precision 0.5 = 0.2525; mAP = (1 + 0.2525) / 2.
    found = [
        {"boxes": np.array([[0, 0, 10, 10], [50, 50, 60, 60], [20, 20, 30, 30]]),
         "scores": np.array([0.9, 0.8, 0.7]), "classes": np.array([0, 1, 1])},
        {"boxes": np.zeros((0, 4)), "scores": np.zeros(0), "classes": np.zeros(0, int)},
    ]  # fmt: skip
    scores = mean_average_precision(labels, found, 2)
    assert scores["map_50"] == pytest.approx((1 + 51 * 0.5 / 101) / 2, abs=1e-6)
    with pytest.raises(ValueError, match="one dict per image"):
        mean_average_precision(labels, found[:1], 2)


def _grid(cells):
    """A 2x2 grid of 16x16-pixel cells on a 32x32 image, 3 classes: `cells` maps (row,
    column) to (objectness logit, class logits); every box is 16x16 centred in its cell
    (the box numbers are logits: 0 -> the cell's centre, half the image wide)."""
    grid = np.full((1, 2, 2, 8), -20.0, "float32")
    grid[..., 1:5] = 0.0
    for (row, column), (objectness, classes) in cells.items():
        grid[0, row, column, 0] = objectness
        grid[0, row, column, 5:] = classes
    return grid


def test_per_class_nms_keeps_overlapping_objects_of_different_classes():
    model = kw.tasks.object_detector((32, 32, 1), 3, filters=(8, 8))
    # Two cells side by side, class 0 and class 1, both put their box's centre on the
    # border between them (x = 16) and make it the image's size: the boxes coincide.
    grid = _grid({(0, 0): (5.0, [9, 0, 0]), (0, 1): (4.0, [0, 9, 0])})
    grid[0, 0, :, 3:5] = 20.0
    grid[0, 0, 0, 1], grid[0, 0, 1, 1] = 20.0, -20.0
    agnostic = model.decode_predictions(grid, 0.1, per_class=False)[0]
    per_class = model.decode_predictions(grid, 0.1)[0]
    assert list(agnostic["classes"]) == [0]  # the class-1 object was suppressed
    assert list(per_class["classes"]) == [0, 1]
    np.testing.assert_allclose(per_class["boxes"][1], agnostic["boxes"][0], atol=1e-3)
    # Centred at y = 8 with the image's height, the box would reach y = -8: it is cut at
    # the image's top edge.
    np.testing.assert_allclose(per_class["boxes"], [[0, 0, 32, 24]] * 2, atol=1e-3)
    boxes, _ = model.decode_grid(np.full((1, 2, 2, 8), 20.0, "float32"))  # all image-sized
    assert boxes.min() == 0.0 and boxes.max() == 32.0


def test_classes_per_box_adds_second_guesses_at_their_own_score():
    model = kw.tasks.object_detector((32, 32, 1), 3, filters=(8, 8))
    grid = _grid({(1, 1): (20.0, np.log([0.6, 0.3, 0.1]))})
    one = model.decode_predictions(grid, 0.05)[0]
    two = model.decode_predictions(grid, 0.05, classes_per_box=2)[0]
    assert list(one["classes"]) == [0] and list(two["classes"]) == [0, 1]
    np.testing.assert_allclose(two["scores"], [0.6, 0.3], atol=1e-4)
    np.testing.assert_allclose(two["boxes"][0], two["boxes"][1])
    np.testing.assert_allclose(two["boxes"][0], [16, 16, 32, 32], atol=1e-3)
    no_nms = model.decode_predictions(grid, 0.05, nms=False, classes_per_box=3)[0]
    np.testing.assert_allclose(no_nms["scores"], [0.6, 0.3, 0.1], atol=1e-4)


def test_sides_that_are_not_whole_cells_are_padded_and_boxes_keep_their_place(tmp_path):
    # One bright square per image, some touching the right and bottom edges: 30x45 images,
    # 4-pixel cells, so the grid covers 32x48 and its last cells reach past the image.
    rng = np.random.default_rng(0)
    images = np.zeros((384, 30, 45, 1), "uint8")
    labels = np.full((384, 1, 5), -1.0, "float32")
    for i in range(len(images)):
        size = int(rng.integers(6, 11))
        x1, y1 = int(rng.integers(0, 46 - size)), int(rng.integers(0, 31 - size))
        images[i, y1 : y1 + size, x1 : x1 + size] = 255
        labels[i, 0] = [x1, y1, x1 + size, y1 + size, i % 2]
        images[i] = images[i] // (1 + i % 2)  # class 1 is dimmer
    keras.utils.set_random_seed(0)
    model = kw.tasks.object_detector((30, 45, 1), 2, filters=(16, 16, 32), learning_rate=5e-3)
    assert model.grid_image_size == (32, 48) and model.output_shape == (None, 8, 12, 7)
    model.fit(images[:320], labels[:320], batch_size=32, epochs=15, verbose=0)
    found = model.detect(images[320:], score_threshold=0.05)
    boxes = np.concatenate([f["boxes"] for f in found])
    assert boxes.min() >= 0 and (boxes[:, 2] <= 45).all() and (boxes[:, 3] <= 30).all()
    scores = mean_average_precision(labels[320:], found, 2)
    assert scores["map_50"] > 0.8, scores
    # The objects that touch the right or bottom edge are found as well as the others.
    edge = (labels[320:, 0, 2] >= 44) | (labels[320:, 0, 3] >= 29)
    assert edge.sum() >= 5
    edge_scores = mean_average_precision(
        labels[320:][edge], [found[i] for i in np.flatnonzero(edge)], 2
    )
    assert edge_scores["map_50"] > 0.7, edge_scores
    model.save(tmp_path / "padded.keras")
    reloaded = keras.models.load_model(tmp_path / "padded.keras")
    assert reloaded.grid_image_size == (32, 48) and reloaded.loss.image_size == (32, 48)
    np.testing.assert_allclose(reloaded.detect(images[320:324])[0]["boxes"],
                               model.detect(images[320:324])[0]["boxes"], atol=1e-4)  # fmt: skip
