"""The bubblewrap command line that isolates the zygote and every program forked from it."""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import py_compile
import shutil
import site
import subprocess
import sys
import tempfile

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


STAGED = ("__init__.py", "errors.py", "lazy.py", "sandbox", "trace", "twins/*.py")
STAGE_MOUNT = "/opt/twinbench"


def find_bwrap() -> str | None:
    """The bwrap binary, if it is installed and can create namespaces here."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = [path, "--unshare-net", "--unshare-pid", "--ro-bind", "/", "/", "--dev", "/dev", "true"]
    ok = subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    return path if ok else None


def python_executable() -> str:
    """The interpreter as the sandbox can reach it: `sys.executable` without `..` parts (started as
    `../.venv/bin/python`, its path runs through the working directory, which the sandbox does not mount)."""
    return os.path.normpath(sys.executable)


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


def _current(bytecode: str, source: str) -> bool:
    """Whether `bytecode` is this interpreter's timestamp-checked compilation of `source` as it is now."""
    try:
        with open(bytecode, "rb") as fh:
            head = fh.read(16)
        found = os.stat(source)
    except OSError:
        return False
    stamp = [int(found.st_mtime) & 0xFFFFFFFF, found.st_size & 0xFFFFFFFF]
    return head == importlib.util.MAGIC_NUMBER + bytes(4) + b"".join(n.to_bytes(4, "little") for n in stamp)


def _copy_module(source: str, target: str) -> None:
    """Copy a file; a module comes with its bytecode, compiled into its own `__pycache__` first when it is
    missing or stale (as importing it would, unless bytecode writing is off): the zygote, which writes none,
    then compiles nothing it imports."""
    shutil.copy2(source, target)  # the same modification time: the bytecode stays current for the copy
    if not source.endswith(".py"):
        return
    bytecode = importlib.util.cache_from_source(source)
    if not _current(bytecode, source) and not sys.dont_write_bytecode:
        with contextlib.suppress(OSError, py_compile.PyCompileError):
            py_compile.compile(source, bytecode, doraise=True,
                               invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
    if _current(bytecode, source):
        staged = importlib.util.cache_from_source(target)
        os.makedirs(os.path.dirname(staged), exist_ok=True)
        shutil.copy2(bytecode, staged)


def _copy_package(package: str, dest: str) -> None:
    """Copy the `.py` files of an importable package to its dotted path under `dest`, with the `__init__.py`
    of each enclosing package that `dest` does not hold yet."""
    parts = package.split(".")
    for i in range(1, len(parts) + 1):
        spec = importlib.util.find_spec(".".join(parts[:i]))
        if spec is None or not spec.submodule_search_locations:
            raise ValueError(f"{'.'.join(parts[:i])} is not an importable package")
        target = os.path.join(dest, *parts[:i])
        if i == len(parts):
            shutil.copytree(next(iter(spec.submodule_search_locations)), target, ignore=_python_only,
                            copy_function=_copy_module, dirs_exist_ok=True)
        elif not os.path.exists(os.path.join(target, "__init__.py")) and spec.origin:
            os.makedirs(target, exist_ok=True)
            _copy_module(spec.origin, os.path.join(target, os.path.basename(spec.origin)))


def stage_package(dest: str, twin_package: str) -> str:
    """Copy what the sandbox imports (`.py` files only: no suites, reference programs or data) into `dest`:
    the generic parts of twinbench (STAGED) and the twin's own package, wherever it is installed. Returns
    `dest`, the folder to put first on the zygote's `sys.path`."""
    import twinbench

    src = os.path.dirname(os.path.realpath(twinbench.__file__))
    os.makedirs(dest, exist_ok=True)
    os.chmod(dest, 0o755)  # readable by the sandbox uid (a lazy import after the uid switch)
    for name in STAGED:
        for path in glob.glob(os.path.join(src, name)):
            target = os.path.join(dest, "twinbench", os.path.relpath(path, src))
            if os.path.isdir(path):
                shutil.copytree(path, target, ignore=_python_only, copy_function=_copy_module)
            else:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                _copy_module(path, target)
    _copy_package(twin_package, dest)
    return dest


def _sources_digest(twin_package: str) -> str:
    """A digest of the interpreter and of every module `stage_package` may copy (path, size, modification
    time): twinbench's own and the twin package's, wherever it is installed."""
    import hashlib

    digest = hashlib.sha256(f"{sys.version}:{importlib.util.MAGIC_NUMBER.hex()}:{twin_package}".encode())
    spec = importlib.util.find_spec(twin_package)
    folders = {installed_package(), *(spec.submodule_search_locations or [] if spec else [])}
    for folder in sorted(folders):
        for path in sorted(glob.glob(os.path.join(folder, "**", "*.py"), recursive=True)):
            found = os.stat(path)
            digest.update(f"{path}:{found.st_size}:{found.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def cached_stage(twin_package: str) -> str:
    """`stage_package` made once per content in the cache folder and shared by every later sandbox (a check
    then starts its zygote without copying anything). Made aside and renamed into place, so two processes
    staging at once both end with a whole copy."""
    from twinbench.cache import cache_dir

    root = os.path.join(cache_dir(), "stage")
    final = os.path.join(root, _sources_digest(twin_package))
    if os.path.isdir(final):
        return final
    os.makedirs(root, exist_ok=True)
    made = stage_package(tempfile.mkdtemp(prefix=".new-", dir=root), twin_package)
    try:
        os.rename(made, final)
    except OSError:  # another process got there first
        shutil.rmtree(made, ignore_errors=True)
    return final


def installed_package() -> str:
    """The folder twinbench itself is imported from (hidden in the sandbox when a mounted root holds it)."""
    import twinbench

    return os.path.dirname(os.path.realpath(twinbench.__file__))


def command(bwrap: str, tmp_mb: int, stage: str, info_fd: int | None = None) -> list[str]:
    """bwrap arguments: no network, own pid/ipc/uts namespaces, read-only system and Python installation,
    the staged modules (twinbench's and the twin's) at STAGE_MOUNT, private /tmp, clean env. Nothing else of
    the host. `info_fd`: where bwrap writes its child's pid (JSON), whose namespaces the harness may open."""
    args = [bwrap, *(["--info-fd", str(info_fd)] if info_fd is not None else [])]
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
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
    if os.path.dirname(STAGE_MOUNT) not in made:  # traversable by the program's uid: it may import lazily
        args += ["--perms", "0755", "--dir", os.path.dirname(STAGE_MOUNT)]
    args += ["--ro-bind", stage, STAGE_MOUNT, "--chdir", "/tmp"]
    for key, value in ENV.items():
        args += ["--setenv", key, value]
    return args + ["--"]
