"""Fixtures shared across test packages: expensive artifacts built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

SIMBENCH_SAMPLE = Path(__file__).resolve().parent / "data" / "simbench-sample"


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
