"""Test set-up: TensorFlow backend, no network, a quiet TensorFlow, slow files first."""

import collections
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


def pytest_collection_modifyitems(items):
    """Test files with the most `slow` tests (over ~30 s each) run first, each file's tests
    in their order. `make test` runs every file whole on one of its workers (pytest-xdist's
    `--dist loadfile`, which hands out files in this order): a long file started last keeps
    one worker busy while the others idle, and longest first packs them best."""
    slow = collections.Counter(item.path for item in items if item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow[item.path])  # stable: files stay whole
