"""Multi-turn runs end to end: `twinbench run --suite physics` over two three-turn chains with a replay model, real
sandbox, real SQLite. A later turn's prompt holds the expert's or the model's own program of the turn before; the
leaderboard shows the pass rate per turn and the paired change between turns."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

import pytest
from scipy.stats import binomtest
from test_benchmark import twinbench
from test_interrupt import finished_cells, wait_for

from twinbench.cli import main
from twinbench.runner.benchmark import default_run_id, run_config, select_tasks
from twinbench.tasks import load_suite

CHAINS = ["friction-incline", "friction-rolling"]  # the shortest systems of the suite (1.2-1.5 s simulated)
SAMPLES = 4
# per (chain, sample), in that order: what turns 1, 2, 3 answer. R: a reference (passes), W: a program that does
# nothing (fails), N: a refusal (no code)
PATTERNS = ["WRR", "WRR", "WRW", "WRR", "RWR", "RRR", "NRW", "WWR"]
SUITE = load_suite("physics")
TASKS = [f"{chain}-{turn}" for chain in CHAINS for turn in (1, 2, 3)]


def answer(kind: str, task_id: str) -> str:
    if kind == "R":
        return f"```python\n{SUITE.task(task_id).references[0]}```"
    return "```python\nimport mujoco\n```" if kind == "W" else "I cannot write simulations."


@pytest.fixture(scope="module")
def replay(tmp_path_factory) -> Path:
    """Turns 1 and 3 answer from lines without a turn (they answer every turn); turn 2 from lines keyed by turn 2,
    beside a turn-0 line with the opposite answer that must not be used."""
    lines = []
    for c, chain in enumerate(CHAINS):
        for sample in range(SAMPLES):
            for turn, kind in enumerate(PATTERNS[c * SAMPLES + sample], start=1):
                task = f"{chain}-{turn}"
                line = {"task": task, "sample": sample, "text": answer(kind, task)}
                if turn == 2:
                    decoy = {"W": "R", "R": "W", "N": "R"}[kind]
                    lines.append({**line, "text": answer(decoy, task)})
                    line["turn"] = 2
                lines.append(line)
    path = tmp_path_factory.mktemp("replay") / "answers.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")  # the reference traces, computed once for every run of the module


def run_args(replay: Path, chain: str, store: Path, samples: int = SAMPLES) -> list[str]:
    return ["run", "--suite", "physics", "--model", f"replay:{replay}", "--samples", str(samples), "--chain", chain,
            "--store", str(store), "--no-leaderboard", *[a for task in TASKS for a in ("--tasks", task)]]


def stored(folder: Path) -> tuple[dict, dict]:
    """(task, sample) -> the cell's row (turn, finished_at, extraction, code, pass) and -> its turn input."""
    db = sqlite3.connect(folder / "s.sqlite")
    blob = dict(db.execute("SELECT sha256, data FROM blobs").fetchall())
    cells = {}
    for task, turn, sample, finished, extraction, code_sha, passed in db.execute(
            "SELECT m.task, m.turn, m.sample, c.finished_at, x.extraction, x.code_sha, s.value FROM manifest m "
            "JOIN cells c USING (cell_id) LEFT JOIN executions x USING (cell_id) "
            "LEFT JOIN scores s ON s.cell_id = m.cell_id AND s.scorer = 'pass'"):
        code = blob[code_sha].decode() if code_sha else None
        cells[(task, sample)] = {"turn": turn, "finished": finished, "extraction": extraction, "code": code,
                                 "pass": bool(passed)}
    inputs = {}
    for task, sample, detail in db.execute("SELECT m.task, m.sample, s.detail FROM scores s JOIN manifest m "
                                           "USING (cell_id) WHERE s.scorer = 'turn_input'"):
        detail = json.loads(detail)
        inputs[(task, sample)] = {**detail, "message": blob[detail["message_sha"]].decode()}
    return cells, inputs


