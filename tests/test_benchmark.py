from tests.recipes.test_image_classification import load_recipe


def test_benchmark_script_measures_both_sides(tmp_path):
    bench = load_recipe("benchmarks/mnist_convnet.py")
    results = bench.main(
        ["--samples", "2048", "--epochs", "1", "--output", str(tmp_path / "b.json")]
    )
    assert results["samples"] == 2048
    assert results["keras_walk_samples_per_second"] > 0
    assert results["hand_written_samples_per_second"] > 0
    ratio = results["keras_walk_samples_per_second"] / results["hand_written_samples_per_second"]
    assert abs(results["ratio_keras_walk_over_hand_written"] - ratio) < 1e-2
    # Same architecture, same parameter count, both learn.
    assert results["keras_walk_parameters"] == results["hand_written_parameters"] == 34826
    assert results["keras_walk_test_accuracy"] > 0.5 and results["hand_written_test_accuracy"] > 0.5
    assert (tmp_path / "b.json").exists()
