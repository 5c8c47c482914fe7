"""Test set-up: TensorFlow backend, no network, a quiet TensorFlow."""

import os

os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["KERAS_WALK_OFFLINE"] = "1"  # no test may reach the network
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _float32_policy():
    """Each test starts and ends with the float32 policy and a fixed seed."""
    keras.mixed_precision.set_global_policy("float32")
    keras.utils.set_random_seed(0)
    yield
    keras.mixed_precision.set_global_policy("float32")


collect_ignore = ["helpers"]
