"""Fixtures shared by test folders: the built-in suite, one reference runner, and other costly artifacts built
once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinbench.tasks import ReferenceRunner, load_suite

SIMBENCH_SAMPLE = Path(__file__).resolve().parent / "data" / "simbench-sample"


@pytest.fixture(scope="session")
def beamline():
    return load_suite("beamline")


@pytest.fixture(scope="session")
def runner():
    """Every reference of the built-in suite runs once per session, really."""
    with ReferenceRunner() as r:
        yield r


@pytest.fixture(scope="session")
def simbench_import(tmp_path_factory):
    """The SimBench sample imported once into a store (recomputing similarity over it is the costly part):
    (store path, import report). Tests only read it; a re-import into it is a no-op."""
    from twinbench.imports.simbench import import_simbench
    from twinbench.store import Store

    path = tmp_path_factory.mktemp("simbench") / "store.sqlite"
    report = import_simbench(SIMBENCH_SAMPLE, Store.open(path))
    return path, report


@pytest.fixture(scope="session")
def reference_cache(tmp_path_factory) -> Path:
    """One TWINBENCH_CACHE for the runs whose subject is not the cache: each suite reference runs once per session."""
    return tmp_path_factory.mktemp("reference-cache")
