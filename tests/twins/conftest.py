import pytest

from twinbench.sandbox import Sandbox


@pytest.fixture(scope="session")
def sandbox():
    with Sandbox() as sb:
        yield sb
