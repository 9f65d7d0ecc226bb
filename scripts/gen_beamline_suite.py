"""Dev script: regenerate the built-in `beamline` suite's YAML from templates.

    python scripts/gen_beamline_suite.py

The committed YAML under src/twinbench/tasks/suites/beamline/ is the source of truth; this script only
documents how it was produced (seeded, deterministic). Every value is chosen so that no two tasks share an
intended trace, and every instruction names its sample the way users do.
"""

from __future__ import annotations

import math
from pathlib import Path

from twinbench.tasks.suite import dump_yaml

OUT = Path(__file__).resolve().parents[1] / "src/twinbench/tasks/suites/beamline"
SAMPLES = ["the PS-b-PMMA film", "the P3HT film", "the silica NP film", "the perovskite film", "the CNC film",
           "the AgBH standard", "the lamellar BCP", "the nanorod array", "the DNA lattice", "the PEDOT:PSS film",
           "the gold NP monolayer", "the MOF film", "the cellulose sample", "the LC film", "the PCBM blend"]
SHORT = ["bcp", "p3ht", "silica", "perov", "cnc", "agbh", "lam", "rods", "dna", "pedot", "aunp", "mof", "cell", "lc",
         "pcbm"]
AXES = {"x": ("xabs", "xr", "smx", "mm"), "y": ("yabs", "yr", "smy", "mm"), "th": ("thabs", "thr", "sth", "deg"),
        "phi": ("phiabs", "phir", "srot", "deg")}
TEMP = "XF:11BM-ES:{LINKAM}:TEMP"
TASKS: dict[str, list[dict]] = {}


def sample(i: int) -> str:
    return SAMPLES[i % len(SAMPLES)]


def add(file: str, tid: str, category: str, difficulty: str, instruction: str, refs: list[str], *,
        state: dict | None = None, scoring: dict | None = None, tags: list[str] | None = None) -> None:
    task = {"id": tid, "category": category, "difficulty": difficulty, "instruction": instruction,
            "references": [r.strip() + "\n" for r in refs]}
    if scoring:
        task["scoring"] = scoring
    if state:
        task["initial_state"] = state
    task["tags"] = tags or []
    TASKS.setdefault(file, []).append(task)


def fmt(v: float) -> str:
    return repr(round(float(v), 6))


def moves() -> None:
    words = {"x": ["x", "the x stage", "sample x"], "y": ["the height", "y", "the sample height"],
             "th": ["theta", "the incident angle", "the tilt"], "phi": ["phi", "the rotation", "the sample rotation"]}
    absolute = {"x": [2.5, -4.2, 12.0, 0.75], "y": [1.2, -0.35, 3.0, -2.25], "th": [0.12, 2.0, -1.5, 0.35],
                "phi": [90.0, -45.0, 12.5, 180.0]}
    abs_t = ["Move {w} of {s} to {v} {u}.", "Put {s} at {w} = {v} {u}.", "{W} to {v} {u} please.",
             "Send {w} to {v} {u} (sample coordinates)."]
    n = 0
    for axis, values in absolute.items():
        cmd, _, motor, unit = AXES[axis]
        for k, v in enumerate(values):
            w = words[axis][k % 3]
            text = abs_t[k % 4].format(w=w, W=w[0].upper() + w[1:], s=sample(n), v=v, u=unit)
            refs = [f"sam.{cmd}({v})", f"RE(bps.mv({motor}, {v}))"]
            if k % 2:
                refs.append(f"sam = Sample('{SHORT[n % len(SHORT)]}')\nsam.{cmd}({v})")
            add("moves.yaml", f"move-abs-{axis}-{k + 1}", "move_absolute", "simple", text, refs,
                tags=["move", axis])
            n += 1
    relative = {"x": [(1.0, 0.5), (-3.0, -1.25), (10.0, 4.0)], "y": [(0.5, 0.1), (-1.0, -0.4), (2.0, 0.05)],
                "th": [(0.1, 0.05), (0.5, -0.2), (1.0, 0.25)], "phi": [(0.0, 15.0), (30.0, -90.0), (-20.0, 5.0)]}
    rel_t = ["Nudge {w} by {d} {u}.", "Step {w} {d} {u} relative to where it is.", "Move {s} {d} {u} in {w}.",
             "{W} +{d} {u}, relative."]
    for axis, pairs in relative.items():
        _, cmd, motor, unit = AXES[axis]
        for k, (start, d) in enumerate(pairs):
            w = words[axis][(k + 1) % 3]
            template = rel_t[k % 4] if d > 0 or k % 4 != 3 else rel_t[0]
            text = template.format(w=w, W=w[0].upper() + w[1:], s=sample(n), d=d, u=unit)
            if axis == "x" and k == 0:
                text = "Move x by 500 µm."
            refs = [f"sam.{cmd}({d})", f"RE(bps.mvr({motor}, {d}))"]
            add("moves.yaml", f"move-rel-{axis}-{k + 1}", "move_relative", "simple", text, refs,
                state={"motors": {motor: {"position": start}}}, tags=["move", "relative", axis])
            n += 1


def sample_coords() -> None:
    cases = [
        ("Make the current x and y the origin of {s}, then go to x = 1.5 mm in sample coordinates.",
         "sam.setOrigin(['x', 'y'])\nsam.xabs(1.5)", {"smx": 3.0, "smy": 0.4}),
        ("Zero theta here (set the origin) and then tilt to 0.2 deg in sample coordinates.",
         "sam.setOrigin(['th'])\nsam.thabs(0.2)", {"sth": 0.3}),
        ("Define x = 10 mm on the motor as the origin of {s}, then move to 2 mm from it.",
         "sam.setOrigin(['x'], [10.0])\nsam.xabs(2.0)", {}),
        ("Set the y origin at the current height and go 0.3 mm above it.",
         "sam.setOrigin(['y'])\nsam.yabs(0.3)", {"smy": -1.1}),
        ("Send every axis of {s} back to its origin.", "sam.gotoOrigin()",
         {"smx": 4.0, "smy": 1.0, "sth": 0.5, "srot": 30.0}),
        ("Take x and phi back to the sample origin, leave the rest.", "sam.gotoOrigin(['x', 'phi'])",
         {"smx": -6.0, "smy": 1.5, "srot": 45.0}),
        ("Origin of phi at 20 deg motor position, then rotate to 70 deg in sample coordinates.",
         "sam.setOrigin(['phi'], [20.0])\nsam.phiabs(70.0)", {}),
        ("Mark this spot as the x origin, then go to -2.5 mm and 2.5 mm in sample coordinates, 1 s shot at each.",
         "sam.setOrigin(['x'])\nsam.xabs(-2.5)\nsam.measure(1)\nsam.xabs(2.5)\nsam.measure(1)", {"smx": 7.0}),
    ]
    for k, (text, ref, pos) in enumerate(cases):
        refs = [ref]
        if "gotoOrigin()" in ref:
            refs.append("sam.xabs(0)\nsam.yabs(0)\nsam.thabs(0)\nsam.phiabs(0)")
        if "gotoOrigin(['x', 'phi'])" in ref:
            refs.append("sam.xabs(0)\nsam.phiabs(0)")
        state = {"motors": {m: {"position": p} for m, p in pos.items()}} if pos else None
        add("moves.yaml", f"sample-coords-{k + 1}", "sample_coordinates", "simple" if k < 7 else "complex",
            text.format(s=sample(k + 3)), refs, state=state, tags=["origin"])


