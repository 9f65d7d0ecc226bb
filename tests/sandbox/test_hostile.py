"""The hostile-program corpus: every program ends classified, the harness survives, nothing escapes."""

import os
import subprocess
from pathlib import Path

import pytest

from conftest import SECRET
from twinbench.sandbox import Limits, Outcome
from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.twin import CALLS
from twinbench.twins.recorder import SAFETY_CHANNEL

CORPUS = sorted((Path(__file__).parent / "hostile").glob("*.py"))
LIMITS = Limits(wall_seconds=4, cpu_seconds=2, memory_mb=256, events=20_000, recorded_bytes=2 << 20,
                harness_cpu_seconds=1)
KNOWN = {
    *pvs.MOTORS.values(),
    *CALLS,
    SAFETY_CHANNEL,
    pvs.LINKAM_TEMP,
    pvs.LINKAM_SETPOINT,
    pvs.LINKAM_RATE,
    pvs.LINKAM_HEATER,
    pvs.SHUTTER,
    pvs.TRANSMISSION,
}
KNOWN |= {pvs.cam(d, f) for d in pvs.DETECTORS for f in pvs.CAM_FIELDS}


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 90


def expectation(source: str) -> tuple[list[str], bool]:
    """The outcomes a corpus program may end in (its first line), and whether the in-program audit hook
    must have reported it ("(audit)")."""
    line = source.splitlines()[0].removeprefix("# expect: ")
    return line.split(" ")[0].split("|"), "(audit)" in line


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_hostile_program_is_contained(sandbox, path):
    sandbox.run("pass")
    starts = sandbox.zygote_starts
    source = path.read_text()
    expected, audited = expectation(source)
    result = sandbox.run(source, limits=LIMITS)
    assert result.outcome.value in expected, (result.outcome, result.detail, result.output[-500:])
    assert bool(result.audit) == audited, result.audit
    assert SECRET not in result.output
    assert {e.channel for e in result.trace} <= KNOWN
    assert all(e.t >= 0 for e in result.trace)
    assert sandbox.run("sam.xabs(1)").outcome is Outcome.OK  # the harness and its zygote survive
    assert sandbox.zygote_starts == starts


def test_nothing_escapes_the_sandbox(sandbox):
    for path in CORPUS:
        sandbox.run(path.read_text(), limits=LIMITS)
    assert not Path("/tmp/twinbench-escape.txt").exists()
    assert not Path("/work/twinbench-escape.txt").exists()
    left = subprocess.run(["ps", "-u", str(sandbox.uid), "-o", "pid="], capture_output=True, text=True).stdout
    assert left.strip() == ""
    assert os.getppid() > 1


def test_clock_patching_does_not_change_recorded_times(sandbox):
    source = (Path(__file__).parent / "hostile" / "35_patch_clock.py").read_text()
    acquire = pvs.cam("pilatus2M", "Acquire")
    times = [e.t for e in sandbox.run(source, {"control": {"round_trip": 0.0}}).trace if e.channel == acquire]
    assert times == [0.0, 1.0, 1.0, 2.0]  # its own no-op sleep let no beamline time pass


def test_patched_operator_records_what_really_happened(sandbox):
    source = (Path(__file__).parent / "hostile" / "38_patch_operator.py").read_text()
    result = sandbox.run(source)
    assert [e.channel for e in result.trace] == [pvs.MOTORS["smx"]]
    assert "pretending to measure" in result.output
