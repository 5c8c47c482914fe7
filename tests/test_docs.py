"""The docs: every snippet a page shows runs, and `mkdocs build --strict` passes."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "docs" / "snippets"


def run_snippet(name):
    env = {**os.environ, "KERAS_WALK_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, str(SNIPPETS / name)], capture_output=True, text=True, env=env,
        cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_every_snippet_is_tested():
    tested = set(re.findall(r'run_snippet\("([\w.]+)"\)', Path(__file__).read_text()))
    assert {p.name for p in SNIPPETS.glob("*.py")} == tested


def test_quickstart_snippet_reaches_accuracy():
    out = run_snippet("quickstart.py")
    accuracy = float(re.search(r"digits test accuracy: ([\d.]+)", out).group(1))
    assert accuracy > 0.88
    assert "reloaded loss: sparse_categorical_crossentropy | optimizer: adam_w" in out


def test_task_tour_snippet_shows_what_a_task_knows():
    out = run_snippet("task_tour.py")
    assert "head: multiclass | classes: 10 | inputs: images" in out
    assert "refused: Invalid labels" in out and "10" in out.split("refused:")[1].splitlines()[0]
    suggestion = float(re.search(r"lr_find suggests ([\d.e+-]+)", out).group(1))
    assert 1e-4 < suggestion < 1.0
    predicted = re.search(r"^predicted: (.*)$", out, re.M).group(1).split()
    actual = re.search(r"^actual: +(.*)$", out, re.M).group(1).split()
    assert sum(p == a for p, a in zip(predicted, actual, strict=True)) >= 5
    assert re.search(r"^reloaded predicts: (.*)$", out, re.M).group(1).split() == predicted
    before, after = re.search(r"optimizer step: (\d+) -> (\d+)", out).groups()
    assert before == after == str(15 * 20)  # 15 epochs of 1,221 digits in batches of 64
    assert "| class_names |" in out


def test_tasks_page_lists_every_builder():
    import keras_walk as kw

    page = (ROOT / "docs" / "user-guide" / "tasks.md").read_text()
    assert "<!-- table: builders -->" in page
    table = kw.tasks.builder_table()
    for name in kw.tasks.BUILDERS:
        assert f"[`{name}`]" in table


def test_heads_page_shows_what_the_snippet_prints():
    out = run_snippet("heads_errors.py")
    page = (ROOT / "docs" / "user-guide" / "heads.md").read_text()
    shown = re.search(r"It prints:\n\n```text\n(.*?)```", page, re.S).group(1)
    assert shown == out


def test_tabular_quickstart_snippet_beats_the_majority():
    out = run_snippet("tabular_quickstart.py")
    accuracy = {
        name: float(value) for name, value in re.findall(r"(\w+): test accuracy ([\d.]+)", out)
    }
    assert accuracy["model"] >= 0.95 and accuracy["majority"] < 0.5


def test_tabular_page_shows_what_the_errors_snippet_prints():
    out = run_snippet("tabular_errors.py")
    page = (ROOT / "docs" / "user-guide" / "tabular.md").read_text()
    shown = re.search(r"It prints:\n\n```text\n(.*?)```", page, re.S).group(1)
    assert shown == out
    assert out.count("Invalid") == 5


def test_text_quickstart_snippet():
    out = run_snippet("text_quickstart.py")
    assert "auto picks: bag_of_ngrams" in out
    assert float(re.search(r"test accuracy: ([\d.]+)", out).group(1)) > 0.75  # majority: 0.658


@pytest.mark.slow
def test_pretrained_text_snippet_tells_praise_from_complaint():
    out = run_snippet("pretrained_text.py")
    assert float(re.search(r"training loss: ([\d.]+)", out).group(1)) < 0.69  # chance: ln 2
    praise, complaint = (float(v) for v in re.findall(r"^([\d.]+)  ", out, re.M))
    assert praise > 0.5 > complaint


def test_transfer_steps_snippet_freezes_then_unfreezes():
    out = run_snippet("transfer_steps.py")
    assert "weights that learn while frozen: 2" in out  # the new head's kernel and bias
    assert float(re.search(r"digits 5-9: ([\d.]+)", out).group(1)) > 0.6  # chance: 0.2


def test_forecasting_snippet_beats_persistence():
    out = run_snippet("forecasting_quickstart.py")
    mae = {name.strip(): float(v) for name, v in re.findall(r"([\w ]+): test MAE ([\d.]+) F", out)}
    assert mae["gru"] < mae["persistence"]


def test_generation_snippet_beats_character_frequencies():
    out = run_snippet("generation_quickstart.py")
    bits = float(re.search(r"validation: ([\d.]+) bits per character", out).group(1))
    unigram = float(re.search(r"character frequencies alone: ([\d.]+) bits", out).group(1))
    assert bits < unigram - 0.5
    assert len(re.search(r"sample: (The Congress.*)", out, re.S).group(1).strip()) > 100


def test_data_sources_snippet():
    out = run_snippet("data_sources.py")
    assert "arrays: (1150, 8, 8, 1) (1150,) (360, 8, 8, 1)" in out
    assert "folder classes: ['class_0', 'class_1', 'class_2']" in out
    assert "tfds test examples: 360" in out
    assert "unavailable: Dataset 'fashion_mnist' is not available" in out


@pytest.mark.slow
def test_distribute_snippet_mirrors_over_two_devices():
    out = run_snippet("distribute_mirrored.py")
    assert "mirrored replicas: 2" in out and "global batch size: 64" in out
    accuracy = float(re.search(r"test accuracy under MirroredStrategy: ([\d.]+)", out).group(1))
    assert accuracy > 0.85


def test_landing_page_snippet():
    out = run_snippet("in_a_few_lines.py")
    assert float(re.search(r"test accuracy: ([\d.]+)", out).group(1)) > 0.88


def test_readme_shows_the_tested_snippet():
    readme = (ROOT / "README.md").read_text()
    shown = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    assert shown == (SNIPPETS / "in_a_few_lines.py").read_text()


def test_heads_in_your_model_snippet():
    out = run_snippet("heads_in_your_model.py")
    assert out.splitlines() == [
        "sigmoid binary_crossentropy",
        "(None, 5) binary_crossentropy ['accuracy', 'auc']",
    ]


def test_resume_training_snippet():
    out = run_snippet("resume_training.py")
    assert "epochs run: [0, 1, 2]" in out
    assert "['.lock', 'best.keras', 'history.csv']" in out  # the backup is gone at the end


def test_tutobook_renderer():
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    from recipes import render_tutobook

    page = render_tutobook('"""\nTitle: T\nAuthor: A\n"""\n\n"""\n## Setup\n"""\n\nimport os\n\n'
                           '"""\nProse.\n"""\n\nprint(os.sep)\n')  # fmt: skip
    assert page == ("| | |\n|---|---|\n| Title | T |\n| Author | A |\n\n## Setup\n\n"
                    "```python\nimport os\n```\n\nProse.\n\n```python\nprint(os.sep)\n```\n")  # fmt: skip