def positions() -> None:
    # A readout is a query (no instrument effect, no event): every task also moves something.
    cases = [("Take {s} back to its origin and print the sample motor positions.",
              ["sam.gotoOrigin()\nwsam()", "sam.gotoOrigin()\nsam.pos()"],
              {"motors": {"smx": {"position": 3.5}, "smy": {"position": -1.2}}}),
             ("Move x to 6 mm and then report sam positions.", ["sam.xabs(6)\nsam.pos()", "sam.xabs(6)\nwsam()"],
              None),
             ("Lift {s} 0.8 mm and print wsam.", ["sam.yr(0.8)\nwsam()", "RE(bps.mvr(smy, 0.8))\nwsam()"], None),
             ("Put {s} at x = -3.5 mm and read back its x position (sam.x()).",
              ["sam.xabs(-3.5)\nsam.x()", "sam.xabs(-3.5)\nprint(sam.xpos())"], None)]
    for k, (text, refs, state) in enumerate(cases):
        add("moves.yaml", f"positions-{k + 1}", "positions", "simple", text.format(s=sample(k + 5)), refs,
            state=state, tags=["readout"])


def measurements() -> None:
    exposures = [5, 10, 2, 0.5, 30, 3, 20, 1]
    texts = ["Measure {s} for {e} s.", "Take a {e} s exposure.", "Shoot {s}, {e} seconds.",
             "One {e}-second SAXS frame on {s}, please.", "Count {e} s on {s}."]
    for k, e in enumerate(exposures):
        refs = [f"sam.measure({e})", f"sam.measure(exposure_time={e})"]
        if k % 3 == 0:
            refs.append(f"sam = Sample('{SHORT[k]}')\nsam.measure({e})")
        add("measure.yaml", f"measure-{k + 1}", "measure", "simple", texts[k % 5].format(s=sample(k), e=e), refs,
            tags=["measure"])
    for k, e in enumerate([0.3, 0.7, 1.5, 4]):
        text = ["Quick {e} s snap of {s}, don't save it.", "Snap {e} s to check the beam position.",
                "Test shot, {e} s, no save.", "Take a {e} s snapshot (not saved) of {s}."][k].format(s=sample(k + 2),
                                                                                                     e=e)
        add("measure.yaml", f"snap-{k + 1}", "snap", "simple", text, [f"sam.snap({e})"], tags=["measure", "snap"])
    series = [(2, 5, 3), (1, 10, 5), (0.5, 8, 1.5), (5, 4, 25), (3, 6, 12), (10, 3, 50)]
    texts = ["Time series on {s}: {n} frames of {e} s with {w} s waits.",
             "measureTimeSeries, {e} s exposures, {n} frames, {w} s in between.",
             "Take {n} shots of {e} s each, pausing {w} s after each one.",
             "Record {n} x {e} s frames of {s} with a {w} s gap."]
    for k, (e, n, w) in enumerate(series):
        refs = [f"sam.measureTimeSeries({e}, {n}, {w})",
                f"for i in range({n}):\n    sam.measure({e})\n    time.sleep({w})",
                f"sam.measureTimeSeries(exposure_time={e}, num_frames={n}, wait_time={w})"]
        add("measure.yaml", f"time-series-{k + 1}", "time_series", "simple", texts[k % 4].format(s=sample(k + 4), e=e,
            n=n, w=w), refs, tags=["measure", "series"])
    frames = [(20, 0.5, 1.0), (100, 0.1, 0.2), (10, 2, 2.5), (50, 0.05, 0.1), (5, 1, 3)]
    texts = ["Fast series: {n} frames at {e} s exposure, {p} s period.", "Burst of {n} frames on {s}, {e} s each, "
             "one every {p} s, single trigger.", "series_measure {n} frames, {e} s, period {p} s.",
             "Multi-frame acquisition on {s}: {n} images, exposure {e} s, period {p} s."]
    for k, (n, e, p) in enumerate(frames):
        refs = [f"sam.series_measure({n}, {e}, {p})",
                f"sam.series_measure(num_frames={n}, exposure_time={e}, exposure_period={p})"]
        add("measure.yaml", f"multi-frame-{k + 1}", "multi_frame", "simple",
            texts[k % 4].format(s=sample(k + 6), n=n, e=e, p=p), refs, tags=["measure", "multi-frame"])
    spots = [(4, 0.2, "y", 2), (3, 0.5, "x", 1), (5, 0.1, "y", 5), (6, 1.0, "x", 0.5), (3, 0.15, "y", 10)]
    texts = ["Measure {n} spots on {s}, {d} mm apart along {a}, {e} s each (step after every shot).",
             "measureSpots: {n} spots, {d} mm steps in {a}, {e} s exposures.",
             "Spread the dose: {n} spots stepping {a} by {d} mm after each {e} s shot."]
    for k, (n, d, a, e) in enumerate(spots):
        rel = "xr" if a == "x" else "yr"
        refs = [f"sam.measureSpots({n}, {d}, '{a}', {e})",
                f"for i in range({n}):\n    sam.measure({e})\n    sam.{rel}({d})"]
        add("measure.yaml", f"spots-{k + 1}", "spots", "simple", texts[k % 3].format(s=sample(k + 1), n=n, d=d, a=a,
            e=e), refs, tags=["measure", "spots"])


