"""Strategy resolution, mixed precision and XLA: one place for "where does this run".

`resolve_strategy("auto")` picks, in order: a TPU (when the environment names one), a
multi-worker cluster (`TF_CONFIG` with more than one task: `MultiWorkerMirroredStrategy`,
which also uses each worker's GPUs), several GPUs (`MirroredStrategy`), and otherwise the
default strategy. Every builder in `keras_walk.tasks` builds and compiles its
model inside the resolved strategy's scope.

Examples:

    >>> from keras_walk import distribute
    >>> strategy = distribute.resolve_strategy("auto")
    >>> distribute.global_batch_size(64, strategy) == 64 * strategy.num_replicas_in_sync
    True
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import keras
import tensorflow as tf

from keras_walk.arguments import positive_int

__all__ = [
    "CPU_BFLOAT16_FAMILIES",
    "MODEL_FAMILIES",
    "STRATEGIES",
    "cluster_config",
    "cpu_has_bfloat16",
    "describe",
    "global_batch_size",
    "in_multi_worker_mode",
    "is_chief",
    "resolve_strategy",
    "set_mixed_precision",
    "worker_scratch_dir",
]

STRATEGIES = ("auto", "tpu", "mirrored", "multi_worker", "default")

# Environment variables that mean "this process runs beside a TPU". Checking them first keeps
# "auto" instant elsewhere: TPUClusterResolver() on a plain machine may probe the GCE
# metadata server over the network.
_TPU_ENV = ("TPU_NAME", "COLAB_TPU_ADDR", "TPU_WORKER_ID", "TPU_ACCELERATOR_TYPE")


def resolve_strategy(strategy: str | tf.distribute.Strategy | None = None):
    """Returns a `tf.distribute.Strategy` for a name (or passes a strategy through).

    A name is resolved once per process and cached: every builder, `global_batch_size` and
    `describe` then get the same strategy object (a TPU system is initialized once).

    Args:
        strategy: `None` or `"auto"` (the same thing: the best this machine has), `"tpu"`,
            `"mirrored"`, `"multi_worker"`, `"default"` (the strategy of the current scope,
            no distribution outside one), or a `tf.distribute.Strategy` instance.

    Raises:
        ValueError: for an unknown name, `"tpu"` / `"multi_worker"` where there is none, or
            a malformed `TF_CONFIG` under `"auto"` or `"multi_worker"`.

    Examples:

        >>> resolve_strategy() is resolve_strategy("auto")
        True
    """
    if isinstance(strategy, tf.distribute.Strategy):
        return strategy
    if strategy is None:
        strategy = "auto"
    if strategy == "default":
        return tf.distribute.get_strategy()
    if strategy not in STRATEGIES:
        raise ValueError(
            f"Invalid value for argument `strategy`. Expected one of {list(STRATEGIES)} or a "
            f"tf.distribute.Strategy. Received: strategy={strategy!r}"
        )
    if strategy in ("auto", "multi_worker"):
        cluster_config()  # a malformed TF_CONFIG is an error each time, not only the first
    resolved = _resolve_named(strategy)
    # `None`: nothing to distribute over; the strategy of the current scope (the default
    # one outside any scope), looked up each time so that no scope is cached.
    return tf.distribute.get_strategy() if resolved is None else resolved


@functools.cache
def _resolve_named(strategy: str):
    if strategy == "tpu":
        return _tpu_strategy()
    if strategy == "mirrored":
        return _mirrored_strategy()
    if strategy == "multi_worker":
        if _tf_config_workers() < 2:
            raise ValueError(
                "Invalid value for argument `strategy`: 'multi_worker' needs TF_CONFIG naming "
                f"at least 2 workers. Received: TF_CONFIG={os.environ.get('TF_CONFIG')!r}"
            )
        return tf.distribute.MultiWorkerMirroredStrategy()
    # auto
    if any(os.environ.get(name) for name in _TPU_ENV):
        return _tpu_strategy()
    # A cluster before GPUs: listing devices starts TensorFlow's runtime, and the
    # multi-worker strategy must be made before that (it also uses every local GPU).
    if _tf_config_workers() > 1:
        return tf.distribute.MultiWorkerMirroredStrategy()
    if len(tf.config.list_logical_devices("GPU")) > 1:
        return _mirrored_strategy()
    return None


def _tpu_strategy():
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError) as error:
        raise ValueError(
            f"Invalid value for argument `strategy`: no TPU found ({error})."
        ) from None
    return tf.distribute.TPUStrategy(resolver)


def _mirrored_strategy():
    gpus = tf.config.list_logical_devices("GPU")
    devices = gpus if gpus else tf.config.list_logical_devices("CPU")
    return tf.distribute.MirroredStrategy([d.name for d in devices])


def _tf_config_workers() -> int:
    config = cluster_config()
    if config is None:
        return 0
    return sum(len(config["cluster"].get(kind, [])) for kind in ("chief", "worker"))


def cluster_config() -> dict | None:
    """`TF_CONFIG`, checked: `None` when it is not set, else `{"cluster": ..., "task": ...}`.

    Raises:
        ValueError: `TF_CONFIG` is not JSON, names no chief or worker, or its task is not
            one of the cluster's.

    Examples:

        >>> import os
        >>> os.environ["TF_CONFIG"] = '{"cluster": {"ps": ["host:2222"]}}'
        >>> cluster_config()
        Traceback (most recent call last):
        ...
        ValueError: Invalid TF_CONFIG: its "cluster" names no "worker" or "chief". Received: {"cluster": {"ps": ["host:2222"]}}
        >>> del os.environ["TF_CONFIG"]
    """
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return None
    try:
        config = json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError(f"Invalid TF_CONFIG: not JSON. Received: {raw}") from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    if not isinstance(cluster, dict) or not (cluster.get("worker") or cluster.get("chief")):
        raise ValueError(
            f'Invalid TF_CONFIG: its "cluster" names no "worker" or "chief". Received: {raw}'
        )
    task = config.get("task") or {"type": "chief" if cluster.get("chief") else "worker",
                                  "index": 0}  # fmt: skip
    members = cluster.get(task.get("type"), [])
    if not isinstance(task.get("index"), int) or not 0 <= task["index"] < len(members):
        raise ValueError(
            f'Invalid TF_CONFIG: its "task" {json.dumps(task)} is not one of the cluster\'s '
            f"tasks. Received: {raw}"
        )
    return {"cluster": cluster, "task": task}


def is_chief() -> bool:
    """Whether this process writes the run's files: the chief of a `TF_CONFIG` cluster
    (its "chief" task, or worker 0 when it names none), or any process outside one. The
    other workers train the same model but write to throwaway folders."""
    config = cluster_config()
    if config is None:
        return True
    task = config["task"]
    if config["cluster"].get("chief"):
        return task["type"] == "chief"
    return task["type"] == "worker" and task["index"] == 0


def in_multi_worker_mode(strategy=None) -> bool:
    """Whether `strategy` (`None`: the current one) syncs several workers: a
    `MultiWorkerMirroredStrategy` whose `TF_CONFIG` names more than one task."""
    strategy = strategy or tf.distribute.get_strategy()
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and bool(
        strategy.extended._in_multi_worker_mode()  # the check Keras's own trainer makes
    )


def global_batch_size(per_replica: int, strategy=None) -> int:
    """Per-replica batch size times the number of replicas in sync of the strategy the
    builders use (`None` is `"auto"`, as in every builder)."""
    per_replica = positive_int("per_replica", per_replica)
    return per_replica * resolve_strategy(strategy).num_replicas_in_sync


# Model families whose training `mixed_bfloat16` speeds up by at least 10% on a CPU with
# native bfloat16 (AVX512_BF16 / AMX) with the same test accuracy, measured by
# `benchmarks/mixed_precision.py` (2026-12-06, 2-core Intel Xeon with AMX: convnet 2.22x
# with keras_walk's fused batch norm, transformer 1.02x, BiLSTM 0.83x; 2026-11-24 on an
# AMD EPYC with Keras's batch norm: 1.18x, 1.05x, 0.84x; the strategies page has the tables).
CPU_BFLOAT16_FAMILIES = ("conv",)
MODEL_FAMILIES = ("conv", "rnn", "transformer")
_POLICIES = ("float32", "mixed_float16", "mixed_bfloat16", "bfloat16", "float16")


def set_mixed_precision(policy: str | None = "auto", *, model: str | None = None) -> str:
    """Sets Keras's global dtype policy and returns its name.

    `"auto"`: `mixed_bfloat16` on TPU, `mixed_float16` on GPU; on a CPU, `mixed_bfloat16`
    where the CPU computes bfloat16 natively **and** `model` is a family it was measured to
    speed up without losing accuracy (`CPU_BFLOAT16_FAMILIES`), else `float32`. `None` or
    `"float32"` turns mixed precision off. Heads always compute in float32.

    Args:
        policy: `"auto"`, `None` or a Keras dtype policy name.
        model: what will train, for `"auto"` on a CPU: `"conv"` (convnets), `"rnn"` (LSTM,
            GRU) or `"transformer"`; `None` keeps float32 there.

    Asking for a bfloat16 policy on a CPU without native bfloat16 (and no GPU or TPU) warns
    rather than fails: TensorFlow runs it by converting every operation's inputs, which
    works but is slower than float32.

    Examples:

        >>> set_mixed_precision("auto", model="rnn")  # LSTMs gain nothing from bfloat16 on CPU
        'float32'
    """
    if model is not None and model not in MODEL_FAMILIES:
        raise ValueError(
            f"Invalid value for argument `model`. Expected one of {list(MODEL_FAMILIES)} or "
            f"None. Received: model={model!r}"
        )
    tpu = any(os.environ.get(name) for name in _TPU_ENV)
    # Called only when the answer matters: listing devices starts TensorFlow's runtime,
    # which a multi-worker cluster wants left alone until its strategy exists.
    has_gpu = lambda: bool(tf.config.list_logical_devices("GPU"))  # noqa: E731
    if policy == "auto":
        if tpu:
            policy = "mixed_bfloat16"
        elif has_gpu():
            policy = "mixed_float16"
        elif cpu_has_bfloat16() and model in CPU_BFLOAT16_FAMILIES:
            policy = "mixed_bfloat16"
        else:
            policy = "float32"
    policy = policy or "float32"
    if policy not in _POLICIES:
        raise ValueError(
            "Invalid value for argument `policy`. Expected 'auto', 'float32', "
            f"'mixed_float16' or 'mixed_bfloat16'. Received: policy={policy!r}"
        )
    if "bfloat16" in policy and not (tpu or cpu_has_bfloat16() or has_gpu()):
        warnings.warn(
            f"{policy!r} on a CPU without native bfloat16 (no AVX512_BF16 or AMX): TensorFlow "
            "emulates it, which is slower than float32. Use 'float32' here.",
            stacklevel=2,
        )
    keras.mixed_precision.set_global_policy(policy)
    return policy


def worker_scratch_dir() -> Path:
    """A throwaway folder, removed when the process exits: where a worker that is not the
    chief writes what only the chief keeps (results, plots, checkpoints, logs)."""
    path = Path(tempfile.mkdtemp(prefix="keras_walk-worker-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def cpu_has_bfloat16() -> bool:
    """Whether this machine's CPU computes bfloat16 natively (the AVX512_BF16 or AMX_BF16
    instructions, which oneDNN uses for bfloat16 matmuls and convolutions). Linux only;
    elsewhere `False`."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flags = next((line for line in cpuinfo if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def describe(strategy=None) -> dict:
    """A JSON-friendly summary of where training runs (for results.json); `None` is
    `"auto"`, the strategy the builders use by default."""
    strategy = resolve_strategy(strategy)
    return {
        "strategy": type(strategy).__name__,
        "replicas": strategy.num_replicas_in_sync,
        "devices": [d.name for d in tf.config.list_logical_devices()],
        "dtype_policy": keras.config.dtype_policy().name,
    }
