"""The `keras-walk` command (also `python -m keras_walk`).

keras-walk launch --workers 2 recipes/vision/image_classification.py --smoke
"""

from __future__ import annotations

import argparse
import sys

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="keras-walk", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    launch = commands.add_parser(
        "launch", help="run a training script as N local workers of a multi-worker cluster",
        description="Runs SCRIPT as N local worker processes of a MultiWorkerMirroredStrategy "
        "cluster, each with its TF_CONFIG, and streams their logs.",
    )  # fmt: skip
    launch.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    launch.add_argument("--chief", action="store_true", help="also start a chief process")
    launch.add_argument("--port", type=int, default=None, help="first port (default: free ports)")
    launch.add_argument(
        "--restarts", type=int, default=0,
        help="start the whole job again this many times after a process fails (it resumes "
        "from its last finished epoch)",
    )  # fmt: skip
    launch.add_argument(
        "--threads-per-worker", type=int, default=None,
        help="TensorFlow threads per process (default: the cores shared among them)",
    )  # fmt: skip
    launch.add_argument("script", help="the training script")
    launch.add_argument("script_args", nargs=argparse.REMAINDER, help="its arguments")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "launch":
        from keras_walk.launch import LaunchError, launch

        try:
            code = launch(
                args.script, args.script_args, workers=args.workers, chief=args.chief,
                port=args.port, restarts=args.restarts,
                threads_per_worker=args.threads_per_worker,
            )  # fmt: skip
        except LaunchError as error:
            print(f"keras-walk launch: error: {error}", file=sys.stderr)
            return 2
        return code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as shells say
    return 2  # pragma: no cover - argparse requires a command


if __name__ == "__main__":
    sys.exit(main())