def angles() -> None:
    singles = [(0.12, 10), (0.2, 5), (0.08, 30), (0.15, 2), (0.3, 1), (0.1, 20)]
    texts = ["GISAXS on {s} at {a} deg incidence, {e} s.", "Measure at an incident angle of {a}° for {e} seconds.",
             "th = {a}, then a {e} s exposure.", "Incident angle {a} deg, count {e} s.",
             "One shot at alpha_i = {a}°, {e} s.", "Grazing incidence at {a} degrees, {e} s on {s}."]
    for k, (a, e) in enumerate(singles):
        refs = [f"sam.measureIncidentAngle({a}, exposure_time={e})", f"sam.thabs({a})\nsam.measure({e})"]
        add("angles.yaml", f"incident-angle-{k + 1}", "incident_angle", "simple", texts[k].format(s=sample(k), a=a,
            e=e), refs, tags=["gisaxs"])
    lists = [([0.08, 0.12, 0.16], 5), ([0.1, 0.2], 10), ([0.05, 0.1, 0.15, 0.2, 0.25], 2), ([0.14, 0.18, 0.22], 1)]
    texts = ["Incident angle series {al} deg, {e} s each.", "Measure {s} at {al}°, {e} s per angle.",
             "Angle scan over {al} degrees with {e} s exposures.", "Do {al} deg incidence on {s}, {e} s."]
    for k, (al, e) in enumerate(lists):
        refs = [f"sam.measureIncidentAngles({al}, exposure_time={e})",
                f"for a in {al}:\n    sam.measureIncidentAngle(a, exposure_time={e})",
                f"for a in {al}:\n    sam.thabs(a)\n    sam.measure({e})"]
        add("angles.yaml", f"incident-angles-{k + 1}", "incident_angle", "simple" if k < 2 else "complex",
            texts[k].format(s=sample(k + 7), al=", ".join(map(str, al)), e=e), refs, tags=["gisaxs", "list"])
    for k, (start, stop, step, e) in enumerate([(0.05, 0.3, 0.05, 2), (0.1, 0.5, 0.1, 5), (0.2, 0.26, 0.02, 1)]):
        vals = [round(start + i * step, 6) for i in range(int(round((stop - start) / step)) + 1)]
        text = ["Align {s}, then an angle scan from {a} to {b} deg in {d} deg steps, {e} s per angle.",
                "After aligning, go through incident angles {a}..{b}° (step {d}) with {e} s shots.",
                "Align and run GISAXS at {a} to {b} deg every {d} deg, {e} s each."][k]
        refs = [f"sam.align()\nsam.measureIncidentAngles({vals}, exposure_time={e})",
                f"sam.align()\nfor a in np.arange({start}, {stop} + {step} / 2, {step}):\n"
                f"    sam.measureIncidentAngle(a, exposure_time={e})"]
        add("angles.yaml", f"angle-scan-{k + 1}", "incident_angle", "complex",
            text.format(s=sample(k + 2), a=start, b=stop, d=step, e=e), refs,
            state={"sample": {"height": 0.1 * k, "tilt": 0.02 * k}}, tags=["gisaxs", "alignment"])


def alignment() -> None:
    cases = [("Align {s}.", ["sam.align()"], {"height": 0.2, "tilt": 0.05}),
             ("Run the alignment and print where it ended up (wsam).", ["sam.align()\nwsam()"],
              {"height": -0.3, "tilt": 0.0}),
             ("Move {s} 9.7 mm in x and align it.", ["sam.xr(9.7)\nsam.align()", "sam.xr(9.7); sam.align()"],
              {"height": 0.0, "tilt": 0.1}),
             ("Align, then a 10 s measurement.", ["sam.align()\nsam.measure(10)"], {"height": 0.5, "tilt": -0.05}),
             ("x to -15 mm, align there and show the positions.", ["sam.xabs(-15)\nsam.align()\nsam.pos()"],
              {"height": 0.15, "tilt": 0.2}),
             ("Align {s} then measure at 0.12 deg for 5 s.",
              ["sam.align()\nsam.measureIncidentAngle(0.12, exposure_time=5)", "sam.align()\nsam.thabs(0.12)\n"
               "sam.measure(5)"], {"height": -0.2, "tilt": 0.08})]
    for k, (text, refs, surface) in enumerate(cases):
        add("alignment.yaml", f"align-{k + 1}", "alignment", "simple", text.format(s=sample(k + 3)), refs,
            state={"sample": surface}, tags=["alignment"])
    avg = ("sam.align()\ny1, th1 = sam.origin['y'], sam.origin['th']\nsam.align()\n"
           "y2, th2 = sam.origin['y'], sam.origin['th']\nsam.setOrigin(['y', 'th'], [(y1 + y2) / 2, (th1 + th2) / 2])")
    avg_pos = ("p1 = sam.pos()\nsam.align()\np1 = sam.pos()\nsam.align()\np2 = sam.pos()\n"
               "sam.setOrigin(['y', 'th'], [(p1['y'] + p2['y']) / 2, (p1['th'] + p2['th']) / 2])")
    for k, surface in enumerate([{"height": 0.3, "tilt": 0.1}, {"height": -0.25, "tilt": -0.12}]):
        text = ["Align {s} twice, set the y/theta origin to the average of the two alignments and go there.",
                "Do two alignments, use the mean y/theta as the origin and move there, then a 2 s shot at 0.1 deg."][k]
        goto = "\nsam.gotoOrigin(['y', 'th'])" + ("\nsam.measureIncidentAngle(0.1, exposure_time=2)" if k else "")
        refs = [avg + goto, avg_pos + goto]
        add("alignment.yaml", f"align-average-{k + 1}", "alignment", "complex", text.format(s=sample(k + 9)), refs,
            state={"sample": surface}, tags=["alignment", "origin"])
    add("alignment.yaml", "align-two-samples", "alignment", "complex",
        "Two samples on the bar at x = -10 and x = 10 mm: align each and take a 5 s shot at 0.15 deg on both.",
        ["for x in [-10, 10]:\n    sam.xabs(x)\n    sam.align()\n    sam.measureIncidentAngle(0.15, exposure_time=5)",
         "sam.xabs(-10)\nsam.align()\nsam.thabs(0.15)\nsam.measure(5)\nsam.xabs(10)\nsam.align()\nsam.thabs(0.15)\n"
         "sam.measure(5)"], state={"sample": {"height": 0.05, "tilt": 0.03}}, tags=["alignment", "multi-sample"])


