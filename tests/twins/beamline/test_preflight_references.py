"""No false warnings: the pre-flight rules on every reference program of the built-in beamline suite.

A task's program is one step of a session in progress, and the suite says so in its `initial_state` (the beam is
on; the rules about a whole plan are off). Checked as the suite runs them, no reference raises any finding. Checked
as whole plans (the shutter closed at the start, every rule on), the whole-plan rules fire, as they should on
fragments: that is what the suite's state is for.
"""

from __future__ import annotations

from collections import Counter

from twinbench.layering import layered
from twinbench.twins import get_twin
from twinbench.twins.preflight import PlanRun

WHOLE_PLAN_RULES = {"shutter-closed", "heater-on-at-end", "beamstop-not-parked", "attenuator-left-in", "no-exposure"}


def _findings(run, state):
    events = run.trace.events
    plan = PlanRun(events, [None] * len(events), {}, events[-1].t if events else 0.0, state, run.outcome == "ok")
    return get_twin("beamline").preflight(plan).findings


def test_no_reference_program_raises_a_finding_as_a_step_of_its_suite(beamline, runner):
    runs = runner.reference_runs(beamline.tasks)
    checked, false, as_plans = 0, [], Counter()
    for task in beamline.tasks:
        for run in runs[task.id]:
            checked += 1
            false += [(task.id, f.rule, f.message) for f in _findings(run, task.initial_state)]
            whole = {key: value for key, value in task.initial_state.items() if key != "preflight"}
            as_plans.update({f.rule for f in _findings(run, layered(whole, {"beam": {"shutter": 0}}))})
    assert checked == sum(len(task.references) for task in beamline.tasks) > 300
    assert false == []
    assert set(as_plans) == WHOLE_PLAN_RULES - {"beamstop-not-parked"}  # no reference moves the beamstop
    print(f"\n{checked} references: 0 findings as steps of the suite; as whole plans: {dict(as_plans)}")


def test_the_suite_state_keeps_every_rule_about_single_steps(beamline):
    rules = beamline.tasks[0].initial_state["preflight"]["rules"]
    assert set(rules) == WHOLE_PLAN_RULES - {"shutter-closed"}  # the shutter is open instead
    assert all(t.initial_state["beam"]["shutter"] == 1 for t in beamline.tasks if t.id not in {"beam-1", "beam-4"})
