"""A verdict needs the run to end as the task expects, and a reference that commands something."""

from twinbench.models import CallRecord
from twinbench.models.types import CallKey
from twinbench.runner.cell import finish_generated
from twinbench.sandbox import Limits, Sandbox
from twinbench.tasks import ReferenceRunner, Task
from twinbench.tasks.checks import Scorer, check_task
from twinbench.trace.model import Trace
from twinbench.trace.scoring import score_traces

MOVE = "sam.xabs(1)\nsam.measure(1)"


def _task(**extra) -> Task:
    return Task.model_validate({"id": "t", "category": "measure", "difficulty": "simple", "instruction": "x",
                                "references": [MOVE], **extra})


def _pass_record(task: Task, program: str, limits: Limits | None = None) -> tuple[float, dict]:
    with ReferenceRunner() as runner:
        refs = runner.reference_traces(task)
    record = CallRecord(key=CallKey(task="t"), model="m", provider="replay", endpoint="x",
                        text=f"```python\n{program}\n```")
    with Sandbox() as sandbox:
        cell, _ = finish_generated(record, task, refs, sandbox, limits)
    scores = {s.scorer: s for s in cell.scores}
    return scores["pass"].value, scores["trace"].detail


def test_a_program_that_raises_after_the_reference_trace_does_not_pass():
    value, detail = _pass_record(_task(), MOVE + "\nraise RuntimeError('detector lost')")
    assert value == 0.0 and not detail["passed"] and detail["outcome"] == "error"
    assert detail["trace_passed"]  # the partial trace is the reference's: only the outcome fails it


def test_a_program_that_hangs_after_the_reference_trace_does_not_pass():
    value, detail = _pass_record(_task(), MOVE + "\nwhile True:\n    time.sleep(3600)",
                                 Limits(budget=7200))
    assert detail["outcome"] == "timeout" and value == 0.0


def test_a_task_may_expect_a_refusal():
    task = _task(references=["sam.xabs(1)\nsam.xabs(80)"], expected_outcome="safety")
    value, detail = _pass_record(task, "sam.xr(1)\nsam.xr(79)")
    assert detail["outcome"] == "safety" and value == 1.0
    value, _ = _pass_record(task, "sam.xabs(1)")
    assert value == 0.0


def _check(task: Task):
    config = task.scoring_config()
    with ReferenceRunner() as runner:
        runs = runner.reference_runs([task])["t"]
    return check_task(task, runs, Scorer(), config)


def test_suite_check_flags_references_that_do_not_end_as_expected_or_leave_nothing():
    failing = _check(_task(references=[MOVE, MOVE + "\n1 / 0"]))
    assert [i for i, _ in failing.unclean] == [1] and "ZeroDivisionError" in failing.unclean[0][1]
    empty = _check(_task(references=["wsam()"]))
    assert empty.empty == [0] and not empty.ok
    allowed = _check(_task(references=["wsam()", "sam.pos()"], scoring={"allow_empty_reference": True}))
    assert allowed.ok
    refused = _check(_task(references=["sam.xabs(80)"], expected_outcome="safety"))
    assert refused.ok


def test_nothing_passes_against_an_empty_reference_unless_the_task_allows_it():
    empty = Trace([])
    assert not score_traces(empty, Trace([])).passed
    assert score_traces(empty, Trace([]), _task(scoring={"allow_empty_reference": True}).scoring_config()).passed