def detectors_and_beam() -> None:
    cases = [("WAXS only: {e} s on {s}.", "pilatus800", ["detselect(pilatus800)\nsam.measure({e})"], 3),
             ("Switch to the Pilatus 800k and measure {e} s.", "pilatus800", ["detselect(pilatus800)\n"
              "sam.measure({e})", "RE(bps.mv(pilatus800.cam.acquire_time, {e}, pilatus800.cam.acquire_period, "
              "{p}))\nRE(bp.count([pilatus800]))"], 7),
             ("SAXS and WAXS together, {e} s.", "both", ["detselect([pilatus2M, pilatus800])\nsam.measure({e})",
              "detselect([pilatus800, pilatus2M])\nsam.measure({e})"], 4),
             ("Use the 2M and take a {e} s frame with bluesky count.", "pilatus2M",
              ["RE(bps.mv(pilatus2M.cam.acquire_time, {e}, pilatus2M.cam.acquire_period, {p}))\n"
               "RE(bp.count([pilatus2M]))", "detselect(pilatus2M)\nsam.measure({e})"], 6),
             ("WAXS: 3 frames of {e} s on {s} with detselect.", "pilatus800",
              ["detselect(pilatus800)\nfor i in range(3):\n    sam.measure({e})",
               "detselect(pilatus800)\nsam.measureTimeSeries({e}, 3, 0)"], 1.5),
             ("SAXS+WAXS at incident angle 0.2 deg, {e} s.", "both",
              ["detselect([pilatus2M, pilatus800])\nsam.measureIncidentAngle(0.2, exposure_time={e})"], 8)]
    for k, (text, _, refs, e) in enumerate(cases):
        add("detectors_beam.yaml", f"detector-{k + 1}", "detector", "simple", text.format(s=sample(k), e=e),
            [r.format(e=e, p=round(e + 0.1, 6)) for r in refs], tags=["detector"])
    beam = [("Open the shutter.", ["beam.on()"], None),
            ("Close the shutter on {s}.", ["beam.off()"], {"beam": {"shutter": 1}}),
            ("Attenuate to 10% transmission and take a 2 s shot.", ["beam.setTransmission(0.1)\nsam.measure(2)"], None),
            ("Open the shutter, measure 6 s, close it again.", ["beam.on()\nsam.measure(6)\nbeam.off()"], None),
            ("Full transmission, then a 0.2 s shot.", ["beam.setTransmission(1.0)\nsam.measure(0.2)"],
             {"beam": {"transmission": 0.25}}),
            ("Drop transmission to 0.5 for the radiation-sensitive {s}, then 3 shots of 1 s moving x 0.3 mm each time.",
             ["beam.setTransmission(0.5)\nfor i in range(3):\n    sam.measure(1)\n    sam.xr(0.3)",
              "beam.setTransmission(0.5)\nsam.measureSpots(3, 0.3, 'x', 1)"], None)]
    for k, (text, refs, state) in enumerate(beam):
        add("detectors_beam.yaml", f"beam-{k + 1}", "beam", "simple" if k < 5 else "complex",
            text.format(s=sample(k + 8)), refs, state=state, tags=["beam"])


