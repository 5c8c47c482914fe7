"""The `keras-walk` command (keras_walk/cli.py): the installed script, and each subcommand
in-process (a TensorFlow import per process would cost seconds each)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import keras_walk as kw
from keras_walk.cli import main, recipe_paths
from tests.helpers.scripts import ROOT

SCRIPT = Path(sys.executable).with_name("keras-walk")
COMMANDS = ("datasets", "recipes", "run", "info", "predict", "launch")


def test_the_installed_script_answers_help_and_runs_a_recipe(tmp_path):
    assert SCRIPT.is_file(), "`pip install -e .` installs the keras-walk script"
    done = subprocess.run([SCRIPT, "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and all(command in done.stdout for command in COMMANDS)
    done = subprocess.run(
        [SCRIPT, "run", "breast_cancer", "--smoke", "--deterministic", "--output-dir",
         str(tmp_path / "run")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert results["smoke"] is True and results["recipe"] == "tabular/breast_cancer"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    assert main([command, "--help"]) == 0
    assert f"Usage: keras-walk {command}" in capsys.readouterr().out


def test_datasets_lists_the_catalog_with_offline_availability(capsys):
    assert main(["datasets", "--json"]) == 0
    rows = {row["name"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(kw.data.list_datasets()) <= set(rows)
    assert rows["digits"]["offline"] is True and "how_to_get" not in rows["digits"]
    assert main(["datasets", "--kind", "segmentation"]) == 0
    listed = capsys.readouterr().out
    assert "emoji_cutouts" in listed and "digits" not in listed
    assert main(["datasets", "--kind", "holograms"]) == 2
    assert "no dataset of kind 'holograms'" in capsys.readouterr().err


def test_recipes_lists_every_script_with_its_title(capsys):
    assert main(["recipes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    files = sorted((ROOT / "recipes").glob("*/*.py"))
    assert len(lines) == len(files) == len(recipe_paths())
    assert any(
        line.startswith("vision/image_classification ") and "Fashion" in line for line in lines
    )
    assert main(["run", "no_such_recipe"]) == 2
    assert "no recipe called 'no_such_recipe'" in capsys.readouterr().err


@pytest.fixture(scope="module")
def image_task(tmp_path_factory):
    """A small trained image classifier of 8x8 greyscale squares: bright or dark."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 60, (64, 8, 8, 1)).astype("uint8")
    y = np.arange(64) % 2
    x[y == 1] += 180
    task = kw.tasks.image_classifier(
        (8, 8, 1), 2, class_names=["dark", "bright"],
        backbone=lambda s: kw.tasks.backbones.basic_convnet(s, (4,)), learning_rate=1e-2,
    )  # fmt: skip
    task.training_data = "bright and dark squares"
    task.fit(x, y, epochs=15, verbose=0)
    path = tmp_path_factory.mktemp("models") / "squares.keras"
    task.save(path)
    return task, path


def test_info_describes_a_saved_task(image_task, capsys):
    task, path = image_task
    assert main(["info", str(path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card == json.loads(json.dumps(task.summary_card()))
    assert card["class_names"] == ["dark", "bright"] and card["training_data"].startswith("bright")
    assert main(["info", str(path)]) == 0
    assert "head" in capsys.readouterr().out


def test_predict_labels_image_files_as_the_task_does(image_task, tmp_path, capsys):
    task, path = image_task
    pictures = {"dark.png": 20, "bright.png": 230, "big_bright.png": 230}
    for name, level in pictures.items():
        side = 32 if name.startswith("big") else 8  # resized to the model's 8x8
        Image.fromarray(np.full((side, side), level, "uint8")).save(tmp_path / name)
    assert main(["predict", str(path), *(str(tmp_path / n) for n in pictures)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["dark.png\tdark", "bright.png\tbright", "big_bright.png\tbright"]
    arrays = np.stack([np.full((8, 8, 1), level, "uint8") for level in pictures.values()])
    assert [line.split("\t")[1] for line in lines] == list(task.predict_labels(arrays))


def test_predict_reads_text_lines_and_csv_rows(tmp_path, capsys):
    texts = ["great taste", "awful stale", "great value", "stale bread"] * 8
    text_task = kw.tasks.text_classifier(
        texts, 2, encoder="bag_of_ngrams", units=4, class_names=["bad", "good"], learning_rate=3e-2
    )
    text_task.fit(
        np.array(texts, object), (np.arange(32) % 2 == 0).astype(int), epochs=20, verbose=0
    )
    text_task.save(tmp_path / "text.keras")
    (tmp_path / "reviews.txt").write_text("great taste\n\nstale bread\n")
    assert main(["predict", str(tmp_path / "text.keras"), str(tmp_path / "reviews.txt")]) == 0
    assert capsys.readouterr().out.splitlines() == ["great taste\tgood", "stale bread\tbad"]

    table = pd.DataFrame({"size": np.linspace(-1, 1, 40), "colour": ["red", "blue"] * 20})
    features = kw.data.TabularFeatures.infer(table)
    features.adapt(table)
    table_task = kw.tasks.multiclass_classifier(features, 2, class_names=["small", "large"])
    table_task.save(tmp_path / "table.keras")
    table.iloc[:3].to_csv(tmp_path / "rows.csv", index=False)
    assert main(["predict", str(tmp_path / "table.keras"), str(tmp_path / "rows.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["row 0", "row 1", "row 2"]
    assert {line.split("\t")[1] for line in lines} <= {"small", "large"}


def test_bad_files_get_clear_errors(image_task, tmp_path, capsys):
    _, path = image_task
    notes = tmp_path / "notes.txt"
    notes.write_text("not an image")
    assert main(["predict", str(path), str(notes)]) == 2
    assert "'notes.txt' is not an image" in capsys.readouterr().err
    fake = tmp_path / "fake.png"
    fake.write_text("not a PNG either")
    assert main(["predict", str(path), str(fake)]) == 2
    assert "cannot read 'fake.png'" in capsys.readouterr().err
    assert main(["info", str(notes)]) == 2
    assert "expected a .keras file" in capsys.readouterr().err
    assert main(["info", str(tmp_path / "missing.keras")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_model_file_that_would_run_code_is_refused(tmp_path, capsys):
    import keras

    inputs = keras.Input((2,))
    crafted = keras.Model(inputs, keras.layers.Lambda(lambda t: t * 2)(inputs))
    crafted.save(tmp_path / "crafted.keras")  # a Lambda's code is saved as Python bytecode
    assert main(["info", str(tmp_path / "crafted.keras")]) == 1
    error = capsys.readouterr().err
    assert "cannot load" in error and "Lambda" in error and "safe_mode" in error


def test_info_describes_any_family_and_predict_asks_for_a_supervised_task(tmp_path, capsys):
    model = kw.tasks.vae((8, 8, 1), latent_dim=2, filters=(4,), seed=0)
    path = tmp_path / "vae.keras"
    model.save(path)
    assert main(["info", str(path), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert card["task"] == "ImageAutoencoder" and card["image_shape"] == [8, 8, 1]
    image = tmp_path / "digit.png"
    Image.fromarray(np.zeros((8, 8), "uint8")).save(image)
    assert main(["predict", str(path), str(image)]) == 1
    error = capsys.readouterr().err
    assert "is `ImageAutoencoder`, a Task that answers with `generate`" in error
    assert "`keras-walk predict` reads a supervised Task" in error
