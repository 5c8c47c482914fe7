"""Every builder passes the same contract (tests/helpers/task_contract.py)."""

import pytest

from tests.helpers.examples import (
    DISTILLATION_EXAMPLES,
    EXAMPLES,
    GENERATIVE_EXAMPLES,
    IMAGE_TEXT_EXAMPLES,
    SELF_SUPERVISED_EXAMPLES,
)
from tests.helpers.task_contract import builds_under_mirrored, run_task_test


@pytest.mark.parametrize("builder", sorted(EXAMPLES))
def test_builder_contract(builder, tmp_path):
    build, x, y, output_shape, class_names = EXAMPLES[builder]()
    run_task_test(
        build, x, y, tmp_path, expected_output_shape=output_shape, class_names=class_names
    )


@pytest.mark.slow
def test_every_builder_builds_and_trains_under_mirrored_strategy():
    results = builds_under_mirrored("all")
    assert set(results) == (
        set(EXAMPLES)
        | set(GENERATIVE_EXAMPLES)
        | set(IMAGE_TEXT_EXAMPLES)
        | set(SELF_SUPERVISED_EXAMPLES)
        | set(DISTILLATION_EXAMPLES)
    )
    for name, result in results.items():
        assert result["replicas"] == 2, name
        assert result["variables_mirrored"] == "MirroredVariable", name
        assert result["steps"] > 0, name
