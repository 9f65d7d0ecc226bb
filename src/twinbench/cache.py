"""Where twinbench keeps its caches: $TWINBENCH_CACHE, else ~/.cache/twinbench."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """The folder of every twinbench cache (reference traces, the compiled aligner)."""
    return Path(os.environ.get("TWINBENCH_CACHE", Path.home() / ".cache" / "twinbench"))
