import tempfile
from pathlib import Path

import keras_walk as kw

train, val = kw.data.load("digits", splits=("train[:85%]", "train[85%:]"))
train_ds = kw.data.pipeline(train, batch_size=64, shuffle=True)
val_ds = kw.data.pipeline(val, batch_size=256)
run_dir = tempfile.mkdtemp()

model = kw.tasks.image_classifier((8, 8, 1), 10)
callbacks = kw.training.default_callbacks(run_dir, monitor="val_accuracy")
history = model.fit(train_ds, validation_data=val_ds, epochs=3, callbacks=callbacks, verbose=0)
print("epochs run:", history.epoch)
# Run the same fit again with the same run_dir after an interruption: it resumes from the
# last finished epoch. Here training finished, so the backup was removed and best.keras kept;
# .lock keeps a second process from training into run_dir while this one runs.
print(sorted(path.name for path in Path(run_dir).iterdir()))
