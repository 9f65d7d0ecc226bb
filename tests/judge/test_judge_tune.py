"""`twinbench judge tune`: prompt variants are compared on the dev split only (a judge served over HTTP on
127.0.0.1 whose grades depend on the prompt it is given), the best by AUROC is chosen and recorded, and no
held-out answer ever reaches the judge."""

from __future__ import annotations

import io
import json
import re
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "models"))  # the fake OpenAI server of the model tests

from fake_openai import FakeOpenAI  # noqa: E402
from run_helpers import models_file  # noqa: E402

from twinbench.cli import main  # noqa: E402
from twinbench.judge.calset import CalibrationSet, LabelledAnswer, store_set  # noqa: E402
from twinbench.store import Store  # noqa: E402

TASKS = {"t0": "dev", "t1": "dev", "t2": "heldout", "t3": "heldout"}


def labelled_set() -> CalibrationSet:
    """Three answers per task, `# answer N` in each; even N pass."""
    answers = [LabelledAnswer(task=task, kind=f"kind{k}", quality="wrong", split=split,  # type: ignore[arg-type]
                              code=f"x = {i}\n# answer {i}\n", passed=i % 2 == 0, score=0.5, outcome="ok")
               for i, (task, split, k) in enumerate((t, s, k) for t, s in TASKS.items() for k in range(3))]
    return CalibrationSet(suite="s", suite_version="1", seed=0, heldout_share=0.5,
                          references={t: "x = 0\n" for t in TASKS}, prompts={t: "p" for t in TASKS}, answers=answers)


def grade(prompt: str, model: str, temperature: float) -> str:
    """With the reference only: right about Pass; with the documentation only: always wrong; with both: 50."""
    number = int(re.findall(r"# answer (\d+)", prompt)[-1])
    has_ref, has_doc = "[The Start of Reference Answer]" in prompt, "[The Start of API Documentation]" in prompt
    g = 50 if has_ref and has_doc else (90 if (number % 2 == 0) == has_ref else 10)
    return f"- Completeness: {100 - g} points\nFinal Score: 100 - {100 - g} = {g}\n[[{g}]]"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_tune_chooses_on_dev_and_never_shows_the_judge_a_heldout_answer(tmp_path):
    cal = labelled_set()
    db = tmp_path / "s.sqlite"
    run_id = store_set(Store.open(db), cal)
    doc = tmp_path / "api.txt"
    doc.write_text("move(x): move the motor to x\n")
    with FakeOpenAI(answer=grade) as server:
        models = models_file(tmp_path / "models.yaml", server.base_url)
        code, out, err = run("judge", "tune", run_id, "--judge", "fake", "--models-file", str(models), "--doc",
                             str(doc), "--boot", "100", "--out", str(tmp_path / "tune.json"), "--store", str(db))
        assert code == 0, err
    asked = {int(re.findall(r"# answer (\d+)", c)[-1]) for c, _ in server.calls}
    dev = {i for i, a in enumerate(cal.answers) if a.split == "dev"}
    assert asked == dev and len(server.calls) == 3 * len(dev)  # three variants, dev answers only
    result = json.loads((tmp_path / "tune.json").read_text())
    assert result["split"] == "dev" and result["run"] == run_id
    by_variant = {c["variant"]: c for c in result["candidates"]}
    assert set(by_variant) == {"ref", "doc", "ref_doc"}
    assert all(c["answers"] == c["graded"] == len(dev) for c in by_variant.values())
    assert (by_variant["ref"]["auroc"]["value"], by_variant["doc"]["auroc"]["value"]) == (1.0, 0.0)
    assert by_variant["ref_doc"]["auroc"]["value"] == 0.5
    assert result["chosen"] == by_variant["ref"]["scorer"]
    assert re.search(r"\| ref \|.*\| chosen \|", out) and "dev split" in out
    # the agreement report names the split of the tuned scores: dev, and only dev
    code, out, err = run("judge", "agreement", run_id, "--boot", "50", "--json", "--store", str(db))
    assert code == 0, err
    rows = [r for r in json.loads(out)["rows"] if r["score"].startswith("judge.tune.")]
    assert len(rows) == 3 and {r["split"] for r in rows} == {"dev"}


@pytest.mark.parametrize(("args", "message"), [
    (["--variant", "doc"], "need the API documentation"),
    (["--variant", "best"], "'best' is not one of ref, doc, ref_doc"),
])
def test_tune_refuses_bad_input_in_one_line(tmp_path, args, message):
    db = tmp_path / "s.sqlite"
    run_id = store_set(Store.open(db), labelled_set())
    code, _, err = run("judge", "tune", run_id, *args, "--store", str(db))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_a_run_without_a_dev_split_cannot_be_tuned(tmp_path):
    db = tmp_path / "s.sqlite"
    store = Store.open(db)
    store.create_run("plain", {"kind": "benchmark-like"}, [])
    code, _, err = run("judge", "tune", "plain", "--judge", "replay:/dev/null", "--store", str(db))
    assert code == 2 and "no dev split" in err, err
