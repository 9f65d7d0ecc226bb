import os

import pytest

from twinbench.sandbox import Sandbox

SECRET = "sk-twinbench-test-secret"
os.environ["OPENAI_API_KEY"] = SECRET  # a harness secret that no program may see


@pytest.fixture(scope="session")
def sandbox():
    with Sandbox() as sb:
        yield sb
