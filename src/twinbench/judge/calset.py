"""A labelled calibration set made without any model: each task's reference, its equal rewrites and its graded
mutants (the twin's wrong variants, and a syntax error), every one run in the twin and labelled with its execution
Pass. Saved as a JSON data set any judge can be scored on; loaded into the store as a run of answers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twinbench.errors import InputError
from twinbench.judge.tasks import ChainTask, TaskSuite, Turn
from twinbench.models import CallKey, CallRecord
from twinbench.store import Cell, CellResult, ScoreRecord, Store
from twinbench.store.records import CALIBRATION_SET
from twinbench.tasks.references import ReferenceRunner
from twinbench.tasks.schema import Task
from twinbench.tasks.suite import Suite
from twinbench.tasks.validity import execute_programs
from twinbench.twins import get_twin

Quality = Literal["reference", "equal", "wrong", "broken"]
Split = Literal["dev", "heldout"]
SPLITS: tuple[Split, ...] = ("dev", "heldout")
SET_MODEL_PREFIX = "calset"


class LabelledAnswer(BaseModel):
    """One program of known make (`kind`: reference, an equal rewrite, a wrong variant, syntax_error) with its
    execution result in the twin."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    task: str
    kind: str
    quality: Quality
    split: Split
    code: str
    passed: bool
    score: float = Field(description="best trace score against the task's references, 0..1")
    outcome: str

    @property
    def cell(self) -> Cell:
        """Its cell when stored: the kind plays the model (one generator of answers), the task the task."""
        return Cell(model=self.kind, task=self.task)


class CalibrationSet(BaseModel):
    """The labelled answers of one suite and the references they are judged against."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    suite: str
    suite_version: str
    seed: int
    heldout_share: float
    references: dict[str, str] = Field(description="task id -> the reference program judges compare against")
    prompts: dict[str, str]
    answers: list[LabelledAnswer]

    @property
    def run_id(self) -> str:
        digest = hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:10]
        return f"{SET_MODEL_PREFIX}/{self.suite}/{digest}"

    def save(self, path: Path) -> None:
        path.write_text(self.model_dump_json(indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CalibrationSet:
        try:
            return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(str(path), f"cannot read calibration set: {exc}") from None
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InputError(str(path), err["msg"], field=".".join(map(str, err["loc"]))) from None


def assign_splits(task_ids: Sequence[str], seed: int, heldout_share: float = 0.5) -> dict[str, Split]:
    """Each task's split: tasks ordered by a hash of seed and id, the first round(share x n) held out. Fixed by the
    ids and the seed (not their order); every answer to a task lands in its task's split."""
    ids = sorted(set(task_ids), key=lambda t: hashlib.sha256(f"{seed}:{t}".encode()).hexdigest())
    held = round(heldout_share * len(ids))
    return {t: ("heldout" if i < held else "dev") for i, t in enumerate(ids)}


def syntax_error(source: str) -> str:
    """The program with an unclosed call on its last line: it cannot even be compiled."""
    lines = source.rstrip("\n").splitlines()
    return "\n".join([*lines[:-1], lines[-1] + " (", ""])


def _candidates(task: Task, wrong: dict, equal: dict) -> list[tuple[str, Quality, str]]:
    ref = task.references[0]
    out: list[tuple[str, Quality, str]] = [("reference", "reference", ref)]
    for quality, makers in (("equal", equal), ("wrong", wrong)):
        for kind, make in makers.items():
            if (source := make(ref)) is not None:
                out.append((kind, quality, source))
    out.append(("syntax_error", "broken", syntax_error(ref)))
    return out


def build_set(suite: Suite, tasks: Sequence[Task], runner: ReferenceRunner, seed: int = 0,
              heldout_share: float = 0.5, kinds: Sequence[str] | None = None) -> CalibrationSet:
    """Make every candidate of each task (only `kinds` when given), run them all in the twin and label them."""
    variants = get_twin(runner.twin).variants()
    pick = (lambda d: {k: v for k, v in d.items() if k in kinds}) if kinds else (lambda d: d)
    made = [(task, kind, quality, source) for task in tasks
            for kind, quality, source in _candidates(task, pick(variants.wrong), pick(variants.equivalent))]
    refs = {t: [r.trace for r in runs] for t, runs in runner.reference_runs(list(tasks)).items()}
    split = assign_splits([t.id for t in tasks], seed, heldout_share)
    executed = execute_programs([(t, s) for t, _, _, s in made], runner, refs, variants.budget)
    answers = [
        LabelledAnswer(task=task.id, kind=kind, quality=quality, split=split[task.id],
                       code=source, passed=passed, score=float(best.full_score), outcome=str(result.outcome))
        for (task, kind, quality, source), (result, best, passed) in zip(made, executed, strict=True)
    ]
    return CalibrationSet(
        suite=suite.name, suite_version=suite.version, seed=seed, heldout_share=heldout_share,
        references={t.id: t.references[0] for t in tasks}, prompts={t.id: t.instruction for t in tasks},
        answers=answers,
    )


def store_set(store: Store, cal: CalibrationSet) -> str:
    """The set as a run of answers (fenced code) with `pass` and `trace` scores; the config names the reference
    suite (so `judge run` finds references) and each task's split. Idempotent; returns the run id."""
    suite = TaskSuite(name=cal.suite, version=cal.suite_version, tasks=[
        ChainTask(id=t, turns=[Turn(prompt=cal.prompts[t], reference=ref)]) for t, ref in cal.references.items()
    ])
    splits = {a.task: a.split for a in cal.answers}
    config = {"kind": CALIBRATION_SET, "suite": cal.suite, "seed": cal.seed, "suite_sha": suite.save(store),
              "splits": splits}
    run_id = cal.run_id
    by_cell = {a.cell.id: a for a in cal.answers}
    store.create_run(run_id, config, [a.cell for a in cal.answers])
    for cell in store.pending_cells(run_id):
        a = by_cell[cell.id]
        code = a.code if a.code.endswith("\n") else a.code + "\n"  # the closing fence on a line of its own
        record = CallRecord(key=CallKey(task=a.task), model=a.kind, provider="calibration", endpoint=a.quality,
                            text=f"```python\n{code}```\n")
        scores = [ScoreRecord(scorer="pass", value=float(a.passed), detail={"outcome": a.outcome}),
                  ScoreRecord(scorer="trace", value=a.score)]
        store.finish_cell(run_id, cell, CellResult(status="ok", response=record, scores=scores))
    return run_id


def replay_lines(cal: CalibrationSet, by: Literal["execution", "random"], seed: int = 0) -> list[str]:
    """A replay judge's answers (JSONL, keyed like the judge run's cells): grade 100/0 by execution Pass, or a
    uniform random grade fixed by `seed`."""
    rng = np.random.default_rng(seed)
    lines = []
    for a in cal.answers:
        grade = (100 if a.passed else 0) if by == "execution" else int(rng.integers(0, 101))
        text = f"Final Score: 100 - {100 - grade} = {grade}\n[[{grade}]]"
        lines.append(json.dumps({"task": f"{a.kind} | {a.task}", "text": text}))
    return lines
