"""Where twinbench keeps its caches: $TWINBENCH_CACHE, else ~/.cache/twinbench."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def cache_dir() -> str:
    """The folder of every twinbench cache, as text (standard library `os` only, for the fast `--help`)."""
    return os.environ.get("TWINBENCH_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "twinbench"))


def cache_root() -> Path:
    """The folder of every twinbench cache (reference traces, the compiled aligner, `--help` texts)."""
    from pathlib import Path

    return Path(cache_dir())
