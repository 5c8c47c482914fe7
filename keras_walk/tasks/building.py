"""The one builder tail: compile options and the strategy, handled once for every builder.

A builder reads "check the arguments, build the graph, return the Task". `@builder(...)`
adds what every builder takes besides: `optimizer`, `learning_rate`, `weight_decay`,
`strategy` and `jit_compile` (keyword-only). It resolves the strategy, calls the builder in
its scope, and compiles the Task it returns with its family's `compile("auto")` and the
options given, which the Task keeps, so that `compile()` after a reload uses them again.
The decorator also carries what the docs' table of builders says of each (`BuilderInfo`).

A builder that must make something outside the strategy's scope (a vocabulary: a lookup
table, not a weight) declares a `strategy` parameter: it then gets the resolved strategy
and enters the scope itself.

Examples:

    >>> import keras_walk as kw
    >>> @builder(default_head="`regression`", heads=("regression",))
    ... def tiny(width: int):
    ...     inputs = keras.Input((width,))
    ...     outputs = keras.layers.Dense(1)(inputs)
    ...     return kw.tasks.SupervisedTask(inputs, outputs, head="regression", num_classes=1)
    >>> tiny(3, learning_rate=0.01).optimizer.learning_rate.numpy().round(4)
    np.float32(0.01)
    >>> tiny.builder_info.heads
    ('regression',)
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import NamedTuple

import keras

from keras_walk import distribute
from keras_walk.tasks.task import Task

__all__ = ["CLASSIFIER_DEFAULT", "COMPILE_OPTIONS", "BuilderInfo", "builder", "compile_task"]

# The default head of the classifier builders, as the docs' table says it.
CLASSIFIER_DEFAULT = "`binary` for 2 classes, else `multiclass`"


class BuilderInfo(NamedTuple):
    """What the docs' table of builders says of one builder besides its signature."""

    default_head: str
    heads: tuple[str, ...]
    encoders: tuple[str, ...] = ()


# The options every compiling builder takes, with the lines its docstring gets for them.
COMPILE_OPTIONS = {
    "optimizer": (
        "auto",
        '`"auto"` (the family\'s: AdamW for most, DCGAN\'s Adam for `gan`), `"adamw"`, '
        '`"adam"`, `"sgd"` or a `keras.optimizers.Optimizer`; see `make_optimizer`.',
    ),
    "learning_rate": (
        None,
        "a float or a schedule; `None`: the Task's own (1e-3 for most).",
    ),
    "weight_decay": (
        None,
        "decoupled weight decay; `None`: 1e-4 for AdamW, none otherwise.",
    ),
    "strategy": (
        None,
        "passed to `keras_walk.distribute.resolve_strategy` (`None`: the best this machine "
        "has); the Task is built and compiled inside its scope.",
    ),
    "jit_compile": ("auto", 'XLA: `"auto"`, `True` or `False` (passed to `compile`).'),
}


def builder(
    *, default_head: str, heads: tuple[str, ...], encoders: tuple[str, ...] = (), compiles=True
) -> Callable:
    """Makes `build` a builder: with `compiles=True` it takes the `COMPILE_OPTIONS` too and
    returns the compiled Task (see the module); either way it carries its `builder_info`.
    Use `compiles=False` for builders that pass their options on to another builder."""
    info = BuilderInfo(default_head, tuple(heads), tuple(encoders))

    def decorate(build: Callable) -> Callable:
        if not compiles:
            build.builder_info = info
            return build
        takes_strategy = "strategy" in inspect.signature(build).parameters

        @functools.wraps(build)
        def compiled_builder(
            *args, optimizer="auto", learning_rate=None, weight_decay=None, strategy=None,
            jit_compile="auto", **kwargs,
        ):  # fmt: skip
            strategy = distribute.resolve_strategy(strategy)
            if takes_strategy:
                task = build(*args, strategy=strategy, **kwargs)
            else:
                with strategy.scope():
                    task = build(*args, **kwargs)
            with strategy.scope():
                return compile_task(task, optimizer, learning_rate, weight_decay, jit_compile)

        compiled_builder.__signature__ = _with_compile_options(build)
        compiled_builder.__doc__ = _with_compile_lines(build.__doc__ or "")
        compiled_builder.builder_info = info
        return compiled_builder

    return decorate


def compile_task(
    task: Task, optimizer="auto", learning_rate=None, weight_decay=None, jit_compile="auto"
) -> Task:
    """Compiles `task` with its family's `compile("auto")`, the options given taking the
    place of its defaults, and keeps them in its config (`compile_defaults`), so
    `compile()` after a reload, or after freezing a backbone, uses them again."""
    given = {"optimizer": None if optimizer == "auto" else optimizer,
             "learning_rate": learning_rate, "weight_decay": weight_decay}  # fmt: skip
    if isinstance(given["optimizer"], keras.optimizers.Optimizer):
        # An instance brings its own rate and decay: the family's defaults must not join
        # it (one given beside it is refused by `make_optimizer` when the Task compiles).
        defaults = {"optimizer": None, "learning_rate": None, "weight_decay": None}
    else:
        defaults = dict(task.compile_defaults)
    task.compile_defaults = {
        **defaults, **{k: _serialized(v) for k, v in given.items() if v is not None}
    }  # fmt: skip
    task.compile(jit_compile=jit_compile)
    return task


def _serialized(value):
    if isinstance(value, keras.optimizers.Optimizer):
        return keras.optimizers.serialize(value)
    if isinstance(value, keras.optimizers.schedules.LearningRateSchedule):
        return keras.optimizers.schedules.serialize(value)
    return value


def _with_compile_options(build: Callable) -> inspect.Signature:
    signature = inspect.signature(build)
    parameters = [p for p in signature.parameters.values() if p.name != "strategy"]
    keyword = inspect.Parameter.KEYWORD_ONLY
    added = [inspect.Parameter(name, keyword, default=default)
             for name, (default, _) in COMPILE_OPTIONS.items()]  # fmt: skip
    variadic = [p for p in parameters if p.kind == p.VAR_KEYWORD]
    rest = [p for p in parameters if p.kind != p.VAR_KEYWORD]
    return signature.replace(parameters=[*rest, *added, *variadic])


def _with_compile_lines(doc: str) -> str:
    """`doc` with a line per compile option at the end of its `Args:` section."""
    lines = "".join(f"\n        {name}: {text}" for name, (_, text) in COMPILE_OPTIONS.items())
    start = doc.find("\n    Args:")
    if start < 0:
        return doc + "\n\n    Args:" + lines + "\n"
    end = doc.find("\n\n", start)
    end = len(doc.rstrip()) if end < 0 else end
    return doc[:end] + lines + doc[end:]
