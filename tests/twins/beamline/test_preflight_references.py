"""No false warnings: the pre-flight rules on every reference program of the built-in beamline suite.

A reference is a fragment of a session (a task asks for one step: "heat to 80 °C", "move x to 3", "measure 5 s"
with the station as the task leaves it, shutter closed), so the rules about a whole plan (an exposure with the
shutter closed, what the plan leaves on or out at its end, a plan that never measures) say true things about a
fragment that are not mistakes in it. They are the only rules that may fire; every other rule must stay silent.
"""

from __future__ import annotations

from twinbench.twins import get_twin
from twinbench.twins.preflight import PlanRun

WHOLE_PLAN_RULES = {"shutter-closed", "heater-on-at-end", "beamstop-not-parked", "attenuator-left-in", "no-exposure"}


def _report(run, state):
    events = run.trace.events
    plan = PlanRun(events, [None] * len(events), {}, events[-1].t if events else 0.0, state, run.outcome == "ok")
    return get_twin("beamline").preflight(plan)


def test_no_rule_but_the_whole_plan_ones_fires_on_any_reference_program(beamline, runner):
    runs = runner.reference_runs(beamline.tasks)
    checked, fired, false = 0, set(), []
    for task in beamline.tasks:
        as_fragment = {**task.initial_state,
                       "preflight": {"rules": {rule: {"enabled": False} for rule in WHOLE_PLAN_RULES}}}
        for run in runs[task.id]:
            checked += 1
            fired |= {f.rule for f in _report(run, task.initial_state).findings}
            false += [(task.id, f.rule, f.message) for f in _report(run, as_fragment).findings]
    assert checked == sum(len(task.references) for task in beamline.tasks) > 300
    assert false == []
    assert fired == WHOLE_PLAN_RULES - {"beamstop-not-parked"}  # no reference moves the beamstop
