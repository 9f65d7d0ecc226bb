"""What the trusted side decides, and what the sandbox lets a program see."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from twinbench.errors import InputError
from twinbench.models import CallRecord
from twinbench.models.types import CallKey
from twinbench.runner.cell import finish_generated
from twinbench.sandbox import Limits, Outcome, Sandbox, bwrap
from twinbench.store import Store
from twinbench.tasks import load_suite
from twinbench.twins.beamline import Beamline
from twinbench.twins.beamline.twin import BeamlineSimulator

REPO = Path(__file__).resolve().parents[2]


class KeyErrorSimulator(BeamlineSimulator):
    """A twin with a bug: reading a PV fails inside the trusted side."""

    def _read(self, pv):
        return {}[pv]


class TypeErrorSimulator(BeamlineSimulator):
    """A twin with a bug: a move fails with a TypeError of its own, not one about the program's arguments."""

    def _move(self, motor, target):
        return len(target)


class Buggy(Beamline):
    """The beamline plugin with a buggy trusted side (a Sandbox takes a twin object as well as a name)."""

    def __init__(self, simulator):
        self._simulator = simulator

    def simulator(self):
        return self._simulator()


@pytest.mark.parametrize(("twin", "source", "kind"), [
    (Buggy(KeyErrorSimulator), "sam.xabs(1)\nprint(smx.position)", "KeyError"),
    (Buggy(TypeErrorSimulator), "sam.xabs(1)", "TypeError")])
def test_a_twin_bug_is_a_harness_error_not_the_programs(twin, source, kind):
    with Sandbox(twin) as sb:
        result = sb.run(source)
        assert result.outcome is Outcome.HARNESS_ERROR, (result.outcome, result.detail)
        assert kind in result.detail
        assert sb.run("time.sleep(1)").outcome is Outcome.OK  # the sandbox goes on


def test_a_harness_error_is_recorded_for_its_cell_and_never_raised():
    task = load_suite("beamline").tasks[0]
    record = CallRecord(key=CallKey(task=task.id), model="m", provider="replay", endpoint="e",
                        text="```python\nsam.xabs(1)\nprint(smx.position)\n```")
    with Sandbox(Buggy(KeyErrorSimulator)) as sb:
        result, blobs = finish_generated(record, task, [], sb)
    assert result.status == "failed" and not result.scores
    assert result.execution.status == "harness_error"
    assert result.errors[0].kind == "harness_error" and "KeyError" in result.errors[0].message
    assert result.execution.code_sha in blobs


def test_an_exception_in_the_harness_loop_is_a_harness_error(sandbox, monkeypatch):
    def broken(*args):
        raise RuntimeError("the harness broke")

    with monkeypatch.context() as m:
        m.setattr(Sandbox, "_serve", broken)
        result = sandbox.run("sam.xabs(1)")
    assert result.outcome is Outcome.HARNESS_ERROR and "the harness broke" in result.detail
    assert sandbox.run("sam.xabs(1)").outcome is Outcome.OK


def test_audit_reports_never_change_the_outcome(sandbox):
    source = (
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 22))\nexcept PermissionError as e:\n"
        "    print(e)\nsam.xabs(1)\n"
    )
    result = sandbox.run(source)
    assert result.outcome is Outcome.OK
    assert result.audit and result.audit[0].startswith("socket.getaddrinfo")
    assert "forbidden in the sandbox: socket.getaddrinfo" in result.output


def test_tiny_sample_period_is_refused_as_bad_task_state(sandbox):
    with pytest.raises(InputError, match="sample_period"):
        sandbox.run("time.sleep(100)", {"linkam": {"sample_period": 1e-6}})
    state = {"linkam": {"sample_period": 0.1, "heater": True, "setpoint": 300, "rate": 150}}
    result = sandbox.run("time.sleep(100)", state, Limits(events=500))
    assert result.outcome is Outcome.BUDGET and "events" in result.detail


