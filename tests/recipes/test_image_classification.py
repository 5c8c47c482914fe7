import keras
import numpy as np

from tests.helpers.scripts import smoke_run


def test_smoke_run_learns_and_writes_everything(tmp_path):
    on_disk = smoke_run("recipes/vision/image_classification.py", tmp_path)
    loss = on_disk["history"]["loss"]
    assert len(loss) == 3 and loss[-1] < loss[0]  # the loss falls
    assert on_disk["metrics"]["test_accuracy"] > 0.3  # chance is 0.1; 3 short epochs
    assert on_disk["config"]["epochs"] == 3 and on_disk["smoke"] is True
    assert on_disk["machine"]["cpu_count"] >= 1
    for name in ("training_curves.png", "confusion_matrix.png", "sample_predictions.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"

    # The saved model reloads and agrees with the reported accuracy.
    model = keras.models.load_model(tmp_path / "model.keras")
    import keras_walk as kw

    test = kw.data.load("fashion_mnist", splits="test[:1000]")
    predicted = model.predict(test.x, verbose=0).argmax(-1)
    assert np.isclose(np.mean(predicted == test.y), on_disk["metrics"]["test_accuracy"])
