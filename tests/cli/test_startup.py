"""`--help` and argument errors answer without importing the heavy stacks (checked with `-X importtime`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer

from twinbench.cli import app

# Third-party stacks (pydantic itself is typer's own dependency: it builds each command's parameters with it).
HEAVY = {"scipy", "nltk", "rouge_score", "codebleu", "sacrebleu", "tree_sitter", "numba", "llvmlite", "numpy",
         "bluesky", "ophyd", "openai", "anthropic", "httpx", "llama_cpp", "pint", "yaml", "orjson", "rapidfuzz"}
LIGHT_OWN = ("twinbench", "twinbench.__main__", "twinbench.errors", "twinbench.cli")


def heavy(modules: set[str]) -> set[str]:
    """The heavy packages among imported modules, and any twinbench module outside the CLI's own."""
    return {m for m in modules if m.split(".")[0] in HEAVY or (m.startswith("twinbench") and not (
        m in LIGHT_OWN or m.startswith("twinbench.cli.")))}


def command_paths(group: click.Group | None = None, prefix: tuple[str, ...] = ()) -> list[tuple]:
    """Every command and group of the CLI, as the words that name it."""
    group = group or typer.main.get_command(app)  # type: ignore[assignment]
    out = [prefix]
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        out += command_paths(cmd, (*prefix, name)) if isinstance(cmd, click.Group) else [(*prefix, name)]
    return out


def imported(args: list[str], cwd: Path) -> tuple[int, str, set[str]]:
    """Exit code, stderr without import lines, and the modules a fresh `twinbench ARGS` imported."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "twinbench", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)
    lines = proc.stderr.splitlines()
    modules = {line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:")}
    return proc.returncode, "\n".join(line for line in lines if not line.startswith("import time:")), modules


@pytest.mark.parametrize("words", command_paths(), ids=lambda w: " ".join(w) or "twinbench")
def test_help_imports_nothing_heavy(tmp_path, words):
    code, err, modules = imported([*words, "--help"], tmp_path)
    assert code == 0, err
    assert heavy(modules) == set()
    assert "twinbench.cli" in modules  # the check sees our own imports


@pytest.mark.parametrize(
    "args",
    [
        ["no-such-command"],
        ["score"],
        ["score", "--gt", "missing.json", "--pred", "missing.json", "--rows", "-1"],
        ["score", "--gt", "a.json", "--pred", "a.json", "--config", "binary.json"],
        ["check", "plan.py", "--wall-seconds", "nan"],
        ["check", "binary.json"],
        ["analyze", "--boot", "0"],
        ["runs", "list", "--store", "empty.sqlite"],
        ["runs", "export", "r", "--output", "missing/x.csv"],
        ["run", "--samples", "0"],
        ["judge", "calibrate", "--references", ".", "--boot", "-5"],
        ["models", "test", "--models-file", "binary.json"],
    ],
    ids=" ".join,
)
def test_argument_errors_import_nothing_heavy(tmp_path, args):
    (tmp_path / "binary.json").write_bytes(b"\xff\x00\xfe")
    (tmp_path / "empty.sqlite").write_bytes(b"")
    (tmp_path / "plan.py").write_text("sam.xabs(1)\n")
    code, err, modules = imported(args, tmp_path)
    assert code == 2, err
    assert "Traceback" not in err
    assert heavy(modules) == set(), err


def test_the_command_does_not_re_execute_itself(tmp_path):
    """The process that runs a command is the one started: no re-exec to pin the hash seed."""
    script = "import os, sys; sys.argv = ['twinbench', '--help']; os.execve = None; from twinbench.__main__ import main"
    proc = subprocess.run([sys.executable, "-c", script + "; main()"], capture_output=True, text=True, cwd=tmp_path,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Usage" in proc.stdout
