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