def temperature() -> None:
    heats = [(80, None, None), (150, 25, None), (60, 5, None), (200, 50, None), (120, None, None), (35, 2, None),
             (250, 100, None), (95, 15, None)]
    texts = ["Heat {s} to {t} °C.", "Ramp the Linkam to {t} C at {r} C/min.", "Take it to {t} degrees, {r}°C/min.",
             "Go to {t} °C on the Linkam at {r} deg per minute.", "Set the stage to {t} C and turn the heater on.",
             "Warm {s} to {t} °C slowly, {r} °C/min.", "Anneal at {t} °C, ramp {r} °C/min.",
             "Linkam to {t}, rate {r}."]
    for k, (t, r, _) in enumerate(heats):
        rate = f"sam.setLinkamRate({r})\n" if r else ""
        refs = [f"{rate}sam.setLinkamTemperature({t})\nsam.setLinkamOn()",
                f"{rate}sam.setLinkamOn()\nsam.setLinkamTemperature({t})"]
        add("temperature.yaml", f"heat-{k + 1}", "temperature", "simple", texts[k].format(s=sample(k), t=t, r=r),
            refs, tags=["temperature"])
    cools = [("Heater off on {s}, let it cool.", ["sam.setLinkamOff()"], 140.0),
             ("Bring the Linkam down to 40 °C (heater stays on).", ["sam.setLinkamTemperature(40)"], 110.0),
             ("Cool to 30 C at 20 C/min.", ["sam.setLinkamRate(20)\nsam.setLinkamTemperature(30)"], 90.0),
             ("Set the Linkam rate to 30 deg/min.", ["sam.setLinkamRate(30)"], 70.0)]
    for k, (text, refs, t0) in enumerate(cools):
        add("temperature.yaml", f"cool-{k + 1}", "temperature", "simple", text.format(s=sample(k + 4)), refs,
            state={"linkam": {"temperature": t0, "setpoint": t0, "heater": True}}, tags=["temperature", "cool"])
    ramps = [(30, 100, 10, 10, 1), (40, 160, 20, 20, 2), (50, 90, 10, 5, 5), (25, 75, 25, 10, 1),
             (60, 180, 30, 30, 3), (30, 70, 5, 2, 0.5), (100, 200, 25, 50, 2), (35, 65, 10, 15, 10)]
    texts = ["Ramp {s} from RT to {b} °C at {r} °C/min, measuring {e} s every {d} °C starting at {a}.",
             "Heat to {b} C at {r} C/min and take a {e} s shot every {d} degrees ({a}, {a2}, ... {b}).",
             "Temperature series: {a} to {b} °C in {d} °C steps at {r} °C/min, {e} s exposure at each step.",
             "Every {d} deg from {a} to {b} C, measure {e} s; ramp rate {r} C/min.",
             "While ramping to {b} °C ({r}/min) grab {e} s frames at {a}, {a2}, ... °C."]
    for k, (a, b, d, r, e) in enumerate(ramps):
        head = f"sam.setLinkamRate({r})\nsam.setLinkamTemperature({b})\nsam.setLinkamOn()\n"
        refs = [head + f"for T in range({a}, {b} + 1, {d}):\n    while sam.linkamTemperature() < T:\n"
                f"        time.sleep(1)\n    sam.measure({e})",
                head + f"for T in np.arange({a}, {b} + {d} / 2, {d}):\n    while sam.linkamTemperature() < T:\n"
                f"        time.sleep(1)\n    sam.measure({e})",
                head + f"target = {a}\nwhile target <= {b}:\n    if sam.linkamTemperature() >= target:\n"
                f"        sam.measure({e})\n        target += {d}\n    else:\n        time.sleep(1)"]
        add("temperature.yaml", f"ramp-measure-{k + 1}", "temperature_ramp", "complex",
            texts[k % 5].format(s=sample(k + 2), a=a, a2=a + d, b=b, d=d, r=r, e=e), refs,
            tags=["temperature", "ramp", "loop"])
    holds = [(120, 20, 5, 60, 2, 40), (80, 10, 3, 120, 5, 35), (150, 30, 4, 30, 1, 50), (60, 5, 6, 20, 0.5, 30)]
    for k, (t, r, n, every, e, cool) in enumerate(holds):
        wait = every - e
        head = (f"sam.setLinkamRate({r})\nsam.setLinkamTemperature({t})\nsam.setLinkamOn()\n"
                f"while sam.linkamTemperature() < {t}:\n    time.sleep(1)\n")
        tail = f"sam.setLinkamOff()\nwhile sam.linkamTemperature() > {cool}:\n    time.sleep(1)\nsam.measure({e})"
        loop = f"for i in range({n}):\n    sam.measure({e})\n    time.sleep({wait})\n"
        series = f"sam.measureTimeSeries({e}, {n}, {wait})\n"
        text = ["Heat {s} to {t} °C at {r} °C/min, hold and measure {e} s every {every} s ({n} shots), then heater "
                "off, wait until it's below {c} °C and take a final {e} s frame.",
                "Anneal at {t} C ({r} C/min): once there, {n} x {e} s frames {every} s apart; then cool passively "
                "to {c} C and measure again.",
                "Go to {t} °C at {r}/min, hold for {n} measurements ({e} s, one every {every} s), switch off the "
                "heater and measure {e} s once it's under {c} °C.",
                "{t} C anneal at {r} C/min with a {e} s shot every {every} s for {n} shots, then cool-down (heater "
                "off) to {c} C and one last {e} s frame."][k]
        add("temperature.yaml", f"hold-cool-{k + 1}", "hold_cooldown", "complex",
            text.format(s=sample(k + 5), t=t, r=r, e=e, every=every, n=n, c=cool),
            [head + loop + tail, head + series + tail], tags=["temperature", "hold", "cool-down"])
    for k, (t, r, hold, cool_rate, end) in enumerate([(90, 15, 300, 10, 30), (130, 25, 120, 20, 40),
                                                       (70, 10, 600, 5, 45), (110, 20, 180, 15, 50)]):
        text = ["Heat to {t} °C at {r} °C/min, hold {h} s, then ramp back down to {end} °C at {cr} °C/min "
                "(heater on) and take a 1 s shot when it arrives.",
                "{t} C at {r}/min, {h} s hold, controlled cool to {end} C at {cr} C/min, measure 1 s at the end.",
                "Ramp to {t} °C ({r}/min), stay {h} s, then {cr} °C/min down to {end} °C and measure 1 s.",
                "Anneal {s} at {t} °C for {h} s ({r} °C/min up, {cr} °C/min down to {end} °C), then a 1 s frame."][k]
        ref = (f"sam.setLinkamRate({r})\nsam.setLinkamTemperature({t})\nsam.setLinkamOn()\n"
               f"while sam.linkamTemperature() < {t}:\n    time.sleep(1)\ntime.sleep({hold})\n"
               f"sam.setLinkamRate({cool_rate})\nsam.setLinkamTemperature({end})\n"
               f"while sam.linkamTemperature() > {end}:\n    time.sleep(1)\nsam.measure(1)")
        add("temperature.yaml", f"hold-ramp-down-{k + 1}", "hold_cooldown", "complex",
            text.format(s=sample(k + 9), t=t, r=r, h=hold, cr=cool_rate, end=end), [ref],
            tags=["temperature", "hold", "cool-down"])


def timed() -> None:
    cases = [(1, 10, 60), (2, 30, 300), (0.5, 5, 30), (5, 60, 600), (10, 20, 120), (1, 15, 90)]
    texts = ["Measure {e} s every {p} s for {m}.", "Kinetics on {s}: a {e} s frame every {p} s for {m}.",
             "{e} s exposures with a {p} s period, {m} total.", "Every {p} seconds take a {e} s shot, for {m}.",
             "Track the drying of {s}: {e} s every {p} s over {m}.", "Timed series, {e} s each, every {p} s, {m}."]
    for k, (e, p, total) in enumerate(cases):
        n = total // p
        m = f"{total // 60} min" if total % 60 == 0 else f"{total} s"
        refs = [f"for i in range({n}):\n    sam.measure({e})\n    time.sleep({p - e})",
                f"sam.measureTimeSeries({e}, {n}, {p - e})",
                f"t0 = time.time()\nwhile time.time() - t0 < {total}:\n    start = time.time()\n"
                f"    sam.measure({e})\n    time.sleep({p} - (time.time() - start))"]
        add("timed.yaml", f"timed-series-{k + 1}", "timed_series", "complex", texts[k].format(s=sample(k), e=e, p=p,
            m=m), refs, tags=["timed", "loop"])
    alt = [(-2, 2, 20, 120, 1), (0, 5, 30, 180, 2), (-8, -3, 60, 300, 5)]
    for k, (xa, xb, p, total, e) in enumerate(alt):
        n = total // p
        text = ["Alternate between x = {a} and x = {b} mm every {p} s for {t} s, {e} s shot at each stop.",
                "Two spots ({a} and {b} mm in x): swap every {p} s for {t} s and measure {e} s each time.",
                "Ping-pong x between {a} and {b} mm, {e} s frame per visit, one visit every {p} s, {t} s total."][k]
        refs = [f"for i in range({n}):\n    sam.xabs({xa} if i % 2 == 0 else {xb})\n    t0 = time.time()\n"
                f"    sam.measure({e})\n    time.sleep({p} - (time.time() - t0))",
                f"positions = [{xa}, {xb}]\nfor i in range({n}):\n    sam.xabs(positions[i % 2])\n"
                f"    sam.measure({e})\n    time.sleep({p - e})"]
        add("timed.yaml", f"timed-alternate-{k + 1}", "timed_series", "complex", text.format(a=xa, b=xb, p=p, t=total,
            e=e), refs, tags=["timed", "loop", "move"])
    for k, (a, e, p, n) in enumerate([(0.15, 2, 15, 6), (0.1, 1, 10, 12)]):
        text = ["At 0.{a2} deg incidence, {e} s every {p} s, {n} frames.",
                "GISAXS kinetics: incident angle {a}°, {n} frames of {e} s, one every {p} s."][k]
        refs = [f"sam.thabs({a})\nfor i in range({n}):\n    sam.measure({e})\n    time.sleep({p - e})",
                f"sam.thabs({a})\nsam.measureTimeSeries({e}, {n}, {p - e})"]
        add("timed.yaml", f"timed-angle-{k + 1}", "timed_series", "complex",
            text.format(a=a, a2=str(a)[2:], e=e, p=p, n=n), refs, tags=["timed", "gisaxs"])


