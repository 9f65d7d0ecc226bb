"""Checking a physics suite without the twin: run MuJoCo programs (references, variants) in worker subprocesses
and summarise the named state each one reaches, at its end and at chosen simulated times.

A summary holds the named joints' positions (hinge and slide angles and offsets, ball joints' quaternions, free
joints' positions; free joints' orientations apart), the named bodies' world positions, the named sensors' readings and
the model parameters of named elements (masses, joint types, damping and stiffness, actuator gains). The worker
finds the program's `mujoco.MjData` in its namespace after it ran (or, for a program that keeps it local, the
last one stepped) and records the chosen times by wrapping `mujoco.mj_step`.

Two runs agree when every named joint and body stays within STATE_ATOL plus STATE_SHARE of the range the
quantity covers in the reference run, at every compared time: a rotor that winds up 300 rad or a cart that
travels 5 m gets a wider band than a pendulum swinging 0.2 rad. Free bodies' orientations are not compared (a
rolling ball's orientation accumulates error legitimately); they only tell tasks apart.

    python -m twinbench.twins.physics.suite_check < jobs.json > summaries.json
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import json
import re
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PROGRAM_SECONDS = 30  # wall-time guard per program in the worker
STATE_KEYS = ("joints", "bodies")  # what two equal programs must agree on
CHECK_EVERY = 0.1  # s of simulated time between compared states
STATE_ATOL, STATE_SHARE = 0.02, 0.05  # m or rad, plus a share of the quantity's range in the reference run
HORIZON_COMMENT = re.compile(r"^- id: (\S+)\n\s+# horizon: ([0-9.]+)", re.MULTILINE)


@dataclass(frozen=True)
class Job:
    """A program and the simulated times (s) at which to summarise its state besides the end."""

    program: str
    times: Sequence[float] = ()


def _run_worker(jobs: Sequence[Job], timeout: float) -> list[dict[str, Any]]:
    payload = json.dumps([{"program": j.program, "times": list(j.times)} for j in jobs])
    proc = subprocess.run([sys.executable, "-m", "twinbench.twins.physics.suite_check"], input=payload,
                          capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"physics check worker failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def run_jobs(jobs: Sequence[Job], timeout: float = 600, workers: int = 1) -> list[dict[str, Any]]:
    """`workers` subprocesses (jobs dealt out in turn) run every job: [{"error", "final", "at": {time: summary}}],
    in the order of `jobs`."""
    shares = [list(jobs[k::workers]) for k in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        done = list(pool.map(lambda share: _run_worker(share, timeout), shares))
    return [done[i % workers][i // workers] for i in range(len(jobs))]


def state_at(result: dict[str, Any], time: float | None) -> dict[str, Any] | None:
    """The summary at `time` (None: the end); None when the program failed or never got there."""
    if result["error"]:
        return None
    return result["final"] if time is None else result["at"].get(str(float(time)))


def differences(a: dict[str, Any], b: dict[str, Any], atol: float, rtol: float = 0.0,
                keys: Sequence[str] = STATE_KEYS, extra: Mapping[str, np.ndarray] | None = None) -> list[str]:
    """The named quantities (`key.name`) on which two summaries differ: a name only one has, or values beyond
    atol + rtol * |value| + extra[`key.name`]."""
    out = []
    for key in keys:
        for name in sorted(a[key].keys() | b[key].keys()):
            va, vb = a[key].get(name), b[key].get(name)
            if va is None or vb is None or len(va) != len(vb):
                out.append(f"{key}.{name}")
                continue
            bound = atol + rtol * np.abs(vb) + (extra or {}).get(f"{key}.{name}", 0.0)
            if np.any(np.abs(np.subtract(va, vb)) > bound):
                out.append(f"{key}.{name}")
    return out


def simulated_duration(program: str) -> float | None:
    """T of the program's `while data.time < T:` loop (None without one)."""
    for node in ast.walk(ast.parse(program)):
        if isinstance(node, ast.While) and isinstance(node.test, ast.Compare) and ".time" in ast.unparse(
                node.test.left) and isinstance(node.test.comparators[0], ast.Constant):
            return float(node.test.comparators[0].value)
    return None


def check_times(duration: float, horizon: float | None = None) -> list[float]:
    """The simulated times at which two runs are compared: every CHECK_EVERY s up to the end, or up to the
    horizon of a chaotic task."""
    end = min(duration, horizon) if horizon else duration
    return [round(CHECK_EVERY * k, 6) for k in range(1, int(end / CHECK_EVERY + 1e-9) + 1)]


def read_horizons(suite_dir: Path) -> dict[str, float]:
    """Task id -> horizon (s) from the `# horizon: S` comments under a task's id in the suite's YAML files."""
    found: dict[str, float] = {}
    for path in sorted(suite_dir.glob("*.yaml")):
        found |= {m[1]: float(m[2]) for m in HORIZON_COMMENT.finditer(path.read_text(encoding="utf-8"))}
    return found


def motion_ranges(run: dict[str, Any], times: Sequence[float],
                  keys: Sequence[str] = STATE_KEYS) -> dict[str, np.ndarray]:
    """`key.name` -> the range (max - min) of each component over the compared times of a run."""
    states = [s for t in times if (s := state_at(run, t)) is not None]
    out = {}
    for key in keys:
        for name in states[0][key] if states else ():
            values = np.array([s[key][name] for s in states if len(s[key].get(name, ())) == len(states[0][key][name])])
            out[f"{key}.{name}"] = np.ptp(values, axis=0)
    return out


