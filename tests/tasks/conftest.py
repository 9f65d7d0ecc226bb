"""Suite folders written for a test (the built-in suite and the shared runner are in tests/conftest.py)."""

import pytest


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