def exposure(e: float) -> str:
    return f"RE(bps.mv(pilatus2M.cam.acquire_time, {e}, pilatus2M.cam.acquire_period, {round(e + 0.1, 6)}))\n"


def premove(targets: list[tuple[str, float]]) -> str:
    """Bluesky programs set the exposure before the first move, so they go to the start point first."""
    moving = [f"{m}, {v}" for m, v in targets if v != 0]
    return f"RE(bps.mv({', '.join(moving)}))\n" if moving else ""


def scans() -> None:
    one_d = [("x", -2, 2, 9, 1), ("y", -0.5, 0.5, 11, 0.5), ("x", 0, 10, 6, 2), ("th", -0.2, 0.2, 5, 1),
             ("phi", 0, 90, 4, 5), ("x", -5, -1, 5, 3), ("y", 0, 1.2, 7, 2), ("phi", -30, 30, 7, 1)]
    texts = ["Scan {w} from {a} to {b} {u} in {n} points, {e} s per point.",
             "Line scan along {w}: {a} → {b} {u}, {n} points, {e} s exposures.",
             "1-D scan of {s}: {w} {a}..{b} {u}, {n} steps inclusive, count {e} s.",
             "{n}-point {w} scan between {a} and {b} {u}, {e} s each."]
    for k, (axis, a, b, n, e) in enumerate(one_d):
        cmd, _, motor, unit = AXES[axis]
        w = {"x": "x", "y": "height", "th": "theta", "phi": "phi"}[axis]
        set_exp = premove([(motor, a)]) + exposure(e)
        vals = [round(a + i * (b - a) / (n - 1), 6) for i in range(n)]
        refs = [f"for v in np.linspace({a}, {b}, {n}):\n    sam.{cmd}(v)\n    sam.measure({e})",
                set_exp + f"RE(bp.scan([pilatus2M], {motor}, {a}, {b}, {n}))",
                set_exp + f"RE(bp.list_scan([pilatus2M], {motor}, {vals}))"]
        if k % 2 == 0:
            refs.append("\n".join(f"sam.{cmd}({v})\nsam.measure({e})" for v in vals))
        add("scans.yaml", f"scan-1d-{k + 1}", "scan_1d", "complex", texts[k % 4].format(s=sample(k), w=w, a=a, b=b,
            u=unit, n=n, e=e), refs, tags=["scan", "bluesky", axis])
    two_d = [(-1, 1, 3, -1, 1, 3, 1), (0, 2, 5, 0, 1, 3, 0.5), (-0.5, 0.5, 3, -0.2, 0.2, 3, 2), (-4, 4, 5, 0, 2, 2, 1),
             (0, 3, 4, 0, 3, 4, 0.2), (-1, 1, 5, -1, 1, 5, 0.5)]
    texts = ["3x3 map around the origin of {s}: x and y from {xa} to {xb} mm, {e} s per point (x fast, y slow).",
             "Grid scan: y {ya}..{yb} mm ({ny} rows), x {xa}..{xb} mm ({nx} columns), {e} s each, rows along x.",
             "Map {s}: {nx}x{ny} points, x {xa} to {xb}, y {ya} to {yb} mm, {e} s, x inner loop.",
             "Raster {nx} x-points ({xa}..{xb} mm) by {ny} y-rows ({ya}..{yb} mm), {e} s per frame, x fastest.",
             "2-D mesh, x and y {xa}-{xb} mm in {nx} steps each, {e} s exposures, x fast axis.",
             "{nx}x{ny} map of {s} over x {xa}..{xb}, y {ya}..{yb} mm, {e} s per point, x inner."]
    for k, (xa, xb, nx, ya, yb, ny, e) in enumerate(two_d):
        set_exp = premove([("smy", ya), ("smx", xa)]) + exposure(e)
        refs = [f"for y in np.linspace({ya}, {yb}, {ny}):\n    sam.yabs(y)\n"
                f"    for x in np.linspace({xa}, {xb}, {nx}):\n        sam.xabs(x)\n        sam.measure({e})",
                set_exp + f"RE(bp.grid_scan([pilatus2M], smy, {ya}, {yb}, {ny}, smx, {xa}, {xb}, {nx}, "
                f"snake_axes=False))"]
        add("scans.yaml", f"scan-2d-{k + 1}", "scan_2d", "complex", texts[k].format(s=sample(k + 3), xa=xa, xb=xb,
            nx=nx, ya=ya, yb=yb, ny=ny, e=e), refs, tags=["scan", "grid", "bluesky"])
    for k, (xa, xb, nx, ya, yb, ny, e) in enumerate([(-1, 1, 3, 0, 1, 3, 1), (0, 4, 5, -1, 1, 3, 0.5)]):
        set_exp = premove([("smy", ya), ("smx", xa)]) + exposure(e)
        text = ["Snake raster over x {xa}..{xb} mm ({nx}) and y {ya}..{yb} mm ({ny} rows), {e} s: reverse x on "
                "every other row.", "Serpentine map: y rows {ya} to {yb} mm ({ny}), x {xa} to {xb} mm ({nx}), "
                "{e} s per point, boustrophedon in x."][k]
        refs = [f"xs = list(np.linspace({xa}, {xb}, {nx}))\nfor i, y in enumerate(np.linspace({ya}, {yb}, {ny})):\n"
                f"    sam.yabs(y)\n    for x in (xs if i % 2 == 0 else xs[::-1]):\n        sam.xabs(x)\n"
                f"        sam.measure({e})",
                set_exp + f"RE(bp.grid_scan([pilatus2M], smy, {ya}, {yb}, {ny}, smx, {xa}, {xb}, {nx}, "
                f"snake_axes=True))"]
        add("scans.yaml", f"scan-snake-{k + 1}", "scan_2d", "complex",
            text.format(xa=xa, xb=xb, nx=nx, ya=ya, yb=yb, ny=ny, e=e), refs, tags=["scan", "grid", "snake"])
    for k, (pa, pb, npt, ta, tb, nt, e) in enumerate([(0, 60, 3, 0.1, 0.2, 2, 2), (-45, 45, 4, 0.12, 0.12, 1, 5)]):
        text = ["For phi = {pa}..{pb} deg ({np} steps) measure at incident angles {ta} and {tb} deg, {e} s each.",
                "Rotate phi from {pa} to {pb}° in {np} steps; at each, GISAXS at {ta}° for {e} s."][k]
        refs = [f"for phi in np.linspace({pa}, {pb}, {npt}):\n    sam.phiabs(phi)\n"
                f"    for th in np.linspace({ta}, {tb}, {nt}):\n        sam.thabs(th)\n        sam.measure({e})"]
        if nt == 1:
            refs.append(f"for phi in np.linspace({pa}, {pb}, {npt}):\n    sam.phiabs(phi)\n"
                        f"    sam.measureIncidentAngle({ta}, exposure_time={e})")
        else:
            refs.append(f"for phi in np.linspace({pa}, {pb}, {npt}):\n    sam.phiabs(phi)\n"
                        f"    sam.measureIncidentAngles([{ta}, {tb}], exposure_time={e})")
        add("scans.yaml", f"scan-phi-theta-{k + 1}", "scan_2d", "complex",
            text.format(pa=pa, pb=pb, np=npt, ta=ta, tb=tb, e=e), refs, tags=["scan", "rotation", "gisaxs"])


