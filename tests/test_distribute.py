import json
import subprocess
import sys
from pathlib import Path

import keras
import pytest
import tensorflow as tf

from keras_walk import distribute


def test_auto_on_a_plain_cpu_is_the_default_strategy(monkeypatch):
    for name in (
        "TPU_NAME",
        "COLAB_TPU_ADDR",
        "TPU_WORKER_ID",
        "TPU_ACCELERATOR_TYPE",
        "TF_CONFIG",
    ):
        monkeypatch.delenv(name, raising=False)
    strategy = distribute.resolve_strategy("auto")
    assert strategy is tf.distribute.get_strategy()
    assert distribute.resolve_strategy(None) is strategy
    assert distribute.resolve_strategy(strategy) is strategy
    assert distribute.global_batch_size(64, strategy) == 64


def test_explicit_mirrored_on_cpu():
    strategy = distribute.resolve_strategy("mirrored")
    assert isinstance(strategy, tf.distribute.MirroredStrategy)
    assert distribute.global_batch_size(16, strategy) == 16 * strategy.num_replicas_in_sync


def test_unknown_strategy():
    with pytest.raises(ValueError, match=r"Expected one of \['auto', 'tpu', 'mirrored', "
                                         r"'multi_worker', 'default'\].*Received: strategy='gpu'"):  # fmt: skip
        distribute.resolve_strategy("gpu")


def test_tpu_requested_where_there_is_none(monkeypatch):
    monkeypatch.delenv("TPU_NAME", raising=False)
    with pytest.raises(ValueError, match="no TPU found"):
        distribute.resolve_strategy("tpu")


def test_multi_worker_needs_tf_config(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    with pytest.raises(ValueError, match="needs TF_CONFIG naming at least 2 workers"):
        distribute.resolve_strategy("multi_worker")
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="Invalid TF_CONFIG: not JSON"):
        distribute.resolve_strategy("multi_worker")
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a:1", "b:2"]}}))
    assert distribute._tf_config_workers() == 2


def test_mixed_precision_policies():
    assert distribute.set_mixed_precision("auto") == "float32"  # CPU
    assert distribute.set_mixed_precision("mixed_bfloat16") == "mixed_bfloat16"
    assert keras.config.dtype_policy().name == "mixed_bfloat16"
    from keras_walk import tasks

    model = tasks.image_classifier((8, 8, 1), 3, backbone="basic_convnet")
    assert model.get_layer("basic_convnet").layers[1].compute_dtype == "bfloat16"
    assert model.output.dtype == "float32"  # the head stays float32
    with pytest.raises(ValueError, match="Received: policy='fp8'"):
        distribute.set_mixed_precision("fp8")
    assert distribute.set_mixed_precision(None) == "float32"


def test_auto_mixed_precision_on_gpu_and_tpu(monkeypatch):
    """No GPU or TPU here: the device list and the TPU environment are stood in for."""
    for name in distribute._TPU_ENV:
        monkeypatch.delenv(name, raising=False)
    gpu = tf.config.LogicalDevice("/device:GPU:0", "GPU")
    monkeypatch.setattr(
        tf.config, "list_logical_devices", lambda kind=None: [gpu] if kind == "GPU" else []
    )
    monkeypatch.setattr(distribute, "cpu_has_bfloat16", lambda: False)
    for family in (None, "conv", "rnn", "transformer"):  # every family, on a GPU
        assert distribute.set_mixed_precision("auto", model=family) == "mixed_float16"
        assert keras.config.dtype_policy().name == "mixed_float16"
    monkeypatch.setenv("TPU_NAME", "local")  # a TPU wins over a GPU
    assert distribute.set_mixed_precision("auto", model="rnn") == "mixed_bfloat16"


def test_auto_mixed_precision_on_cpu_follows_the_measurements(monkeypatch):
    monkeypatch.setattr(distribute, "cpu_has_bfloat16", lambda: True)
    for family in distribute.MODEL_FAMILIES:
        expected = "mixed_bfloat16" if family in distribute.CPU_BFLOAT16_FAMILIES else "float32"
        assert distribute.set_mixed_precision("auto", model=family) == expected
    assert distribute.set_mixed_precision("auto") == "float32"  # not told what trains
    monkeypatch.setattr(distribute, "cpu_has_bfloat16", lambda: False)
    for family in distribute.MODEL_FAMILIES:
        assert distribute.set_mixed_precision("auto", model=family) == "float32"
    with pytest.warns(UserWarning, match="without native bfloat16"):
        assert distribute.set_mixed_precision("mixed_bfloat16") == "mixed_bfloat16"
    with pytest.raises(ValueError, match="Received: model='cnn'"):
        distribute.set_mixed_precision("auto", model="cnn")


def test_recipe_precision_flag(monkeypatch, tmp_path):
    """`--precision` of every recipe: `auto` by default for a recipe that names its model
    family (bfloat16 on a CPU that has it, for a convnet), float32 for the others; the
    policy is set and recorded in results.json."""
    from keras_walk.harness import RecipeRun

    monkeypatch.setattr(distribute, "cpu_has_bfloat16", lambda: True)
    common = {"description": "t", "output_dir": str(tmp_path), "full": {}, "smoke": {}}
    run = RecipeRun(["--smoke"], precision_family="conv", **common)
    assert run.args.precision == keras.config.dtype_policy().name == "mixed_bfloat16"
    assert run.write_results("t")["config"]["precision"] == "mixed_bfloat16"
    run = RecipeRun(["--smoke", "--precision", "float32"], precision_family="conv", **common)
    assert run.args.precision == keras.config.dtype_policy().name == "float32"
    assert RecipeRun(["--smoke"], **common).args.precision == "float32"
    assert RecipeRun(["--smoke", "--precision", "auto"], **common).args.precision == "float32"
    with pytest.raises(SystemExit):
        RecipeRun(["--smoke", "--precision", "fp8"], **common)


def test_describe():
    info = distribute.describe("default")
    assert info["replicas"] == 1 and info["dtype_policy"] == "float32"


@pytest.mark.slow
def test_mirrored_training_matches_default():
    """Two logical CPU devices, MirroredStrategy: same accuracy as without (fresh process)."""
    script = Path(__file__).parent / "helpers" / "mirrored_vs_default.py"
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600, check=True
    )
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert results["mirrored"]["replicas"] == 2
    assert results["mirrored"]["strategy"] == "MirroredStrategy"
    for run in results.values():
        assert run["last_loss"] < 0.5 * run["first_loss"]
        assert run["test_accuracy"] > 0.85
    gap = abs(results["mirrored"]["test_accuracy"] - results["default"]["test_accuracy"])
    assert gap < 0.04, results
