"""The bubblewrap command line that isolates the zygote and every program forked from it."""

from __future__ import annotations

import os
import shutil
import site
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


STAGED = ("__init__.py", "errors.py", "sandbox", "trace", "twins")
STAGE_MOUNT = "/opt/twinbench"


def find_bwrap() -> str | None:
    """The bwrap binary, if it is installed and can create namespaces here."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = [path, "--unshare-net", "--unshare-pid", "--ro-bind", "/", "/", "--dev", "/dev", "true"]
    ok = subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    return path if ok else None


def python_roots() -> list[str]:
    """Directories of the interpreter, its standard library and its installed packages (read-only in the
    sandbox). Never the other `sys.path` entries: the working directory (where the store usually lives),
    a checkout, test folders."""
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, os.path.dirname(sys.executable)}
    dirs |= set(site.getsitepackages())
    if site.ENABLE_USER_SITE and site.getusersitepackages():
        dirs.add(site.getusersitepackages())
    real = {os.path.realpath(d) for d in dirs if os.path.isdir(d)}
    ordered = sorted(real)
    return [d for d in ordered if d != "/" and not any(d.startswith(r + os.sep) for r in ordered if r != d)]


def _python_only(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__" or not (n.endswith(".py") or os.path.isdir(os.path.join(folder, n)))]


def stage_package(dest: str) -> str:
    """Copy the modules of twinbench the sandbox imports (STAGED, `.py` files only: no suites, reference
    programs or data) into `dest`; returns `dest`, the folder to put first on the zygote's `sys.path`."""
    import twinbench

    src = os.path.dirname(os.path.realpath(twinbench.__file__))
    pkg = os.path.join(dest, "twinbench")
    os.makedirs(pkg)
    os.chmod(dest, 0o755)  # readable by the sandbox uid (a lazy import after the uid switch)
    for name in STAGED:
        path = os.path.join(src, name)
        if os.path.isdir(path):
            shutil.copytree(path, os.path.join(pkg, name), ignore=_python_only)
        else:
            shutil.copy2(path, pkg)
    return dest


def installed_package() -> str:
    """The folder twinbench itself is imported from (hidden in the sandbox when a mounted root holds it)."""
    import twinbench

    return os.path.dirname(os.path.realpath(twinbench.__file__))


def command(bwrap: str, tmp_mb: int, stage: str) -> list[str]:
    """bwrap arguments: no network, own pid/ipc/uts namespaces, read-only system and Python installation,
    the staged twinbench modules at STAGE_MOUNT, private /tmp, clean env. Nothing else of the host."""
    args = [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--die-with-parent", "--new-session", "--clearenv", "--proc", "/proc", "--dev", "/dev"]
    for d in SYSTEM_DIRS:
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    # The private /tmp first: binds below may live under /tmp (a venv there) and must stay visible.
    args += ["--size", str(tmp_mb << 20), "--tmpfs", "/tmp"]
    made = set()
    roots = python_roots()
    for root in roots:
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
    package = installed_package()
    if any(package.startswith(r + os.sep) for r in (*roots, *SYSTEM_DIRS)):
        args += ["--tmpfs", package]  # an installed (not editable) twinbench ships the suites: hide it
    # Its parent made searchable: the program's process (another uid) imports from it after the switch.
    args += ["--perms", "0755", "--dir", os.path.dirname(STAGE_MOUNT), "--ro-bind", stage, STAGE_MOUNT]
    args += ["--chdir", "/tmp"]
    for key, value in ENV.items():
        args += ["--setenv", key, value]
    return args + ["--"]
