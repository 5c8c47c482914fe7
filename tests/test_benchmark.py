import json

import pytest

from tests.helpers.scripts import load_script


def test_benchmark_script_measures_both_sides(tmp_path):
    bench = load_script("benchmarks/mnist_convnet.py")
    output = tmp_path / "b.json"
    results = bench.main(["--samples", "2048", "--epochs", "1", "--output", str(output)])
    metrics, config = results["metrics"], results["config"]
    assert config["samples"] == 2048 and output.exists()
    ratio = metrics["keras_walk_samples_per_second"] / metrics["hand_written_samples_per_second"]
    assert abs(metrics["ratio_keras_walk_over_hand_written"] - ratio) < 1e-2
    # Same architecture (same parameter count), and both learn.
    assert config["keras_walk_parameters"] == config["hand_written_parameters"] == 34826
    assert metrics["keras_walk_test_accuracy"] > 0.5
    assert metrics["hand_written_test_accuracy"] > 0.5


@pytest.mark.slow
def test_image_quality_floor_separates_real_from_noisy_images(tmp_path):
    bench = load_script("benchmarks/image_quality_floor.py")
    output = tmp_path / "floor.json"
    results = bench.main([
        "--dataset", "digits", "--noise", "64", "--cache-dir", str(tmp_path / "cache"),
        "--output", str(output),
    ])  # fmt: skip
    real, noisy = results["real_train_vs_real_test"], results["real_train_vs_noisy_test_std_64"]
    assert output.exists() and results["extractor"]["test_accuracy"] > 0.9
    # 360 test digits in 128 dimensions: the Fréchet floor carries a large small-sample
    # bias (7.7 measured); KID, unbiased, separates the two by far more (0.02 against 9).
    assert real["frechet_distance"] * 3 < noisy["frechet_distance"]
    assert real["kernel_distance"] * 20 < noisy["kernel_distance"]
    assert real["class_accuracy"] > noisy["class_accuracy"]
    assert 0.7 < real["memorization_ratio"] < 1.4  # real test images are not copies


@pytest.mark.slow
def test_ddim_benchmark_compares_the_same_unet(tmp_path):
    bench = load_script("benchmarks/ddim_unet.py")
    output = tmp_path / "ddim.json"
    results = bench.main([
        "--samples", "128", "--batch-size", "64", "--epochs", "1", "--generate", "4",
        "--generate-steps", "2", "--output", str(output),
    ])  # fmt: skip
    metrics, config = results["metrics"], results["config"]
    assert output.exists() and config["samples"] == 128
    # The same network on both sides: the same parameter count.
    assert config["keras_walk_parameters"] == config["hand_written_parameters"]
    rate = metrics["keras_walk_images_per_second"] / metrics["hand_written_images_per_second"]
    assert abs(metrics["ratio_keras_walk_over_hand_written"] - rate) < 1e-2
    assert metrics["keras_walk_generate_4_images_2_steps_seconds"] > 0
    assert metrics["hand_written_generate_4_images_2_steps_seconds"] > 0


def test_mixed_precision_benchmark_times_both_policies(tmp_path):
    bench = load_script("benchmarks/mixed_precision.py")
    output = tmp_path / "mp.json"
    results = bench.main(
        ["--families", "conv", "--samples", "1024", "--epochs", "1", "--output", str(output)]
    )
    row = results["families"]["conv"]
    assert output.exists() and row["samples"] == 1024
    speedup = row["bfloat16_samples_per_second"] / row["float32_samples_per_second"]
    assert abs(row["speedup"] - speedup) < 1e-2
    assert row["speedup_spread"][0] <= row["speedup"] <= row["speedup_spread"][1]
    assert 0 <= row["float32_test_accuracy"] <= 1 and 0 <= row["bfloat16_test_accuracy"] <= 1
    assert row["bfloat16_layers"]["float32"] == 0 < row["bfloat16_layers"]["mixed_bfloat16"]
    assert results["cpu_has_bf16"] in (True, False)


def test_batch_norm_benchmark_swaps_only_the_batch_norm(tmp_path):
    bench = load_script("benchmarks/batch_norm.py")
    output = tmp_path / "bn.json"
    results = bench.main(["--samples", "512", "--epochs", "1", "--output", str(output)])
    rows = results["tables"]["batch norm and precision, flagship convnet"]
    assert output.exists() and [row["model"] for row in rows] == [
        "float32, Keras batch norm", "float32, fused batch norm",
        "mixed_bfloat16, Keras batch norm", "mixed_bfloat16, fused batch norm",
    ]  # fmt: skip
    assert {row["batch norm layers"] for row in rows} == {4}
    assert rows[0]["speed vs float32, Keras batch norm"] == 1.0
    keras_side, fused_side = bench.flagship(False), bench.flagship(True)
    kinds = lambda model: sorted(type(x).__name__ for x in model._flatten_layers())  # noqa: E731
    assert "FusedBatchNormalization" in kinds(fused_side)
    assert "FusedBatchNormalization" not in kinds(keras_side)
    assert keras_side.count_params() == fused_side.count_params()


