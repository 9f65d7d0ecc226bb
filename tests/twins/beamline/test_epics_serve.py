"""The beamline twin over Channel Access: a real `twinbench serve` subprocess, unmodified ophyd, pyepics and
bluesky client programs against it (each in its own process, as a user's program is)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from twinbench.tasks.suite import load_suite
from twinbench.twins.beamline import cam_pvs, pvs
from twinbench.twins.beamline.epics_equivalence import AHEAD, capture, check_plans
from twinbench.twins.beamline.epics_run import (
    PLANS,
    TWINBENCH,
    ca_program,
    compare,
    epics_env,
    free_port,
    in_process,
    monitor_agrees,
)
from twinbench.twins.beamline.epics_run import serve as _serve
from twinbench.twins.beamline.twin import BeamlineSimulator

X = "XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr"
CAM = "XF:11BMB-ES{Det:PIL2M}:cam1:"
LINKAM = "XF:11BM-ES:{LINKAM}:"
SPEED = 4000.0  # the suite's references hold hours of twin time: seconds of wall time at this speed
PRELUDE = f"""
import json, time
import epics
X, CAM, LINKAM = {X!r}, {CAM!r}, {LINKAM!r}

def collect(pv):
    seen = []
    epics.camonitor(pv, callback=lambda value=None, **kw: seen.append(float(value)))
    return seen

def wait_for(condition, limit=30):
    for _ in range(int(limit / 0.01)):
        if condition():
            return
        time.sleep(0.01)
    raise SystemExit("condition not reached")
