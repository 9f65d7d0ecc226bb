"""The beamline's pre-flight report for `twinbench check`: a summary of what a plan did and what its rules found.

Imports its parts when asked (the plugin module and the twin's config stay light).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twinbench.twins.preflight import Finding, PlanRun, Preflight


def _merged(findings: list[Finding]) -> list[Finding]:
    """Findings of one rule at one line with one message become one, counted."""
    from dataclasses import replace

    counts: dict[tuple[str, int | None, str], list[Finding]] = {}
    for f in findings:
        counts.setdefault((f.rule, f.line, f.message), []).append(f)
    return [replace(same[0], message=f"{same[0].message} ({len(same)} times)") if len(same) > 1 else same[0]
            for same in counts.values()]


def preflight(run: PlanRun) -> Preflight:
    """Replay the run, apply the rules in force (the defaults with the task state's changes), summarise."""
    from twinbench.twins.beamline.preflight import summary
    from twinbench.twins.beamline.preflight.channels import BY_PV
    from twinbench.twins.beamline.preflight.checks import CHECKS, END_KINDS
    from twinbench.twins.beamline.preflight.timeline import Timeline
    from twinbench.twins.beamline.twin import BeamlineSimulator
    from twinbench.twins.preflight import Preflight

    sim = BeamlineSimulator()
    sim.reset(run.state, run.duration + 1)
    tl = Timeline(run, sim.cfg, dict(sim.rec.values))
    rules = sim.cfg.preflight.active()
    applied = {rule_id: r for rule_id, r in rules.items() if run.finished or r.kind not in END_KINDS}
    findings = [f for rule_id, rule in applied.items() for f in CHECKS[rule.kind](rule_id, rule, tl)]
    findings.sort(key=lambda f: (f.line is None, f.line or 0, f.t or 0.0))
    segments = summary.temperature_segments(tl)
    changed = summary.changed_devices(tl)
    facts = [summary.exposures_fact(tl), summary.temperature_fact(tl), summary.calls_fact(tl)]
    if len(applied) < len(rules):
        facts.append(f"The plan did not run to its end: {', '.join(sorted(set(rules) - set(applied)))} not checked")
    tables = [summary.exposures_table(tl), summary.temperature_table(segments), summary.final_table(changed)]
    data = {"exposures": [summary.exposure_data(x) for x in tl.exposures],
            "temperature": summary.segments_data(segments), "changed": changed,
            "rules": {rule_id: {"kind": r.kind, "severity": r.severity, "explain": r.explain}
                      for rule_id, r in rules.items()}}
    return Preflight(facts=[f for f in facts if f], tables=[t for t in tables if t], findings=_merged(findings),
                     labels={pv: d.name for pv, d in BY_PV.items()}, digits={pv: d.digits for pv, d in BY_PV.items()},
                     data=data)
