"""The `keras-walk` command (also `python -m keras_walk`): the dataset catalog, the
recipes, and saved models from a shell. Click parses the arguments and writes `--help`.

    keras-walk datasets
    keras-walk recipes
    keras-walk run image_classification --smoke
    keras-walk info runs/image_classification/model.keras
    keras-walk predict runs/image_classification/model.keras shoe.png shirt.png
    keras-walk launch --workers 2 recipes/vision/image_classification.py --smoke
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import click

__all__ = ["main", "recipe_paths"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="keras_walk", prog_name="keras-walk")
def cli():
    """keras_walk from a shell: datasets, recipes, and saved models."""


def main(argv: list[str] | None = None) -> int:
    """Runs the `keras-walk` command on `argv` (the process's arguments by default) and
    returns its exit status: 0, a recipe's or worker's own, 1 for an error, 2 for a usage
    error (each with its message on stderr)."""
    try:
        code = cli.main(args=argv, prog_name="keras-walk", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 1
    return code if isinstance(code, int) else 0


# --- datasets ----------------------------------------------------------------------------


@cli.command()
@click.option("--kind", default=None, help="only datasets of this kind (images, text, ...)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per dataset")
def datasets(kind, as_json):
    """The dataset catalog, and whether each loads offline on this machine now."""
    from keras_walk.data.catalog import catalog

    infos = [info for info in catalog() if kind is None or info.kind == kind]
    if not infos:
        kinds = sorted({info.kind for info in catalog()})
        raise click.BadParameter(
            f"no dataset of kind {kind!r}; kinds: {kinds}", param_hint="--kind"
        )
    for info in infos:
        offline = info.available()
        if as_json:
            click.echo(json.dumps({
                "name": info.name, "kind": info.kind, "size": info.size,
                "license": info.license, "offline": offline,
                **({} if offline else {"how_to_get": info.how_to_get}),
            }))  # fmt: skip
            continue
        status = "offline: yes" if offline else f"offline: NO - {info.how_to_get}"
        click.echo(f"{info.name:24} {info.kind:14} {info.size}")
        click.echo(f"{'':24} {status}")


# --- recipes -----------------------------------------------------------------------------


def recipes_root() -> Path:
    """The `recipes/` folder beside the installed package (an editable install from the
    repository, as `make setup` makes)."""
    return Path(__file__).resolve().parents[1] / "recipes"


def recipe_paths(root: Path | None = None) -> dict[str, Path]:
    """Every recipe by name (`"vision/image_classification"`), in order.

    Examples:

        >>> "vision/image_classification" in recipe_paths()
        True
    """
    root = Path(root or recipes_root())
    return {
        path.relative_to(root).with_suffix("").as_posix(): path
        for path in sorted(root.glob("*/*.py"))
        if not path.name.startswith("_")
    }


def recipe_title(path: Path) -> str:
    """The `Title:` line of a recipe's keras-io style header."""
    header = ast.get_docstring(ast.parse(path.read_text()), clean=True) or ""
    for line in header.splitlines():
        if line.startswith("Title:"):
            return line.removeprefix("Title:").strip()
    return ""


def find_recipe(name: str) -> Path:
    """A recipe by full name (`vision/segmentation`) or by its file's name alone
    (`segmentation`); a clear error naming the recipes otherwise."""
    paths = recipe_paths()
    if not paths:
        raise click.ClickException(
            f"No recipes found in {recipes_root()}: `keras-walk run` needs the repository's "
            "recipes/ folder beside the package (install with `make setup` or `pip install -e .`)."
        )
    if name in paths:
        return paths[name]
    matches = [
        path for full, path in paths.items() if full.split("/")[-1] == name.removesuffix(".py")
    ]
    if len(matches) == 1:
        return matches[0]
    raise click.BadParameter(
        f"no recipe called {name!r}. Recipes: {', '.join(paths)}", param_hint="NAME"
    )


@cli.command()
def recipes():
    """The runnable recipes: name and title (`keras-walk run NAME` runs one)."""
    for name, path in recipe_paths().items():
        click.echo(f"{name:34} {recipe_title(path)}")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("name")
@click.option("--smoke", is_flag=True, help="a tiny run of seconds, as the tests run it")
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="override the epochs")
@click.option("--output-dir", type=click.Path(path_type=Path), default=None)
@click.option("--seed", type=int, default=None)
@click.option(
    "--deterministic", is_flag=True,
    help="op determinism: the same seed gives bit-identical weights (slower on GPUs)",
)  # fmt: skip
@click.option(
    # The recipes' own --precision choices, spelt here so the command starts without Keras.
    "--precision", type=click.Choice(["auto", "float32", "mixed_bfloat16", "mixed_float16"]),
    default=None, help="Keras dtype policy (auto: float16 on GPUs, bfloat16 on TPUs)",
)  # fmt: skip
@click.argument("recipe_args", nargs=-1, type=click.UNPROCESSED)
def run(name, smoke, epochs, output_dir, seed, deterministic, precision, recipe_args):
    """Runs recipe NAME (see `keras-walk recipes`): its results.json, plots and model go
    to its output folder. In a terminal, Keras shows a progress bar for every epoch;
    arguments after the options go to the recipe as they are."""
    path = find_recipe(name)
    args = [sys.executable, str(path)]
    args += ["--smoke"] if smoke else []
    args += ["--epochs", str(epochs)] if epochs else []
    args += ["--output-dir", str(output_dir)] if output_dir else []
    args += ["--seed", str(seed)] if seed is not None else []
    args += ["--deterministic"] if deterministic else []
    args += ["--precision", precision] if precision else []
    args += list(recipe_args)
    click.echo(f"keras-walk run: {' '.join(args[1:])}", err=True)
    return subprocess.call(args)


