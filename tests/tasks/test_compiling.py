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
        ({"optimizer": "rmsprop"}, r"Expected one of \['adam', 'adamw', 'sgd'\]"),
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


def test_every_builder_takes_the_compile_options_from_one_place():
    import inspect

    from keras_walk.tasks.building import COMPILE_OPTIONS

    for name, info in kw.tasks.BUILDERS.items():
        builder = getattr(kw.tasks, name)
        assert builder.builder_info == info
        parameters = inspect.signature(builder).parameters
        compiles = "optimizer" in parameters
        assert compiles == all(option in parameters for option in COMPILE_OPTIONS), name
        if compiles:  # documented once, in the builder's help
            assert all(f"        {option}: " in builder.__doc__ for option in COMPILE_OPTIONS)


def test_the_compile_options_given_are_kept_and_used_again_after_a_reload(tmp_path):
    model = kw.tasks.regressor(3, optimizer="adam", learning_rate=0.02, weight_decay=0.001)
    assert type(model.optimizer).__name__ == "Adam"
    assert model.optimizer.learning_rate.numpy() == pytest.approx(0.02)
    model.save(tmp_path / "model.keras")
    reloaded = keras.models.load_model(tmp_path / "model.keras")
    reloaded.compile()  # "auto": the options the builder was given
    assert type(reloaded.optimizer).__name__ == "Adam"
    assert reloaded.optimizer.learning_rate.numpy() == pytest.approx(0.02)
    assert reloaded.optimizer.weight_decay == pytest.approx(0.001)


def test_each_family_keeps_its_own_optimizer_defaults():
    gan = kw.tasks.gan((8, 8, 1), latent_dim=4, filters=(4,))
    assert type(gan.optimizer).__name__ == "Adam"
    assert gan.optimizer.beta_1 == 0.5
    assert gan.optimizer.learning_rate.numpy() == pytest.approx(2e-4)
    faster = kw.tasks.gan((8, 8, 1), latent_dim=4, filters=(4,), learning_rate=1e-3)
    assert faster.optimizer.beta_1 == 0.5  # the rate given, the family's beta_1 kept
    assert faster.optimizer.learning_rate.numpy() == pytest.approx(1e-3)
    model = kw.tasks.language_model("to be or not to be " * 20, sequence_length=8, units=8)
    assert model.optimizer.learning_rate.numpy() == pytest.approx(2e-3)
    sgd = kw.tasks.language_model("to be or not " * 20, sequence_length=8, units=8,
                                  optimizer=keras.optimizers.SGD(0.1))  # fmt: skip
    assert type(sgd.optimizer).__name__ == "SGD"
    with pytest.raises(ValueError, match="`beta_1` is Adam's and AdamW's"):
        kw.tasks.make_optimizer("sgd", beta_1=0.5)
