"""One reference runner per test session: every reference of the built-in suite runs once, really."""

import pytest

from twinbench.tasks import ReferenceRunner, load_suite


@pytest.fixture(scope="session")
def beamline():
    return load_suite("beamline")


@pytest.fixture(scope="session")
def runner():
    with ReferenceRunner() as r:
        yield r


@pytest.fixture
def write_suite(tmp_path):
    """Write a suite folder from {file name: text}; returns its path."""

    def write(files, meta="name: t\nversion: '1'\n"):
        root = tmp_path / "suite"
        root.mkdir(exist_ok=True)
        if meta is not None:
            (root / "suite.yaml").write_text(meta)
        for name, text in files.items():
            (root / name).write_text(text)
        return root

    return write
