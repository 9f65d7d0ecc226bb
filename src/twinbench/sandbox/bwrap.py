"""The bubblewrap command line that isolates the zygote and every program forked from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "LANG": "C.UTF-8",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def find_bwrap() -> str | None:
    """The bwrap binary, if it is installed and can create namespaces here."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = [path, "--unshare-net", "--unshare-pid", "--ro-bind", "/", "/", "--dev", "/dev", "true"]
    ok = subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    return path if ok else None


def python_roots() -> list[str]:
    """Directories the interpreter and its packages live in (read-only inside the sandbox), including the one
    twinbench itself is imported from (an editable install need not put it on sys.path)."""
    import twinbench

    here = os.path.dirname(os.path.dirname(os.path.realpath(twinbench.__file__)))
    dirs = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, os.path.dirname(sys.executable), here)}
    dirs |= {os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)}
    ordered = sorted(dirs)
    return [d for d in ordered if d != "/" and not any(d.startswith(r + os.sep) for r in ordered if r != d)]


def command(bwrap: str, tmp_mb: int) -> list[str]:
    """bwrap arguments: no network, own pid/ipc/uts namespaces, read-only system, private /tmp, clean env."""
    args = [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--die-with-parent", "--new-session", "--clearenv", "--proc", "/proc", "--dev", "/dev"]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    # The private /tmp first: binds below may live under /tmp (a checkout there) and must stay visible.
    args += ["--size", str(tmp_mb << 20), "--tmpfs", "/tmp"]
    made = set()
    for root in python_roots():
        parent = os.path.dirname(root)
        chain = []
        while parent not in ("/", "") and parent not in made and not parent.startswith(SYSTEM_DIRS):
            chain.append(parent)
            parent = os.path.dirname(parent)
        for d in reversed(chain):
            args += ["--perms", "0755", "--dir", d]
            made.add(d)
        if not root.startswith(tuple(d + os.sep for d in SYSTEM_DIRS)):
            args += ["--ro-bind", root, root]
    args += ["--chdir", "/tmp"]
    for key, value in ENV.items():
        args += ["--setenv", key, value]
    return args + ["--"]
