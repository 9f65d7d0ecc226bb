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
