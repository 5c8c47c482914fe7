import keras
import numpy as np
import pytest

import keras_walk as kw
from keras_walk.data import DataError


def waves(n=64, steps=40, features=1, seed=0):
    """Sines (class 0) against square waves (class 1), random phase and noise."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 4 * np.pi, steps)
    y = rng.integers(0, 2, size=n)
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1))
    sine = np.sin(t + phase)
    x = np.where(y[:, None] == 0, sine, np.sign(sine)) + 0.1 * rng.normal(size=(n, steps))
    return np.repeat(x[..., None], features, axis=-1).astype("float32"), y


@pytest.mark.parametrize("encoder", ["fcn", "conv1d", "lstm", "gru"])
def test_each_encoder_learns_waves(encoder):
    keras.utils.set_random_seed(0)
    x, y = waves()
    model = kw.tasks.sequence_classifier(
        (40, 1), 2, head="multiclass", encoder=encoder, filters=(16, 16), kernel_sizes=(5, 3), units=16,
        learning_rate=1e-2, seed=0,
    )  # fmt: skip
    model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    x_test, y_test = waves(seed=1)
    assert model.evaluate(x_test, y_test, verbose=0, return_dict=True)["accuracy"] > 0.85


def test_multivariate_with_normalization_round_trips(tmp_path):
    x, y = waves(features=3)
    x = x * np.array([1.0, 100.0, 0.01], "float32") + np.array([0.0, 50.0, -3.0], "float32")
    model = kw.tasks.sequence_classifier((40, 3), 2, normalize=x, filters=(8,), kernel_sizes=(3,))
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "seq.keras")
    loaded = keras.models.load_model(tmp_path / "seq.keras")
    np.testing.assert_allclose(
        loaded.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0), rtol=1e-5
    )
    normalized = keras.Model(model.input, model.get_layer("normalize").output).predict(x, verbose=0)
    assert np.allclose(normalized.mean(axis=(0, 1)), 0.0, atol=1e-3)


def test_variable_length_with_masking_ignores_padding():
    model = kw.tasks.sequence_classifier((None, 1), 2, encoder="gru", units=4, mask_value=0.0)
    series = np.random.default_rng(0).normal(size=(1, 10, 1)).astype("float32")
    padded = np.concatenate([series, np.zeros((1, 5, 1), "float32")], axis=1)
    np.testing.assert_allclose(
        model.predict(series, verbose=0), model.predict(padded, verbose=0), rtol=1e-5
    )


def test_wrong_number_of_features_is_refused_before_training():
    x, y = waves(features=3)
    with pytest.raises(
        DataError,
        match=r"Invalid sequences: expected 1 features per step, shape \(40, 1\). Received: 3 features",
    ):
        kw.data.pipeline((x, y), 16, input_shape=(40, 1))
    with pytest.raises(
        DataError, match=r"expected shape \(50, 1\). Received: shape \(40, 1\). Pad or cut"
    ):
        kw.data.pipeline(waves(), 16, input_shape=(50, 1))


def test_unknown_encoder_and_bad_shapes():
    with pytest.raises(
        ValueError,
        match=r"Invalid value for argument `encoder`. Expected one of \['fcn', 'conv1d', 'lstm', 'gru', 'bilstm'\]",
    ):
        kw.tasks.sequence_classifier((40, 1), 2, encoder="transformer")
    with pytest.raises(ValueError, match="Expected \\(steps, features\\)"):
        kw.tasks.sequence_classifier((40,), 2)
    with pytest.raises(ValueError, match="one kernel size per block"):
        kw.tasks.sequence_classifier((40, 1), 2, filters=(8, 8), kernel_sizes=(3,))


def test_ucr_datasets_load_with_official_splits():
    for name, (train_size, test_size, steps) in {
        "gunpoint": (50, 150, 150),
        "italy_power_demand": (67, 1029, 24),
    }.items():
        train, test = kw.data.load(name)
        assert train.x.shape == (train_size, steps, 1) and test.x.shape == (test_size, steps, 1)
        assert set(np.unique(train.y)) == {0, 1}
        baseline = kw.baselines.nearest_neighbor().fit(*train).predict(test.x)
        accuracy = kw.training.task_metrics(test.y, baseline, "multiclass")["accuracy"]
        assert accuracy == pytest.approx(
            {"gunpoint": 0.9133, "italy_power_demand": 0.9553}[name], abs=1e-4
        )