def trajectory_differences(reference: dict[str, Any], other: dict[str, Any], times: Sequence[float],
                           keys: Sequence[str] = STATE_KEYS) -> list[str]:
    """`time:quantity` for every compared time at which a run leaves the reference's band (STATE_ATOL plus
    STATE_SHARE of the quantity's range in the reference); a run that failed or stopped early differs."""
    extra = {k: STATE_SHARE * r for k, r in motion_ranges(reference, times, keys).items()}
    out = []
    for t in times:
        sa, sb = state_at(reference, t), state_at(other, t)
        if sa is None or sb is None:
            out.append(f"{t}:missing")
        else:
            out += [f"{t}:{d}" for d in differences(sa, sb, STATE_ATOL, keys=keys, extra=extra)]
    return out


# ---------------------------------------------------------------- worker side (runs in the subprocess)


def _named(model: Any, kind: str, count: int) -> list[tuple[int, str]]:
    return [(i, n) for i in range(count) if (n := getattr(model, kind)(i).name)]


def summarise(mujoco: Any, model: Any, data: Any) -> dict[str, Any]:
    """Named joints, bodies, sensors and masses of a state (on a copy brought up to date by mj_forward)."""
    d = copy.copy(data)
    mujoco.mj_forward(model, d)
    joints, orientations = {}, {}
    for i, n in _named(model, "joint", model.njnt):
        adr, kind = model.jnt_qposadr[i], int(model.jnt_type[i])  # 0 free, 1 ball, 2 slide, 3 hinge
        if kind == 0:
            joints[n], orientations[n] = d.qpos[adr:adr + 3].tolist(), d.qpos[adr + 3:adr + 7].tolist()
        elif kind == 1:
            joints[n] = d.qpos[adr:adr + 4].tolist()
        else:
            joints[n] = [float(d.qpos[adr])]
    sensors = {n: d.sensordata[model.sensor_adr[i]:model.sensor_adr[i] + model.sensor_dim[i]].tolist()
               for i, n in _named(model, "sensor", model.nsensor)}
    bodies = _named(model, "body", model.nbody)
    return {"time": float(d.time), "joints": joints, "orientations": orientations, "sensors": sensors,
            "bodies": {n: d.xpos[i].tolist() for i, n in bodies}, "params": parameters(model)}


def parameters(model: Any) -> dict[str, list[float]]:
    """Named bodies' masses, named joints' types, damping and stiffness, named actuators' gains and gears."""
    out = {f"mass:{n}": [float(model.body_mass[i])] for i, n in _named(model, "body", model.nbody)}
    for i, n in _named(model, "joint", model.njnt):
        dof = model.jnt_dofadr[i]
        out[f"joint:{n}"] = [float(model.jnt_type[i]), float(model.dof_damping[dof]), float(model.jnt_stiffness[i])]
    for i, n in _named(model, "actuator", model.nu):
        out[f"actuator:{n}"] = [float(model.actuator_gainprm[i, 0]), *map(float, model.actuator_biasprm[i, 1:3]),
                                float(model.actuator_gear[i, 0])]
    return out


class _Recorder:
    """Wraps mujoco.mj_step: remembers the last (model, data) stepped and summarises at the chosen times."""

    def __init__(self, mujoco: Any, times: Sequence[float]) -> None:
        self.mujoco, self.step = mujoco, mujoco.mj_step
        self.pending = sorted(float(t) for t in times)
        self.at: dict[str, Any] = {}
        self.last: tuple[Any, Any] | None = None

    def __call__(self, model: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        self.step(model, data, *args, **kwargs)
        self.last = (model, data)
        while self.pending and data.time >= self.pending[0] - 1e-9:
            self.at[str(self.pending.pop(0))] = summarise(self.mujoco, model, data)


def _final(mujoco: Any, namespace: dict[str, Any], recorder: _Recorder) -> dict[str, Any]:
    datas = [v for v in namespace.values() if isinstance(v, mujoco.MjData)]
    if recorder.last is None:
        raise RuntimeError("the program never called mujoco.mj_step")
    model, data = recorder.last
    if len(datas) == 1 and datas[0] is not data:
        models = [v for v in namespace.values() if isinstance(v, mujoco.MjModel)]
        model, data = (models[0] if len(models) == 1 else model), datas[0]
    return summarise(mujoco, model, data)


def _timeout(*_: Any) -> None:
    raise TimeoutError(f"ran longer than {PROGRAM_SECONDS} s")


def run_one(mujoco: Any, program: str, times: Sequence[float]) -> dict[str, Any]:
    recorder = _Recorder(mujoco, times)
    mujoco.mj_step = recorder
    namespace: dict[str, Any] = {"__name__": "__main__"}
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(PROGRAM_SECONDS)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(program, "<program>", "exec"), namespace)
        return {"error": None, "final": _final(mujoco, namespace, recorder), "at": recorder.at}
    except Exception as exc:  # any failure of the program is its result
        return {"error": f"{type(exc).__name__}: {exc}", "final": None, "at": recorder.at}
    finally:
        signal.alarm(0)
        mujoco.mj_step = recorder.step


def main() -> None:
    import warnings

    import mujoco

    warnings.simplefilter("ignore")
    jobs = json.loads(sys.stdin.read())
    results = [run_one(mujoco, job["program"], job["times"]) for job in jobs]
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