def test_results_tables_put_the_model_next_to_its_baselines():
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    from recipes import render_results

    per_label = {"a": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}}
    page = render_results(
        {
            "metrics": {"accuracy": 0.9, "per_label": per_label, "train_seconds": 3.0},
            "baselines": {
                "majority": {"accuracy": 0.5, "per_label": {"a": {**per_label["a"], "f1": 0.0}}}
            },
            "date": "2026-11-22",
            "machine": {"processor": "CPU", "cpu_count": 2},
        }
    )
    assert (
        "| test metric | **model** | majority |\n|---|---|---|\n| accuracy | 0.9000 | 0.5000 |"
        in page
    )
    assert "| a | 1.0000 | 0.5000 | 0.6667 | 2 | 0.0000 |" in page
    assert "| train_seconds | 3.0000 |" in page and "| date | 2026-11-22 |" in page


def test_language_model_results_show_the_split_and_the_samples():
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    from recipes import render_results, render_samples

    results = {
        "split": "validation",
        "process_seconds": 480.0,
        "metrics": {"bits_per_character": 1.5},
        "baselines": {"3-gram": {"bits_per_character": 2.6}},
        "samples": {"temperature 0.5": "Fellow-Citizens of the Senate"},
    }
    assert "| validation metric | **model** | 3-gram |" in render_results(results)
    assert "| whole command | 8.0 min |" in render_results(results)
    assert render_samples(results) == (
        "**temperature 0.5**\n\n```text\nFellow-Citizens of the Senate\n```\n"
    )


