"""Applying a run's limits (`Limits.model_dump()`) inside the program's process; standard library only, so
the zygote that forks programs loads no schema library."""

from __future__ import annotations

import os
import resource
from collections.abc import Mapping
from typing import Any


def _address_space() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def apply_limits(limits: Mapping[str, Any], uid: int | None) -> None:
    """Set rlimits, then drop to `uid` (root only; RLIMIT_NPROC means nothing to root)."""
    memory = _address_space() + limits["memory_mb"] * (1 << 20)
    cpu, file_bytes, processes = limits["cpu_seconds"], limits["file_mb"] << 20, limits["processes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
