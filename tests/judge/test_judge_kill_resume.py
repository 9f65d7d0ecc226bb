"""SIGKILL a real `twinbench judge run` against a judge served over HTTP on 127.0.0.1, resume: every answer is
graded exactly once, and no answer whose grade was stored is asked about again."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "models"))  # the fake OpenAI server of the model tests

from fake_openai import FakeOpenAI  # noqa: E402
from run_helpers import models_file  # noqa: E402

from twinbench.judge.calset import CalibrationSet, LabelledAnswer, store_set  # noqa: E402
from twinbench.store import Store  # noqa: E402

ANSWERS = 12
KILLS = 2


def grade_text(prompt: str, model: str, temperature: float) -> str:
    """A consistent judgement whose grade is fixed by the answer's number."""
    number = int(re.findall(r"# answer (\d+)", prompt)[-1])
    grade = 40 + number
    return f"- Completeness: {100 - grade} points\nFinal Score: 100 - {100 - grade} = {grade}\n[[{grade}]]"


def answer_number(prompt: str) -> int:
    return int(re.findall(r"# answer (\d+)", prompt)[-1])


def graded(db: Path) -> dict[str, float]:
    """Judge-run cell id -> stored grade, read by an independent connection."""
    con = sqlite3.connect(db)
    try:
        return {c: v for c, v in con.execute("SELECT cell_id, value FROM scores WHERE run_id LIKE 'judge/%'")}
    except sqlite3.OperationalError:
        return {}
    finally:
        con.close()


def made_set() -> CalibrationSet:
    answers = [LabelledAnswer(task=f"t{i % 3}", kind=f"kind{i // 3}", quality="wrong", split="dev",
                              code=f"x = {i}\n# answer {i}\n", passed=i % 2 == 0, score=0.5, outcome="ok")
               for i in range(ANSWERS)]
    return CalibrationSet(suite="s", suite_version="1", seed=0, heldout_share=0.5,
                          references={f"t{i}": "x = 0\n" for i in range(3)}, prompts={f"t{i}": "p" for i in range(3)},
                          answers=answers)


def test_sigkill_and_resume_grades_each_answer_exactly_once(tmp_path):
    db = tmp_path / "store.sqlite"
    run_id = store_set(Store.open(db), made_set())
    with FakeOpenAI(delay_s=0.05, answer=grade_text) as server:
        models = models_file(tmp_path / "models.yaml", server.base_url, concurrency=2)
        command = [sys.executable, "-m", "twinbench", "judge", "run", run_id, "--judge", "fake",
                   "--models-file", str(models), "--store", str(db)]
        for segment in range(KILLS + 1):
            before = graded(db)
            first_call = len(server.calls)
            proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if segment < KILLS:
                while len(graded(db)) < len(before) + 2:  # bounded by the pytest timeout of the run itself
                    assert proc.poll() is None, "the judge run ended before it could be killed"
                    time.sleep(0.005)
                proc.kill()
            assert proc.wait(timeout=300) == (-9 if segment < KILLS else 0)
            asked = Counter(answer_number(c) for c, _ in server.calls[first_call:])
            assert all(n == 1 for n in asked.values()), "an answer was asked twice within one pass"
            done_before = {int(v) - 40 for v in before.values()}  # a grade names its answer
            assert not set(asked) & done_before, "an answer already graded was asked again"
    grades = graded(db)
    assert len(grades) == ANSWERS  # one stored grade per answer in the judge run
    asked_total = Counter(answer_number(c) for c, _ in server.calls)
    assert set(asked_total) == set(range(ANSWERS))
    assert sum(asked_total.values()) - ANSWERS <= 2 * KILLS  # only calls in flight at a kill are asked again
    con = sqlite3.connect(db)
    rows = con.execute("SELECT value, count(*) FROM scores WHERE run_id = ? AND scorer = 'judge.ref' GROUP BY cell_id",
                       (run_id,)).fetchall()
    con.close()
    assert sorted(v for v, _ in rows) == [40.0 + i for i in range(ANSWERS)]
    assert all(n == 1 for _, n in rows)
