"""The command line every recipe shares: `--smoke`, `--epochs`, `--output-dir`, `--seed`,
`--deterministic`, `--precision`."""

from __future__ import annotations

import argparse
from pathlib import Path

import keras
import tensorflow as tf

from keras_walk import distribute

__all__ = ["recipe_arguments"]


def recipe_arguments(
    argv,
    *,
    description: str,
    output_dir: str,
    full: dict,
    smoke: dict,
    strategy: bool = False,
    datasets: tuple[str, ...] = (),
    precision_family: str | None = None,
) -> tuple[argparse.Namespace, dict]:
    """Parses a recipe's arguments, picks its configuration, seeds Keras and makes the
    output folder.

    Args:
        argv: the arguments (`None` reads `sys.argv`).
        description: one line for `--help`.
        output_dir: the default `--output-dir`, e.g. `"runs/penguins"`.
        full, smoke: the configurations of a full run and of `--smoke`; `--epochs`
            overrides their `"epochs"` (each part's, in a configuration of several
            parts, one dict per model).
        strategy: add `--strategy` (a `keras_walk.distribute` name, default `"auto"`).
        datasets: add `--dataset` with these choices (the first is the default); a
            `{dataset}` in `output_dir` becomes the chosen name.
        precision_family: the model family (`"conv"`, `"rnn"`, `"transformer"`) that
            `--precision auto` consults (`keras_walk.distribute.set_mixed_precision`); a
            recipe that names one defaults to `auto`, the others to `float32`. The policy
            set is `args.precision`.

    Returns:
        `(args, config)`.

    Examples:

        >>> import tempfile
        >>> args, config = recipe_arguments(
        ...     ["--smoke", "--epochs", "2", "--output-dir", tempfile.mkdtemp()],
        ...     description="demo", output_dir="runs/demo", full={"epochs": 9}, smoke={"epochs": 3},
        ... )
        >>> args.smoke, config, args.seed, args.precision
        (True, {'epochs': 2}, 1337, 'float32')
    """
    parser = _parser(description, strategy, datasets, precision_family)
    args = parser.parse_args(argv)
    if args.output_dir is None:
        args.output_dir = Path(output_dir.format(dataset=getattr(args, "dataset", "")))
    config = dict(smoke if args.smoke else full)
    if args.epochs is not None:
        if args.epochs < 1:
            parser.error(f"--epochs must be at least 1, got {args.epochs}")
        config = _with_epochs(config, args.epochs)
    if distribute.cluster_config() is not None:
        # A worker of a TF_CONFIG cluster: TensorFlow wants the multi-worker strategy made
        # before anything else touches its runtime.
        distribute.resolve_strategy(getattr(args, "strategy", "auto"))
    args.precision = distribute.set_mixed_precision(args.precision, model=precision_family)
    keras.utils.set_random_seed(args.seed)
    if args.deterministic:
        tf.config.experimental.enable_op_determinism()
    args.output_dir.mkdir(parents=True, exist_ok=True)
    return args, config


def _parser(description, strategy, datasets, precision_family) -> argparse.ArgumentParser:
    """The command line every recipe shares, with `--strategy` and `--dataset` when asked."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="a tiny run of seconds (tests)")
    parser.add_argument("--epochs", type=int, default=None, help="override the epochs")
    parser.add_argument("--output-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument(
        "--deterministic", action="store_true",
        help="op determinism: two runs with the same seed give bit-identical weights "
        "(slower on GPUs; see the reliability page)",
    )  # fmt: skip
    parser.add_argument(
        "--precision", choices=("auto", "float32", "mixed_bfloat16", "mixed_float16"),
        default="auto" if precision_family else "float32",
        help="Keras dtype policy; auto: bfloat16 on TPUs, float16 on GPUs, bfloat16 on CPUs "
        "where it was measured faster for this kind of model, else float32",
    )  # fmt: skip
    if strategy:
        parser.add_argument("--strategy", default="auto", choices=distribute.STRATEGIES)
    if datasets:
        parser.add_argument("--dataset", default=datasets[0], choices=datasets)
    return parser


def _with_epochs(config: dict, epochs: int) -> dict:
    """`config` with `--epochs` in place of its `"epochs"`, or of each part's in a recipe
    of several models (one dict per model)."""
    parts = [key for key, part in config.items() if isinstance(part, dict) and "epochs" in part]
    if "epochs" in config or not parts:
        config["epochs"] = epochs
    for key in parts:
        config[key] = {**config[key], "epochs": epochs}
    return config
