import pytest

from twinbench.sandbox import Sandbox


@pytest.fixture(scope="session")
def physics():
    with Sandbox("physics") as sb:
        yield sb
