"""MkDocs hook: recipe pages are built from the recipe files themselves.

In a page, the line `<!-- recipe: recipes/vision/image_classification.py -->` becomes the
recipe rendered as a tutobook (keras-io style: the header becomes a table, top-level string
blocks become prose, the code between them becomes code blocks), and the line
`<!-- results: recipes/results/image_classification/results.json -->` (relative to docs/)
becomes a table of the measured results stored beside the page (`samples:` renders a
language model's samples, `sweeps:` the sweeps of a results.json, `tables:` its tables of
results by setting or method). `<!-- table: builders -->`
and `<!-- table: catalog -->` become `keras_walk.tasks.builder_table()` and
`keras_walk.data.catalog_table()`: tables read from the code, never typed by hand.
`<!-- table: modalities -->` and `<!-- table: baselines -->` (the Learn pages) gather
measured numbers from many recipes' results.json files, so that no page types one in.
`<!-- count: bad-inputs -->` is the number of cases in the bad-input test suite.

keras-io's own tutobook converter lives in the keras-io repository, not in a package, so
this short renderer is ours.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

_MARKER = re.compile(r"^<!-- (recipe|results|samples|sweeps|tables): (\S+) -->$", re.MULTILINE)
# Tables generated from the code itself: `<!-- table: builders -->`, `<!-- table: catalog -->`.
_TABLE = re.compile(r"^<!-- table: (builders|catalog|modalities|baselines) -->$", re.MULTILINE)
# Counts read from the test suite: `<!-- count: bad-inputs -->` (and `-api`, `-cli`).
_COUNT = re.compile(r"<!-- count: (bad-inputs(?:-api|-cli)?) -->")

# Which model for which data: (input -> output, architecture, builder, recipe page, the
# results.json of its full run, the measurement's path in it, what the number is).
MODALITIES = [
    ("table row -> class", "dense network on a Keras FeatureSpace", "multiclass_classifier",
     "penguins", "metrics.accuracy", "test accuracy"),
    ("table row -> number", "dense network (boosted trees: the non-deep baseline to beat)",
     "regressor", "ames_house_prices", "metrics.rmse", "test RMSE of log price"),
    ("image -> class", "2D convnet (conv blocks, batch norm, pooling)", "image_classifier",
     "image_classification", "metrics.test_accuracy", "test accuracy"),
    ("image -> class per pixel", "U-Net (encoder, transposed-conv decoder, concatenated skips)",
     "image_segmenter", "segmentation", "metrics.emoji_test.foreground_iou",
     "foreground IoU, held-out emoji"),
    ("image -> boxes and classes", "YOLO-style grid convnet + non-maximum suppression",
     "object_detector", "object_detection", "metrics.per_class_nms.map_50", "mAP@0.5"),
    ("signal -> class", "1D convnet (FCN)", "sequence_classifier", "signal_classification",
     "metrics.gunpoint_accuracy", "GunPoint test accuracy"),
    ("timeseries -> future values", "recurrent network (GRU)", "timeseries_forecaster",
     "weather_forecasting", "metrics.mae", "test MAE, degrees F (persistence: see baselines)"),
    ("text -> class", "bag of n-grams, 1D convnet, LSTM, transformer or pretrained MiniLM",
     "text_classifier", "text_classification", "metrics.accuracy",
     "test accuracy, the five encoders averaged"),
    ("text -> next character", "recurrent or causal-transformer language model",
     "language_model", "text_generation", "metrics.bits_per_character",
     "validation bits per character"),
    ("image -> text", "convnet encoder + transformer or GRU decoder", "image_captioner",
     "captioning", "metrics.scene_token_accuracy", "token accuracy, held-out scenes"),
    ("image <-> text", "CLIP-style dual encoder (contrastive)", "dual_encoder", "dual_encoder",
     "metrics.zero_shot_accuracy", "zero-shot Fashion-MNIST accuracy"),
    ("label -> image", "diffusion U-Net (DDIM sampling)", "diffusion_model", "ddim",
     "metrics.class_accuracy", "generated images classified as asked"),
]  # fmt: skip

# Model against common-sense baselines: (recipe page, measurement, lower is better).
BASELINES = [
    ("breast_cancer", "accuracy", False), ("penguins", "accuracy", False),
    ("ames_house_prices", "rmse", True), ("text_classification", "accuracy", False),
    ("weather_forecasting", "mae", True),
]  # fmt: skip


def _results(docs: Path, recipe: str) -> dict:
    return json.loads((docs / "recipes" / "results" / recipe / "results.json").read_text())


def _at(results: dict, path: str):
    value = results
    for key in path.split("."):
        value = value[key]
    return value


def render_modalities(docs: Path) -> str:
    """The modality table with each row's builder, recipe and measured number."""
    rows = [
        "| input -> output | architecture | builder | recipe | measured |",
        "|---|---|---|---|---|",
    ]
    for task, architecture, builder, recipe, path, label in MODALITIES:
        value = _at(_results(docs, recipe), path)
        rows.append(
            f"| {task} | {architecture} | `{builder}` | [{recipe}](../recipes/{recipe}.md) "
            f"| {label}: **{_fmt(value)}** |"
        )
    return "\n".join(rows) + "\n"


