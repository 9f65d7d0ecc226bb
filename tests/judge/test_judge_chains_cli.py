"""`twinbench judge run --chain expert|own`: chains of a model served over HTTP on 127.0.0.1 are run turn by turn,
stored with what each turn was given, and judged against each turn's reference; a second call resumes."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parents[1] / "models"))  # the fake OpenAI server of the model tests

from fake_openai import FakeOpenAI  # noqa: E402
from judge_fakes import section  # noqa: E402

from twinbench.cli import main  # noqa: E402
from twinbench.judge import ChainTask, TaskSuite, Turn, stored_input  # noqa: E402
from twinbench.store import Cell, Store  # noqa: E402

SUITE = TaskSuite(name="toy", version="1", tasks=[ChainTask(id="pend", turns=[
    Turn(prompt="turn 1: write a pendulum", reference="REF1 = 1\n"),
    Turn(prompt="turn 2: make it longer", reference="REF2 = 2\n"),
    Turn(prompt="turn 3: add damping", reference="REF3 = 3\n", start_code="BUGGY = 3\n"),
])])


def answer(prompt: str, model: str, temperature: float) -> str:
    """The writer answers turn k with `ANSWER_k` and the code it was given; the judge grades 60 + 10 k."""
    if model == "judge-model":
        turn = int(re.search(r"ANSWER_(\d)", section(prompt, "Assistant's Answer")).group(1))
        grade = 60 + 10 * turn
        return f"- Completeness: {100 - grade} points\nFinal Score: 100 - {100 - grade} = {grade}\n[[{grade}]]"
    turn = re.search(r"turn (\d):", prompt).group(1)
    given = re.search(r"```python\n(.*?)\n```", prompt, re.S)
    return f"```python\nANSWER_{turn} = 0\n# given: {given.group(1) if given else 'nothing'}\n```"


def setup(tmp_path: Path, base_url: str) -> tuple[Path, Path]:
    store = tmp_path / "s.sqlite"
    db = Store.open(store)
    db.create_run("src", {"suite_sha": SUITE.save(db)}, [])
    spec = {"provider": "openai", "endpoint": base_url, "api_key_env": None}
    models = tmp_path / "models.yaml"
    models.write_text(yaml.safe_dump({"models": {"writer": {**spec, "model": "writer-model"},
                                                 "judge": {**spec, "model": "judge-model"}}}))
    return store, models


def twinbench(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "twinbench", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})


def given(store: Path, run_id: str, turn: int) -> str:
    [message] = stored_input(Store.open(store), run_id, Cell(model="writer", task="pend", turn=turn))
    match = re.search(r"```python\n(.*?)\n```", message.content, re.S)
    return match.group(1) if match else ""


def grades(store: Path, run_id: str) -> dict[int, float]:
    with sqlite3.connect(store) as con:
        return dict(con.execute("SELECT m.turn, s.value FROM scores s JOIN manifest m USING (run_id, cell_id)"
                                " WHERE s.run_id = ? AND s.scorer = 'judge.ref'", (run_id,)))


def test_own_and_expert_chains_are_run_judged_and_resumed(tmp_path):
    with FakeOpenAI(answer=answer) as server:
        store, models = setup(tmp_path, server.base_url)
        common = ["--model", "writer", "--judge", "judge", "--models-file", str(models), "--store", str(store)]
        done = twinbench("judge", "run", "chains/own", "--chain", "own", "--suite-from", "src", *common, "--json")
        assert done.returncode == 0, done.stderr
        assert "chains/own: 3 turns asked (own chains)" in done.stderr
        assert given(store, "chains/own", 2).startswith("ANSWER_1 = 0\n# given: nothing")
        assert given(store, "chains/own", 3).startswith("ANSWER_2 = 0\n# given: ANSWER_1 = 0")
        judged = [c for c, _ in server.calls if "[The Start of Reference Answer]" in c]
        assert sorted(section(c, "Reference Answer").strip() for c in judged) == ["REF1 = 1", "REF2 = 2", "REF3 = 3"]
        assert all(section(c, "Reference Answer")[3] == re.search(r"ANSWER_(\d)", c).group(1) for c in judged)
        assert grades(store, "chains/own") == {1: 70.0, 2: 80.0, 3: 90.0}
        calls = len(server.calls)
        again = twinbench("judge", "run", "chains/own", "--chain", "own", *common)  # the run names its suite
        assert again.returncode == 0, again.stderr
        assert "chains/own: 0 turns asked" in again.stdout and len(server.calls) == calls
        expert = twinbench("judge", "run", "chains/expert", "--chain", "expert", "--suite-from", "src", *common)
        assert expert.returncode == 0, expert.stderr
        assert [given(store, "chains/expert", t) for t in (1, 2, 3)] == ["", "REF1 = 1", "BUGGY = 3"]
        assert grades(store, "chains/expert") == {1: 70.0, 2: 80.0, 3: 90.0}
        assert Store.open(store).run("chains/expert").config["mode"] == "expert"


def test_chain_options_are_checked_with_one_line_errors(tmp_path):
    store, models = setup(tmp_path, "http://127.0.0.1:9/v1")
    base = ["judge", "run", "chains/x", "--store", str(store), "--models-file", str(models)]
    cases = {
        ("--chain", "mine", "--model", "writer"): "unknown chain mode 'mine'",
        ("--chain", "own"): "--chain needs the model",
        ("--chain", "own", "--model", "writer"): "does not exist yet",
        ("--chain", "own", "--model", "writer", "--suite-from", "nope"): "no such run",
        ("--model", "writer"): "only used with --chain",
    }
    for args, message in cases.items():
        err = io.StringIO()
        with redirect_stderr(err), redirect_stdout(io.StringIO()), pytest.raises(SystemExit) as exit_:
            main([*base, *args])
        assert exit_.value.code == 2 and message in err.getvalue(), (args, err.getvalue())
        assert len(err.getvalue().strip().splitlines()) == 1, err.getvalue()
