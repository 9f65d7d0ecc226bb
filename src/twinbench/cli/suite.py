"""`twinbench suite stats` and `twinbench suite import-envtrace`: task suites."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from twinbench.cli.app import app, console
from twinbench.cli.options import SUITE_HELP, TwinOption, text_file

if TYPE_CHECKING:
    from twinbench.tasks.references import ReferenceRunner
    from twinbench.tasks.suite import Suite

suite_app = typer.Typer(help="Task suites: statistics, checks, import.", no_args_is_help=True)
app.add_typer(suite_app, name="suite")


def suite_stats(suite: Suite, runner: ReferenceRunner, validity: bool = False) -> dict[str, Any]:
    """Size, category and difficulty counts, self-consistency and discrimination (and validity) as data."""
    from twinbench.tasks.checks import check_suite
    from twinbench.tasks.validity import check_validity

    started = time.monotonic()
    checked = check_suite(suite, runner)
    stats: dict[str, Any] = {
        "suite": suite.name, "version": suite.version, "twin": suite.twin, "tasks": len(suite.tasks),
        "references": sum(len(t.references) for t in suite.tasks),
        "categories": suite.counts("category"), "difficulty": suite.counts("difficulty"),
        "complex_share": suite.counts("difficulty").get("complex", 0) / len(suite.tasks),
        "self_consistency": checked.self_consistency,
        "inconsistent_tasks": {t.task_id: {"unclean": t.unclean, "empty": t.empty, "failing_pairs": t.failing_pairs}
                               for t in checked.tasks if not t.ok},
        "discrimination": checked.discrimination, "task_pairs": checked.pairs,
        "confusions": [list(p) for p in checked.confusions],
    }
    if validity:
        report = check_validity(suite.tasks, runner)
        stats["validity"] = {
            "wrong_detected": report.wrong_detection_rate, "equivalent_passed": report.equivalent_pass_rate,
            "by_kind": {k: dict(report.counts(k)) for k in report.kinds},
            "missed": [[r.task_id, r.kind] for r in report.results if r.status in ("missed", "failed")],
        }
    stats["programs_run"] = runner.runs
    stats["seconds"] = round(time.monotonic() - started, 2)
    return stats


def _show(stats: dict[str, Any]) -> None:
    console.print(f"[bold]{stats['suite']}[/] v{stats['version']}: {stats['tasks']} tasks, "
                  f"{stats['references']} references, {stats['complex_share']:.0%} complex; twin {stats['twin']}",
                  highlight=False)
    table = Table(title="Tasks per category")
    table.add_column("category")
    table.add_column("tasks", justify="right")
    for category, n in stats["categories"].items():
        table.add_row(category, str(n))
    console.print(table)
    console.print("Difficulty: " + ", ".join(f"{k} {v}" for k, v in stats["difficulty"].items()), highlight=False)
    console.print(f"Self-consistency: {stats['self_consistency']:.1%} of tasks "
                  f"(references run clean and pass each other)", highlight=False)
    for task_id, problem in stats["inconsistent_tasks"].items():
        console.print(f"  [red]{task_id}[/]: {problem}", highlight=False)
    console.print(f"Discrimination: {stats['discrimination']:.2%} of {stats['task_pairs']} ordered task pairs "
                  f"(no reference of one task passes against another's)", highlight=False)
    for a, b in stats["confusions"]:
        console.print(f"  [red]{b}[/] passes against {a}", highlight=False)
    if "validity" in stats:
        v = stats["validity"]
        console.print(f"Validity: wrong variants detected {v['wrong_detected']:.1%}, equal rewrites passed "
                      f"{v['equivalent_passed']:.1%}", highlight=False)
        for kind, counts in v["by_kind"].items():
            console.print(f"  {kind}: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())), highlight=False)
    console.print(f"{stats['programs_run']} programs run in {stats['seconds']} s", highlight=False)


@suite_app.command("stats")
def stats_command(
    suite: Annotated[str | None, typer.Argument(help=SUITE_HELP, show_default=False)] = None,
    twin: TwinOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    validity: Annotated[bool, typer.Option("--validity", help="Also run the wrong/equal variants.")] = False,
    cache_dir: Annotated[Path | None, typer.Option(help="Cache reference traces here (keyed by twin code).")] = None,
) -> None:
    """Suite size, category and difficulty counts, self-consistency and discrimination rates."""
    from twinbench.tasks.references import ReferenceRunner
    from twinbench.tasks.suite import DEFAULT_SUITE, load_suite

    loaded = load_suite(suite or DEFAULT_SUITE, twin)
    with ReferenceRunner(loaded.twin, cache_dir) as runner:
        stats = suite_stats(loaded, runner, validity)
    if json_out:
        typer.echo(json.dumps(stats, indent=2))
    else:
        _show(stats)


@suite_app.command("import-envtrace")
def import_envtrace_command(
    file: Annotated[Path, typer.Argument(help="A dataset in the EnvTrace format (JSON list).", callback=text_file)],
    out_dir: Annotated[Path, typer.Argument(help="The suite folder to create.")],
    name: Annotated[str | None, typer.Option(help="Suite name (default: the folder name).")] = None,
    version: Annotated[str, typer.Option(help="Suite version.")] = "1",
    twin: Annotated[str | None, typer.Option("--twin", help="The twin the suite runs on (written to suite.yaml); "
                                             "default: the default twin.")] = None,
) -> None:
    """Import a task set in the published EnvTrace format as a suite folder."""
    from twinbench.tasks.envtrace_import import import_envtrace
    from twinbench.twins import DEFAULT_TWIN, get_twin

    tasks = import_envtrace(file, out_dir, name, version, get_twin(twin or DEFAULT_TWIN).name)
    complex_ = sum(t.difficulty == "complex" for t in tasks)
    console.print(f"Imported {len(tasks)} tasks ({complex_} complex) into {out_dir}", highlight=False)
