"""The beamline's pre-flight rules on a corpus of realistic plans (`preflight/*.py`).

Each plan states in its header what the check must find: `# expect: RULE@LINE, ...` (exactly these findings; `-`
for a finding about the whole plan), `# absent: RULE, ...` (rules the plan is built to come close to without
breaking), `# refused: LINE, ...` (the commands the control system refuses). A YAML file of the same name beside
a plan is its task state (e.g. rule changes a facility makes). Every plan runs in the real sandbox, as `twinbench
check` runs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from twinbench.twins import get_twin
from twinbench.twins.preflight import PlanRun

CORPUS = sorted((Path(__file__).parent / "preflight").glob("*.py"))
EXAMPLE = Path(__file__).parents[3] / "examples" / "plan.py"  # heats and measures, never opens the shutter


def _header(source: str, key: str) -> list[str] | None:
    for line in source.splitlines():
        if line.startswith(f"# {key}:"):
            return [item.strip() for item in line.split(":", 1)[1].split(",") if item.strip()]
    return None


def _expected(source: str) -> set[tuple[str, int | None]]:
    pairs = [item.split("@") for item in _header(source, "expect") or []]
    return {(rule, None if line == "-" else int(line)) for rule, line in pairs}


def _check(sandbox, path: Path):
    source = path.read_text()
    state_file = path.with_suffix(".yaml")
    state = yaml.safe_load(state_file.read_text()) if state_file.is_file() else None
    result = sandbox.run(source, state, lines=True, skip_refused=True)
    report = get_twin("beamline").preflight(PlanRun(result.trace.events, result.event_lines, result.final_state,
                                                    result.duration, state, finished=result.error is None))
    return result, report


def test_the_example_plan_exposes_with_the_shutter_closed_and_nothing_else(sandbox):
    _, report = _check(sandbox, EXAMPLE)
    assert [(f.rule, f.line, f.message.endswith("(7 times)")) for f in report.findings] == [
        ("shutter-closed", 10, True)]


def test_the_corpus_is_large_and_every_plan_says_what_it_expects():
    assert len(CORPUS) >= 30
    for path in CORPUS:
        assert _header(path.read_text(), "expect") is not None, path.name


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_each_plan_raises_exactly_its_expected_findings_at_their_lines(sandbox, path):
    source = path.read_text()
    result, report = _check(sandbox, path)
    found = {(f.rule, f.line) for f in report.findings}
    assert found == _expected(source), [(f.rule, f.line, f.message) for f in report.findings]
    assert not {f.rule for f in report.findings} & set(_header(source, "absent") or [])
    refused = [line for e, line in zip(result.trace, result.event_lines, strict=True) if e.channel == "safety"]
    assert refused == [int(n) for n in _header(source, "refused") or []]
    rules = report.data["rules"]
    for f in report.findings:  # each finding carries its rule's severity and one-line explanation
        assert f.severity == rules[f.rule]["severity"] and f.explain == rules[f.rule]["explain"]
        assert f.message and "\n" not in f.message + f.explain
