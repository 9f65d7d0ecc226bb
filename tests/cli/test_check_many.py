"""`twinbench check a.py b.py ...`: every plan in one process and one sandbox; exit 0 only if all are clean."""

from __future__ import annotations

import json
import re
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



def test_several_plans_in_one_html_page_each_in_its_own_section_in_order(tmp_path):
    """`check a.py b.py c.py --html`: one page, a section per plan headed by its path, each with its own outcome,
    refusals, error and final state (every plan from a fresh twin); the exit code is the plans' worst."""
    plans = [tmp_path / name for name in ("moves.py", "refused.py", "broken.py")]
    sources = ["sam.xabs(1)\n", "sam.xabs(75)\n", "sam.measure(1)\nraise ValueError('x')\n"]
    for plan, source in zip(plans, sources, strict=True):
        plan.write_text(source)
    done = check(*plans, "--html", "out.html", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    page = (tmp_path / "out.html").read_text()
    assert "3 plans checked in the twin" in page
    sections = re.findall(r'<section class="plan" id="plan-(\d+)">(.*?)</section>', page, re.S)
    assert [int(i) for i, _ in sections] == [0, 1, 2]
    heads = [re.search(r'<h2>(.*?) <span class="badge (\w+)">(\w+)</span>', body).groups() for _, body in sections]
    assert heads == [(str(plans[0]), "ok", "ok"), (str(plans[1]), "bad", "safety"), (str(plans[2]), "bad", "error")]
    moves, refused, broken = (body for _, body in sections)
    assert "Safety refusals" in refused and "Safety refusals" not in moves + broken
    assert "ValueError" in broken and "<h3>Error</h3>" not in moves + refused
    x = [dict(re.findall(r'<td class="name">([^<]*)</td>\s*<td>([^<]*)</td>', body))["smx"] for _, body in sections]
    assert x == ["1", "0", "0"]  # the refused move and the later plan start from a fresh twin
    data = json.loads(re.search(r'<script type="application/json" id="tb-data">(.*?)</script>', page, re.S)[1])
    assert len(data["plans"]) == 3  # the figures of each plan, in the sections' order
    assert [t["name"] for t in data["plans"][0]["devices"]["data"]] == ["smx"]
