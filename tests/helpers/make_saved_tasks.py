"""Writes the saved-Task fixtures of `tests/test_saved_tasks.py`: five small Tasks (a table,
image, text, diffusion and dual-encoder Task) trained one epoch and saved as `.keras`, with
the inputs they were asked about and what they answered, in `tests/fixtures/saved_tasks/`.

The fixtures stand for the `.keras` files users saved with earlier versions: every later
version must load them and answer the same. They were written once, by the code of commit
183d1b2 (run this file with that checkout first on `PYTHONPATH`); rewriting them with newer
code would defeat their purpose.

    PYTHONPATH=<checkout of 183d1b2> python tests/helpers/make_saved_tasks.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import keras
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT))
import keras_walk as kw  # noqa: E402
from tests.helpers.examples import EXAMPLES  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "saved_tasks"


def trained(example, fit_arguments):
    keras.utils.set_random_seed(0)
    build, *data = example()
    data = data[:2]  # x, y
    task = build()
    task.fit(*fit_arguments(data), batch_size=4, epochs=1, verbose=0)
    return task, data


def supervised(name):
    task, (x, y) = trained(EXAMPLES[name], lambda data: data)
    inputs = x.to_dict("list") if hasattr(x, "to_dict") else x
    return (
        task,
        inputs,
        {
            "predict": task.predict(x, verbose=0).tolist(),
            "predict_labels": [str(label) for label in task.predict_labels(x)],
        },
    )


def diffusion():
    task, (x, y) = trained(EXAMPLES["diffusion_model"], lambda data: data)
    images = task.generate(3, steps=2, labels=[0, 1, 2], seed=0)
    return task, None, {"generate": images.tolist()}


def dual_encoder():
    task, (x, captions) = trained(EXAMPLES["dual_encoder"], lambda data: data)
    inputs = {"images": x.tolist(), "texts": captions}
    return (
        task,
        inputs,
        {
            "encode_images": task.encode_images(x).tolist(),
            "encode_texts": task.encode_texts(captions).tolist(),
        },
    )


FIXTURES = {
    "table": lambda: supervised("multiclass_classifier"),
    "image": lambda: supervised("image_classifier"),
    "text": lambda: supervised("text_classifier"),
    "diffusion": diffusion,
    "dual_encoder": dual_encoder,
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in FIXTURES.items():
        task, inputs, answers = make()
        task.save(OUT / f"{name}.keras")
        if isinstance(inputs, np.ndarray):
            inputs = inputs.tolist()
        record = {
            "inputs": inputs,
            "answers": answers,
            "optimizer_iterations": int(task.optimizer.iterations.numpy()),
            "written_by": {"keras_walk": kw.__version__, "keras": keras.__version__},
        }
        (OUT / f"{name}.json").write_text(json.dumps(record, default=_json_default) + "\n")
        print(name, (OUT / f"{name}.keras").stat().st_size, "bytes")


def _json_default(value):
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    return value.item() if isinstance(value, np.generic) else str(value)


if __name__ == "__main__":
    main()
