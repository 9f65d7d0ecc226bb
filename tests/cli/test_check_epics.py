"""`twinbench check --epics plan.py`: an unmodified pyepics program in the sandbox against a private Channel Access
server the harness runs in the sandbox's own network namespace (real bwrap, caproto, pyepics)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from twinbench.sandbox.bwrap import find_bwrap

pytestmark = pytest.mark.skipif(find_bwrap() is None or os.geteuid() != 0, reason="needs bubblewrap and root")

CLI = [sys.executable, "-c", "from twinbench.cli import main; main()", "check", "--epics", "--json"]
X = "XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr"
CAM_ACQUIRE = "XF:11BMB-ES{Det:PIL2M}:cam1:Acquire"
PRELUDE = f"""
import json, time
import epics
X, CAM, SHUTTER = {X!r}, "XF:11BMB-ES{{Det:PIL2M}}:cam1:", "XF:11BMB-ES{{Shutter}}Pos"

def move(value):
    epics.caput(X, value, wait=True)
    while epics.caget(X + ".DMOV", use_monitor=False) != 1:
        time.sleep(0.01)
"""
READY = "twinbench-ready"  # the name a program gives its process once it waits for the test's signal


def write_plan(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(PRELUDE + body)
    return path


def start(plan: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, *args, str(plan)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=plan.parent)


def finish(proc: subprocess.Popen) -> tuple[int, dict]:
    out, err = proc.communicate(timeout=120)
    assert out, err
    return proc.returncode, json.loads(out)


def moves(obj: dict) -> list[float]:
    return [e["value"] for e in obj["trace"]["events"] if e["channel"] == X]


def test_safe_plan_gives_the_servers_trace_and_no_findings(tmp_path):
    plan = write_plan(tmp_path, "plan.py", """
epics.caput(SHUTTER, 1, wait=True)
epics.caput(CAM + "AcquireTime", 1.0, wait=True)
move(3.0)
epics.caput(CAM + "Acquire", 1, wait=True)
while epics.caget(CAM + "Acquire", use_monitor=False) != 0:
    time.sleep(0.01)
epics.caput(SHUTTER, 0, wait=True)
print("at", epics.caget(X + ".RBV", use_monitor=False))
""")
    code, obj = finish(start(plan))
    assert (code, obj["outcome"], obj["error"]) == (0, "ok", None), obj["output"]
    assert obj["preflight"]["findings"] == [] and obj["safety"] == []
    assert moves(obj) == [3.0] and obj["final_state"][X] == 3.0
    acquire = [(e["value"], e["timestamp"]) for e in obj["trace"]["events"] if e["channel"] == CAM_ACQUIRE]
    assert [v for v, _ in acquire] == [1, 0] and acquire[1][1] - acquire[0][1] == 1.0  # twin time
    assert obj["output"].strip() == "at 3.0"  # libca started no caRepeater: the harness serves the repeater port
    assert obj["isolation"] == "bwrap+rlimits" and obj["audit"] == []  # nothing a CA client needs is refused


def test_move_beyond_a_soft_limit_is_refused_and_reported(tmp_path):
    plan = write_plan(tmp_path, "plan.py", """
move(3.0)
epics.caput(X, 500.0, wait=True)
print("lvio", epics.caget(X + ".LVIO", use_monitor=False), "at", epics.caget(X, use_monitor=False))
""")
    code, obj = finish(start(plan))
    assert (code, obj["outcome"]) == (1, "safety")
    [refusal] = obj["safety"]
    assert "smx soft limit" in refusal["value"] and "[-50, 50]" in refusal["value"]
    assert refusal["meta"]["requested"] == 500.0
    assert moves(obj) == [3.0] and obj["output"].strip() == "lvio 1 at 3.0"  # the IOC refused, the plan went on


def test_bluesky_scan_with_ophyd_epics_devices(tmp_path):
    """ophyd's EpicsMotor and EpicsSignal, a bluesky scan on the RunEngine: a dozen threads within the default
    memory limit."""
    plan = tmp_path / "scan.py"
    plan.write_text(f"""
from bluesky import RunEngine
import bluesky.plans as bp
from ophyd import EpicsMotor, EpicsSignal
smx = EpicsMotor({X!r}, name="smx")
shutter = EpicsSignal("XF:11BMB-ES{{Shutter}}Pos", name="shutter")
smx.wait_for_connection(timeout=10)
names = []
RunEngine({{}})(bp.scan([shutter], smx, 0, 2, 3), lambda name, doc: names.append(name))
print(names.count("event"), smx.position)
""")
    code, obj = finish(start(plan))
    assert obj["outcome"] == "ok", obj["output"]
    assert moves(obj) == [1.0, 2.0] and obj["output"].split() == ["3", "2.0"]  # 0: already there, no change


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found += map(int, children)
        todo += map(int, children)
    return found


def _ready_program(proc: subprocess.Popen) -> int | None:
    """The pid of the check's program once it has named itself READY."""
    for pid in _descendants(proc.pid):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == READY:
                return pid
        except OSError:
            continue
    return None