def test_budget_of_recorded_events(sandbox):
    result = sandbox.run("for i in range(300):\n    sam.xabs(i % 2)", limits=Limits(events=100))
    assert result.outcome is Outcome.BUDGET and "100 recorded events" in result.detail
    assert 100 < len(result.trace) < 120  # the run stopped at the budget; what was recorded is kept


def test_a_program_too_large_for_the_protocol_is_over_budget(sandbox):
    result = sandbox.run("x = 1\n" * 200_000)
    assert result.outcome is Outcome.BUDGET and "program of" in result.detail


def test_the_store_suites_and_checkout_are_not_visible(tmp_path, monkeypatch):
    """As `python -m twinbench run` in a folder holding the store: the folder is on sys.path."""
    store = tmp_path / "twinbench.sqlite"
    Store.open(store).close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    suite = load_suite("beamline").path
    secrets = [store, suite / "suite.yaml", REPO / "pyproject.toml", Path(__file__), tmp_path]
    paths = [str(p) for p in secrets]
    source = f"import os\nfor p in {paths!r}:\n    print('SEEN' if os.path.exists(p) else 'hidden', p)\n"
    with Sandbox() as sb:
        result = sb.run(source)
    assert result.outcome is Outcome.OK, result.detail
    assert result.output.count("hidden") == len(secrets), result.output


def test_the_mounts_are_the_system_the_python_installation_and_the_staged_modules(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(REPO / "tests"))
    args = bwrap.command("bwrap", 64, "/stage")
    binds = [(args[i + 1], args[i + 2]) for i, a in enumerate(args) if a == "--ro-bind"]
    allowed = {*bwrap.SYSTEM_DIRS, *bwrap.python_roots()}
    assert ("/stage", bwrap.STAGE_MOUNT) in binds
    assert {src for src, _ in binds} - {"/stage"} <= allowed
    for src, _ in binds:
        for hidden in (tmp_path, REPO / "tests", REPO / "src", load_suite("beamline").path):
            assert not str(hidden).startswith(src + os.sep) and str(hidden) != src


def test_a_program_imports_a_staged_module_the_zygote_did_not(sandbox):
    """The client module is imported before the uid switch; anything else staged is read by the program's uid."""
    source = "import sys\nprint('twinbench.twins.recorder' in sys.modules)\nfrom twinbench.twins import recorder\n"
    result = sandbox.run(source)
    assert result.outcome is Outcome.OK and result.output == "False\n", (result.detail, result.output)
    assert result.audit == []  # no bytecode is written beside the staged module


def test_the_staged_package_has_no_suites_or_data(tmp_path):
    stage = Path(bwrap.stage_package(str(tmp_path / "stage"), "twinbench.twins.beamline"))
    files = [p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file()]
    assert "twinbench/sandbox/zygote.py" in files and "twinbench/twins/beamline/client.py" in files
    assert "twinbench/twins/link.py" in files and "twinbench/twins/beamline/prompts/beamline-v1.txt" not in files
    modules = {f for f in files if f.endswith(".py")}
    assert all(importlib.util.source_from_cache(f) in modules for f in set(files) - modules)  # and their bytecode
    assert not any(f.startswith(("twinbench/tasks", "twinbench/judge", "twinbench/runner")) for f in files)


def test_the_stage_is_made_once_per_content_and_anew_when_a_module_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("TWINBENCH_CACHE", str(tmp_path / "cache"))
    package = tmp_path / "pkgs" / "my_twin"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("LEVEL = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    first = Path(bwrap.cached_stage("my_twin"))
    assert Path(bwrap.cached_stage("my_twin")) == first  # found, not copied again
    assert sorted(p.name for p in first.iterdir()) == ["my_twin", "twinbench"]
    (package / "__init__.py").write_text("LEVEL = 22\n")
    second = Path(bwrap.cached_stage("my_twin"))
    assert second != first and (second / "my_twin" / "__init__.py").read_text() == "LEVEL = 22\n"
    assert (first / "my_twin" / "__init__.py").read_text() == "LEVEL = 1\n"  # a running zygote keeps its copy
    assert not [p for p in second.parent.iterdir() if p.name.startswith(".new-")]