def test_sweeps_render_one_table_per_sweep():
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    from recipes import render_sweeps

    results = {"sweeps": {"steps": [
        {"steps": 5, "frechet_distance": 9.5}, {"steps": 20, "frechet_distance": 4.25},
    ]}}  # fmt: skip
    assert render_sweeps(results) == (
        "**steps**\n\n| steps | frechet_distance |\n|---|---|\n| 5 | 9.5000 |\n| 20 | 4.2500 |\n"
    )
    tables = {"tables": {"search": [{"method": "model", "recall@10": 0.5}]}}
    assert render_sweeps(tables, "tables") == (
        "**search**\n\n| method | recall@10 |\n|---|---|\n| model | 0.5000 |\n"
    )


def test_learn_tables_read_each_recipes_run_and_say_when_a_baseline_wins(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    import recipes as hook

    runs = {
        "wins": ({"accuracy": 0.9}, {"majority": {"accuracy": 0.6}}),
        "ties": ({"accuracy": 0.8}, {"linear": {"accuracy": 0.8}}),
        "loses": ({"rmse": 0.5}, {"mean": {"rmse": 0.9}, "linear": {"rmse": 0.4}}),
    }
    for name, (metrics, baselines) in runs.items():
        folder = tmp_path / "recipes" / "results" / name
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(
            json.dumps({"metrics": {**metrics, "deep": {"iou": 0.75}}, "baselines": baselines})
        )
    monkeypatch.setattr(
        hook, "BASELINES", [("wins", "accuracy", False), ("ties", "accuracy", False),
                            ("loses", "rmse", True)],
    )  # fmt: skip
    rows = hook.render_baselines(tmp_path).splitlines()[2:]
    assert [row.rsplit("|", 2)[1].strip() for row in rows] == ["yes", "**tie**", "**no**"]
    assert "| mean 0.9000, linear 0.4000 |" in rows[2]
    monkeypatch.setattr(
        hook, "MODALITIES", [("x -> y", "net", "b", "wins", "metrics.deep.iou", "IoU")]
    )
    assert "[wins](../recipes/wins.md) | IoU: **0.7500** |" in hook.render_modalities(tmp_path)


def test_mkdocs_build_strict(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    for html in tmp_path.rglob("*.html"):  # every snippet include was resolved
        text = html.read_text()
        assert "--8&lt;--" not in text and "8 &lt; --" not in text, html
    included = {
        "index.html": "digits.keras",
        "get-started/index.html": "digits_classifier.keras",
        "user-guide/heads/index.html": "wrong_pairings",
        "user-guide/data/index.html": "tfds_dir",
        "user-guide/distribute/index.html": "set_logical_device_configuration",
        "user-guide/training/index.html": "run_dir",
        "user-guide/tasks/index.html": "predict_labels",
    }
    for page, word in included.items():
        assert word in (tmp_path / page).read_text(), page
    # Tables generated from the code by the docs hook, links to the API reference resolved.
    tasks_page = (tmp_path / "user-guide" / "tasks" / "index.html").read_text()
    assert "table: builders" not in tasks_page
    assert 'href="../../api/tasks/#keras_walk.tasks.tabular.regressor"' in tasks_page
    data_page = (tmp_path / "user-guide" / "data" / "index.html").read_text()
    assert "table: catalog" not in data_page and "<code>state_of_the_union</code>" in data_page
    page = (tmp_path / "recipes" / "image_classification" / "index.html").read_text()
    assert "make_datasets" in page  # built from the recipe file itself
    assert "test_accuracy" in page  # with its measured results
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    from recipes import count_cases

    count = count_cases(ROOT / "tests/test_bad_inputs.py")["bad-inputs"]
    reliability = (tmp_path / "user-guide" / "reliability" / "index.html").read_text()
    assert f"<strong>{count} cases</strong>" in reliability  # the count, written by the hook


def test_the_reliability_page_states_the_bad_input_suites_count():
    sys.path.insert(0, str(ROOT / "docs" / "hooks"))
    from recipes import count_cases
    from tests import test_bad_inputs

    counts = count_cases(ROOT / "tests/test_bad_inputs.py")
    assert counts["bad-inputs-api"] == len(test_bad_inputs.CASES)
    assert counts["bad-inputs-cli"] == len(test_bad_inputs.CLI_CASES)
    assert counts["bad-inputs"] >= 150
    page = (ROOT / "docs/user-guide/reliability.md").read_text()
    assert "<!-- count: bad-inputs --> cases" in page  # the hook writes the number there
    assert f"{counts['bad-inputs']} wrong things" in (ROOT / "README.md").read_text()
