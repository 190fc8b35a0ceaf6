"""Fixtures of the planning tests."""

import pytest

from tests.planning.helpers import Center


@pytest.fixture
def center(db) -> Center:
    """The hand-made center of tests/planning/helpers.py, with 20 calls per agent in WEEK."""
    return Center()
