import keras
import numpy as np

from tests.helpers.scripts import smoke_run


def test_smoke_run_scores_held_out_classes_and_writes_everything(tmp_path):
    results = smoke_run("recipes/generative/anomaly_detection.py", tmp_path)
    # Two epochs on 2,000 images already tell footwear from clothes far better than chance.
    assert results["metrics"]["roc_auc"] > 0.75 and results["baselines"]["pca"]["roc_auc"] > 0.75
    assert results["metrics"]["anomaly_mean_error"] > results["metrics"]["normal_mean_error"]
    assert set(results["metrics"]) >= {"roc_auc_Sandal", "roc_auc_Sneaker", "roc_auc_Ankle boot"}
    assert results["data"]["test_images"] == 10_000 and results["data"]["test_anomalies"] == 3_000
    loss = results["history"]["loss"]
    assert loss[-1] < loss[0]
    for plot in ("anomaly_scores.png", "reconstructions.png", "training_curves.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.anomaly_scores(np.zeros((2, 28, 28, 1), "uint8")).shape == (2,)
