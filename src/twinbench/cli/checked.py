"""One checked plan, as `twinbench check` keeps it (no terminal library: `--json` prints it without one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from twinbench.sandbox import RunResult
    from twinbench.twins.preflight import Preflight


@dataclass(frozen=True)
class View:
    """What the text shows: `rows` per summary table, the raw `events` (filtered by `channels`, at most
    `max_events`), `output_lines` of program output (0: no cap for any of them)."""

    rows: int = 20
    events: bool = False
    channels: tuple[str, ...] = ()
    max_events: int = 200
    output_lines: int = 20


@dataclass
class Checked:
    """One checked plan: its source, run, pre-flight report and the commands the error may have meant."""

    source: str
    result: RunResult
    report: Preflight
    suggestions: list[str]

    def counts(self) -> dict[str, int]:
        counts = {"info": 0, "warning": 0, "error": 0}
        for f in self.report.findings:
            counts[f.severity] += 1
        return counts

    def failed(self, strict: bool) -> bool:
        """Whether the plan fails the check: any outcome but ok, an error finding, or (strict) a warning."""
        from twinbench.sandbox import Outcome

        counts = self.counts()
        return self.result.outcome is not Outcome.OK or counts["error"] > 0 or (strict and counts["warning"] > 0)

    def to_obj(self) -> dict[str, Any]:
        return {**self.result.to_obj(), "preflight": self.report.to_obj(), "suggestions": self.suggestions}
