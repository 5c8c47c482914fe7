import json

import keras
import numpy as np
import pytest

import keras_walk as kw


class StopAfter(keras.callbacks.Callback):
    """Simulates an interruption: raises once `epoch` has finished."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def _model():
    return kw.tasks.image_classifier(
        (8, 8, 1), 10, backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (8,), 1), seed=0
    )


def test_interrupted_run_resumes_from_last_epoch(tmp_path):
    train = kw.data.load("digits", splits="train[:256]")
    data = kw.data.pipeline(train, 64)
    fit = {"validation_data": kw.data.pipeline(kw.data.load("digits", splits="test"), 256)}
    model = _model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(data, **fit, epochs=5, verbose=0,
                  callbacks=[*kw.training.default_callbacks(tmp_path), StopAfter(1)])  # fmt: skip
    interrupted = model.history
    assert (tmp_path / "backup").exists()
    weights_at_interrupt = [w.copy() for w in model.get_weights()]

    resumed = _model()  # a fresh process would build a fresh model
    history = resumed.fit(data, **fit, epochs=5, verbose=0,
                          callbacks=kw.training.default_callbacks(tmp_path))  # fmt: skip
    assert int(resumed.optimizer.iterations) == 5 * 4  # epochs 0 and 1 not trained again
    assert history.epoch == [0, 1, 2, 3, 4]  # the whole training's history, restored...
    assert len(history.history["val_loss"]) == 5
    assert history.history["loss"][0] == interrupted.history["loss"][0]  # ...from the backup
    assert not (tmp_path / "backup").exists()  # removed once training completed
    rows = (tmp_path / "history.csv").read_text().strip().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["0", "1", "2", "3", "4"]
    assert (tmp_path / "best.keras").exists()
    assert any(
        not np.allclose(a, b)
        for a, b in zip(weights_at_interrupt, resumed.get_weights(), strict=True)
    )


def test_early_stopping_and_tensorboard(tmp_path):
    names = [type(c).__name__ for c in kw.training.default_callbacks(
        tmp_path, early_stopping_patience=2, tensorboard=True, backup=False)]  # fmt: skip
    assert names == ["AtomicModelCheckpoint", "CSVLogger", "EarlyStopping", "TensorBoard"]


def test_write_results(tmp_path):
    results = kw.harness.write_results(
        tmp_path / "r" / "results.json", metrics={"acc": np.float32(0.25)},
        config={"shape": (2, 3), "path": tmp_path}, history={"loss": [np.float64(1.0)]},
    )  # fmt: skip
    on_disk = json.loads((tmp_path / "r" / "results.json").read_text())
    assert on_disk == results
    assert on_disk["metrics"] == {"acc": 0.25} and on_disk["config"]["shape"] == [2, 3]
    assert on_disk["machine"]["cpu_count"] >= 1 and on_disk["machine"]["tensorflow"]
    assert on_disk["process_seconds"] > 0


def test_plots_are_written(tmp_path):
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8],
               "val_accuracy": [0.4, 0.7]}  # fmt: skip
    kw.plots.plot_history(history, tmp_path / "curves.png")
    counts = kw.plots.plot_confusion_matrix(
        [0, 1, 2, 2], [0, 2, 2, 2], ["a", "b", "c"], tmp_path / "cm.png"
    )
    assert counts.tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 2]]
    images = np.zeros((4, 8, 8, 1), "uint8")
    kw.plots.plot_image_predictions(images, [0, 1, 2, 2], [0, 2, 2, 2], ["a", "b", "c"],
                                       tmp_path / "grid.png")  # fmt: skip
    for name in ("curves.png", "cm.png", "grid.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_second_process_cannot_train_into_a_running_output_dir(tmp_path):
    import subprocess
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from keras_walk.training.callbacks import lock_output_dir; "
         f"lock_output_dir({str(tmp_path)!r}); print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(kw.training.OutputDirInUseError, match=f"pid {holder.pid}"):
            kw.training.default_callbacks(tmp_path)
    finally:
        holder.kill()
        holder.wait()
    # The operating system dropped the killed run's lock: the next run goes ahead.
    assert len(kw.training.default_callbacks(tmp_path)) == 3
    kw.training.default_callbacks(tmp_path)  # the same process may ask again


def test_process_seconds_counts_from_the_start_of_the_command():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c",
         "import time; time.sleep(1.5); "
         "from keras_walk.harness.results import process_seconds; print(process_seconds())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    # The sleep before the import counts. The upper bound only catches a clock read from
    # elsewhere (boot, the epoch): the command takes about 10 s here (AMD EPYC, 2026-12-07).
    assert 1.5 <= float(done.stdout.split()[-1]) < 120
