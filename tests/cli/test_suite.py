"""`twinbench suite stats` and `twinbench suite import-envtrace`."""

import json
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-c", "from twinbench.cli import main; main()", "suite"]
FIXTURE = Path(__file__).parents[1] / "tasks" / "fixtures" / "envtrace_small.json"


def suite(*args, cwd):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_import_then_stats_json_with_validity(tmp_path):
    done = suite("import-envtrace", FIXTURE, tmp_path / "mine", "--name", "mine", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Imported 5 tasks (2 complex)" in done.stdout
    done = suite("stats", tmp_path / "mine", "--json", "--validity", "--cache-dir", tmp_path / "cache", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["suite"] == "mine" and stats["tasks"] == 5 and stats["references"] == 8
    assert stats["difficulty"] == {"complex": 2, "simple": 3}
    assert stats["categories"]["temperature"] == 2
    assert stats["self_consistency"] == 1.0 and stats["discrimination"] == 1.0 and stats["task_pairs"] == 20
    assert stats["validity"]["wrong_detected"] == 1.0 and stats["validity"]["missed"] == []
    assert stats["programs_run"] > 8 and len(list((tmp_path / "cache").glob("*.json"))) == 8


def test_stats_table_reports_an_inconsistent_task(tmp_path):
    root = tmp_path / "s"
    root.mkdir()
    (root / "suite.yaml").write_text("name: s\nversion: '1'\n")
    (root / "t.yaml").write_text(
        "- {id: a, category: move, difficulty: simple, instruction: x to 1,"
        " references: ['sam.xabs(1)', 'sam.xabs(2)']}\n"
        "- {id: b, category: move, difficulty: complex, instruction: x to 1, references: ['sam.xabs(1)']}\n")
    done = suite("stats", root, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert "s v1: 2 tasks, 3 references, 50% complex" in out
    assert "Self-consistency: 50.0% of tasks" in out and "a: " in out
    assert "Discrimination: 0.00% of 2 ordered task pairs" in out
    assert "b passes against a" in out and "a passes against b" in out


def test_bad_input_exits_2_with_one_line(tmp_path):
    done = suite("stats", tmp_path / "nope", cwd=tmp_path)
    assert done.returncode == 2 and "no such suite" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.json"
    bad.write_text('[{"command": "x", "expected_code": ["sam.xr("]}]')
    done = suite("import-envtrace", bad, tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "bad.json: entry 0: field 'expected_code': reference 0 is not valid Python" in done.stderr
