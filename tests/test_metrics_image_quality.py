"""Generated-image quality metrics (keras_walk/metrics/image_quality.py)."""

import json

import numpy as np
import pytest

import keras_walk as kw

RNG = np.random.default_rng(0)


def test_frechet_distance_matches_the_closed_form_for_diagonal_gaussians():
    a = RNG.normal([0.0, 1.0, 2.0], [1.0, 2.0, 0.5], size=(4000, 3))
    b = RNG.normal([1.0, 1.0, 0.0], [2.0, 2.0, 0.5], size=(4000, 3))
    mean_a, mean_b = a.mean(0), b.mean(0)
    var_a, var_b = a.var(0, ddof=1), b.var(0, ddof=1)
    # Off-diagonal sample covariances are not exactly 0, so allow a little slack.
    expected = ((mean_a - mean_b) ** 2).sum() + (var_a + var_b - 2 * np.sqrt(var_a * var_b)).sum()
    assert kw.metrics.frechet_distance(a, b) == pytest.approx(expected, rel=0.02)
    assert kw.metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    assert kw.metrics.frechet_distance(a, b) == pytest.approx(kw.metrics.frechet_distance(b, a))


def test_kernel_distance_is_near_zero_for_one_distribution_and_grows_with_the_shift():
    a, b = RNG.normal(size=(800, 8)), RNG.normal(size=(800, 8))
    near, far = RNG.normal(0.3, 1, (800, 8)), RNG.normal(1.0, 1, (800, 8))
    same = kw.metrics.kernel_distance(a, b, subset_size=400)
    assert abs(same) < 0.02
    assert same < kw.metrics.kernel_distance(a, near) < kw.metrics.kernel_distance(a, far)


@pytest.mark.parametrize(
    "bad, message",
    [(np.zeros(5), "Expected a 2D array"), (np.array([[np.nan, 1.0], [0, 1]]), "NaN")],
)
def test_distances_refuse_bad_features(bad, message):
    with pytest.raises(ValueError, match=message):
        kw.metrics.frechet_distance(bad, np.zeros((3, 2)))


def test_memorization_tells_copies_from_new_samples():
    train, test = RNG.normal(size=(500, 6)), RNG.normal(size=(200, 6))
    copies = train[:200] + RNG.normal(0, 0.01, (200, 6))
    assert kw.metrics.memorization(copies, train, test)["ratio"] < 0.1
    fresh = RNG.normal(size=(200, 6))
    assert 0.8 < kw.metrics.memorization(fresh, train, test)["ratio"] < 1.25


@pytest.mark.slow
def test_digit_features_cache_measure_the_real_floor_and_refuse_a_changed_file(tmp_path):
    features = kw.feature_networks.image_features("digits", cache_dir=tmp_path)
    assert features.test_accuracy > 0.9
    record = json.loads(features.path.with_suffix(".json").read_text())
    assert record["test_accuracy"] == features.test_accuracy and len(record["sha256"]) == 64

    train, test = kw.data.load("digits", splits=("train", "test"))
    real_train, real_test = features.features(train.x), features.features(test.x)
    noise = RNG.integers(0, 17, test.x.shape).astype("uint8")  # digits are 0..16
    floor = kw.metrics.frechet_distance(real_train, real_test)
    assert floor * 5 < kw.metrics.frechet_distance(features.features(noise), real_test)
    accuracy = kw.metrics.class_accuracy(features, test.x, test.y)
    assert accuracy == pytest.approx(features.test_accuracy, abs=1e-6)

    again = kw.feature_networks.image_features("digits", cache_dir=tmp_path)  # from the cache
    np.testing.assert_allclose(again.features(test.x[:16]), real_test[:16], rtol=1e-5, atol=1e-5)
    with open(features.path, "ab") as file:
        file.write(b"changed")
    with pytest.raises(ValueError, match="does not match its SHA-256"):
        kw.feature_networks.image_features("digits", cache_dir=tmp_path)


def test_the_feature_network_old_spelling_names_the_new_one():
    for name in ("image_features", "ImageFeatures"):
        with pytest.raises(AttributeError, match=f"is now `keras_walk.feature_networks.{name}`"):
            getattr(kw.metrics, name)
    with pytest.raises(AttributeError, match="has no attribute 'no_such_metric'"):
        kw.metrics.no_such_metric  # noqa: B018


def test_sample_quality_refuses_a_count_that_is_no_positive_integer():
    for count in (0, 2.5, np.float32("nan")):
        with pytest.raises(ValueError, match="Invalid value for argument `num_samples`"):
            kw.feature_networks.SampleQuality(None, np.zeros((2, 3)), count)
