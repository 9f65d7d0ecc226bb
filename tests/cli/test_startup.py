"""`--help` and argument errors answer without importing the heavy stacks (checked on `sys.modules` at exit); a
help text printed before is printed again from the cache without even the command-line interface."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from twinbench import help_cache
from twinbench.cli import COMMANDS, MODULES, load
from twinbench.cli.app import LazyConsole

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Third-party stacks (pydantic itself is typer's own dependency: it builds each command's parameters with it).
HEAVY = {"scipy", "nltk", "rouge_score", "codebleu", "sacrebleu", "tree_sitter", "numba", "llvmlite", "numpy",
         "bluesky", "ophyd", "openai", "anthropic", "httpx", "llama_cpp", "pint", "yaml", "orjson", "rapidfuzz",
         "jinja2", "plotly", "playwright", "caproto", "epics"}
LIGHT_OWN = ("twinbench", "twinbench.__main__", "twinbench.errors", "twinbench.cli", "twinbench.help_cache",
             "twinbench.cache", "twinbench.nesting")
CLI_STACK = {"typer", "click", "rich", "pydantic", "twinbench.cli"}  # none of them on a cached help


def heavy(modules: set[str]) -> set[str]:
    """The heavy packages among imported modules, and any twinbench module outside the CLI's own."""
    return {m for m in modules if m.split(".")[0] in HEAVY or (m.startswith("twinbench") and not (
        m in LIGHT_OWN or m.startswith("twinbench.cli.")))}


def command_paths(group: click.Group | None = None, prefix: tuple[str, ...] = ()) -> list[tuple]:
    """Every command and group of the CLI, as the words that name it."""
    group = group or typer.main.get_command(load())  # type: ignore[assignment]
    out = [prefix]
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        out += command_paths(cmd, (*prefix, name)) if isinstance(cmd, click.Group) else [(*prefix, name)]
    return out


MARK = "modules at exit: "
# `python -m twinbench ARGS` that writes every module it holds, at exit, as the last line of stderr (after MARK).
RUN = (f"import atexit, runpy, sys; atexit.register(lambda: sys.stderr.write('\\n{MARK}' + ' '.join(sys.modules)));"
       " runpy.run_module('twinbench', run_name='__main__', alter_sys=True)")


def imported(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, set[str], str]:
    """Exit code, stderr without the module list, the modules a fresh `twinbench ARGS` imported, and stdout.

    The help cache is a folder of `cwd` unless `env` says otherwise."""
    env = {**os.environ, "TWINBENCH_CACHE": str(cwd / "cache"), **(env or {})}
    proc = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, cwd=cwd, timeout=120,
                          env=env)
    err, mark, listed = proc.stderr.rpartition("\n" + MARK)
    assert mark, proc.stderr
    return proc.returncode, err, set(listed.split()), proc.stdout


@pytest.mark.parametrize("words", command_paths(), ids=lambda w: " ".join(w) or "twinbench")
def test_help_imports_nothing_heavy_and_the_second_time_not_even_the_cli(tmp_path, words):
    code, err, modules, text = imported([*words, "--help"], tmp_path)
    assert code == 0, err
    assert heavy(modules) == set()
    assert "twinbench.cli" in modules  # the check sees our own imports
    code, err, modules, again = imported([*words, "--help"], tmp_path)
    assert code == 0, err
    assert again == text and "Usage" in text
    assert "twinbench.help_cache" in modules and not {m.split(".")[0] for m in modules} & CLI_STACK
    assert "twinbench.cli" not in modules


def test_cached_help_is_only_for_the_same_terminal_width(tmp_path):
    _, _, _, wide = imported(["score", "--help"], tmp_path, {"COLUMNS": "120"})
    code, _, modules, narrow = imported(["score", "--help"], tmp_path, {"COLUMNS": "70"})
    assert code == 0 and "twinbench.cli" in modules
    assert max(map(len, narrow.splitlines())) <= 70 < max(map(len, wide.splitlines()))


@pytest.mark.parametrize("args", [["no-such-command", "--help"], ["score", "--rows", "-1", "--help"]], ids=" ".join)
def test_help_that_fails_or_follows_an_option_is_never_cached(tmp_path, args):
    for _ in range(2):
        _, err, modules, _ = imported(args, tmp_path)
        assert "twinbench.cli" in modules, err
    assert not list((tmp_path / "cache").glob("help/*"))


def test_an_unwritable_cache_only_costs_the_rendering(tmp_path):
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    for _ in range(2):
        code, err, modules, text = imported(["--help"], tmp_path)
        assert code == 0 and "Usage" in text and "twinbench.cli" in modules, err


@given(st.lists(st.sampled_from(["score", "runs", "list", "-s", "--gt", "x.json", "--help", "-h"]), max_size=5))
def test_a_help_request_is_help_after_command_words_only(argv):
    expected = bool(argv) and argv[-1] == "--help" and all(not w.startswith("-") for w in argv[:-1])
    assert help_cache.is_help_request(argv) is expected


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
    code, err, modules, _ = imported(args, tmp_path)
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


def test_each_command_is_registered_by_the_module_named_for_it():
    app = load()
    found = {info.name or info.callback.__name__: info.callback.__module__ for info in app.registered_commands}
    found |= {info.name: info.typer_instance.registered_commands[0].callback.__module__
              for info in app.registered_groups}
    assert found == {name: f"twinbench.cli.{module}" for name, module in COMMANDS.items()}
    assert set(MODULES) == set(COMMANDS.values())


@pytest.mark.parametrize("args", [["score", "--rows", "-1"], ["runs", "list", "--help"], ["check", "--help"]],
                         ids=" ".join)
def test_a_command_line_loads_only_its_command_module(tmp_path, args):
    _, err, modules, _ = imported(args, tmp_path)
    assert {m for m in modules if m.startswith("twinbench.cli.")} - {"twinbench.cli.app", "twinbench.cli.options"} \
        == {f"twinbench.cli.{COMMANDS[args[0]]}"}, err


@pytest.mark.parametrize(("args", "start", "used"), [
    (["score", "--gt", str(EXAMPLES / "gt.json"), "--pred", str(EXAMPLES / "pred.json")], '{"full_score"',
     "twinbench.trace.scoring"),
    (["check", str(EXAMPLES / "plan.py")], '{\n "outcome"', "twinbench.sandbox.runner"),
], ids=lambda v: v[0] if isinstance(v, list) else "")
def test_a_command_that_prints_json_loads_no_rich(tmp_path, args, start, used):
    code, err, modules, out = imported([*args, "--json"], tmp_path)
    assert code == 0 and out.startswith(start), err
    assert used in modules and not {m for m in modules if m.split(".")[0] == "rich"}


def test_the_console_made_on_first_use_serves_rich_live_displays():
    from rich.progress import Progress

    out = io.StringIO()
    console = LazyConsole(file=out, force_terminal=False, width=60)
    with Progress(console=console) as progress:
        progress.add_task("cells", total=2)
        console.print("inside")
    with console.status("working"):
        pass
    assert "inside" in out.getvalue() and "cells" in out.getvalue()
