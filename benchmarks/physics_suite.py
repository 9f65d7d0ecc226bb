"""The physics suite's validity, through the physics twin in the sandbox: what `twinbench suite stats physics
--validity` computes (every reference runs, the references of a task pass against each other, no task's references
pass against another's; wrong variants of each task's first reference fail and score lower, equal rewrites pass),
as tables (about 2,250 programs).

Run: python benchmarks/physics_suite.py [--tasks GLOB ...] [--cache-dir DIR] [--json] [--save FILE] [--no-docs]
(writes its tables into docs/suites.md unless --no-docs or --tasks; --save keeps the figures as JSON, which
--load FILE renders again without running anything)
"""

from __future__ import annotations

import argparse
import dataclasses
import fnmatch
import json
import textwrap
from pathlib import Path

from _docs import markdown_table, write_section
from twinbench.cli.suite import suite_stats
from twinbench.tasks import load_suite
from twinbench.tasks.references import ReferenceRunner
from twinbench.twins import get_twin

WRONG_COLUMNS = ["detected", "missed", "noop", "n/a"]
EQUAL_COLUMNS = ["passed", "failed", "n/a"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", action="append", help="only tasks whose id matches this glob (repeatable)")
    parser.add_argument("--cache-dir", type=Path, help="cache the reference traces here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--save", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--load", type=Path, help="render the figures saved by --save instead of running")
    parser.add_argument("--no-docs", action="store_true", help="do not write into docs/suites.md")
    args = parser.parse_args()
    stats = json.loads(args.load.read_text(encoding="utf-8")) if args.load else run(args.tasks, args.cache_dir)
    if args.save:
        args.save.write_text(json.dumps(stats, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(stats, indent=1))
        return
    text = render(stats)
    print(text)
    if not (args.no_docs or args.tasks):
        write_section("suites.md", "physics_suite", text)


def fill(text: str) -> str:
    return textwrap.fill(text, 115)


def run(patterns: list[str] | None, cache_dir: Path | None) -> dict:
    """`suite_stats` with validity over the physics suite, or the tasks whose ids match one of `patterns`."""
    suite = load_suite("physics")
    if patterns:
        suite = dataclasses.replace(suite, tasks=[t for t in suite.tasks
                                                  if any(fnmatch.fnmatch(t.id, p) for p in patterns)])
    with ReferenceRunner(suite.twin, cache_dir) as runner:
        return suite_stats(suite, runner, validity=True)


def render(stats: dict) -> str:
    variants = get_twin("physics").variants()
    validity = stats["validity"]
    counts = validity["by_kind"]
    wrong = markdown_table(["wrong variant", *WRONG_COLUMNS], [
        [k, *(str(counts[k].get(c, 0)) for c in WRONG_COLUMNS)] for k in variants.wrong])
    equal = markdown_table(["equal rewrite", *EQUAL_COLUMNS], [
        [k, *(str(counts[k].get(c, 0)) for c in EQUAL_COLUMNS)] for k in variants.equivalent])
    consistent = stats["tasks"] - len(stats["inconsistent_tasks"])
    lines = [
        fill(f"{stats['tasks']} tasks, {stats['references']} references. Self-consistency: "
             f"{stats['self_consistency']:.1%} ({consistent}/{stats['tasks']} tasks: every reference runs clean and "
             f"passes against the others). Discrimination: {stats['discrimination']:.2%} of {stats['task_pairs']} "
             "ordered task pairs (no reference of one task passes against another's)."), "",
        wrong, "", equal, "",
        fill(f"Wrong variants detected (fail and score lower): **{validity['wrong_detected']:.1%}**; equal "
             f"rewrites passed: **{validity['equivalent_passed']:.1%}**. {stats['programs_run']} programs in "
             f"{stats['seconds']:.0f} s on a shared 2-core machine."),
    ]
    misses = [f"{task} ({kind})" for task, kind in validity["missed"]]
    problems = [f"{task}: {problem}" for task, problem in stats["inconsistent_tasks"].items()]
    if problems:
        lines += ["", fill("Inconsistent: " + "; ".join(problems))]
    if misses:
        lines += ["", fill("Missed or failed: " + ", ".join(misses))]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
