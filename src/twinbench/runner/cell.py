"""One cell after generation: extract the code, run it in the twin, score it against every reference."""

from __future__ import annotations

import json

from twinbench.models import CallRecord
from twinbench.runner.extract import ExtractedCode, extract_code
from twinbench.sandbox import Limits, Outcome, RunResult, Sandbox
from twinbench.similarity import similarity_scores, strip_comments
from twinbench.store import CellResult, ErrorRecord, ExecutionRecord, ScoreRecord, blob_sha, check_blob
from twinbench.tasks.schema import Task
from twinbench.trace.io import trace_to_obj
from twinbench.trace.model import Trace
from twinbench.trace.scoring import BestOfResult, score_best_of

DIMENSIONS = ("discrete", "timing", "continuous")


def trace_scores(outcome: BestOfResult, result: RunResult, task: Task) -> list[ScoreRecord]:
    """The full trace score, the pass (the trace passes and the run ended as the task expects), each metric
    dimension and safety, as score records."""
    best = outcome.chosen
    passed = task.verdict(best.passed, str(result.outcome))
    detail = {
        "passed": passed,
        "trace_passed": best.passed,
        "reasons": best.reasons,
        "best_reference": outcome.best,
        "references": [{"full_score": r.full_score, "passed": r.passed} for r in outcome.results],
        "metrics": {name: {"score": m.score, "passed": m.passed} for name, m in best.metrics.items()},
        "outcome": str(result.outcome),
    }
    records = [ScoreRecord(scorer="trace", value=best.full_score, detail=detail),
               ScoreRecord(scorer="pass", value=float(passed))]
    records += [ScoreRecord(scorer=d, value=best.metrics[d].score) for d in DIMENSIONS if d in best.metrics]
    records.append(ScoreRecord(scorer="safety", value=0.0 if result.safety else 1.0,
                               detail={"events": [e.value for e in result.safety]}))
    return records


def reference_similarity(code: str, references: list[str]) -> list[ScoreRecord]:
    """CodeBLEU and normalised edit similarity against the closest reference (comments stripped); no code has
    CodeBLEU 0 (the package would give an empty candidate 0.25)."""
    cand = strip_comments(code)
    per_ref = [similarity_scores(strip_comments(r), cand, ["codebleu", "edit_sim"]) for r in references]
    bleu = max(s["codebleu"] for s in per_ref) if cand.strip() else 0.0
    return [ScoreRecord(scorer="codebleu", value=bleu),
            ScoreRecord(scorer="edit_similarity", value=max(s["edit_sim"] for s in per_ref))]


class Blobs(dict[str, bytes]):
    """Content to store beside a cell, keyed by sha256; written by the store's own thread."""

    def add(self, data: bytes) -> str:
        """Keep `data`; what the store would refuse is refused here, before anything reaches the store."""
        check_blob(data)
        sha = blob_sha(data)
        self[sha] = data
        return sha


def harness_failure(record: CallRecord, message: str, code_sha: str | None = None) -> CellResult:
    """A cell the harness could not finish (its own failure, not the program's): failed, no scores."""
    execution = ExecutionRecord(status=str(Outcome.HARNESS_ERROR), code_sha=code_sha)
    error = ErrorRecord(stage="execute", kind=str(Outcome.HARNESS_ERROR), message=message[:2000])
    return CellResult(status="failed", response=record, execution=execution, errors=[error])


def finish_generated(record: CallRecord, task: Task, references: list[Trace], sandbox: Sandbox,
                     limits: Limits | None = None) -> tuple[CellResult, Blobs]:
    """Everything after generation for one cell: the result to store (program errors are results) and the
    blobs it refers to (extracted code, output, trace). Never raises: a failure of the harness while
    finishing the cell is that cell's `harness_error`, and the run goes on."""
    try:
        return _finish(record, task, references, sandbox, limits)
    except Exception as exc:  # noqa: BLE001  (one cell's harness failure must not end the run)
        return harness_failure(record, f"{type(exc).__name__}: {exc}"), Blobs()


def _finish(record: CallRecord, task: Task, references: list[Trace], sandbox: Sandbox,
            limits: Limits | None) -> tuple[CellResult, Blobs]:
    blobs = Blobs()
    if not record.ok:
        return CellResult.from_call(record), blobs
    extracted: ExtractedCode = extract_code(record.text or "")
    code_sha = blobs.add(extracted.code.encode())
    if extracted.method == "none":
        execution = ExecutionRecord(status="no_code", code_sha=code_sha, extraction=extracted.method)
        zero = [ScoreRecord(scorer=s, value=0.0) for s in ("trace", "pass", *DIMENSIONS)]
        return CellResult(status="ok", response=record, execution=execution,
                          scores=[*zero, ScoreRecord(scorer="safety", value=1.0),
                                  *reference_similarity("", task.references)]), blobs
    result = sandbox.run(extracted.code, task_state=task.initial_state, limits=limits)
    if result.outcome is Outcome.HARNESS_ERROR:
        return harness_failure(record, result.detail, code_sha), blobs
    execution = ExecutionRecord(
        status=str(result.outcome), duration_s=result.duration, code_sha=code_sha, extraction=extracted.method,
        stdout_sha=blobs.add(result.output.encode()),
        trace_sha=blobs.add(json.dumps(trace_to_obj(result.trace)).encode()),
    )
    errors = []
    if result.error is not None:
        errors.append(ErrorRecord(stage="execute", kind=result.error.type, message=result.error.message))
    outcome = score_best_of(references, result.trace, task.scoring_config(sandbox.twin.scoring_defaults()))
    scores = trace_scores(outcome, result, task) + reference_similarity(extracted.code, task.references)
    return CellResult(status="ok", response=record, execution=execution, scores=scores, errors=errors), blobs