def invoke(*args: str, cache: Path | None = None) -> tuple[int, str, str]:
    """A command in this process (no interpreter start-up): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    env = {"TWINBENCH_CACHE": str(cache)} if cache else {}
    with redirect_stdout(out), redirect_stderr(err), mock.patch.dict(os.environ, env):
        try:
            main(list(args))
        except SystemExit as exc:
            return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def leaderboard(folder: Path, fmt: str) -> str:
    code, out, err = invoke("leaderboard", "--store", str(folder / "s.sqlite"), "--format", fmt)
    assert code == 0, err
    return out


def test_expert_chain_prompts_a_later_turn_with_the_reference_of_the_turn_before(replay, cache, tmp_path):
    code, out, err = invoke(*run_args(replay, "expert", tmp_path / "s.sqlite", samples=1), cache=cache)
    assert code == 0, err
    assert "each later turn starting from the expert's program of the turn before" in out
    cells, inputs = stored(tmp_path)
    assert {key: cell["turn"] for key, cell in cells.items()} == {(t, 0): int(t[-1]) for t in TASKS}
    assert set(inputs) == {(t, 0) for t in TASKS if not t.endswith("-1")}  # a first turn is asked its instruction
    for (task_id, _), given in inputs.items():
        task = SUITE.task(task_id)
        previous = SUITE.task(task.follows).references[0].rstrip("\n")
        assert given["chain"] == "expert" and given["previous"] == "expert"
        assert f"```python\n{previous}\n```" in given["message"] and task.instruction in given["message"]
    # sample 0 of each chain: WRR and RWR
    assert [cells[(t, 0)]["pass"] for t in TASKS] == [False, True, True, True, False, True]


@pytest.fixture(scope="module")
def own(replay, cache, tmp_path_factory) -> tuple[Path, set[str]]:
    """An `own` run interrupted by Ctrl-C after a few cells, then resumed by the same command; the cells stored
    before the interruption."""
    folder = tmp_path_factory.mktemp("own")
    env = {**os.environ, "TWINBENCH_CACHE": str(cache)}
    args = run_args(replay, "own", folder / "s.sqlite")
    proc = subprocess.Popen([sys.executable, "-m", "twinbench", *args], cwd=folder, env=env,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, process_group=0)
    wait_for(folder / "s.sqlite", 3, proc)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    before = set(finished_cells(folder / "s.sqlite"))
    code, out, err = invoke(*args, cache=cache)
    assert code == 0 and "resuming" in out, err
    return folder, before


def test_own_chain_prompts_with_the_models_own_program_in_turn_order_across_an_interruption(own):
    folder, before = own
    cells, inputs = stored(folder)
    assert len(cells) == len(TASKS) * SAMPLES
    db = sqlite3.connect(folder / "s.sqlite")
    ids = {(t, s): c for c, t, s in db.execute("SELECT cell_id, task, sample FROM manifest")}
    midway = [(task, s) for task in TASKS for s in range(SAMPLES) if not task.endswith("-3")
              and ids[(task, s)] in before and ids[(task[:-1] + str(int(task[-1]) + 1), s)] not in before]
    assert midway  # a chain was interrupted between two of its turns, and resumed from the stored one
    sources = []
    for (task_id, sample), given in inputs.items():
        task = SUITE.task(task_id)
        earlier = cells[(task.follows, sample)]
        assert earlier["finished"] < cells[(task_id, sample)]["finished"]  # the turn before ran first
        assert given["chain"] == "own"
        if earlier["extraction"] == "none":  # the turn before gave no code: the instruction alone
            assert given["previous"] == "none" and given["message"] == task.instruction
        else:
            program = earlier["code"].rstrip("\n")
            assert given["previous"] == "own" and f"```python\n{program}\n```" in given["message"]
        sources.append(given["previous"])
    assert sources.count("none") == 1 and sources.count("own") == len(inputs) - 1  # the refusal of pattern NRW


def test_per_turn_pass_rates_and_the_paired_change_match_scipy_on_the_stored_cells(own):
    folder, _ = own
    (row,) = json.loads(leaderboard(folder, "json"))
    cells, _ = stored(folder)
    chains = [(chain, s) for chain in CHAINS for s in range(SAMPLES)]
    passes = {turn: [cells[(f"{chain}-{turn}", s)]["pass"] for chain, s in chains] for turn in (1, 2, 3)}
    assert passes == {turn: [p[turn - 1] == "R" for p in PATTERNS] for turn in (1, 2, 3)}
    assert row["by_turn"] == {str(t): pytest.approx(sum(v) / len(v)) for t, v in passes.items()}
    for change, (a, b) in zip(row["turn_changes"], [(1, 2), (2, 3)], strict=True):
        gained = sum(not x and y for x, y in zip(passes[a], passes[b], strict=True))
        lost = sum(x and not y for x, y in zip(passes[a], passes[b], strict=True))
        assert (change["from_turn"], change["to_turn"], change["n"]) == (a, b, len(chains))
        assert (change["gained"], change["lost"]) == (gained, lost)
        assert change["change"] == pytest.approx((sum(passes[b]) - sum(passes[a])) / len(chains))
        assert change["mcnemar_p"] == pytest.approx(binomtest(gained, gained + lost, 0.5).pvalue)
    assert row["turn_changes"][0]["mcnemar_p"] == pytest.approx(0.21875)  # 5 gained, 1 lost: 2 * 7/64


def test_the_per_turn_table_reads_at_80_columns_when_piped_and_is_in_csv_and_markdown(own):
    folder, _ = own
    table = twinbench("leaderboard", "--store", "s.sqlite", cwd=folder)
    assert table.returncode == 0, table.stderr
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
    [line] = [line for line in table.stdout.splitlines() if line.startswith("replay:") and "+50.0" in line]
    assert line.split()[1:] == ["25.0", "75.0", "75.0", "+50.0", "0.219", "+0.0", "1.000"]
    head, values = leaderboard(folder, "csv").splitlines()[:2]
    row = dict(zip(head.split(","), values.split(","), strict=True))
    assert float(row["turn.2"]) == 0.75 and float(row["change.1-2"]) == 0.5
    assert float(row["change.1-2.p"]) == pytest.approx(0.21875) and row["change.2-3.pairs"] == "8"
    markdown = leaderboard(folder, "markdown")
    assert "| model | turn 1 | turn 2 | turn 3 | 1->2 | p | 2->3 | p |" in markdown


def test_an_own_chain_without_the_turn_before_is_a_one_line_error(replay, tmp_path):
    code, _, err = invoke("run", "--suite", "physics", "--model", f"replay:{replay}", "--tasks", "friction-incline-2",
                          "--chain", "own", "--store", str(tmp_path / "s.sqlite"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "task friction-incline-2 follows friction-incline-1, which --tasks leaves out" in err
    assert not (tmp_path / "s.sqlite").exists()


def test_the_chain_mode_is_part_of_a_multi_turn_runs_identity_only():
    chosen = select_tasks(SUITE, TASKS)
    expert, own = (run_config(SUITE, chosen, [], 1, "system", chain=mode) for mode in ("expert", "own"))
    assert default_run_id(expert) != default_run_id(own)
    assert {k: expert["tasks"]["friction-incline-3"][k] for k in ("turn", "follows")} == {
        "turn": 3, "follows": "friction-incline-2"}
    assert expert["chain"] == "expert" and "turn" not in expert["tasks"]["friction-incline-1"]
    beamline = load_suite("beamline")
    single = select_tasks(beamline, ["beam"])
    plain = run_config(beamline, single, [], 1, "system")
    assert "chain" not in plain and plain == run_config(beamline, single, [], 1, "system", chain="own")
