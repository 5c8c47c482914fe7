"""make_optimizer: the one place optimizer arguments are read (keras_walk/tasks/compiling.py)."""

import keras
import pytest

import keras_walk as kw


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"learning_rate": "fast"},
            "Expected a positive finite float, a LearningRateSchedule or None",
        ),
        (
            {"learning_rate": True},
            "Expected a positive finite float, a LearningRateSchedule or None",
        ),
        ({"learning_rate": float("inf")}, "Received: learning_rate=inf"),
        ({"learning_rate": float("nan")}, "Received: learning_rate=nan"),
        ({"weight_decay": -1.0}, "Expected a finite number >= 0"),
        ({"weight_decay": float("nan")}, "Received: weight_decay=nan"),
        ({"weight_decay": float("inf")}, "Received: weight_decay=inf"),
        ({"optimizer": "rmsprop"}, r"Expected one of \['adamw', 'adam', 'sgd'\]"),
        ({"optimizer": keras.optimizers.SGD(), "weight_decay": 0.1}, "would ignore it"),
    ],
)
def test_bad_optimizer_arguments_fail_in_every_builder(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kw.tasks.make_optimizer(**kwargs)
    with pytest.raises(ValueError, match=message):
        kw.tasks.regressor(3, **kwargs)


def test_weight_decay_is_applied_with_every_named_optimizer():
    assert kw.tasks.make_optimizer().weight_decay == 1e-4
    for name in ("adam", "sgd"):
        assert kw.tasks.make_optimizer(name).weight_decay is None
        assert kw.tasks.make_optimizer(name, weight_decay=0.01).weight_decay == 0.01
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, 100, 0.9)
    assert kw.tasks.make_optimizer("adam", schedule).learning_rate is not None
