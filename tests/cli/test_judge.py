"""`twinbench judge run|calibrate|parse`, with the REAL embedded model behind its server on 127.0.0.1.

SmolLM2-135M is far too small to grade code: these tests check plumbing, parsing and storing, not grades.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from twinbench.judge import DEFAULT_RUBRIC
from twinbench.models import CallRecord
from twinbench.models.local import LocalServer, smollm2_path
from twinbench.store import Cell, CellResult, Store

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "simbench-sample"


def twinbench(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from twinbench.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env={**os.environ, "COLUMNS": "200"})


@pytest.fixture(scope="module")
def models_file(tmp_path_factory) -> Path:
    """One llama-cpp-python server for the module (warm, prefix cache shared); the judge `smol` speaks to it."""
    with LocalServer(smollm2_path()) as server:
        path = tmp_path_factory.mktemp("server") / "models.yaml"
        path.write_text(
            f"models:\n  smol:\n    provider: openai\n    model: smollm2\n    endpoint: {server.base_url}\n"
            "    api_key_env: null\n    timeout_s: 300\n"
        )
        yield path


@pytest.fixture
def short_rubric(tmp_path) -> Path:
    """The default rubric with one rule per category and a terse template, so prompts stay short on 2 cores."""
    data = yaml.safe_load(DEFAULT_RUBRIC.read_text())
    for category in data["categories"]:
        category["rules"] = category["rules"][:1]
    (tmp_path / "t.txt").write_text(
        "Grade the answer against the reference.\n$rubric\n[The Start of Reference Answer]\n$reference\n"
        "[The End of Reference Answer]\n[The Start of Assistant's Answer]\n$candidate\n"
        "[The End of Assistant's Answer]\n$output_instruction\n"
    )
    data["templates"] = {"ref": "t.txt"}
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_end_to_end_judge_run_with_the_local_model_is_stored(tmp_path, models_file, short_rubric):
    store_path = tmp_path / "s.sqlite"
    answers = ["def add(a, b):\n    return a - b\n", "def add(a, b):\n    return b + a\n"]
    refs = tmp_path / "refs"
    refs.mkdir()
    (refs / "add.py").write_text("def add(a, b):\n    return a + b\n")
    store = Store.open(store_path)
    cells = [Cell(model="writer", task="add", sample=s) for s in range(len(answers))]
    store.create_run("src", {}, cells)
    for c in cells:
        text = f"Here you go:\n```python\n{answers[c.sample]}```\n"
        store.finish_cell(
            "src",
            c,
            CellResult.from_call(CallRecord(key=c.key, model="writer", provider="replay", endpoint="x", text=text)),
        )
    store.close()
    done = twinbench(
        "judge",
        "run",
        "src",
        "--judge",
        "smol",
        "--models-file",
        str(models_file),
        "--references",
        str(refs),
        "--max-tokens",
        "32",
        "--store",
        str(store_path),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["run_id"] == "judge/ref/src" and summary["calls"] == 2
    assert summary["parsed"] + summary["failed"] == 2
    store = Store.open(store_path)
    rows = store.result_rows("judge/ref/src")
    assert all(r["model"] == "smol" and r["tokens_in"] > 100 and 0 < r["tokens_out"] <= 32 and r["text"] for r in rows)
    with sqlite3.connect(store_path) as db:
        details = [
            json.loads(d)
            for (d,) in db.execute("SELECT detail FROM scores WHERE run_id = 'judge/ref/src' AND scorer = 'judge.ref'")
        ]
        prompts_ok = db.execute(
            "SELECT count(*) FROM responses WHERE run_id = 'judge/ref/src' AND cache_key != ''"
            " AND endpoint LIKE 'http://127.0.0.1:%'"
        )
        assert prompts_ok.fetchone()[0] == 2
        source = [
            json.loads(d)
            for (d,) in db.execute("SELECT detail FROM scores WHERE run_id = 'src' AND scorer = 'judge.ref'")
        ]
    assert len(details) == 2 and all(d["status"] in ("ok", "flagged", "failed") for d in details)
    assert all(d["status"] != "failed" or d["failure"] for d in details)  # a failure always says why
    assert len(source) == 2 and all(d["judge_run"] == "judge/ref/src" and "smol" in d["grades"] for d in source)
    print(f"\nlocal judge: {[(r['text'][:60], r['score.judge.ref']) for r in rows]}")


def test_calibration_with_the_local_model_writes_its_agreement_report(tmp_path, models_file, short_rubric):
    out = tmp_path / "calibration.json"
    done = twinbench(
        "judge",
        "calibrate",
        "--references",
        str(SAMPLE),
        "--limit",
        "1",
        "--kind",
        "wrong_api",
        "--judge",
        "smol",
        "--models-file",
        str(models_file),
        "--max-tokens",
        "32",
        "--max-code-chars",
        "400",
        "--rubric",
        str(short_rubric),
        "--boot",
        "200",
        "--out",
        str(out),
        "--store",
        str(tmp_path / "s.sqlite"),
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert [c["case_id"] for c in report["cases"]] == [
        "pendulum/truth1:reference",
        "pendulum/truth1:wrong_api:mild",
        "pendulum/truth1:wrong_api:severe",
    ]
    assert report["judges"] == ["smol"] and report["target"] == "nominal"
    assert set(report) >= {"spearman", "kendall", "mae", "krippendorff_alpha_binned", "ordered", "level_means"}
    assert report["graded"] == sum(c["grade"] is not None for c in report["cases"])
    store = Store.open(tmp_path / "s.sqlite")
    rows = store.result_rows(report["judge_run"])
    assert len(rows) == 3 and all(r["tokens_in"] > 100 and r["status"] in ("ok", "failed") for r in rows)
    assert store.run(report["judge_run"]).config["max_code_chars"] == 400
    assert "reference > mild > severe" in done.stdout
    print(
        f"\ncalibration report: graded {report['graded']}/3, ordered {report['ordered']}, "
        f"spearman {report['spearman']['value']}"
    )


def test_parse_command_reads_real_outputs(tmp_path):
    single = SAMPLE / "output_llms/phi-3-medium-128k-instruct/cable/first_score_reference.txt"
    double = SAMPLE / "output_llms/gpt-4o-mini/pendulum/first_score_reference_document.txt"
    done = twinbench("judge", "parse", str(single), str(double), "--json")
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    assert parsed[str(single)]["grade"] == 35 and parsed[str(single)]["marker"] == "single"
    assert parsed[str(double)]["grade"] == 15 and parsed[str(double)]["status"] == "ok"


def test_parse_command_reads_structured_answers_as_json(tmp_path):
    whole, cut = tmp_path / "whole.txt", tmp_path / "cut.txt"
    whole.write_text('{"grade": 35, "reason": "no contact model"}')
    cut.write_text('{"grade": 35, "reason": "no cont')
    done = twinbench("judge", "parse", str(whole), str(cut), "--structured", "--json")
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    assert parsed[str(whole)]["grade"] == parsed[str(cut)]["grade"] == 35
    assert parsed[str(whole)]["reason"] == "no contact model" and parsed[str(cut)]["status"] == "flagged"
    assert json.loads(twinbench("judge", "parse", str(whole), "--json").stdout)[str(whole)]["grade"] is None


def test_bad_judge_input_is_a_one_line_error(tmp_path):
    done = twinbench(
        "judge", "calibrate", "--references", str(SAMPLE), "--kind", "typo", "--store", str(tmp_path / "s.sqlite")
    )
    assert done.returncode == 2 and "'typo' is not one of" in done.stderr
    done = twinbench("judge", "run", "nope", "--variant", "best", "--store", str(tmp_path / "s.sqlite"))
    assert done.returncode == 2 and "'best' is not one of ref, doc, ref_doc" in done.stderr
