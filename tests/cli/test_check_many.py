"""`twinbench check a.py b.py ...`: every plan in one process and one sandbox; exit 0 only if all are clean."""

from __future__ import annotations

import json
import subprocess
import sys

CLI = [sys.executable, "-m", "twinbench", "check"]


def check(*args, cwd):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_several_plans_give_one_json_entry_each_in_order(tmp_path):
    plans = []
    for i, source in enumerate(["sam.xabs(1)\n", "sam.xabs(75)\n", "sam.measure(2)\n", "raise ValueError('x')\n"]):
        plans.append(tmp_path / f"p{i}.py")
        plans[-1].write_text(source)
    done = check(*plans, "--json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    results = json.loads(done.stdout)
    assert [r["plan"] for r in results] == [str(p) for p in plans]
    assert [r["outcome"] for r in results] == ["ok", "safety", "ok", "error"]
    x = "XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr"
    assert results[0]["final_state"][x] == 1
    assert results[2]["final_state"][x] != 1  # each plan starts from a fresh twin, not where the one before ended


def test_clean_plans_exit_0_and_print_a_heading_per_plan(tmp_path):
    folder = tmp_path / ("plans-" * 14)  # a path longer than the 80 columns: printed whole all the same
    folder.mkdir()
    a, b = folder / "a.py", folder / "b.py"
    a.write_text("sam.xabs(1)\n")
    b.write_text("sam.measure(1)\n")
    done = check(a, b, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("Outcome: ok") == 2
    assert str(a) in done.stdout and str(b) in done.stdout
