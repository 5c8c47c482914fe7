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


def test_ddim_benchmark_compares_the_same_unet(tmp_path):
    bench = load_script("benchmarks/ddim_unet.py")
    output = tmp_path / "ddim.json"
    results = bench.main(["--samples", "512", "--epochs", "1", "--output", str(output)])
    metrics, config = results["metrics"], results["config"]
    assert output.exists() and config["samples"] == 512
    # The same network on both sides: the same parameter count.
    assert config["keras_walk_parameters"] == config["hand_written_parameters"]
    rate = metrics["keras_walk_images_per_second"] / metrics["hand_written_images_per_second"]
    assert abs(metrics["ratio_keras_walk_over_hand_written"] - rate) < 1e-2
    assert metrics["keras_walk_generate_100_images_20_steps_seconds"] > 0
