"""`twinbench import simbench DIR`: a published SimBench release into the results store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twinbench.cli.app import app, console
from twinbench.cli.options import DEFAULT_STORE, StoreOption, open_store
from twinbench.errors import InputError

import_app = typer.Typer(help="Import published benchmark releases into the results store.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("simbench")
def simbench(
    directory: Annotated[Path, typer.Argument(help="Release root: demo_data/, output_llms/, statistics/.")],
    prefix: Annotated[str, typer.Option("--prefix", help="Run ids are PREFIX/<model>.")] = "simbench",
    workers: Annotated[int, typer.Option("--workers", min=1, help="Processes for CodeBLEU and ROUGE.")] = 2,
    json_out: Annotated[bool, typer.Option("--json", help="Print the import report as JSON.")] = False,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Suite + one run per model; every judge output parsed, CodeBLEU and ROUGE recomputed and compared."""
    if not directory.is_dir():
        raise InputError(str(directory), "no such folder")
    from twinbench.imports.simbench import import_simbench

    report = import_simbench(directory, open_store(store), prefix=prefix, workers=workers)
    if json_out:
        console.print_json(report.model_dump_json())
        return
    unmatched = "; ".join(f"{f}: {', '.join(names)}" for f, names in report.unmatched.items()) or "none"
    console.print(
        f"[bold]{len(report.runs)} runs[/] ({report.cells} cells) under {prefix}/ in {store}\n"
        f"judge outputs: {report.judge_outputs}, parsed {report.judge_parsed} ({report.judge_flagged} flagged), "
        f"failed {len(report.judge_failed)}\n"
        f"grades vs LLM.csv: {report.csv_grades_compared - len(report.csv_grade_mismatches)}/"
        f"{report.csv_grades_compared} equal\n"
        f"CodeBLEU vs evaluation_results.csv: {report.codebleu_equal}/{report.codebleu_compared} equal "
        f"({report.codebleu_share_equal:.1%}), largest difference {report.codebleu_max_diff:.4f}\n"
        f"ROUGE-L/Lsum equal: {report.rouge_equal}/{report.rouge_compared}\n"
        f"model names without responses: {unmatched}",
        soft_wrap=True,
        highlight=False,
    )
    for failure in report.judge_failed:
        console.print(f"  parse failure: {failure}", soft_wrap=True, highlight=False)
