"""Reference runs: one sandboxed run per reference and runner, cached on disk by twin fingerprint + code."""

from twinbench.tasks import ReferenceRunner, Task
from twinbench.tasks.references import program_key, twin_fingerprint

TASK = Task.model_validate({"id": "t", "category": "measure", "difficulty": "simple", "instruction": "x",
                            "references": ["sam.xabs(1)\nsam.align()\nwsam()", "sam.xabs(2)\nsam.xabs(75)"],
                            "initial_state": {"motors": {"smx": {"position": 0.5}}}})


def _events(trace):
    return [(e.channel, e.t, e.value, dict(e.meta)) for e in trace]


def test_disk_cache_round_trips_outcome_trace_and_safety(tmp_path):
    with ReferenceRunner(cache_dir=tmp_path) as first:
        runs = first.reference_runs([TASK])["t"]
    assert first.runs == 2 and len(list(tmp_path.glob("*.json"))) == 2
    assert runs[0].ends_as("ok") and not runs[1].ends_as("ok") and runs[1].ends_as("safety")
    assert runs[1].safety_events == 1 and "soft limit" in runs[1].error
    with ReferenceRunner(cache_dir=tmp_path) as second:
        cached = second.reference_runs([TASK])["t"]
    assert second.runs == 0
    for a, b in zip(runs, cached, strict=True):
        assert (a.outcome, a.safety_events, a.error) == (b.outcome, b.safety_events, b.error)
        assert _events(a.trace) == _events(b.trace)


def test_each_reference_runs_once_per_runner():
    with ReferenceRunner() as runner:
        runner.reference_runs([TASK])
        traces = runner.reference_traces(TASK)
    assert runner.runs == 2 and traces[0][0].value == 1.0


def test_cache_key_depends_on_program_state_and_twin_code():
    key = program_key("beamline", "sam.xabs(1)", {})
    assert key == program_key("beamline", "sam.xabs(1)", {})
    assert key != program_key("beamline", "sam.xabs(2)", {})
    assert key != program_key("beamline", "sam.xabs(1)", {"motors": {"smx": 1}})
    assert len(twin_fingerprint("beamline")) == 16


def test_a_harness_error_is_never_cached(tmp_path):
    from twinbench.sandbox import Outcome
    from twinbench.tasks.references import ReferenceRun
    from twinbench.trace.model import Trace

    runner = ReferenceRunner(cache_dir=tmp_path)
    runner._store("failed", ReferenceRun(str(Outcome.HARNESS_ERROR), Trace(), 0, "twin error"))
    runner._store("fine", ReferenceRun(str(Outcome.OK), Trace(), 0, None))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fine.json"]
