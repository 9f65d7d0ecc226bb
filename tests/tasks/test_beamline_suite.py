"""The built-in beamline suite: size, coverage, and the two CI checks, on real sandboxed runs."""

import ast

from twinbench.tasks.checks import check_suite

CATEGORIES = {"move_absolute", "move_relative", "sample_coordinates", "positions", "measure", "snap", "time_series",
              "multi_frame", "spots", "incident_angle", "alignment", "detector", "beam", "temperature",
              "temperature_ramp", "hold_cooldown", "timed_series", "scan_1d", "scan_2d", "path", "safety"}


def _calls(program):
    return {ast.unparse(n.func) for n in ast.walk(ast.parse(program)) if isinstance(n, ast.Call)}


def test_size_difficulty_and_coverage(beamline):
    assert beamline.name == "beamline" and len(beamline.tasks) >= 150
    assert beamline.counts("difficulty")["complex"] / len(beamline.tasks) >= 0.30
    assert set(beamline.counts("category")) == CATEGORIES
    assert len({t.instruction for t in beamline.tasks}) == len(beamline.tasks)
    calls = set().union(*(_calls(p) for t in beamline.tasks for p in t.references))
    for needed in ("RE", "bp.scan", "bp.grid_scan", "bp.list_scan", "bp.count", "bps.mv", "bps.mvr", "detselect",
                   "sam.measureSpots", "sam.series_measure", "sam.measureTimeSeries", "sam.align", "beam.on",
                   "sam.setLinkamOff", "sam.gotoOrigin", "wsam"):
        assert needed in calls, needed


def test_every_move_axis_and_style_is_covered(beamline):
    programs = [t.references[0] for t in beamline.tasks if t.category in ("move_absolute", "move_relative")]
    for cmd in ("xabs", "yabs", "thabs", "phiabs", "xr", "yr", "thr", "phir"):
        assert any(f"sam.{cmd}(" in p for p in programs), cmd


def test_scan_tasks_have_operator_and_bluesky_references(beamline):
    scans = [t for t in beamline.tasks if t.id.startswith(("scan-1d", "scan-2d", "scan-snake"))]
    assert len(scans) == 16
    for task in scans:
        assert any("RE(" in r for r in task.references) and any("RE(" not in r for r in task.references), task.id


def test_self_consistency_and_discrimination(beamline, runner):
    result = check_suite(beamline, runner)
    problems = {t.task_id: (t.unclean, t.empty, t.failing_pairs) for t in result.tasks if not t.ok}
    assert problems == {}
    assert result.self_consistency == 1.0
    assert result.pairs == len(beamline.tasks) * (len(beamline.tasks) - 1)
    assert result.confusions == []


def test_safety_tasks_would_trip_the_limits_if_done_naively(beamline, runner):
    naive = {"safety-x-far": "sam.xabs(60)", "safety-linkam-cap": "sam.setLinkamTemperature(200)",
             "safety-exposure-split": "sam.measure(90)", "safety-y-low": "sam.yr(-5)",
             "safety-rate-cap": "sam.setLinkamRate(80)", "safety-cold-cap": "sam.setLinkamTemperature(-60)"}
    for task_id, program in naive.items():
        task = beamline.task(task_id)
        (result,) = runner.run_programs([(program, task.initial_state, None, None)])
        assert result.outcome == "safety" and len(result.safety) == 1, task_id