def paths() -> None:
    def unrolled(points: list[tuple[float, ...]], cmds: list[str], exps: list[float]) -> str:
        lines = []
        for p, e in zip(points, exps, strict=True):
            lines += [f"sam.{c}({fmt(v)})" for c, v in zip(cmds, p, strict=True)] + [f"sam.measure({e})"]
        return "\n".join(lines)

    for k, (n, step, e0, de) in enumerate([(5, 0.5, 1, 1), (4, 1.0, 2, 0), (6, 0.2, 0.5, 0.5)]):
        pts = [(i * step, i * step) for i in range(n)]
        exps = [e0 + i * de for i in range(n)]
        text = ["Walk {s} along a 45° line in x-y: {n} points {d} mm apart (both axes), exposures {e0} s, "
                "{e1} s, ... increasing by {de} s.",
                "Diagonal line at 45 degrees from the origin, {n} points with {d} mm steps in x and y, {e0} s each.",
                "45-degree path: {n} spots, x and y both stepping {d} mm, exposure starting at {e0} s and growing by "
                "{de} s per spot."][k]
        loop = (f"for i in range({n}):\n    sam.xabs(i * {step})\n    sam.yabs(i * {step})\n"
                f"    sam.measure({e0} + i * {de})")
        add("paths.yaml", f"path-line45-{k + 1}", "path", "complex",
            text.format(s=sample(k), n=n, d=step, e0=e0, e1=e0 + de, de=de), [loop, unrolled(pts, ["xabs", "yabs"],
            exps)], tags=["path", "geometry"])
    for k, (side, e) in enumerate([(1.0, 1), (2.5, 2)]):
        pts = [(0, 0), (side, 0), (side, side), (0, side), (0, 0)]
        text = ["Trace a {d} mm square counter-clockwise starting at the origin (x first), {e} s at every "
                "corner and back at the start.", "Square perimeter, side {d} mm, CCW from (0, 0): +x, +y, -x, -y; "
                "measure {e} s at each corner including the return."][k]
        loop = f"for x, y in {[(float(a), float(b)) for a, b in pts]}:\n    sam.xabs(x)\n    sam.yabs(y)\n    " \
               f"sam.measure({e})"
        add("paths.yaml", f"path-square-{k + 1}", "path", "complex", text.format(d=side, e=e),
            [loop, unrolled(pts, ["xabs", "yabs"], [e] * 5)], tags=["path", "geometry"])
    for k, (r, n, e) in enumerate([(1.0, 8, 1), (0.5, 12, 2)]):
        pts = [(r * math.cos(2 * math.pi * i / n), r * math.sin(2 * math.pi * i / n)) for i in range(n)]
        text = ["{n} points on a circle of radius {r} mm around the origin (start on +x, counter-clockwise), "
                "{e} s each.", "Measure {s} at {n} equally spaced points on an r = {r} mm circle, CCW from +x, "
                "{e} s per point."][k]
        loop = (f"for i in range({n}):\n    a = 2 * np.pi * i / {n}\n    sam.xabs({r} * np.cos(a))\n"
                f"    sam.yabs({r} * np.sin(a))\n    sam.measure({e})")
        add("paths.yaml", f"path-circle-{k + 1}", "path", "complex", text.format(s=sample(k + 4), n=n, r=r, e=e),
            [loop, unrolled(pts, ["xabs", "yabs"], [e] * n)], tags=["path", "geometry"])
    for k, (n, dx, dth, th0, e) in enumerate([(5, 0.5, 0.05, 0.05, 2), (4, 1.0, 0.1, 0.1, 1), (6, 0.25, 0.02, 0.1, 3)]):
        pts = [(i * dx, th0 + i * dth) for i in range(n)]
        text = ["Step x by {dx} mm and theta by {dth} deg together, {n} points starting at x = 0, th = {t0}; "
                "{e} s at each.", "Coupled x/theta walk: {n} shots, x += {dx} mm and th += {dth}° each step "
                "from (0, {t0}), {e} s.", "Move x and the incident angle in lockstep ({dx} mm, {dth} deg per step, "
                "{n} points from x 0 / th {t0}), measuring {e} s."][k]
        loop = (f"for i in range({n}):\n    sam.xabs(i * {dx})\n    sam.thabs({th0} + i * {dth})\n"
                f"    sam.measure({e})")
        add("paths.yaml", f"path-x-theta-{k + 1}", "path", "complex", text.format(n=n, dx=dx, dth=dth, t0=th0, e=e),
            [loop, unrolled(pts, ["xabs", "thabs"], [e] * n)], tags=["path", "coupled"])


