"""The one call shape of every builder, and the table of builders the docs show.

Every builder takes, in this order:

1. the data or shapes it adapts on (`input_shape`, training texts, `TabularFeatures`,
   forecasting windows, training text);
2. the output count, always `num_classes` (`num_outputs` for regressors);
3. keyword-only options: `head=` (the one way to choose the label format; by default
   `"binary"` for 2 classes and `"multiclass"` for more), `backbone=` (images) or
   `encoder=` (sequences) as a name, a `keras.Model` or a callable, then `class_names`,
   `optimizer`, `learning_rate`, `weight_decay`, `strategy`, `jit_compile`, `seed`, `name`.

Spellings of earlier versions raise a `ValueError` that names the new one
(`removed_arguments`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

from keras_walk import arguments

__all__ = ["builder_table", "removed_arguments"]

_RENAMED = {
    "loss": "head='regression', 'regression_mae' or 'regression_huber' (for loss='mse', 'mae', 'huber')",
    "one_hot_labels": "head='multiclass_onehot'",
    "num_labels": "num_classes",
}


def removed_arguments(*names: str):
    """A builder decorator: the old argument `names` raise a `ValueError` with the new
    spelling (from the table above) instead of a bare `TypeError`."""
    return arguments.removed_arguments(**{name: _RENAMED[name] for name in names})


def builder_table(builders: Sequence[Callable]) -> str:
    """A markdown table of `builders`: each one's signature (the positional part and the
    main options), its default head, the heads it takes and its encoders or backbones,
    read from the code itself (`keras_walk.tasks.builder_table()` tables them all)."""
    rows = [
        "| builder | call | default head, or what it learns | heads | encoders / backbones |",
        "|---|---|---|---|---|",
    ]
    for builder in builders:
        name, info = builder.__name__, builder.builder_info
        signature = inspect.signature(builder)
        positional = [
            p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
            for p in signature.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        options = [
            p.name
            for p in signature.parameters.values()
            if p.kind == p.KEYWORD_ONLY and p.name in ("head", "encoder", "backbone", "class_names")
        ]
        call = f"`{name}({', '.join(positional)}{', *, ' + ', '.join(options) if options else ''})`"
        rows.append(  # an mkdocstrings cross-reference to the builder's API entry
            f"| [`{name}`][{builder.__module__}.{name}] | {call} | "
            f"{info.default_head} | {', '.join(f'`{h}`' for h in info.heads) or '-'} | "
            f"{', '.join(f'`{e}`' for e in info.encoders) or '-'} |"
        )
    return "\n".join(rows) + "\n"
