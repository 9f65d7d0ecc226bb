"""The bubblewrap command keeps the installation and the staged package visible, /tmp included; the staged
modules come with their current bytecode, never a stale one."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from twinbench.sandbox import bwrap


def test_package_dir_is_bound_after_the_private_tmp(monkeypatch):
    monkeypatch.setattr(bwrap, "python_roots", lambda: ["/tmp/venv"])
    args = bwrap.command("bwrap", 64, "/tmp/stage")
    tmpfs = args.index("--tmpfs")
    for path in ("/tmp/venv", "/tmp/stage"):
        bind = [i for i, a in enumerate(args) if a == "--ro-bind" and args[i + 1] == path]
        assert bind and bind[0] > tmpfs  # mounted on top of the private /tmp, not hidden by it


def test_the_staged_package_is_searchable_by_the_program_uid(monkeypatch):
    """bubblewrap makes missing parents 0700: the program (another uid) could import nothing from the stage."""
    monkeypatch.setattr(bwrap, "python_roots", lambda: [])
    args = bwrap.command("bwrap", 64, "/tmp/stage")
    parent = args.index("--dir", args.index("--tmpfs"))
    assert args[parent - 2:parent + 2] == ["--perms", "0755", "--dir", "/opt"]
    assert parent < args.index("/tmp/stage")


def test_an_interpreter_started_through_a_relative_path_runs_programs(tmp_path):
    """`cd benchmarks && ../.venv/bin/python ...` gives a sys.executable through the working directory,
    which the sandbox does not mount: the zygote is started by the path without `..`."""
    work = tmp_path / "work"
    work.mkdir()
    up = os.path.relpath(sys.executable, work / "x")  # ../..../python, through `work/x`
    (work / "x").mkdir()
    code = ("import sys; from twinbench.sandbox import Sandbox\n"
            "with Sandbox() as sb: r = sb.run('print(1)')\n"
            "print(sys.executable); print(r.outcome.value, r.output.strip())")
    done = subprocess.run([up, "-c", code], cwd=work / "x", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    executable, result = done.stdout.splitlines()[-2:]
    assert ".." in Path(executable).parts
    assert result == "ok 1"


def _staged_twin(tmp_path, monkeypatch, write_bytecode: bool) -> tuple[Path, Path]:
    """Stage a twin package `twin_x` (source in tmp_path/src); returns the source and staged `m.py`."""
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    monkeypatch.setattr(sys, "dont_write_bytecode", not write_bytecode)
    for name in [m for m in sys.modules if m.startswith("twin_x")]:
        monkeypatch.delitem(sys.modules, name)
    importlib.invalidate_caches()
    stage = tmp_path / f"stage{len(list(tmp_path.glob('stage*')))}"
    bwrap.stage_package(str(stage), "twin_x")
    return tmp_path / "src" / "twin_x" / "m.py", stage / "twin_x" / "m.py"


def _bytecode(module: Path) -> Path:
    return Path(importlib.util.cache_from_source(str(module)))


def test_staged_modules_bring_their_bytecode_and_the_zygote_compiles_none(tmp_path, monkeypatch):
    (tmp_path / "src" / "twin_x").mkdir(parents=True)
    (tmp_path / "src" / "twin_x" / "__init__.py").write_text("")
    (tmp_path / "src" / "twin_x" / "m.py").write_text("VALUE = 1\n")
    source, staged = _staged_twin(tmp_path, monkeypatch, write_bytecode=True)
    assert _bytecode(source).is_file() and _bytecode(staged).read_bytes() == _bytecode(source).read_bytes()
    root = str(staged.parents[1])
    zygote = subprocess.run([sys.executable, "-I", "-B", "-v", "-c", f"import sys; sys.path.insert(0, {root!r}); "
                             "import twinbench.sandbox.zygote, twin_x.m"], capture_output=True, text=True, check=True)
    loaded = [line.removeprefix("# code object from ").strip("'") for line in zygote.stderr.splitlines()
              if line.startswith("# code object from") and root in line]
    assert str(_bytecode(staged)) in loaded and any("zygote" in path for path in loaded)
    assert not [path for path in loaded if path.endswith(".py")]  # nothing compiled from source


def test_a_stale_bytecode_is_never_staged(tmp_path, monkeypatch):
    (tmp_path / "src" / "twin_x").mkdir(parents=True)
    (tmp_path / "src" / "twin_x" / "__init__.py").write_text("")
    (tmp_path / "src" / "twin_x" / "m.py").write_text("VALUE = 1\n")
    source, _ = _staged_twin(tmp_path, monkeypatch, write_bytecode=True)
    source.write_text("VALUE = 22\n")
    os.utime(source, (0, 1_000_000_000))
    source, staged = _staged_twin(tmp_path, monkeypatch, write_bytecode=False)
    assert _bytecode(source).is_file() and not _bytecode(staged).exists()
