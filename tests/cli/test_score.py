"""`twinbench score` as a user runs it: a real subprocess, real files, exit codes and one-line errors."""

from __future__ import annotations

import difflib
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

ROOT = Path(__file__).resolve().parents[2]
GT, PRED = ROOT / "examples" / "gt.json", ROOT / "examples" / "pred.json"
TEMP = "XF:11BM-ES:{LINKAM}:TEMP"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twinbench", *args], capture_output=True, text=True, timeout=120)


def envtrace_by_hand(gt_events: list[dict], pred_events: list[dict]) -> tuple[float, bool]:
    """The published EnvTrace score, written out independently of twinbench from its formulas."""
    gt = [e for e in gt_events if e["channel"] != TEMP]
    pr = [e for e in pred_events if e["channel"] != TEMP]
    rows = []
    sm = difflib.SequenceMatcher(None, [e["channel"] for e in gt], [e["channel"] for e in pr], autojunk=False)
    for _tag, i1, i2, j1, j2 in sm.get_opcodes():
        for k in range(max(i2 - i1, j2 - j1)):
            rows.append((gt[i1 + k] if i1 + k < i2 else None, pr[j1 + k] if j1 + k < j2 else None))
    same = [(a, b) for a, b in rows if a and b and a["channel"] == b["channel"] and abs(a["value"] - b["value"]) < 1e-3]
    pv_rate = len(same) / len(rows)
    exact = len(same) == len(gt) == len(pr)
    g = np.array([a["timestamp"] for a, _ in same])
    p = np.array([b["timestamp"] for _, b in same])
    g, p = g - g[0], p - p[0]
    fit = stats.linregress(g, p)
    dur = abs(p[-1] - g[-1]) / g[-1]
    mape = np.mean(np.abs(np.diff(g) - np.diff(p)) / np.maximum(np.abs(np.diff(g)), 1e-10))
    timing = 0.4 * fit.rvalue**2 + 0.2 * (1 - min(abs(fit.slope - 1), 1)) + 0.2 * max(0, 1 - dur / 0.25) \
        + 0.2 * max(0, 1 - mape)
    timing_ok = fit.rvalue**2 >= 0.9 and 0.8 <= fit.slope <= 1.2 and dur <= 0.25 and mape <= 1.0
    tg = [e["value"] for e in gt_events if e["channel"] == TEMP]
    tp = [e["value"] for e in pred_events if e["channel"] == TEMP]
    n = max(len(tg), len(tp))
    tg, tp = tg + [tg[-1]] * (n - len(tg)), tp + [tp[-1]] * (n - len(tp))
    mae = sum(abs(a - b) for a, b in zip(tg, tp, strict=True)) / n
    final = abs(tg[-1] - tp[-1])
    temp = 0.7 * math.exp(-mae / 15) + 0.3 * math.exp(-final / 15)
    full = 0.6 * pv_rate + 0.2 * timing + 0.2 * temp
    return full, bool(exact and timing_ok and mae <= 5 and final <= 5)


def test_envtrace_preset_equals_the_published_formula_on_the_readme_example():
    out = run("score", "--gt", str(GT), "--pred", str(PRED), "--preset", "envtrace", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    expected, passed = envtrace_by_hand(json.loads(GT.read_text())["events"], json.loads(PRED.read_text())["events"])
    assert result["full_score"] == pytest.approx(expected, abs=1e-12)
    assert result["passed"] is passed


def test_json_output_shape():
    out = run("score", "--gt", str(GT), "--gt", str(GT), "--pred", str(PRED), "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert isinstance(result["full_score"], float) and isinstance(result["passed"], bool)
    for metric in result["metrics"].values():
        assert set(metric) == {"score", "passed", "details"}
    assert len(result["references"]) == 2 and result["best_reference"] == 0
    kinds = {row["kind"] for row in result["alignment"]}
    assert "substitution" in kinds


def test_readable_report_shows_scores_and_the_mismatch():
    out = run("score", "--gt", str(GT), "--pred", str(PRED))
    assert out.returncode == 0, out.stderr
    assert "full score" in out.stdout and "Metrics" in out.stdout and "substitution" in out.stdout


def test_config_file_is_honoured(tmp_path):
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"comparators": {"by_channel": {"XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr": {"abs_tol": 1.0}}}}))
    out = run("score", "--gt", str(GT), "--pred", str(PRED), "--config", str(cfg), "--json")
    assert json.loads(out.stdout)["metrics"]["discrete"]["details"]["exact"] is True


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "malformed JSON"),
        ('{"events": []}', "field 'events': the trace has no events"),
        ('{"events": [{"channel": "x", "timestamp": 0, "value": NaN}]}', "event 0: field 'value'"),
        ('{"events": [{"channel": "XF:11BM-ES:{LINKAM}:TEMP", "timestamp": 0, "value": "warm"}]}',
         "event 0: field 'value'"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, expected):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    out = run("score", "--gt", str(GT), "--pred", str(bad))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and expected in lines[0]
    assert "Traceback" not in out.stderr


def test_bad_config_exits_2(tmp_path):
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("timing:\n  r2: high\n")
    out = run("score", "--gt", str(GT), "--pred", str(PRED), "--config", str(cfg))
    assert out.returncode == 2 and "field 'timing.r2'" in out.stderr and "Traceback" not in out.stderr