def test_two_checks_at_once_each_have_their_own_server_on_5064(tmp_path):
    """Both programs have moved the same motor to different places, both servers are up on port 5064 at
    once, and only then do both read back: each sees its own value, each trace holds its own move."""
    body = """
import ctypes, signal
move({value})
go = []
signal.signal(signal.SIGUSR1, lambda *a: go.append(1))
ctypes.CDLL(None).prctl(15, {ready!r}.encode(), 0, 0, 0)  # PR_SET_NAME: ready for the test's signal
while not go:
    time.sleep(0.01)
print(json.dumps([epics.caget(X, use_monitor=False), epics.caget(X + ".RBV", use_monitor=False)]))
"""
    values = (7.0, -4.0)
    procs = [start(write_plan(tmp_path, f"plan{i}.py", body.format(value=v, ready=READY))) for i, v in
             enumerate(values)]
    try:
        deadline = time.monotonic() + 90
        while None in (pids := [_ready_program(p) for p in procs]) and time.monotonic() < deadline:
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            time.sleep(0.05)
        assert None not in pids, "the programs did not both get ready"
        for pid in pids:
            os.kill(pid, signal.SIGUSR1)
        results = [finish(p) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for value, (code, obj) in zip(values, results, strict=True):
        assert (code, obj["outcome"]) == (0, "ok"), obj["output"]
        assert json.loads(obj["output"].strip().splitlines()[-1]) == [value, value]
        assert moves(obj) == [value]


def test_program_cannot_kill_its_server(tmp_path):
    """SIGKILL through libc (past the audit hook) to every pid the program sees, then to -1: the server lives on
    outside the program's pid namespace, and the check returns its trace with the moves before and after."""
    plan = write_plan(tmp_path, "plan.py", """
import ctypes, os
move(2.0)
libc = ctypes.CDLL(None, use_errno=True)
seen = sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid())
refused = [pid for pid in seen if libc.kill(pid, 9) != 0]
libc.kill(-1, 9)
move(4.0)
print(json.dumps({"seen": seen, "refused": refused, "at": epics.caget(X + ".RBV", use_monitor=False)}))
""")
    code, obj = finish(start(plan))
    assert (code, obj["outcome"]) == (0, "ok"), obj["output"]
    report = json.loads(obj["output"].strip().splitlines()[-1])
    assert report["at"] == 4.0 and moves(obj) == [2.0, 4.0]
    assert report["seen"] and report["refused"] == report["seen"]  # only the sandbox's own root processes
    assert max(report["seen"]) < 100  # pids of its own namespace, not the host's


def test_plan_that_never_ends_times_out_with_the_servers_trace(tmp_path):
    plan = write_plan(tmp_path, "plan.py", "move(1.0)\nwhile True:\n    time.sleep(0.05)\n")
    code, obj = finish(start(plan, "--wall-seconds", "3"))
    assert (code, obj["outcome"], obj["limit"]) == (1, "timeout", "wall_seconds")
    assert obj["detail"] == "wall-clock limit of 3 s"  # no share per hour: the twin's clock follows the wall's
    assert moves(obj) == [1.0]


def test_flooding_the_server_ends_at_the_harness_cpu_limit(tmp_path):
    """The server's thread is the harness's CPU: a program that keeps it busy is stopped as `budget`."""
    plan = write_plan(tmp_path, "plan.py", """
i = 0
while True:
    epics.caput(SHUTTER, i % 2, wait=True)
    i += 1
""")
    code, obj = finish(start(plan, "--limit", "harness_cpu_seconds=0.3", "--wall-seconds", "60"))
    assert (code, obj["outcome"], obj["limit"]) == (1, "budget", "harness_cpu_seconds")
    assert len([e for e in obj["trace"]["events"] if e["channel"] == "XF:11BMB-ES{Shutter}Pos"]) > 10


def test_commands_through_the_sandbox_channel_are_refused(tmp_path):
    """The program finds the sandbox's own channel and sends a twin command on it: only the server may move
    the twin, so that is a protocol violation."""
    plan = write_plan(tmp_path, "plan.py", """
import gc
from twinbench.sandbox.channel import Channel
move(1.0)
channel = next(o for o in gc.get_objects() if isinstance(o, Channel))
channel.notify("put", pv=X, value=5.0)
time.sleep(5)
""")
    code, obj = finish(start(plan))
    assert (code, obj["outcome"]) == (1, "forbidden")
    assert "over the network only" in obj["detail"] and moves(obj) == [1.0]


def test_stop_at_first_and_a_twin_without_epics_are_refused(tmp_path):
    plan = write_plan(tmp_path, "plan.py", "move(1.0)\n")
    done = subprocess.run([*CLI, "--stop-at-first", str(plan)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--stop-at-first" in done.stderr and "not with --epics" in done.stderr
    done = subprocess.run([*CLI, "--twin", "physics", str(plan)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--epics: the physics twin serves no 'epics' network (it serves: none)" in done.stderr