def test_builder_families_benchmark_compares_equal_models(tmp_path):
    bench = load_script("benchmarks/builder_families.py")
    output = tmp_path / "families.json"
    results = bench.main([
        "--families", "image", "sequence", "forecaster", "--samples", "256", "--epochs", "1",
        "--output", str(output),
    ])  # fmt: skip
    assert output.exists()
    for family, row in results["families"].items():
        # The same architecture on both sides, so the ratio compares code paths only.
        assert row["keras_walk_parameters"] == row["hand_written_parameters"], family
        assert row["ratio_spread"][0] <= row["ratio"] <= row["ratio_spread"][1]
        assert row["keras_walk_samples_per_second"] > 0 < row["hand_written_samples_per_second"]
    image = results["families"]["image"]
    assert 0 <= image["pipeline_share_of_step_time"] < 1
    # keras-io's MNIST convnet: ~4.9 MFLOPs forward per image, ~3x that to train.
    assert 1.2e7 < image["training_flops_per_sample"] < 1.8e7
    assert 0 < image["share_of_matmul_peak"] < 1


@pytest.mark.parametrize("family", ["tabular", "text", "language_model"])
def test_family_twin_matches_the_builder(family):
    bench = load_script("benchmarks/builder_families.py")
    setup = bench.FAMILIES[family][0](64)
    assert setup["walk"][0].count_params() == setup["hand"][0].count_params()


def test_smoke_times_runs_each_recipe_as_a_user_would(tmp_path):
    bench = load_script("benchmarks/smoke_times.py")
    assert "tabular/penguins" in bench.RECIPES and "multimodal/captioning" in bench.RECIPES
    output = tmp_path / "smoke.json"
    results = bench.main(["--recipes", "tabular/penguins", "--output", str(output)])
    row = results["recipes"]["tabular/penguins"]
    assert row["exit_code"] == 0 and row["seconds"] > 0
    (table,) = results["tables"].values()
    assert table == [{"recipe": "tabular/penguins", "seconds": row["seconds"],
                      "under 30 s": "yes" if row["seconds"] < 30 else "no"}]  # fmt: skip
    assert output.exists() and results["machine"]["cpu_count"] >= 1
    with pytest.raises(SystemExit):  # argparse: a recipe that does not exist
        bench.main(["--recipes", "tabular/no_such_recipe"])


def test_gpu_check_refuses_to_run_without_a_gpu(tmp_path, capsys, monkeypatch):
    bench = load_script("benchmarks/gpu_check.py")
    monkeypatch.setattr(bench, "gpu_names", lambda: [])  # no GPU, whatever this machine has
    output = tmp_path / "gpu.json"
    with pytest.raises(SystemExit) as stopped:
        bench.main(["--output", str(output), "--runs-dir", str(tmp_path)])
    assert stopped.value.code == bench.NO_GPU_EXIT_CODE == 2
    assert "TensorFlow sees no GPU" in capsys.readouterr().err
    assert not output.exists() and not any(tmp_path.iterdir())  # nothing ran


@pytest.mark.slow
def test_gpu_check_rehearsal_runs_the_flagship_three_ways(tmp_path):
    bench = load_script("benchmarks/gpu_check.py")
    output = tmp_path / "gpu.json"
    results = bench.main([
        "--smoke", "--rehearse-on-cpu", "--runs-dir", str(tmp_path / "runs"),
        "--output", str(output),
    ])  # fmt: skip
    assert output.exists() and results["rehearsal"] is not bool(bench.gpu_names())
    assert json.loads(output.read_text())["machine"] == results["machine"]  # the shared writer
    rows = results["runs"]
    assert list(rows) == list(bench.RUNS)
    assert rows["float32, one device"]["precision"] == "float32"
    assert rows["float32, one device"]["speed_up_over_float32"] == 1.0
    for name, row in rows.items():
        written = json.loads((tmp_path / "runs" / name.replace(",", "").replace(" ", "_")
                              / "results.json").read_text())  # fmt: skip
        assert written["smoke"] is True
        assert row["test_accuracy"] == written["metrics"]["test_accuracy"]
        assert row["precision"] == written["config"]["precision"] and row["replicas"] >= 1
