"""Every builder passes the same contract (tests/helpers/task_contract.py)."""

import pytest

from tests.helpers.examples import EXAMPLES
from tests.helpers.task_contract import builds_under_mirrored, run_task_test


@pytest.mark.parametrize("builder", sorted(EXAMPLES))
def test_builder_contract(builder, tmp_path):
    run_task_test(EXAMPLES[builder](), tmp_path)


@pytest.mark.slow
def test_every_builder_builds_and_trains_under_mirrored_strategy():
    results = builds_under_mirrored("all")
    assert set(results) == set(EXAMPLES)
    for name, result in results.items():
        assert result["replicas"] == 2, name
        assert result["variables_mirrored"] == "MirroredVariable", name
        assert result["steps"] > 0, name