# --- saved models ------------------------------------------------------------------------


def load_task(path: Path):
    """A saved `.keras` model, loaded in Keras's safe mode (no code from the file runs)."""
    import keras

    import keras_walk  # noqa: F401  registers the classes saved models name

    if path.suffix != ".keras":
        raise click.BadParameter(f"expected a .keras file, got {path.name!r}", param_hint="MODEL")
    try:
        return keras.models.load_model(path, safe_mode=True)
    except (ValueError, OSError) as error:
        raise click.ClickException(f"cannot load {path}: {error}") from error


@cli.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="the summary card as JSON")
def info(model, as_json):
    """What the saved Task MODEL is: head, classes, inputs, parameters, training data."""
    task = load_task(model)
    if not hasattr(task, "summary_card"):
        raise click.ClickException(f"{model} is a Keras model but not a keras_walk Task")
    card = task.summary_card()
    if as_json:
        click.echo(json.dumps(card, indent=1))
        return
    for key, value in card.items():
        click.echo(f"{key:22} {value}")


def read_inputs(task, files: list[Path]):
    """Raw inputs for `task` from files: `(names, inputs)`. Images for an image Task (each
    file one image), lines of text files for a text Task, CSV rows for a table Task, and
    `.npy` arrays (one row a sample) for any."""
    import numpy as np

    if all(f.suffix == ".npy" for f in files):
        arrays = [np.load(f, allow_pickle=False) for f in files]
        names = [
            f"{f.name}[{i}]" for f, a in zip(files, arrays, strict=True) for i in range(len(a))
        ]
        return names, np.concatenate(arrays)
    if task.input_kind == "images":
        return [f.name for f in files], _read_images(task, files)
    if task.input_kind == "text":
        lines = [line for f in files for line in f.read_text().splitlines() if line.strip()]
        if not lines:
            raise click.BadParameter("the text files hold no non-empty line", param_hint="FILES")
        return lines, np.array(lines, dtype=object)
    if task.input_kind == "table":
        import pandas as pd

        table = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
        return [f"row {i}" for i in range(len(table))], table
    raise click.BadParameter(
        f"a {task.input_kind!r} Task reads .npy arrays (one row a sample)", param_hint="FILES"
    )


def _read_images(task, files):
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    height, width, channels = task.input_shape[1:]
    images = []
    for f in files:
        if f.suffix.lower() not in IMAGE_SUFFIXES:
            raise click.BadParameter(
                f"{f.name!r} is not an image ({', '.join(IMAGE_SUFFIXES)})", param_hint="FILES"
            )
        try:
            with Image.open(f) as image:
                image = image.convert("L" if channels == 1 else "RGB")
        except (UnidentifiedImageError, OSError) as error:
            raise click.BadParameter(
                f"cannot read {f.name!r}: {error}", param_hint="FILES"
            ) from error
        if image.size != (width, height):
            image = image.resize((width, height), Image.BILINEAR)
        images.append(np.asarray(image, "uint8").reshape(height, width, channels))
    return np.stack(images)


@cli.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, help="multi-label cut-off")
def predict(model, files, threshold):
    """Labels from the saved Task MODEL for FILES: images (resized to the model's input), a
    text file's lines, a CSV's rows, or .npy arrays. One `input<TAB>label` line each."""
    task = load_task(model)
    if not hasattr(task, "predict_labels"):
        what = (
            f"`{type(task).__name__}`, a Task that answers with `generate`, `encode` or `caption`"
            if hasattr(task, "summary_card")
            else "a Keras model but not a keras_walk Task"
        )
        raise click.ClickException(
            f"{model} is {what}, not labels: `keras-walk predict` reads a supervised Task "
            "(a classifier, regressor, segmenter or detector)."
        )
    names, inputs = read_inputs(task, list(files))
    for name, label in zip(names, task.predict_labels(inputs, threshold=threshold), strict=True):
        click.echo(f"{name}\t{_label(label)}")


def _label(label) -> str:
    import numpy as np

    if isinstance(label, tuple):
        return ", ".join(map(str, label))
    if isinstance(label, np.ndarray):
        return " ".join(f"{v:.6g}" for v in label.ravel())
    return str(label)


# --- launch ------------------------------------------------------------------------------


@cli.command(context_settings={"ignore_unknown_options": True})
@click.option("--workers", type=int, default=2, show_default=True, help="worker processes")
@click.option("--chief", is_flag=True, help="also start a chief process")
@click.option("--port", type=int, default=None, help="first port (default: free ports)")
@click.option(
    "--restarts", type=click.IntRange(min=0), default=0, show_default=True,
    help="start the whole job again this many times after a process fails (it resumes "
    "from its last finished epoch)",
)  # fmt: skip
@click.option("--threads-per-worker", type=int, default=None,
              help="TensorFlow threads per process (default: the cores shared among them)")  # fmt: skip
@click.argument("script")
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED)
def launch(workers, chief, port, restarts, threads_per_worker, script, script_args):
    """Runs SCRIPT as N local worker processes of a MultiWorkerMirroredStrategy cluster,
    each with its TF_CONFIG, and streams their logs."""
    from keras_walk.launch import LaunchError
    from keras_walk.launch import launch as launch_job

    try:
        code = launch_job(
            script, list(script_args), workers=workers, chief=chief, port=port,
            restarts=restarts, threads_per_worker=threads_per_worker,
        )  # fmt: skip
    except LaunchError as error:
        click.echo(f"keras-walk launch: error: {error}", err=True)
        return 2
    return code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as shells say


if __name__ == "__main__":
    sys.exit(main())
