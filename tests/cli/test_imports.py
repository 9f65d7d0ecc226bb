"""`twinbench import simbench` on a two-model, one-system copy of the sample, and on bad input."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "simbench-sample"


def twinbench(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from twinbench.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})


def small_release(root: Path) -> Path:
    """pendulum only, two models, the CSVs filtered to them; LICENSE kept beside the copy."""
    root.mkdir()
    shutil.copy(SAMPLE / "LICENSE", root / "LICENSE")
    shutil.copytree(SAMPLE / "demo_data/pendulum", root / "demo_data/pendulum")
    for model in ("gpt-4o-mini", "gemma-2-2b-it"):
        shutil.copytree(SAMPLE / f"output_llms/{model}/pendulum", root / f"output_llms/{model}/pendulum")
    (root / "statistics").mkdir()
    for name in ("LLM.csv", "pass.csv", "evaluation_results.csv"):
        lines = (SAMPLE / "statistics" / name).read_text().splitlines()
        keep = [line for line in lines[1:] if "pendulum" in line]
        (root / "statistics" / name).write_text("\n".join([lines[0], *keep]) + "\n")
    return root


def test_import_prints_what_it_found_and_runs_appear(tmp_path):
    release = small_release(tmp_path / "release")
    store = tmp_path / "s.sqlite"
    done = twinbench("import", "simbench", str(release), "--store", str(store), "--prefix", "sb")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "2 runs (6 cells) under sb/" in out
    assert "judge outputs: 18, parsed 18" in out and "grades vs LLM.csv: 18/18 equal" in out
    assert "CodeBLEU vs evaluation_results.csv:" in out and "/6 equal" in out
    assert "pass.csv:" in out and "GPT4o-mini" not in out.split("without responses:")[1]
    listed = twinbench("runs", "list", "--store", str(store))
    assert "sb/gpt-4o-mini" in listed.stdout and "sb/gemma-2-2b-it" in listed.stdout


def test_bad_release_folders_are_one_line_errors(tmp_path):
    done = twinbench("import", "simbench", str(tmp_path / "nowhere"), "--store", str(tmp_path / "s.sqlite"))
    assert done.returncode == 2 and "no such folder" in done.stderr
    (tmp_path / "empty").mkdir()
    done = twinbench("import", "simbench", str(tmp_path / "empty"), "--store", str(tmp_path / "s.sqlite"))
    assert done.returncode == 2 and "no demo_data/ folder" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_imported_runs_are_judged_against_the_suites_references(tmp_path):
    release = small_release(tmp_path / "release")
    store = tmp_path / "s.sqlite"
    assert twinbench("import", "simbench", str(release), "--store", str(store)).returncode == 0
    answers = tmp_path / "judge.jsonl"
    answers.write_text(
        "".join(
            json.dumps(
                {"task": "gpt-4o-mini | pendulum", "turn": t, "text": f"Final Score: 100 - 5 = 95\n[[{90 + t}]]"}
            )
            + "\n"
            for t in (1, 2, 3)
        )
    )
    done = twinbench(
        "judge",
        "run",
        "simbench/gpt-4o-mini",
        "--judge",
        f"replay:{answers}",
        "--store",
        str(store),
        "--scorer",
        "judge.ref.replay",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["calls"], summary["parsed"], summary["flagged"]) == (3, 3, 3)  # 95 stated, 91..93 given: flagged
    with sqlite3.connect(store) as db:
        grades = dict(
            db.execute(
                "SELECT m.turn, s.value FROM scores s JOIN manifest m USING (run_id, cell_id)"
                " WHERE s.run_id = 'simbench/gpt-4o-mini' AND s.scorer = 'judge.ref.replay'"
            )
        )
        imported = db.execute(
            "SELECT count(*) FROM scores WHERE run_id = 'simbench/gpt-4o-mini' AND scorer = 'judge.ref'"
            " AND json_extract(detail, '$.file') IS NOT NULL"
        ).fetchone()[0]
    assert grades == {1: 91.0, 2: 92.0, 3: 93.0} and imported == 3  # the imported grades stay as they were
    assert summary["run_id"] == "judge/ref.replay/simbench/gpt-4o-mini"
    # without the suite's references the ref variant refuses to run; a run with no suite and no --references:
    bare = twinbench(
        "judge", "run", "judge/ref.replay/simbench/gpt-4o-mini", "--judge", f"replay:{answers}", "--store", str(store)
    )
    assert bare.returncode == 2 and "needs a reference for every cell" in bare.stderr