def render_baselines(docs: Path) -> str:
    """Each recipe's model beside its common-sense and simple baselines, from its run."""
    rows = [
        "| recipe | measure | model | baselines | model beats every baseline |",
        "|---|---|---|---|---|",
    ]
    for recipe, metric, lower in BASELINES:
        results = _results(docs, recipe)
        model = results["metrics"][metric]
        others = {name: b[metric] for name, b in results["baselines"].items() if metric in b}
        best = min(others.values()) if lower else max(others.values())
        verdict = "tie" if model == best else "yes" if (model < best) == lower else "no"
        listed = ", ".join(f"{name} {_fmt(v)}" for name, v in others.items())
        rows.append(
            f"| [{recipe}](../recipes/{recipe}.md) | {metric} ({'lower' if lower else 'higher'} "
            f"is better) | **{_fmt(model)}** | {listed} | {verdict if verdict == 'yes' else f'**{verdict}**'} |"
        )
    return "\n".join(rows) + "\n"


def render_tutobook(source: str) -> str:
    """Markdown for a tutobook-style Python file."""
    tree = ast.parse(source)
    lines = source.splitlines()
    blocks = [
        node
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    out: list[str] = []
    cursor = 0
    for index, node in enumerate(blocks):
        _code(out, lines[cursor : node.lineno - 1])
        text = node.value.value.strip()
        out.append(_header(text) if index == 0 and node.lineno == 1 else text)
        cursor = node.end_lineno
    _code(out, lines[cursor:])
    return "\n\n".join(out) + "\n"


def _code(out: list[str], lines: list[str]) -> None:
    code = "\n".join(lines).strip("\n")
    if code.strip():
        out.append(f"```python\n{code}\n```")


def _header(text: str) -> str:
    rows = [line.split(":", 1) for line in text.splitlines() if ":" in line]
    table = "\n".join(f"| {key.strip()} | {value.strip()} |" for key, value in rows)
    return "| | |\n|---|---|\n" + table


def render_results(results: dict) -> str:
    """Markdown tables of a results.json: the model next to the models it was compared with
    and its baselines (when there are any), per-class or per-label scores, the other
    measurements, then date and machine."""
    metrics = results.get("metrics", {})
    # Other models of the same run ("compared") and the baselines sit in columns beside it.
    baselines = {**results.get("compared", {}), **results.get("baselines", {})}
    parts = []
    compared = [
        key
        for key, value in metrics.items()
        if baselines and not isinstance(value, dict) and all(key in b for b in baselines.values())
    ]
    if compared:
        names = ["model", *baselines]
        columns = {"model": metrics, **baselines}
        rows = [
            f"| {key} | " + " | ".join(_fmt(columns[n][key]) for n in names) + " |"
            for key in compared
        ]
        parts.append(
            f"| {results.get('split', 'test')} metric | " + " | ".join(f"**{n}**" if n == "model" else n for n in names)
            + " |\n|---|" + "---|" * len(names) + "\n" + "\n".join(rows) + "\n"
        )  # fmt: skip
    for key, value in metrics.items():
        # A per-label report (classification_report's shape), not any "per_..." section.
        if (
            isinstance(value, dict)
            and key.startswith("per_")
            and all(isinstance(scores, dict) and "support" in scores for scores in value.values())
        ):
            parts.append(_per_label_table(key, value, baselines))
    rows = [
        f"| {k} | {_fmt(v)} |"
        for k, v in metrics.items()
        if k not in compared and not isinstance(v, dict)
    ]
    machine = results.get("machine", {})
    if "process_seconds" in results:
        rows.append(f"| whole command | {results['process_seconds'] / 60:.1f} min |")
    rows.append(f"| date | {results.get('date', '?')} |")
    rows.append(
        f"| machine | {machine.get('processor', '?')}, {machine.get('cpu_count', '?')} cores, "
        f"GPUs: {len(machine.get('gpus', []))}, TensorFlow {machine.get('tensorflow', '?')}, "
        f"Keras {machine.get('keras', '?')} |"
    )
    parts.append("| measured | value |\n|---|---|\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def render_samples(results: dict) -> str:
    """The text a model wrote (a language model's `samples`), each in a block of its own."""
    return "\n".join(
        f"**{label}**\n\n```text\n{text}\n```\n" for label, text in results["samples"].items()
    )


def render_sweeps(results: dict, section: str = "sweeps") -> str:
    """One table per entry of a results.json's `sweeps` (or `tables`) section: name -> list
    of rows, each a dict of the setting (or the thing measured) and its measurements."""
    parts = []
    for name, points in results[section].items():
        keys = list(points[0])
        header = f"| {' | '.join(keys)} |\n|" + "---|" * len(keys)
        rows = [f"| {' | '.join(_fmt(point[k]) for k in keys)} |" for point in points]
        parts.append(f"**{name}**\n\n{header}\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def _per_label_table(key: str, report: dict, baselines: dict) -> str:
    others = [name for name, b in baselines.items() if key in b]
    header = (
        f"| {key.removeprefix('per_')} | precision | recall | **F1** | support | "
        + " | ".join(f"F1 {name}" for name in others)
    )
    rows = []
    for label, scores in report.items():
        cells = [_fmt(scores[m]) for m in ("precision", "recall", "f1")] + [str(scores["support"])]
        cells += [_fmt(baselines[name][key][label]["f1"]) for name in others]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return header + " |\n|---|" + "---|" * (4 + len(others)) + "\n" + "\n".join(rows) + "\n"


def _fmt(value) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def on_page_markdown(markdown, page, config, files):  # noqa: ARG001 - MkDocs hook signature
    root = Path(config["config_file_path"]).parent
    docs = Path(config["docs_dir"])

    def replace(match):
        kind, path = match.groups()
        if kind == "recipe":
            return render_tutobook((root / path).read_text())
        render = {
            "samples": render_samples, "sweeps": render_sweeps,
            "tables": lambda results: render_sweeps(results, "tables"),
        }.get(kind, render_results)  # fmt: skip
        return render(json.loads((docs / path).read_text()))

    def table(match):
        import keras_walk as kw

        return {
            "builders": kw.tasks.builder_table, "catalog": kw.data.catalog_table,
            "modalities": lambda: render_modalities(docs),
            "baselines": lambda: render_baselines(docs),
        }[match.group(1)]()  # fmt: skip

    def count(match):
        return str(count_cases(root / "tests/test_bad_inputs.py")[match.group(1)])

    return _COUNT.sub(count, _TABLE.sub(table, _MARKER.sub(replace, markdown)))


def count_cases(module: Path) -> dict[str, int]:
    """The bad-input suite's cases, counted from its source (`CASES`, `CLI_CASES`) without
    importing it: `bad-inputs-api`, `bad-inputs-cli` and their sum `bad-inputs`."""
    lengths = {}
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.List):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    lengths[target.id] = len(node.value.elts)
    api, cli = lengths["CASES"], lengths["CLI_CASES"]
    return {"bad-inputs": api + cli, "bad-inputs-api": api, "bad-inputs-cli": cli}
