"""The judge agreement report as text (Markdown tables, readable as plain text) and as an HTML page that works
offline (plotly.js inlined): the agreement table with the split of every figure, a calibration figure per judge
(outcome rate per grade bin against the diagonal), and the most-disagreeing answers with the judged program and the
reference side by side and, where a twin runs the task, the answer's trace aligned against the reference's (the run
report's timeline and continuous figures)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twinbench.analysis.agreement import AgreementReport, AgreementRow, Disagreement
from twinbench.errors import InputError
from twinbench.report.figures import calibration_figure
from twinbench.report.leaderboard import markdown_table
from twinbench.store.records import BENCHMARK, CALIBRATION_SET

if TYPE_CHECKING:
    from twinbench.judge.references import ReferenceFor
    from twinbench.report.run_data import RunData
    from twinbench.store import Store
    from twinbench.tasks.references import ReferenceRunner

Table = tuple[str, list[str], list[list[str]]]  # caption, header, rows


def estimate_text(e) -> str:
    """An estimate with its CI in brackets, `-` when there is none."""
    if e is None or e.value is None:
        return "-"
    ci = "" if e.lo is None else f" [{e.lo:.2f}, {e.hi:.2f}]"
    return f"{e.value:.2f}{ci}"


def short_judge(judge: str) -> str:
    """A replay judge's file name without its folder, so tables stay narrow."""
    kind, sep, rest = judge.partition(":")
    return f"{kind}:{Path(rest).name}" if sep and kind == "replay" else judge


def agreement_grids(report: AgreementReport) -> list[Table]:
    """The report's three tables: agreement per (score, judge, split), calibration bins, disagreements."""
    head = ["score", "judge", "split", "n", report.outcome, "AUROC", "accuracy", "models", "Spearman", "Kendall"]
    main = [[r.score, short_judge(r.judge), r.split, str(r.answers), str(r.positives), estimate_text(r.auroc),
             estimate_text(r.accuracy), str(r.models), estimate_text(r.spearman), estimate_text(r.kendall)]
            for r in report.rows]
    bins = [[r.score, short_judge(r.judge), r.split,
             *(f"{b.pass_rate:.2f} ({b.n})" if b.n else "-" for b in r.bins)] for r in report.rows]
    bin_head = ["score", "judge", "split", *(f"{b.lo:g}-{b.hi:g}" for b in report.rows[0].bins)] if report.rows else []
    worst = [[r.score, short_judge(r.judge), r.split, f"{w.model} / {w.task}", f"{w.grade:g}", f"{w.outcome:g}"]
             for r in report.rows for w in r.worst]
    return [
        ("", head, main),
        (f"Calibration: {report.outcome} rate (answers) per judge-grade bin.", bin_head, bins),
        ("Most-disagreeing answers.", ["score", "judge", "split", "answer", "grade", report.outcome], worst),
    ]


def heading(report: AgreementReport) -> list[str]:
    covered = "; ".join(f"{c.score} {short_judge(c.judge)} graded {c.graded}/{c.judged}" for c in report.coverage)
    return [f"Judge vs {report.outcome}: pass = grade >= {report.threshold:g}; positive = {report.outcome} > 0; "
            f"{report.n_boot} bootstrap resamples, seed {report.seed}; 95% CIs in brackets.",
            f"Answers graded / judged: {covered}."]


def agreement_tables(report: AgreementReport) -> list[str]:
    """The report as Markdown paragraphs: heading, agreement, calibration bins, disagreements."""
    out = heading(report)
    for caption, header, rows in agreement_grids(report):
        out += [caption, markdown_table(header, rows)] if caption else [markdown_table(header, rows)]
    return out


def calibration_figures(report: AgreementReport) -> list[dict[str, Any]]:
    """One calibration figure per (score, judge), a line per split."""
    groups: dict[tuple[str, str], list[AgreementRow]] = {}
    for r in report.rows:
        groups.setdefault((r.score, r.judge), []).append(r)
    return [calibration_figure(f"{score} · {short_judge(judge)}: {report.outcome} rate per grade bin",
                               report.outcome, [(r.split, r.bins) for r in rows])
            for (score, judge), rows in groups.items()]


