"""The judge held against execution, written into docs/judge.md: a labelled calibration set from the physics and
beamline suites (the first task of each family), graded by the two replay judges (by execution, at random) and by
the embedded local judge (structured: a JSON grade held to the rubric's scale by a grammar) on the beamline set's
held-out split; then the SimBench sample's release grades against its human Pass, in the same format.

    python benchmarks/judge_agreement.py [--workdir DIR] [--no-local] [--no-docs]

Every figure comes from the `twinbench` commands printed as they run."""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

from _docs import write_section

ROOT = Path(__file__).resolve().parents[1]
SIMBENCH_SAMPLE = ROOT / "tests" / "data" / "simbench-sample"
SETS = {  # the first task of every physics system and of every beamline task family
    "physics": "arm-joint-pd-1,cable-hanging-chain-1,cloth-hammock-1,collision-bouncing-1,coupling-gear-pair-1,"
               "friction-incline-1,linkage-slider-crank-1,mass_spring_damper-series-1,particles-projectiles-1,"
               "pendulum-simple-1,rotor-spin-up-1,sensor-imu-pendulum-1,vehicle-car-1",
    "beamline": "align-1,align-average-1,incident-angle-1,incident-angles-1,angle-scan-1,detector-1,beam-1,"
                "measure-1,snap-1,time-series-1,multi-frame-1,spots-1,move-abs-x-1,move-abs-y-1,move-abs-th-1,"
                "move-abs-phi-1,move-rel-x-1,move-rel-y-1,move-rel-th-1,move-rel-phi-1,sample-coords-1,positions-1,"
                "path-line45-1,path-square-1,path-circle-1,path-x-theta-1,scan-1d-1,scan-2d-1,scan-snake-1,"
                "scan-phi-theta-1,heat-1,cool-1,ramp-measure-1,hold-cool-1,hold-ramp-down-1,timed-series-1,"
                "timed-alternate-1,timed-angle-1",
}
LOCAL_SUITES = ("beamline",)  # short programs: the 135M judge's prompts stay small on a loaded 2-core machine
LOCAL_MAX_TOKENS = 64  # the grade comes first; a bounded reason keeps the held-out pass to minutes
LOCAL_MAX_CHARS = 1500


def twinbench(*args: str) -> str:
    """Run one `twinbench` command (printed first) and return its standard output."""
    command = ["twinbench", *args]
    print("$", shlex.join(command), flush=True)
    done = subprocess.run([sys.executable, "-m", "twinbench", *args], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def calibration_tables(work: Path, local: bool) -> tuple[str, list[str]]:
    store = str(work / "calibration.sqlite")
    runs, commands = [], []
    for suite, tasks in SETS.items():
        out = twinbench("judge", "calibration-set", str(work / f"{suite}.json"), "--suite", suite, "--tasks", tasks,
                        "--seed", "0", "--store", store, "--cache-dir", str(work / "references"))
        run_id = re.search(r"stored as run (\S+)", out).group(1)  # type: ignore[union-attr]
        runs.append(run_id)
        models = {}
        for by, seed in (("execution", "0"), ("random", "1")):
            replay = work / f"{suite}-{by}.jsonl"
            twinbench("judge", "replay-judge", str(work / f"{suite}.json"), str(replay), "--by", by, "--seed", seed)
            models[f"replay-{by}"] = {"provider": "replay", "model": str(replay)}
        models_file = work / f"{suite}-judges.yaml"  # one judge name over both suites: their answers pool
        models_file.write_text(yaml.safe_dump({"models": models}), encoding="utf-8")
        judges = ["--models-file", str(models_file), *(a for name in models for a in ("--judge", name))]
        twinbench("judge", "run", run_id, *judges, "--scorer", "judge.replay", "--store", store)
        if local and suite in LOCAL_SUITES:
            twinbench("judge", "run", run_id, "--judge", "local:smollm2", "--split", "heldout", "--structured",
                      "--max-tokens", str(LOCAL_MAX_TOKENS), "--max-code-chars", str(LOCAL_MAX_CHARS), "--store", store)
    report = twinbench("judge", "agreement", *runs, "--store", store)
    commands.append(f"twinbench judge agreement {' '.join(runs)} --store calibration.sqlite")
    return report + "\n\n" + random_spread([work / f"{suite}.json" for suite in SETS]), commands


def random_spread(sets: list[Path], seeds: int = 1000) -> str:
    """How far a random judge's AUROC strays on these labels: the 2.5-97.5% range over many seeds, per split."""
    from twinbench.analysis.stats import auroc_rows
    from twinbench.judge.calset import SPLITS, CalibrationSet

    answers = [a for path in sets for a in CalibrationSet.load(path).answers]
    parts = []
    for split in SPLITS:
        labels = np.array([a.passed for a in answers if a.split == split])
        grades = np.random.default_rng(0).integers(0, 101, size=(seeds, len(labels)))
        lo, mid, hi = np.percentile(auroc_rows(grades.astype(float), np.tile(labels, (seeds, 1))), [2.5, 50, 97.5])
        parts.append(f"{split} ({len(labels)} answers) median {mid:.2f}, 95% of seeds in [{lo:.2f}, {hi:.2f}]")
    return f"A random judge's AUROC over {seeds} seeds on these labels: " + "; ".join(parts) + "."


def simbench_tables(work: Path) -> tuple[str, list[str]]:
    store = str(work / "simbench.sqlite")
    runs = json.loads(twinbench("import", "simbench", str(SIMBENCH_SAMPLE), "--workers", "1", "--json",
                                "--store", store))["runs"]
    report = twinbench("judge", "agreement", *runs, "--turns", "2,3", "--worst", "3", "--store", store)
    return report, ["twinbench import simbench tests/data/simbench-sample --store simbench.sqlite",
                    "twinbench judge agreement simbench/<every model> --turns 2,3 --store simbench.sqlite"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep the stores and sets here (default: a temporary folder)")
    parser.add_argument("--no-local", action="store_true", help="skip the embedded local judge")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/judge.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cal, cal_cmds = calibration_tables(work, not args.no_local)
        sim, sim_cmds = simbench_tables(work)
    print(cal)
    print(sim)
    if not args.no_docs:
        flags = " --no-local" if args.no_local else ""
        write_section("judge.md", "judge-calibration", f"```\n{' ; '.join(cal_cmds)}\n```\n\n{cal}",
                      f"judge_agreement.py{flags}")
        write_section("judge.md", "judge-simbench", f"```\n{' ; '.join(sim_cmds)}\n```\n\n{sim}",
                      f"judge_agreement.py{flags}")


if __name__ == "__main__":
    main()