"""


class _Served:
    """A served twin whose client programs start with PRELUDE."""

    def __init__(self, served):
        self.served = served

    def run(self, code: str):
        return self.served.run(PRELUDE + textwrap.dedent(code))

    def trace(self):
        return self.served.trace()


@contextmanager
def serve(tmp_path: Path, speed: float = 50.0, state: Path | None = None) -> Iterator[_Served]:
    with _serve(tmp_path, speed, state) as served:
        yield _Served(served)


def test_pyepics_move_follows_velocity_and_refuses_beyond_soft_limit(tmp_path):
    with serve(tmp_path) as served:
        out = served.run("""
        rbv = collect(X + '.RBV')
        wait_for(lambda: rbv)  # the monitor's first value (the start position) before the move
        assert epics.caget(X + '.DMOV') == 1
        epics.caput(X, 10.0, wait=True)
        wait_for(lambda: epics.caget(X + '.DMOV') == 1 and rbv and rbv[-1] == 10.0)
        epics.caput(X, 500.0, wait=True)
        time.sleep(0.2)
        print(json.dumps({"rbv": rbv, "val": epics.caget(X), "lvio": epics.caget(X + '.LVIO'),
                          "velo": epics.caget(X + '.VELO'), "hlm": epics.caget(X + '.HLM'),
                          "llm": epics.caget(X + '.LLM'), "egu": epics.caget(X + '.EGU')}))
        """)
    rbv = out["rbv"]
    assert rbv[0] == 0.0 and rbv[-1] == 10.0
    assert len(rbv) > 3 and rbv == sorted(rbv)  # intermediate readbacks on the way: the move takes time
    assert out["val"] == 10.0 and out["lvio"] == 1  # the refused put leaves the motor where it was
    assert (out["velo"], out["llm"], out["hlm"], out["egu"]) == (2.0, -50.0, 50.0, "mm")
    trace = served.trace()
    assert [(e["channel"], e["value"]) for e in trace if e["channel"] == X] == [(X, 10.0)]
    [refusal] = [e for e in trace if e["channel"] == "safety"]
    assert refusal["meta"]["pv"] == X and refusal["meta"]["requested"] == 500.0


def test_exposure_lasts_acquire_time_in_twin_time(tmp_path):
    """A 10 mm move at 2 mm/s takes 5 twin seconds: a 2 s exposure started with it ends first, an 8 s one later."""
    with serve(tmp_path) as served:
        out = served.run("""
        order = []
        epics.camonitor(X + '.DMOV', callback=lambda value=None, **kw: order.append(('dmov', int(value))))
        epics.camonitor(CAM + 'Acquire', callback=lambda value=None, **kw: order.append(('acquire', int(value))))
        time.sleep(0.3)
        results = []
        for exposure, target in ((2.0, 10.0), (8.0, 0.0)):
            epics.caput(CAM + 'AcquireTime', exposure, wait=True)
            del order[:]
            epics.caput(X, target)
            epics.caput(CAM + 'Acquire', 1)
            wait_for(lambda: ('dmov', 1) in order and ('acquire', 0) in order)
            results.append([name for name, value in order if value in (0, 1) and (name, value) in
                            (('dmov', 1), ('acquire', 0))])
        print(json.dumps(results))
        """)
    assert out == [["acquire", "dmov"], ["dmov", "acquire"]]
    acquire = [(e["value"], e["timestamp"]) for e in served.trace() if e["channel"] == CAM + "Acquire"]
    assert [v for v, _ in acquire] == [1, 0, 1, 0]
    assert acquire[1][1] - acquire[0][1] == 2.0 and acquire[3][1] - acquire[2][1] == 8.0


def test_linkam_ramps_at_its_rate_to_the_setpoint(tmp_path):
    with serve(tmp_path) as served:
        out = served.run("""
        temps = collect(LINKAM + 'TEMP')
        epics.caput(LINKAM + 'RAMPRATE:SET', 300.0, wait=True)
        epics.caput(LINKAM + 'SETPOINT:SET', 45.0, wait=True)
        epics.caput(LINKAM + 'STARTHEAT', 1, wait=True)
        wait_for(lambda: temps and temps[-1] == 45.0)
        print(json.dumps(temps))
        """)
    assert out[0] == 25.0 and out[-1] == 45.0 and out == sorted(out) and len(out) > 2
    samples = [e for e in served.trace() if e["channel"] == LINKAM + "TEMP"]
    steps = [b["value"] - a["value"] for a, b in zip(samples, samples[1:], strict=False)]
    assert steps and max(steps) <= 300.0 / 60 + 1e-9  # at most rate x the 1 s sample period per sample
    assert samples[-1]["value"] == 45.0


def test_bluesky_scan_with_ophyd_epics_motor(tmp_path):
    with serve(tmp_path) as served:
        out = served.run("""
        from bluesky import RunEngine
        from bluesky.plans import scan
        from ophyd import EpicsMotor, EpicsSignal, EpicsSignalRO
        from ophyd.utils.errors import LimitError

        smx = EpicsMotor(X, name='smx')
        intensity = EpicsSignalRO('XF:11BMB-BI{IM:2}Int', name='intensity')
        temp = EpicsSignal(LINKAM + 'SETPOINT:SET', name='setpoint')
        smx.wait_for_connection(); intensity.wait_for_connection(); temp.wait_for_connection()
        RE = RunEngine()
        rows = []
        RE(scan([intensity], smx, -1, 1, 5), lambda name, doc: rows.append(doc['data']['smx'])
           if name == 'event' else None)
        try:
            smx.move(80)
            refused = False
        except LimitError:
            refused = True
        temp.put(30.0, wait=True)
        print(json.dumps({"rows": rows, "limits": list(smx.limits), "refused": refused,
                          "position": smx.position, "setpoint": temp.get()}))
        """)
    assert out["rows"] == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert out["limits"] == [-50.0, 50.0] and out["refused"] and out["position"] == 1.0
    assert out["setpoint"] == 30.0
    trace = served.trace()
    assert [e["value"] for e in trace if e["channel"] == X] == [-1.0, -0.5, 0.0, 0.5, 1.0]
    assert [e["channel"] for e in trace if e["channel"] not in (X, LINKAM + "TEMP")] == [LINKAM + "SETPOINT:SET"]


def test_stop_halts_the_motor_where_it_is(tmp_path):
    with serve(tmp_path, 5.0) as served:
        out = served.run("""
        epics.caput(X, 40.0)
        wait_for(lambda: epics.caget(X + '.RBV') > 1.0)
        epics.caput(X + '.STOP', 1, wait=True)
        wait_for(lambda: epics.caget(X + '.DMOV') == 1)
        time.sleep(0.2)
        print(json.dumps([epics.caget(X), epics.caget(X + '.RBV'), epics.caget(X + '.MOVN')]))
        """)
    val, rbv, movn = out
    assert 1.0 < rbv < 40.0 and val == rbv and movn == 0
    assert [e["value"] for e in served.trace() if e["channel"] == X] == [40.0, rbv]


def test_bad_state_is_one_line_error(tmp_path):
    state = tmp_path / "state.yaml"
    state.write_text("motors:\n  nosuch: 1\n")
    done = subprocess.run([str(TWINBENCH), "serve", "--state", str(state)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "state.yaml" in done.stderr and "nosuch" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_two_servers_do_not_share_pvs(tmp_path):
    with serve(tmp_path) as a, serve(tmp_path) as b:
        a.run("epics.caput(LINKAM + 'SETPOINT:SET', 99.0, wait=True); print('{}')")
        seen = b.run("print(json.dumps(epics.caget(LINKAM + 'SETPOINT:SET')))")
    assert seen == 25.0
    assert [e["value"] for e in a.trace() if e["channel"] == LINKAM + "SETPOINT:SET"] == [99.0]
    assert not [e for e in b.trace() if e["channel"] == LINKAM + "SETPOINT:SET"]


def test_state_file_sets_the_initial_position(tmp_path):
    state = tmp_path / "state.yaml"
    state.write_text("motors:\n  smx: {position: 3.5, velocity: 4.0}\n")
    with serve(tmp_path, 50.0, state) as served:
        out = served.run("print(json.dumps([epics.caget(X + '.RBV'), epics.caget(X + '.VELO')]))")
    assert out == [3.5, 4.0]


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_ca_and_in_process_front_ends_give_the_same_trace(tmp_path, plan):
    with _serve(tmp_path, 20.0) as served:
        served.run(ca_program(PLANS[plan], 20.0))
    result = compare(in_process(PLANS[plan]), served.trace())
    assert result["same"], result
    assert result["events"] > 0


def _without_refusals(events: list[dict]) -> list[tuple]:
    return [(e["channel"], e["value"], e["timestamp"]) for e in events if e["channel"] != "safety"]


def test_monitor_records_what_the_twin_records(tmp_path):
    """`serve --monitor`: a CA monitor outside the server sees every change of every plan, at the twin time of the
    change, in order; only refusals (which change no PV) are the server's alone."""
    steps = [step for plan in sorted(PLANS) for step in PLANS[plan]]
    steps += [("put", {"pv": "XF:11BMB-OP{Attn}Trans", "value": round(0.5 + i / 1000, 3)}) for i in range(300)]
    with _serve(tmp_path, 20.0) as served:
        served.run(ca_program(steps, 20.0))
    own, seen = _without_refusals(served.trace()), _without_refusals(served.monitor())
    assert len(own) > 300 + sum(map(len, PLANS.values()))
    assert [event[:2] for event in seen] == [event[:2] for event in own]
    assert max(abs(a[2] - b[2]) for a, b in zip(own, seen, strict=True)) < 1e-3
    assert len(served.trace()) - len(own) == 1  # the one refused move of the "limit" plan
    assert monitor_agrees(served.trace(), served.monitor(), 20.0)
    assert not monitor_agrees(served.trace(), served.monitor()[1:], 20.0)


