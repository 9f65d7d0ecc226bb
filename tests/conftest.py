"""Fixtures shared by test folders: the built-in suite and one reference runner per session."""

import pytest

from twinbench.tasks import ReferenceRunner, load_suite


@pytest.fixture(scope="session")
def beamline():
    return load_suite("beamline")


@pytest.fixture(scope="session")
def runner():
    """Every reference of the built-in suite runs once per session, really."""
    with ReferenceRunner() as r:
        yield r