class CaseFinder:
    """The stored answer behind a disagreement, its reference program and, where a twin runs its task, its trace
    aligned against the reference traces: a benchmark run's stored trace, or a calibration set's program run again
    in the twin's sandbox (its suite loaded by name)."""

    def __init__(self, store: Store, run_ids: list[str], turns: list[int] | None, stack: ExitStack):
        self.store, self.run_ids, self.turns, self.stack = store, run_ids, turns, stack
        self.rows = {run_id: store.result_rows(run_id) for run_id in run_ids}
        self._runners: dict[str, ReferenceRunner] = {}
        self._references: dict[str, ReferenceFor] = {}
        self._benchmarks: dict[str, RunData] = {}

    def find(self, w: Disagreement) -> tuple[str, dict[str, Any]] | None:
        """(run id, row) of the answer: its last turn among the wanted ones."""
        found = [(r["turn"], run_id, r) for run_id, rows in self.rows.items() for r in rows
                 if (r["model"], r["task"], r["sample"]) == (w.model, w.task, w.sample) and r["status"] == "ok"
                 and (not self.turns or r["turn"] in self.turns)]
        return max(found, key=lambda f: f[0])[1:] if found else None

    def reference(self, run_id: str, task: str, turn: int) -> str | None:
        """The reference program of an answer (each run's references found once)."""
        from twinbench.judge.references import reference_for

        if run_id not in self._references:
            self._references[run_id] = reference_for(self.store, run_id)
        return self._references[run_id](task, turn)

    def view(self, row: AgreementRow, w: Disagreement) -> dict[str, Any]:
        from twinbench.runner.extract import extract_code

        base = {"score": row.score, "judge": short_judge(row.judge), "split": row.split, "model": w.model,
                "task": w.task, "sample": w.sample, "grade": w.grade, "outcome": w.outcome}
        located = self.find(w)
        if located is None:
            return {**base, "turn": None, "code": None, "reference": None, "alignment": None,
                    "note": "the answer is not in these runs"}
        run_id, cell = located
        code = extract_code(cell["text"] or "").code
        reference = self.reference(run_id, cell["task"], cell["turn"])
        alignment, note = self.alignment(run_id, cell, code)
        return {**base, "run": run_id, "turn": cell["turn"], "code": code, "reference": reference,
                "alignment": alignment, "note": note}

    def alignment(self, run_id: str, cell: dict[str, Any], code: str) -> tuple[dict[str, Any] | None, str]:
        config = self.store.run(run_id).config
        if config.get("kind") == BENCHMARK:
            from twinbench.report.run_data import RunData

            if run_id not in self._benchmarks:
                self._benchmarks[run_id] = RunData(self.store, run_id)
            view = self._benchmarks[run_id].cell(cell["cell_id"])["alignment"]
            return view, "" if view else "the program left no trace"
        if config.get("kind") == CALIBRATION_SET:
            return self._rerun(config["suite"], cell["task"], code)
        return None, "no twin runs this run's tasks: programs only"

    def _rerun(self, suite_name: str, task_id: str, code: str) -> tuple[dict[str, Any] | None, str]:
        from twinbench.report.cell_view import alignment_view
        from twinbench.tasks.references import ReferenceRunner
        from twinbench.tasks.suite import load_suite
        from twinbench.tasks.validity import execute_programs
        from twinbench.twins import get_twin

        try:
            suite = load_suite(suite_name)
            task = suite.task(task_id)
        except InputError as exc:
            return None, f"the suite's tasks cannot be loaded ({exc}): programs only"
        if suite.twin not in self._runners:
            self._runners[suite.twin] = self.stack.enter_context(ReferenceRunner(suite.twin))
        runner = self._runners[suite.twin]
        references = [r.trace for r in runner.reference_runs([task])[task.id]]
        [(result, _, _)] = execute_programs([(task, code)], runner, {task.id: references},
                                            get_twin(suite.twin).variants().budget)
        return alignment_view(task, result.trace, references, suite.twin), f"run again in the {suite.twin} twin"


def case_views(store: Store, run_ids: list[str], report: AgreementReport) -> list[dict[str, Any]]:
    """Every most-disagreeing answer of the report as the page shows it."""
    with ExitStack() as stack:
        finder = CaseFinder(store, run_ids, report.turns, stack)
        return [finder.view(row, w) for row in report.rows for w in row.worst]


def agreement_page(report: AgreementReport, run_ids: list[str], cases: list[dict[str, Any]]) -> str:
    """The HTML page (plotly.js and every figure inlined: it opens offline)."""
    from twinbench.report.html import figure_page

    figures = {f"calibration-{i}": fig for i, fig in enumerate(calibration_figures(report))}
    for i, case in enumerate(cases):
        if case["alignment"]:
            figures[f"case-{i}-timeline"] = case["alignment"]["timeline"]
            figures[f"case-{i}-continuous"] = case["alignment"]["continuous"]
    return figure_page("agreement.html.j2", figures, report=report, runs=run_ids, heading=heading(report),
                       grids=agreement_grids(report), cases=cases,
                       calibration=[k for k in figures if k.startswith("calibration-")])
