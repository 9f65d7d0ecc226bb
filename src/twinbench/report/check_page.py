"""A checked plan as its HTML page shows it: the pre-flight's facts, tables and findings as the text report has them,
the refused commands, the device timelines and the temperature profile (the measured temperature with the
pre-flight's profile segments), the final state and the simulated duration."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from twinbench.report.figures import device_figure, temperature_figure
from twinbench.report.text import duration_text, plain
from twinbench.twins.preflight import Preflight, number
from twinbench.twins.recorder import SAFETY_CHANNEL

if TYPE_CHECKING:
    from twinbench.sandbox import RunResult

TEMPERATURE = "temperature"  # a channel whose short name ends with this is the temperature profile's


def source_line(source: str, line: int | None) -> str | None:
    """The program's line `line` (1-based), stripped; None when there is no such line."""
    lines = source.splitlines()
    return lines[line - 1].strip() if line is not None and 0 < line <= len(lines) else None


def _temperature(result: RunResult, report: Preflight) -> dict[str, Any] | None:
    """The temperature profile: the first channel named `...temperature` with its samples, the report's segments."""
    trace = result.trace
    channel = next((ch for ch in dict.fromkeys(trace.channel)
                    if report.labels.get(ch, ch).lower().endswith(TEMPERATURE)), None)
    if channel is None:
        return None
    pairs = [(t, v) for c, t, v in zip(trace.channel, trace.t, trace.value, strict=True) if c == channel]
    times, values = [t for t, _ in pairs], [v for _, v in pairs]
    if times and times[-1] < result.duration:  # the temperature holds its last value to the end of the plan
        times.append(result.duration)
        values.append(values[-1])
    return temperature_figure(times, values, report.data.get("temperature", []))


def plan_view(name: str, source: str, result: RunResult, report: Preflight, suggestions: list[str]) -> dict[str, Any]:
    """The check page's section of one plan (program text escaped by the template)."""
    from twinbench.sandbox import Outcome

    lines = result.event_lines or [None] * len(result.trace)
    refusals = [{"t": number(e.t, 3), "line": line, "value": plain(e.value), "code": source_line(source, line)}
                for e, line in zip(result.trace, lines, strict=True) if e.channel == SAFETY_CHANNEL]
    findings = [{"severity": f.severity, "rule": f.rule, "line": f.line, "message": plain(f.message),
                 "explain": f.explain, "code": source_line(source, f.line)} for f in report.findings]
    error = None
    if result.error is not None:
        meant = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        where = f" (line {result.error.line})" if result.error.line else ""
        error = plain(f"{result.error.type}{where}: {result.error.message}{meant}")
    return {
        "name": name, "outcome": str(result.outcome), "ok": result.outcome is Outcome.OK,
        "duration": duration_text(result.duration), "wall": result.wall_seconds, "facts": report.facts,
        "tables": report.tables, "refusals": refusals, "findings": findings,
        "warnings": [plain(w) for w in result.warnings], "error": error, "output": plain(result.output),
        "final_state": [(report.labels.get(k, k), plain(number(v))) for k, v in sorted(result.final_state.items())],
        "figures": {"temperature": _temperature(result, report),
                    "devices": device_figure(result.trace.events, report.labels, {SAFETY_CHANNEL}, result.duration)},
    }