def test_monitor_waits_for_its_subscriptions_before_serving(tmp_path):
    """A change made as soon as `serve` says it is serving is on the monitor's trace."""
    with _serve(tmp_path, 50.0) as served:
        served.run("import epics, json; epics.caput('XF:11BMB-ES{Shutter}Pos', 1, wait=True); print(json.dumps(1))")
    assert [(e["channel"], e["value"]) for e in served.monitor()] == [("XF:11BMB-ES{Shutter}Pos", 1)]


OPHYD_CAM_PVS = """
import json
from ophyd import Device
from ophyd.areadetector.cam import PilatusDetectorCam
from ophyd.signal import EpicsSignalBase

Device.lazy_wait_for_connection = False  # the names only: no server answers here
cam = PilatusDetectorCam("P:", name="cam")
rows = [[type(w.item).__name__, w.item.pvname[2:], w.item.setpoint_pvname[2:] if hasattr(w.item, "setpoint_pvname")
         else None, w.item.as_string] for w in cam.walk_signals(include_lazy=True)
        if isinstance(w.item, EpicsSignalBase)]
print(json.dumps(rows))
"""


def test_cam_table_covers_every_pv_of_ophyds_pilatus_cam():
    done = subprocess.run([sys.executable, "-c", OPHYD_CAM_PVS], env=epics_env(free_port()), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    served = cam_pvs.names()
    assert len(rows) > 100
    for kind, read, write, as_string in rows:
        name, _, field = read.partition(".")
        assert name in served, read
        assert write is None or write in served, write
        if field:  # a field of the readback's record (DataType_RBV.DISA)
            assert cam_pvs.CAM[name.removesuffix("_RBV")].readback_record, read
        if kind == "EpicsSignalWithRBV":
            assert read == write + "_RBV" and cam_pvs.CAM[write].rbv, write
        if as_string:
            assert cam_pvs.CAM[name].kind in ("string", "chars"), name
    assert set(cam_pvs.MODELS) == set(pvs.DETECTORS)
    sim = BeamlineSimulator()
    for det in pvs.DETECTORS:  # the simulator's settings start where the simulator does
        assert {f: cam_pvs.table(det)[f].value for f in pvs.CAM_FIELDS} == {
            f: sim.rec.values[pvs.cam(det, f)] for f in pvs.CAM_FIELDS}
    for name, pv in cam_pvs.CAM.items():  # what Channel Access can carry
        assert len(pv.units) <= 8 and all(len(s) < 26 for s in pv.states + pv.readback_states), name
        assert pv.kind != "enum" or 0 <= pv.value < len(pv.states), name


def test_ophyd_pilatus_detector_connects_to_every_cam_pv(tmp_path):
    with serve(tmp_path) as served:
        out = served.run("""
        from ophyd.areadetector.detectors import PilatusDetector
        det = PilatusDetector(CAM.removesuffix('cam1:'), name='det')
        det.wait_for_connection(all_signals=True, timeout=60)
        cam = det.cam
        signals = [w.item for w in cam.walk_signals() if hasattr(w.item, 'pvname')]
        cam.shutter_mode.set(2).wait(10)
        cam.nd_attributes_file.set('attributes.xml').wait(10)
        cam.gain_menu.put(3)
        cam.acquire_time.set(0.5).wait(10)
        epics.caput(CAM + 'ImageMode', 7, wait=True)  # no such state: refused
        print(json.dumps({
            "signals": len(signals), "connected": all(s.connected for s in signals),
            "image_modes": list(cam.image_mode.enum_strs), "trigger_modes": list(cam.trigger_mode.enum_strs),
            "states": list(cam.detector_state.enum_strs), "state": cam.detector_state.get(as_string=True),
            "model": [cam.manufacturer.get(), cam.model.get(), cam.max_size.max_size_x.get(),
                      cam.max_size.max_size_y.get()],
            "shutter_mode": [cam.shutter_mode.get(as_string=True), epics.caget(CAM + 'ShutterMode', as_string=True)],
            "attributes": cam.nd_attributes_file.get(), "gain": cam.gain_menu.get(as_string=True),
            "acquire_time": cam.acquire_time.get(), "disabled": cam.data_type_disabled.get(),
            "image_mode": [epics.caget(CAM + 'ImageMode', use_monitor=False), cam.image_mode.get()],
            "data_type": cam.data_type.get(as_string=True)}))
        """)
    assert out["connected"] and out["signals"] > 100
    assert out["image_modes"] == ["Single", "Multiple", "Continuous"]
    assert out["trigger_modes"][:3] == ["Internal", "Ext. Enable", "Ext. Trigger"]
    assert out["states"][:3] == ["Idle", "Acquire", "Readout"] and out["state"] == "Idle"
    assert out["model"] == ["Dectris", "Pilatus 2M", 1475, 1679]
    assert out["shutter_mode"] == ["Camera output", "Detector output"]  # the readback has its own state names
    assert out["attributes"] == "attributes.xml" and out["gain"] == "2-5KeV/Slow/UltraG"
    assert out["acquire_time"] == 0.5
    assert out["image_mode"] == [0, 0]
    assert out["disabled"] == 0 and out["data_type"] == "Int32"
    # only the setting the simulator knows is traced; the stored ones are not
    assert [(e["channel"], e["value"]) for e in served.trace()] == [(CAM + "AcquireTime", 0.5)]


def test_bluesky_count_with_a_single_trigger_pilatus(tmp_path):
    with serve(tmp_path) as served:
        out = served.run("""
        from bluesky import RunEngine
        from bluesky.plans import count
        from ophyd.areadetector.detectors import PilatusDetector
        from ophyd.areadetector.trigger_mixins import SingleTrigger

        class Det(SingleTrigger, PilatusDetector):
            pass

        det = Det(CAM.removesuffix('cam1:'), name='det')
        det.wait_for_connection(all_signals=True, timeout=60)
        det.cam.acquire_time.set(2.0).wait(10)
        docs = []
        RE = RunEngine()
        RE(count([det], num=2), lambda name, doc: docs.append([name, det.cam.image_mode.get()]))
        print(json.dumps({"docs": docs, "counter": det.cam.array_counter.get(), "mode": det.cam.image_mode.get(),
                          "acquire": det.cam.acquire.get(), "state": det.cam.detector_state.get(as_string=True)}))
        """)
    # staged to Multiple (1), restored to Single (0)
    assert out["docs"] == [["start", 1], ["descriptor", 1], ["event", 1], ["event", 1], ["stop", 1]]
    assert out["mode"] == 0 and out["counter"] == 2 and out["acquire"] == 0 and out["state"] == "Idle"
    trace = served.trace()
    acquire = [(e["value"], e["timestamp"]) for e in trace if e["channel"] == CAM + "Acquire"]
    assert [v for v, _ in acquire] == [1, 0, 1, 0]
    assert acquire[1][1] - acquire[0][1] == pytest.approx(2.0, abs=1e-9)
    assert acquire[3][1] - acquire[2][1] == pytest.approx(2.0, abs=1e-9)
    assert {e["channel"] for e in trace} == {CAM + "Acquire", CAM + "AcquireTime"}


@pytest.fixture(scope="module")
def references():
    """Every reference of the built-in beamline suite, run in the sandbox with the commands the twin received."""
    return capture(load_suite("beamline"))


def test_references_are_recorded_and_replayed_faithfully(references):
    """The recorded steps, done again in process from the task's state, give the sandboxed run's own trace; a
    reference is not writable with pyepics exactly when it issues a call event (align, setOrigin)."""
    assert len(references) == sum(len(t.references) for t in load_suite("beamline").tasks)
    for ref in references:
        assert ref.outcome == "ok", ref.name
        assert in_process(ref.steps, ref.state).events == ref.trace, ref.name
        assert set(ref.calls) <= {"sam.align", "sam.setOrigin"}, ref.name
    assert 0 < sum(bool(ref.calls) for ref in references) < len(references)


def test_every_writable_reference_gives_the_same_trace_over_ca(references, tmp_path):
    """Each distinct plan of the writable references over CA at a high speed (forked from one process that
    imported the server and pyepics; detectors exposed together at the speed that keeps their frames
    overlapping): the same events and values as in process, and never ahead of it (how late it is depends on the
    machine's load: `benchmarks/epics_equivalence.py` measures it)."""
    results = check_plans(references, SPEED, tmp_path, jobs=8, forked=True, overlap=True)
    assert len(results) == len({ref.plan for ref in references if not ref.calls})
    for ref in references:
        if not ref.calls:
            result = results[ref.plan]
            assert result.faithful and result.result["same"], (ref.name, result.result)
            assert result.result["ahead"] <= AHEAD, (ref.name, result.result)
    assert sorted({result.speed for result in results.values()}) == [8.0, 16.0, SPEED]  # 4 s and 8 s exposures
