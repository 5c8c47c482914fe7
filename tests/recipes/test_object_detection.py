import keras

from tests.helpers.scripts import smoke_run


def test_smoke_run_detects_and_writes_everything(tmp_path):
    on_disk = smoke_run("recipes/vision/object_detection.py", tmp_path)
    loss = on_disk["history"]["loss"]
    assert len(loss) == 2 and loss[-1] < loss[0]
    metrics = on_disk["metrics"]
    decodings = ("agnostic_nms", "per_class_nms", "per_class_nms_top3", "no_nms")
    for decoding in decodings:
        assert 0 <= metrics[decoding]["map_50_95"] <= metrics[decoding]["map_50"] <= 1
    # NMS only ever removes boxes, and across classes it removes more than within one.
    boxes = [metrics[decoding]["boxes_per_image"] for decoding in decodings[:2] + ("no_nms",)]
    assert boxes == sorted(boxes), boxes
    assert len(on_disk["tables"]["held-out test scenes (COCO mAP by pycocotools)"]) == 4
    for name in ("training_curves.png", "sample_detections.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.head == "detection" and model.output_shape == (None, 12, 12, 15)
