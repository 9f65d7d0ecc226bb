"""A pre-flight report: what `twinbench check` tells a user about a plan from its run in a twin.

A twin may give one (`Twin.preflight(run)`): a summary (facts, tables) and findings, each from a rule with an id,
a severity, a one-line explanation and the program line that caused it. A twin without its own gets
`basic_preflight`: every channel with its count, range and last value. Plain data only: rendering is the CLI's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from twinbench.twins.recorder import SAFETY_CHANNEL

if TYPE_CHECKING:
    from twinbench.trace.model import Event

Severity = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class PlanRun:
    """What a pre-flight sees of one run: the trace with the program line behind each event (None where
    unknown), the final state, the twin's clock at the end, the task state the run started from, and whether
    the program ran to its end (not stopped by an error or a limit)."""

    events: list[Event]
    lines: list[int | None]
    final_state: dict[str, Any]
    duration: float
    state: Mapping[str, Any] | None = None
    finished: bool = True


@dataclass(frozen=True)
class Finding:
    """One problem a rule found: `message` says what happened, `explain` why it matters."""

    rule: str
    severity: Severity
    message: str
    explain: str = ""
    line: int | None = None
    t: float | None = None


@dataclass
class Table:
    """A summary table of text cells; `name_column` holds names that stay whole (channels, devices)."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    name_column: int | None = 0


@dataclass
class Preflight:
    """A plan's pre-flight report. `labels` gives a channel's short name (for filters), `digits` the decimals a
    channel's values are shown with, `data` the summary as numbers (for JSON)."""

    facts: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    digits: dict[str, int | None] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def to_obj(self) -> dict[str, Any]:
        return asdict(self)


def number(value: Any, digits: int | None = None) -> str:
    """A value as text: a number rounded to `digits` decimals (default: 6 significant digits, so float noise such
    as -0.30000000000000004 reads -0.3), anything else as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float) or (isinstance(value, int) and digits is None):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if digits is None:
        return f"{value:.6g}"
    text = f"{value:.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def basic_preflight(run: PlanRun) -> Preflight:
    """The report of a twin without its own: the channels sampled many times (count, time span, range, last
    value), then those set once (time, value)."""
    values: dict[str, list[Any]] = {}
    times: dict[str, list[float]] = {}
    for e in run.events:
        if e.channel != SAFETY_CHANNEL:
            values.setdefault(e.channel, []).append(e.value)
            times.setdefault(e.channel, []).append(e.t)
    sampled, once = [], []
    for channel, vs in values.items():
        if len(vs) == 1:
            once.append([channel, number(times[channel][0], 3), number(vs[0])])
            continue
        low, high = (number(min(vs)), number(max(vs))) if _numeric(vs) else ("", "")
        span = f"{number(times[channel][0], 3)}-{number(times[channel][-1], 3)}"
        sampled.append([channel, str(len(vs)), span, low, high, number(vs[-1])])
    tables = [Table("Sampled channels", ["channel", "n", "t (s)", "min", "max", "last"], sampled),
              Table("Set once", ["channel", "t (s)", "value"], once)]
    counts = {ch: len(vs) for ch, vs in values.items()}
    return Preflight(tables=[t for t in tables if t.rows], data={"channels": counts})


def preflight_of(twin: Any, run: PlanRun) -> Preflight:
    """The twin's own pre-flight report (its optional `preflight(run)`), else the basic one."""
    own = getattr(twin, "preflight", None)
    return own(run) if callable(own) else basic_preflight(run)
