"""The beamline's validity variants: wrong variants of every task's first reference fail, equal rewrites pass,
no-ops are excluded."""

import pytest

from twinbench.tasks import Task
from twinbench.tasks.validity import check_validity
from twinbench.twins.beamline.variants import (
    EQUIVALENT,
    WRONG,
    extra_step,
    in_function,
    missing_step,
    renamed,
    swapped_order,
    unrolled,
    wrong_axis,
    wrong_exposure,
    wrong_value,
)

SCAN = "sam.setLinkamRate(10)\nfor x in [1, 2]:\n    sam.xabs(x)\n    time.sleep(2)\n    sam.measure(3)"


@pytest.mark.parametrize(("make", "source", "expected"), [
    (wrong_axis, "sam.xabs(1)\nsam.measure(2)", "sam.yabs(1)\nsam.measure(2)"),
    (wrong_axis, "RE(bp.scan([pilatus2M], sth, 0, 1, 3))", "RE(bp.scan([pilatus2M], srot, 0, 1, 3))"),
    (wrong_axis, "sam.measureSpots(3, 0.5, 'x', 1)", "sam.measureSpots(3, 0.5, 'y', 1)"),
    (wrong_axis, "sam.measure(1)", None),
    (wrong_value, SCAN, SCAN.replace("Rate(10)", "Rate(11)")),
    (wrong_value, "while sam.linkamTemperature() < 50:\n    time.sleep(1)\nsam.phiabs(0.0)",
     "while sam.linkamTemperature() < 50:\n    time.sleep(1)\nsam.phiabs(0.5)"),
    (wrong_value, "sam.measure(2)", None),
    (wrong_exposure, "sam.xr(1)\nsam.measureIncidentAngle(0.1, exposure_time=4)",
     "sam.xr(1)\nsam.measureIncidentAngle(0.1, exposure_time=8)"),
    (wrong_exposure, "RE(bps.mv(pilatus2M.cam.acquire_time, 1.5))", "RE(bps.mv(pilatus2M.cam.acquire_time, 3.0))"),
    (wrong_exposure, "sam.xr(1)", None),
    (missing_step, SCAN, "sam.setLinkamRate(10)"),
    (missing_step, "sam.xr(1)", "pass"),
    (extra_step, SCAN, SCAN + "\n    sam.measure(3)"),
    (extra_step, "sam.xr(1)", "sam.xr(1)\nsam.yr(0.5)"),
    (swapped_order, SCAN, SCAN.split("\n", 1)[1] + "\nsam.setLinkamRate(10)"),
    (swapped_order, "for x in [1, 2]:\n    sam.xabs(x)\n    time.sleep(2)\n    sam.measure(3)", None),
    (swapped_order, "t0 = time.time()\nsam.xr(1)", None),
    (renamed, SCAN, SCAN.replace("for x", "for renamed_x").replace("xabs(x)", "xabs(renamed_x)")),
    (renamed, "sam.xr(1)", None),
    (renamed, "def f(v):\n    return v\nv = f(1)\nw = v", "def f(v):\n    return v\nv = f(1)\nrenamed_w = v"),
    (unrolled, "for v in np.linspace(0, 1, 3):\n    sam.xabs(v)",
     "v = 0.0\nsam.xabs(v)\nv = 0.5\nsam.xabs(v)\nv = 1.0\nsam.xabs(v)"),
    (unrolled, "for v in range(2, 2 * 3, 2):\n    sam.xabs(v)", "v = 2\nsam.xabs(v)\nv = 4\nsam.xabs(v)"),
    (unrolled, "for v in positions:\n    sam.xabs(v)", None),
    (in_function, "sam.xr(1)\nsam.yr(2)", "def run_task():\n    sam.xr(1)\n    sam.yr(2)\nrun_task()"),
    (in_function, "sam.xr(1)", None),
    (in_function, "def f():\n    return 1\nx = f()",
     "def run_task():\n    def f():\n        return 1\n    x = f()\nrun_task()"),
    (in_function, "x = 1\nif x:\n    return", None),
])
def test_transformations(make, source, expected):
    assert make(source) == expected


def test_swapped_order_leaves_the_swap_the_twin_cannot_see_as_noop(runner):
    heat = Task.model_validate({"id": "heat", "category": "temperature", "difficulty": "simple", "instruction": "x",
                                "references": ["sam.setLinkamTemperature(80)\nsam.setLinkamOn()\nsam.measure(1)"]})
    status = {r.kind: r.status for r in check_validity([heat], runner).results}
    assert status["swapped_order"] == "noop"  # both set-points land one round trip apart: one unordered step
    assert status["missing_step"] == status["extra_step"] == status["wrong_exposure"] == "detected"
    assert status["wrong_axis"] == "n/a" and status["in_function"] == "passed"


def test_suite_validity(beamline, runner):
    report = check_validity(beamline.tasks, runner)
    bad = [(r.task_id, r.kind, r.score) for r in report.results if r.status in ("missed", "failed")]
    assert bad == []
    assert report.wrong_detection_rate == 1.0 and report.equivalent_pass_rate == 1.0
    for kind in [*WRONG, *EQUIVALENT]:
        applied = sum(n for status, n in report.counts(kind).items() if status not in ("n/a", "noop"))
        assert applied >= 50, kind
    assert sum(report.counts(kind)["noop"] for kind in WRONG) < 0.05 * len(report.results)
