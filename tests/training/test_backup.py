"""`keras_walk.training.BackupAndRestore`: a backup is whole or absent, even when the
process is killed while writing it."""

import os
import signal
import subprocess
import sys

import keras
import numpy as np

import keras_walk as kw

# Trains 4 epochs with the backup; with SLOW_SAVE, the backup of epoch 2 writes its weights
# and then stalls inside `save` (before the folder is renamed), so that the test can kill
# the process right there.
SCRIPT = """
import os, sys, time
import keras, numpy as np
import keras_walk as kw

backup_dir, result = sys.argv[1], sys.argv[2]
if os.environ.get("SLOW_SAVE"):
    original = keras.Model.save_weights
    def save_weights(self, path, *args, **kwargs):
        original(self, path, *args, **kwargs)
        if ".partial-epoch-00002" in str(path):
            print("SAVING", flush=True)
            time.sleep(120)
    keras.Model.save_weights = save_weights
keras.utils.set_random_seed(0)
x = np.random.default_rng(0).integers(0, 256, (256, 8, 8, 1), "uint8")
y = np.arange(256) % 3
model = kw.tasks.image_classifier(
    (8, 8, 1), 3, backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (8,), 1), seed=0)
trained = []  # the epochs this process trains
count = keras.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: trained.append(epoch))
history = model.fit(x, y, batch_size=64, epochs=4, shuffle=False, verbose=0,
                    callbacks=[kw.training.BackupAndRestore(backup_dir), count])
np.save(result, np.array([trained[0], len(history.history["loss"]), *history.epoch,
                          int(model.optimizer.iterations)]))
"""


def test_a_kill_during_the_save_leaves_the_previous_backup_whole(tmp_path):
    script, backup, result = tmp_path / "train.py", tmp_path / "backup", tmp_path / "result.npy"
    script.write_text(SCRIPT)
    command = [sys.executable, str(script), str(backup), str(result)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "SLOW_SAVE": "1"},
    )  # fmt: skip
    assert process.stdout.readline().strip() == "SAVING"
    os.kill(process.pid, signal.SIGKILL)  # mid-save: the weights of epoch 2 are on disk
    process.wait()
    assert list(backup.glob(".partial-epoch-00002-*/model.weights.h5"))  # half a backup...
    assert kw.training.BackupAndRestore(backup).latest_epoch() == 1  # ...that is not used

    subprocess.run(command, check=True, capture_output=True)
    first_epoch, losses, *epochs, steps = np.load(result)
    assert first_epoch == 1  # resumed after the one whole backup (epoch 1 of 4 finished)
    assert steps == 4 * 4  # 4 epochs of 4 steps in all, none twice
    assert losses == 4 and epochs == [0, 1, 2, 3]  # the history of the whole training
    assert not backup.exists()  # removed once training completed


def test_backups_keep_the_newest_and_restore_the_optimizer(tmp_path):
    x = np.random.default_rng(0).random((64, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile("adam", "mse")
    callback = kw.training.BackupAndRestore(tmp_path / "b", delete_on_finish=False, keep=2)
    model.fit(x, x[:, :2], batch_size=16, epochs=3, verbose=0, callbacks=[callback])
    assert [epoch for epoch, _ in callback.backups()] == [2, 3]

    again = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    again.compile("adam", "mse")
    history = again.fit(x, x[:, :2], batch_size=16, epochs=4, verbose=0, callbacks=[callback])
    assert history.epoch == [0, 1, 2, 3] and len(history.history["loss"]) == 4  # 3 restored
    assert int(again.optimizer.iterations) == 4 * 4  # the optimizer's state came back too
