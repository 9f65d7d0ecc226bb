"""The bubblewrap command keeps the installation and the staged package visible, /tmp included."""

from __future__ import annotations

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
    import os
    import subprocess
    import sys
    from pathlib import Path

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
