"""The physics suite checked with real MuJoCo, without the twin: references run and agree, tasks differ, and
wrong variants / equal rewrites of every task's first reference are classified (about 2,300 programs).

Run: python benchmarks/physics_suite.py [--family NAME] [--json] [--no-docs]
(writes its tables into docs/suites.md unless --no-docs or --family)
"""

from __future__ import annotations

import argparse
import json
import time

from _docs import markdown_table, write_section
from twinbench.tasks import load_suite
from twinbench.twins.physics.suite_check import STATE_ATOL, STATE_SHARE, read_horizons
from twinbench.twins.physics.suite_validity import check_references, check_variants
from twinbench.twins.physics.variants import EQUIVALENT, WRONG

WRONG_COLUMNS = ["detected", "by-params", "crashed", "missed", "noop", "n/a"]
EQUAL_COLUMNS = ["passed", "failed", "n/a"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", help="only the tasks of this category")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-docs", action="store_true", help="do not write into docs/suites.md")
    args = parser.parse_args()
    suite = load_suite("physics")
    tasks = [t for t in suite.tasks if args.family in (None, t.category)]
    horizons = read_horizons(suite.path)
    start = time.perf_counter()
    refs = check_references(tasks, horizons)
    variants = check_variants(tasks, horizons, WRONG, EQUIVALENT)
    seconds = time.perf_counter() - start
    figures = {
        "tasks": len(tasks), "references": refs.runs, "reference_errors": refs.errors,
        "tasks_agreeing": len(tasks) - len(refs.errors) - len(refs.disagreements),
        "disagreements": refs.disagreements, "task_pairs": refs.pairs, "same_pairs": refs.same_pairs,
        "wrong": {k: dict(variants.counts(k)) for k in WRONG},
        "equal": {k: dict(variants.counts(k)) for k in EQUIVALENT},
        "detected_by_trajectory": variants.rate(list(WRONG), ["detected", "crashed"], ["by-params", "missed"]),
        "detected_with_params": variants.rate(list(WRONG), ["detected", "crashed", "by-params"], ["missed"]),
        "equal_passed": variants.rate(list(EQUIVALENT), ["passed"], ["failed"]),
        "missed": [(r.task_id, r.kind, r.deviation) for r in variants.results if r.status == "missed"],
        "failed": [(r.task_id, r.kind, r.deviation) for r in variants.results if r.status == "failed"],
        "wall_seconds": round(seconds, 1),
    }
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    text = render(figures)
    print(text)
    if not (args.no_docs or args.family):
        write_section("suites.md", "physics_suite", text)


def render(f: dict) -> str:
    wrong = markdown_table(["wrong variant", *WRONG_COLUMNS], [
        [k, *(str(f["wrong"][k].get(c, 0)) for c in WRONG_COLUMNS)] for k in WRONG])
    equal = markdown_table(["equal rewrite", *EQUAL_COLUMNS], [
        [k, *(str(f["equal"][k].get(c, 0)) for c in EQUAL_COLUMNS)] for k in EQUIVALENT])
    agree, clean = f["tasks_agreeing"], f["references"] - sum(map(len, f["reference_errors"].values()))
    return "\n".join([
        f"{f['tasks']} task entries, {f['references']} references: {clean} run without error; the references "
        f"of {agree}/{f['tasks']} agree (every 0.1 s, named joints and "
        f"bodies within {STATE_ATOL} + {STATE_SHARE:.0%} of their range, chaotic tasks up to their horizon); "
        f"{f['task_pairs'] - len(f['same_pairs'])}/{f['task_pairs']} task pairs differ.", "",
        wrong, "", equal, "",
        f"Wrong variants detected by their trajectory (or a crash): {f['detected_by_trajectory']:.1%}; counting "
        f"changed model parameters too: {f['detected_with_params']:.1%}. Equal rewrites passed: "
        f"{f['equal_passed']:.1%}. ({f['wall_seconds']} s wall on a shared 2-core machine.)",
    ])


if __name__ == "__main__":
    main()