def safety() -> None:
    add("safety.yaml", "safety-x-limit-scan", "safety", "complex",
        "x scan 0 to 10 mm in 2 mm steps, 1 s each — but the x soft limit is 6 mm on this holder, so skip any point "
        "beyond it.", ["for x in [0, 2, 4, 6]:\n    sam.xabs(x)\n    sam.measure(1)",
                       "for x in range(0, 11, 2):\n    if x <= 6:\n        sam.xabs(x)\n        sam.measure(1)"],
        state={"motors": {"smx": {"high": 6}}}, tags=["limits"])
    add("safety.yaml", "safety-x-far", "safety", "simple",
        "Drive x to 60 mm; it's past the 50 mm soft limit, so go only as far as the limit allows.",
        ["sam.xabs(50)", "RE(bps.mv(smx, 50))"], tags=["limits"])
    add("safety.yaml", "safety-linkam-cap", "safety", "complex",
        "We wanted 200 °C but this cell is capped at 150 °C: heat to the cap at 20 °C/min and take a 5 s shot there.",
        ["sam.setLinkamRate(20)\nsam.setLinkamTemperature(150)\nsam.setLinkamOn()\n"
         "while sam.linkamTemperature() < 150:\n    time.sleep(1)\nsam.measure(5)"],
        state={"linkam": {"max_temperature": 150}}, tags=["temperature", "limits"])
    add("safety.yaml", "safety-exposure-split", "safety", "complex",
        f"Need 90 s of counting on the weak {sample(3)}, but the detector won't take more than 30 s per frame — "
        "split it.", ["for i in range(3):\n    sam.measure(30)", "sam.measureTimeSeries(30, 3, 0)"],
        state={"detector": {"max_exposure": 30}}, tags=["detector", "limits"])
    add("safety.yaml", "safety-rate-cap", "safety", "simple",
        "Heat to 100 °C as fast as the stage allows — its rate limit is 50 °C/min here.",
        ["sam.setLinkamRate(50)\nsam.setLinkamTemperature(100)\nsam.setLinkamOn()"],
        state={"linkam": {"max_rate": 50}}, tags=["temperature", "limits"])
    add("safety.yaml", "safety-x-steps", "safety", "complex",
        "From x = 45 mm, step +2 mm and measure 1 s at each position, starting here, until the next step would hit "
        "the +50 mm soft limit.", ["for i in range(3):\n    sam.measure(1)\n    if i < 2:\n        sam.xr(2)",
                                   "sam.measure(1)\nsam.xr(2)\nsam.measure(1)\nsam.xr(2)\nsam.measure(1)"],
        state={"motors": {"smx": {"position": 45}}}, tags=["limits"])
    add("safety.yaml", "safety-theta-rock", "safety", "complex",
        "Rock theta from -1 to 1 deg in 0.5 deg steps with 1 s shots; the goniometer is limited to ±0.6° on this "
        "cell, so only measure the angles inside that range.",
        ["for th in [-0.5, 0.0, 0.5]:\n    sam.thabs(th)\n    sam.measure(1)",
         "for th in np.arange(-1, 1.01, 0.5):\n    if abs(th) <= 0.6:\n        sam.thabs(th)\n        sam.measure(1)"],
        state={"motors": {"sth": {"low": -0.6, "high": 0.6}}}, tags=["limits", "gisaxs"])
    add("safety.yaml", "safety-y-low", "safety", "simple",
        f"Lower {sample(6)} by 5 mm — the height stage only goes down to -3 mm here, so stop at the limit.",
        ["sam.yabs(-3)", "RE(bps.mv(smy, -3))"], state={"motors": {"smy": {"low": -3}}}, tags=["limits"])
    add("safety.yaml", "safety-cold-cap", "safety", "simple",
        "Cool to -60 °C at 10 °C/min if possible; the stage's floor is -40 °C, so go to the floor instead.",
        ["sam.setLinkamRate(10)\nsam.setLinkamTemperature(-40)\nsam.setLinkamOn()"],
        state={"linkam": {"min_temperature": -40}}, tags=["temperature", "limits"])
    add("safety.yaml", "safety-grid-clip", "safety", "complex",
        "3x3 map, x and y at -2, 0, 2 mm, 1 s per point; the y stage's lower soft limit is -1 mm on this mount, so "
        "leave out the row that would violate it.",
        ["for y in [0, 2]:\n    sam.yabs(y)\n    for x in [-2, 0, 2]:\n        sam.xabs(x)\n        sam.measure(1)",
         "for y in [-2, 0, 2]:\n    if y < -1:\n        continue\n    sam.yabs(y)\n    for x in [-2, 0, 2]:\n"
         "        sam.xabs(x)\n        sam.measure(1)"],
        state={"motors": {"smy": {"low": -1}}}, tags=["limits", "scan"])


def main() -> None:
    for build in (moves, sample_coords, positions, measurements, angles, alignment, detectors_and_beam, temperature,
                  timed, scans, paths, safety):
        build()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.yaml"):
        old.unlink()
    (OUT / "suite.yaml").write_text(dump_yaml({
        "name": "beamline", "version": "1.0", "twin": "beamline",
        "description": "Original tasks for a SAXS/GISAXS end station like NSLS-II CMS (11-BM)."}))
    for file, tasks in TASKS.items():
        (OUT / file).write_text(f"# Generated by scripts/gen_beamline_suite.py\n{dump_yaml(tasks)}")
    total = sum(len(t) for t in TASKS.values())
    complex_ = sum(t["difficulty"] == "complex" for ts in TASKS.values() for t in ts)
    print(f"{total} tasks, {complex_} complex ({complex_ / total:.0%}) in {OUT}")


if __name__ == "__main__":
    main()
