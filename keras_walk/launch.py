"""`keras-walk launch`: run one training script as N local workers of a
`MultiWorkerMirroredStrategy` cluster.

Each worker is a process of its own with the `TF_CONFIG` that TensorFlow's multi-worker
runtime reads (the same variable Kubeflow's TFJob, Vertex AI and hand-written launchers
set on real clusters), on free local ports. The launcher streams every worker's output
with a `[worker i]` prefix and exits with the first failure's exit code. When a worker
dies, the others would wait for it forever inside a collective, so the launcher stops
them; with `restarts`, it then starts the whole job again, and a script that trains with
`keras_walk.training.default_callbacks` resumes from its last finished epoch.

Why written here: TensorFlow ships no launcher for `TF_CONFIG` clusters (torchrun's role);
the few on PyPI are tied to a scheduler (Ray, Horovod's MPI).

Examples:

    >>> config = cluster_configs(["localhost:2222", "localhost:2223"])
    >>> json.loads(config[1])["task"]
    {'type': 'worker', 'index': 1}
    >>> json.loads(cluster_configs(["localhost:2222", "localhost:2223"], chief=True)[0])["task"]
    {'type': 'chief', 'index': 0}
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from keras_walk.arguments import is_integer

__all__ = ["LaunchError", "cluster_configs", "free_ports", "launch"]


class LaunchError(ValueError):
    """The launch was asked for something impossible (checked before any worker starts)."""


def free_ports(count: int, host: str = "localhost") -> list[int]:
    """`count` distinct TCP ports that are free on `host` now (the operating system picks
    them; they stay free unless another program takes one before the workers bind it)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((host, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def check_port_free(port: int, host: str = "localhost") -> None:
    """Raises `LaunchError` if `port` is taken on `host`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError as error:
            raise LaunchError(
                f"Port {port} on {host} is already in use ({error.strerror}). Pass another "
                "`--port`, or leave it out to use free ports."
            ) from None


def cluster_configs(addresses: list[str], *, chief: bool = False) -> list[str]:
    """One `TF_CONFIG` JSON string per process of the cluster at `addresses`. With `chief`,
    the first address is the chief (which also trains, in `MultiWorkerMirroredStrategy`)."""
    cluster = {"chief": addresses[:1], "worker": addresses[1:]} if chief else {"worker": addresses}
    tasks = [("chief", 0)] if chief else []
    tasks += [("worker", i) for i in range(len(cluster["worker"]))]
    return [
        json.dumps({"cluster": cluster, "task": {"type": kind, "index": index}})
        for kind, index in tasks
    ]


def launch(
    script: str | os.PathLike,
    script_args: list[str] = (),
    *,
    workers: int = 2,
    chief: bool = False,
    port: int | None = None,
    restarts: int = 0,
    threads_per_worker: int | None = None,
    output=None,
) -> int:
    """Runs `python script script_args...` as a local cluster; returns the exit code.

    Args:
        script: the training script.
        script_args: its arguments.
        workers: how many worker processes (at least 1).
        chief: also start a chief process (task type "chief"), as some clusters name one.
        port: the first port (the processes use `port`, `port + 1`, ...); `None` picks
            free ports.
        restarts: how many times to start the whole job again after a process fails.
        threads_per_worker: TensorFlow's intra-op threads per process; `None` shares the
            machine's cores among the processes (two processes that each use every core
            slow each other down).
        output: where the prefixed logs go (`sys.stdout` by default).

    Raises:
        LaunchError: `workers < 1`, a script that does not exist, a port in use.
    """
    if not is_integer(workers) or workers < 1:
        raise LaunchError(
            f"Invalid value for `--workers`. Expected at least 1. Received: {workers!r}"
        )
    script = Path(script)
    if not script.is_file():
        raise LaunchError(f"No such training script: {str(script)!r}.")
    if restarts < 0:
        raise LaunchError(
            f"Invalid value for `--restarts`. Expected 0 or more. Received: {restarts}"
        )
    output = output or sys.stdout
    processes = workers + int(chief)
    if threads_per_worker is None:
        threads_per_worker = max(1, (os.cpu_count() or 1) // processes)
    for attempt in range(restarts + 1):
        if port is None:
            ports = free_ports(processes)
        else:
            ports = list(range(port, port + processes))
            for p in ports:
                check_port_free(p)
        configs = cluster_configs([f"localhost:{p}" for p in ports], chief=chief)
        if attempt:
            _write(output, f"[launch] restart {attempt} of {restarts}\n")
        code = _run_cluster(script, list(script_args), configs, threads_per_worker, output)
        if code == 0:
            return 0
    return code


def _run_cluster(script, script_args, configs, threads, output) -> int:
    names = [_task_name(config) for config in configs]
    children = []
    for config in configs:
        env = {
            **os.environ, "TF_CONFIG": config,
            # Intra-op threads only: collectives wait on inter-op threads, and with one
            # the workers stall for seconds at every step.
            "TF_NUM_INTRAOP_THREADS": str(threads),
            "PYTHONUNBUFFERED": "1",
        }  # fmt: skip
        children.append(
            subprocess.Popen(
                [sys.executable, str(script), *script_args],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )  # fmt: skip
        )
    streams = [
        threading.Thread(target=_stream, args=(child.stdout, f"[{name}] ", output), daemon=True)
        for child, name in zip(children, names, strict=True)
    ]
    for stream in streams:
        stream.start()
    failed = None
    while failed is None and any(child.poll() is None for child in children):
        failed = next((c for c in children if c.poll() not in (None, 0)), None)
        time.sleep(0.2)
    failed = failed or next((c for c in children if c.returncode != 0), None)
    if failed is not None:
        # The others would wait for the failed one inside a collective forever.
        name = names[children.index(failed)]
        _write(
            output, f"[launch] {name} exited with code {failed.returncode}; stopping the others\n"
        )
        _stop(children)
    for stream in streams:
        stream.join(timeout=5)
    return 0 if failed is None else failed.returncode or 1


def _task_name(config: str) -> str:
    task = json.loads(config)["task"]
    return f"{task['type']} {task['index']}"


def _stream(pipe, prefix, output):
    for line in pipe:
        _write(output, prefix + line)


_OUTPUT_LOCK = threading.Lock()


def _write(output, text):
    with _OUTPUT_LOCK:
        output.write(text)
        output.flush()


def _stop(children, grace: float = 10.0):
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
