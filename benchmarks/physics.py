"""Physics twin speed: zygote start, per-program overhead in the sandbox, recording and re-simulation cost,
against a bare `python -c pass` start and bare MuJoCo stepping measured in the same run.

Run: python benchmarks/physics.py [--no-docs]  (writes its table into docs/benchmarks.md unless --no-docs)
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from pathlib import Path

import mujoco

from _docs import markdown_table, write_section
from twin import median_wall
from twinbench.sandbox import Outcome, Sandbox
from twinbench.twins.physics import state
from twinbench.twins.physics.twin import PhysicsSimulator

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "physics"
PENDULUM = (EXAMPLES / "pendulum.py").read_text()
XML = PENDULUM.split('XML = """')[1].split('"""')[0]
STEPS = 10_000  # 20 s of the pendulum at 2 ms
LONG = PENDULUM.replace("data.time < 3.0", f"data.time < {STEPS * 0.002 - 1e-9}")
UNRECORDED = LONG.replace("mujoco.mj_step(model, data)", "mujoco._functions.mj_step(model, data)")


def bare_stepping() -> float:
    """Seconds for STEPS plain mj_step calls on the pendulum, in this process."""
    model = mujoco.MjModel.from_xml_string(XML)
    data = mujoco.MjData(model)
    data.qpos[0] = 0.5
    start = time.perf_counter()
    for _ in range(STEPS):
        mujoco.mj_step(model, data)
    return time.perf_counter() - start


def replay() -> tuple[float, int]:
    """Seconds the trusted side takes to rebuild and re-simulate STEPS steps of the pendulum (as a program's log
    of one initial state and STEPS steps), and the events it records."""
    twin = PhysicsSimulator()
    model = mujoco.MjModel.from_xml_string(XML)
    initial = state.get_state(model, mujoco.MjData(model))
    initial[1] = 0.5
    start = time.perf_counter()
    twin.handle("model", {"key": 0, "xml": XML, "last": True})
    twin.handle("log", {"records": [["sim", 0, 0], ["init", 0, 0, initial.tolist()], ["step", 0, STEPS]]})
    twin.finish()
    return time.perf_counter() - start, len(twin.events())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    baseline = median_wall(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 10)
    bare = min(bare_stepping() for _ in range(3))
    resim, events = min(replay() for _ in range(3))
    with Sandbox("physics") as sandbox:
        start = time.perf_counter()
        assert sandbox.run("pass").outcome is Outcome.OK
        first = time.perf_counter() - start
        empty = median_wall(lambda: sandbox.run("import mujoco"), 10)
        walls = {}
        cartpole = (EXAMPLES / "cartpole.py").read_text()
        for name, source in [("pendulum, 3 s (1,500 steps)", PENDULUM), ("pendulum, 20 s recorded", LONG),
                             ("pendulum, 20 s not recorded (internal mj_step)", UNRECORDED),
                             ("cart-pole with a controller, 4 s (2,000 steps)", cartpole)]:
            result = sandbox.run(source)
            assert result.outcome is Outcome.OK, (name, result.detail)
            walls[name] = median_wall(lambda source=source: sandbox.run(source), 5)
        isolation = sandbox.isolation

    def row(label: str, seconds: float) -> list[str]:
        return [label, f"{seconds * 1000:.1f} ms", f"{seconds / baseline:.2f}x"]

    rows = [row("bare `python -c pass` subprocess (median of 10)", baseline),
            row("physics zygote start (first run, less a later empty run)", max(first - empty, 0.0)),
            row("empty program (`import mujoco`) in the sandbox (median of 10)", empty)]
    rows += [row(f"{name} (median of 5)", wall) for name, wall in walls.items()]
    rows += [row(f"trusted re-simulation of 20 s: {STEPS:,} steps, {events:,} events "
                 f"({STEPS / resim:,.0f} steps/s)", resim),
             row(f"bare MuJoCo, {STEPS:,} mj_step calls in one process ({STEPS / bare:,.0f} steps/s)", bare)]
    recording = walls["pendulum, 20 s recorded"] - walls["pendulum, 20 s not recorded (internal mj_step)"]
    text = (f"Isolation: {isolation}. Recording and re-simulating 20 s of the pendulum adds "
            f"{recording * 1000:.0f} ms ({recording / STEPS * 1e6:.0f} us a step, both sides; "
            f"{math.ceil(resim / bare)}x bare stepping on the trusted side alone).\n\n")
    table = markdown_table(["measure", "wall", "vs bare start"], rows)
    print(text + table)
    if not args.no_docs:
        write_section("benchmarks.md", "physics", text + table)


if __name__ == "__main__":
    main()
