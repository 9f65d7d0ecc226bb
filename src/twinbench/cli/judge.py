"""`twinbench judge run|calibrate|calibration-set|replay-judge|agreement|parse`: the rubric LLM judge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from twinbench.cli.app import app, console, err_console
from twinbench.cli.options import (
    DEFAULT_STORE,
    StoreOption,
    chain_mode,
    model_specs,
    open_store,
    sqlite_path,
    text_file,
    writable_target,
)
from twinbench.errors import InputError

if TYPE_CHECKING:
    from twinbench.judge import Variant
    from twinbench.store import Store

judge_app = typer.Typer(
    help="Rubric LLM judge: grade answers, calibrate the judge, parse judge outputs.", no_args_is_help=True
)
app.add_typer(judge_app, name="judge")

JudgeOption = Annotated[
    list[str],
    typer.Option("--judge", "-j", help="Judge model spec or models-file name; repeat for a panel.",
                 callback=model_specs),
]
VariantOption = Annotated[str, typer.Option("--variant", help="ref, doc or ref_doc.")]
DocOption = Annotated[
    Path | None, typer.Option("--doc", help="API documentation text (doc and ref_doc variants).", callback=text_file)
]
RubricOption = Annotated[
    Path | None,
    typer.Option("--rubric", help="Rubric YAML (templates relative to it; default: the built-in rubric).",
                 callback=text_file),
]
ModelsFileOption = Annotated[
    Path | None, typer.Option("--models-file", help="YAML file of named models.", callback=text_file)
]
CacheOption = Annotated[
    Path | None,
    typer.Option("--cache", help="Response cache (SQLite) shared with generation.", callback=sqlite_path),
]
MaxTokens = Annotated[
    int | None, typer.Option("--max-tokens", min=1, help="Judge answer budget (default: the judge's setting).")
]
Temperature = Annotated[float, typer.Option("--temperature")]
Seed = Annotated[int, typer.Option("--seed")]
MaxChars = Annotated[
    int | None, typer.Option("--max-code-chars", min=1, help="Cut each program to this many characters.")
]
StructuredOption = Annotated[
    bool,
    typer.Option("--structured", help="Grades as JSON {grade, reason}, held to the rubric's scale by the provider's "
                                      "structured output (JSON schema); parsed as JSON, not by the grade marker."),
]
ThresholdOption = Annotated[float, typer.Option("--threshold", help="A grade at least this is the judge's pass.")]
BootOption = Annotated[int, typer.Option("--boot", min=1, help="Bootstrap resamples.")]


def _rubric(path: Path | None):
    from twinbench.judge import Rubric
    from twinbench.judge.rubric import DEFAULT_RUBRIC

    return Rubric.load(path or DEFAULT_RUBRIC)


def _settings(temperature: float, max_tokens: int | None, seed: int):
    from twinbench.judge import JUDGE_SETTINGS
    from twinbench.models import GenerationSettings

    return GenerationSettings(temperature=temperature, max_tokens=max_tokens or JUDGE_SETTINGS.max_tokens, seed=seed)


def _cache(path: Path | None):
    from twinbench.models import ResponseCache

    return ResponseCache(path) if path else None


def _variant(value: str) -> Variant:
    if value not in ("ref", "doc", "ref_doc"):
        raise InputError("--variant", f"'{value}' is not one of ref, doc, ref_doc")
    return value  # type: ignore[return-value]


def _providers(judges: list[str], models_file: Path | None) -> dict:
    from twinbench.models import make_provider, resolve_spec

    specs = [resolve_spec(j, models_file) for j in (judges or [None])]
    return {spec.name: make_provider(spec) for spec in specs}


def _with_providers(judges: list[str], models_file: Path | None, work):
    """Run `work(providers)` (a coroutine factory) with the judges' providers, closing them afterwards."""
    import asyncio

    async def go():
        providers = _providers(judges, models_file)
        try:
            return await work(providers)
        finally:
            for provider in providers.values():
                await provider.aclose()

    return asyncio.run(go())


def _doc_text(doc: Path | None) -> str | None:
    if doc is None:
        return None
    try:
        return doc.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(doc), f"cannot read documentation: {exc}") from None


def _answers(db: Store, run_id: str, references: Path | None, split: str | None) -> list:
    """The judge items of every answered cell of a run (only `split`'s, when given), with their references."""
    from twinbench.judge import JudgeItem
    from twinbench.judge.references import reference_for
    from twinbench.runner.extract import extract_code
    from twinbench.store import Cell

    ref_for = reference_for(db, run_id, references)
    splits = db.run(run_id).config.get("splits") or {}
    if split is not None and split not in set(splits.values()):
        have = ", ".join(sorted(set(splits.values()))) or "none"
        raise InputError("--split", f"run {run_id} has no split '{split}' (has: {have})")
    return [JudgeItem(cell=Cell(model=row["model"], task=row["task"], turn=row["turn"], sample=row["sample"]),
                      candidate=extract_code(row["text"]).code, reference=ref_for(row["task"], row["turn"]))
            for row in db.result_rows(run_id)
            if row["status"] == "ok" and row["text"] and (split is None or splits.get(row["task"]) == split)]


def _need_references(run_id: str, variant: str, items: list) -> None:
    if "ref" in variant.split("_") and any(i.reference is None for i in items):
        raise InputError(run_id, f"variant '{variant}' needs a reference for every cell (use --references DIR)")


def _chain_option(value: str | None) -> str | None:
    return None if value is None else chain_mode(value)


def _run_chains(db: Store, run_id: str, mode: str, model: str | None, suite_from: str | None, samples: int,
                models_file: Path | None, cache: Path | None) -> int:
    """Run (or resume) RUN_ID as the chains of `model` over the suite `suite_from` (or RUN_ID) names; returns how
    many turns were asked for."""
    from twinbench.judge import TaskSuite, run_chains

    if model is None:
        raise InputError("--model", "--chain needs the model whose chains to run")
    source = suite_from or run_id
    try:
        sha = db.run(source).config.get("suite_sha")
    except InputError:
        if suite_from is None:
            raise InputError("--suite-from", f"run {run_id} does not exist yet: name the run of its suite") from None
        raise
    if sha is None:
        raise InputError("--suite-from", f"run {source} names no chain suite (its config has no suite_sha)")
    suite = TaskSuite.from_store(db, sha)
    return _with_providers(
        [model], models_file,
        lambda providers: run_chains(db, run_id, next(iter(providers.values())), suite, mode,  # type: ignore[arg-type]
                                     samples=samples, cache=_cache(cache)),
    )


@judge_app.command("run")
def judge_run(
    run_id: Annotated[str, typer.Argument(help="Run whose answers to judge.")],
    judge: JudgeOption = None,  # type: ignore[assignment]
    variant: VariantOption = "ref",
    doc: DocOption = None,
    references: Annotated[Path | None, typer.Option("--references", help="Folder of <task>.py references.")] = None,
    rubric: RubricOption = None,
    models_file: ModelsFileOption = None,
    cache: CacheOption = None,
    max_tokens: MaxTokens = None,
    temperature: Temperature = 0.0,
    seed: Seed = 0,
    max_code_chars: MaxChars = None,
    scorer: Annotated[
        str | None, typer.Option("--scorer", help="Score name (default judge.VARIANT); keep imported grades.")
    ] = None,
    split: Annotated[
        str | None, typer.Option("--split", help="Only the answers of this split of a calibration set (dev, heldout).")
    ] = None,
    chain: Annotated[
        str | None,
        typer.Option("--chain", callback=_chain_option,
                     help="First run (or resume) RUN_ID as multi-turn chains of --model: a later turn starts from "
                          "the expert's code (expert) or the model's own previous answer (own)."),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="With --chain: the model whose chains to run.",
                                 callback=model_specs)
    ] = None,
    suite_from: Annotated[
        str | None,
        typer.Option("--suite-from", help="With --chain: a run whose config names the chain suite (e.g. an "
                                          "imported SimBench run); default: RUN_ID's own."),
    ] = None,
    samples: Annotated[int, typer.Option("--samples", min=1, help="With --chain: chains per task.")] = 1,
    structured: StructuredOption = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Judge every answered cell of RUN_ID; grades go to a judge run and the panel mean back onto RUN_ID."""
    from twinbench.cli.run import cells_left, stopping_cleanly
    from twinbench.judge import judge_items, judge_run_id

    kind = _variant(variant)
    rub = _rubric(rubric)
    db = open_store(store, must_exist=True)
    if chain is not None:
        with stopping_cleanly(lambda: cells_left(db, run_id)):
            asked = _run_chains(db, run_id, chain, model, suite_from, samples, models_file, cache)
        (err_console if json_out else console).print(f"[bold]{run_id}[/]: {asked} turns asked ({chain} chains)")
    elif model is not None or suite_from is not None:
        raise InputError("--model" if model else "--suite-from", "only used with --chain")
    items = _answers(db, run_id, references, split)
    _need_references(run_id, kind, items)
    settings = _settings(temperature, max_tokens, seed)
    doc_text = _doc_text(doc)
    with stopping_cleanly(lambda: cells_left(db, judge_run_id(run_id, scorer or f"judge.{kind}"))):
        summary = _with_providers(
            judge,
            models_file,
            lambda providers: judge_items(
                db,
                run_id,
                items,
                providers,
                rub,
                kind,
                doc=doc_text,
                settings=settings,
                cache=_cache(cache),
                max_code_chars=max_code_chars,
                scorer=scorer,
                structured=structured,
            ),
        )
    if json_out:
        console.print_json(summary.model_dump_json())
        return
    console.print(
        f"[bold]{summary.run_id}[/]: {summary.calls} judge calls, {summary.parsed} parsed "
        f"({summary.flagged} flagged), {summary.failed} failed; panel grade written to {run_id} "
        f"as {summary.scorer}",
        soft_wrap=True,
    )
    if summary.agreement is not None:
        console.print(f"inter-judge Krippendorff alpha (interval): {summary.agreement.krippendorff_alpha_interval}")


@judge_app.command("tune")
def judge_tune(
    run_id: Annotated[str, typer.Argument(help="A calibration set's run (judge calibration-set): its dev split.")],
    judge: JudgeOption = None,  # type: ignore[assignment]
    variant: Annotated[
        list[str], typer.Option("--variant", help="Prompt variants to compare (default: ref, and doc, ref_doc "
                                                  "when --doc is given).")
    ] = None,  # type: ignore[assignment]
    rubric: Annotated[
        list[Path], typer.Option("--rubric", help="Rubric YAML files to compare (default: the built-in rubric).",
                                 callback=lambda paths: [text_file(p) for p in paths or []])
    ] = None,  # type: ignore[assignment]
    doc: DocOption = None,
    models_file: ModelsFileOption = None,
    cache: CacheOption = None,
    max_tokens: MaxTokens = None,
    seed: Seed = 0,
    threshold: ThresholdOption = 50.0,
    boot: BootOption = 2000,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the comparison and the choice (JSON).",
                                  callback=writable_target)
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Choose a judge prompt on the dev split only: every variant x rubric grades the dev answers and the one with
    the highest AUROC against execution Pass is chosen. Held-out answers are never judged here."""
    from twinbench.cli.run import stopping_cleanly
    from twinbench.judge.tune import tune

    variants = [_variant(v) for v in variant or (["ref", "doc", "ref_doc"] if doc else ["ref"])]
    rubrics = [_rubric(p) for p in rubric or [None]]
    db = open_store(store, must_exist=True)
    items = _answers(db, run_id, None, None)
    for v in variants:
        _need_references(run_id, v, items)
    doc_text = _doc_text(doc)
    if doc_text is None and any("doc" in v.split("_") for v in variants):
        raise InputError("--doc", "the doc and ref_doc variants need the API documentation (--doc FILE)")
    with stopping_cleanly(lambda: "judge runs keep every finished grade"):
        result = _with_providers(judge, models_file, lambda providers: tune(
            db, run_id, items, providers, [(v, r) for r in rubrics for v in variants], doc=doc_text,
            settings=_settings(0.0, max_tokens, seed), cache=_cache(cache), threshold=threshold, n_boot=boot,
            seed=seed))
    if out is not None:
        out.write_text(result.model_dump_json(indent=2), encoding="utf-8")
    if json_out:
        console.print_json(result.model_dump_json())
        return
    rows = [[c.variant, c.rubric, f"{c.graded}/{c.answers}", _est(c.auroc), _est(c.accuracy),
             "chosen" if c.scorer == result.chosen else ""] for c in result.candidates]
    from twinbench.report.leaderboard import markdown_table

    typer.echo(f"Prompt candidates on the {result.split} split of {run_id} (judges: {', '.join(result.judges)}; "
               f"pass = grade >= {threshold:g}):\n\n"
               + markdown_table(["variant", "rubric", "graded", "AUROC", "accuracy", ""], rows))
    if result.chosen is None:
        typer.echo("No candidate gave a grade: nothing chosen.")


@judge_app.command("calibrate")
def judge_calibrate(
    references: Annotated[Path, typer.Option("--references", help="Folder of .py files or a SimBench release.")],
    judge: JudgeOption = None,  # type: ignore[assignment]
    variant: VariantOption = "ref",
    doc: DocOption = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Use the N smallest references.")] = None,
    kind: Annotated[
        list[str], typer.Option("--kind", help="Perturbation kinds (default: all of them).")
    ] = None,  # type: ignore[assignment]
    severity: Annotated[list[str], typer.Option("--severity", help="mild and/or severe (default both).")] = None,  # type: ignore[assignment]
    expert_csv: Annotated[
        Path | None, typer.Option("--expert-csv", help="CSV case_id,score of expert grades.", callback=text_file)
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the agreement report (JSON).", callback=writable_target)
    ] = Path("calibration.json"),
    rubric: RubricOption = None,
    models_file: ModelsFileOption = None,
    cache: CacheOption = None,
    max_tokens: MaxTokens = None,
    seed: Seed = 0,
    max_code_chars: MaxChars = None,
    boot: Annotated[int, typer.Option("--boot", min=1, help="Bootstrap resamples for the CIs.")] = 2000,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Judge references and perturbed variants of known kind and severity; write the agreement report."""
    from twinbench.judge import KINDS, SEVERITIES, calibrate, make_cases, read_expert_scores, read_references

    kinds = kind or list(KINDS)
    severities = severity or list(SEVERITIES)
    for k in kinds:
        if k not in KINDS:
            raise InputError("--kind", f"'{k}' is not one of {', '.join(KINDS)}")
    for s in severities:
        if s not in SEVERITIES:
            raise InputError("--severity", f"'{s}' is not mild or severe")
    cases = make_cases(read_references(references, limit), kinds, severities, seed)  # type: ignore[arg-type]
    expert = read_expert_scores(expert_csv, {c.case_id for c in cases}) if expert_csv else None
    rub, kind_v, doc_text = _rubric(rubric), _variant(variant), _doc_text(doc)
    settings = _settings(0.0, max_tokens, seed)
    db = open_store(store)
    report = _with_providers(
        judge,
        models_file,
        lambda providers: calibrate(
            db,
            cases,
            providers,
            rub,
            kind_v,
            expert=expert,
            doc=doc_text,
            settings=settings,
            cache=_cache(cache),
            max_code_chars=max_code_chars,
            n_boot=boot,
            seed=seed,
        ),
    )
    out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    from rich.table import Table

    table = Table("case", "level", "target", "grade")
    for case in report.cases:
        table.add_row(case.case_id, case.level, f"{case.target:g}", "-" if case.grade is None else f"{case.grade:g}")
    console.print(table)
    console.print(
        f"{report.graded}/{len(report.cases)} graded; Spearman {_est(report.spearman)}, "
        f"Kendall {_est(report.kendall)}, "
        f"MAE {_num(report.mae)}, Krippendorff alpha (binned) {_num(report.krippendorff_alpha_binned)}; "
        f"reference > mild > severe: {report.ordered} {json.dumps(report.level_means)}; report: {out}",
        soft_wrap=True,
    )


@judge_app.command("calibration-set")
def judge_calibration_set(
    out: Annotated[Path, typer.Argument(help="Where to write the labelled set (JSON).", callback=writable_target)],
    suite: Annotated[str, typer.Option("--suite", help="Built-in suite name or suite folder.")] = "physics",
    tasks: Annotated[
        str | None, typer.Option("--tasks", help="Comma-separated task ids (default: every task).")
    ] = None,
    kinds: Annotated[
        str | None, typer.Option("--kinds", help="Comma-separated variant kinds (default: all the twin has).")
    ] = None,
    seed: Seed = 0,
    heldout: Annotated[float, typer.Option("--heldout", min=0.0, max=1.0, help="Share of tasks held out.")] = 0.5,
    cache_dir: Annotated[Path | None, typer.Option(help="Cache reference traces here (keyed by twin code).")] = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Label references, equal rewrites and graded mutants by running them in the twin; store them as a run."""
    from rich.table import Table

    from twinbench.judge.calset import build_set, store_set
    from twinbench.tasks.references import ReferenceRunner
    from twinbench.tasks.suite import load_suite

    loaded = load_suite(suite)
    chosen = loaded.tasks
    if tasks:
        known = {t.id for t in loaded.tasks}
        for t in tasks.split(","):
            if t not in known:
                raise InputError("--tasks", f"no task '{t}' in suite {loaded.name}")
        chosen = [t for t in loaded.tasks if t.id in tasks.split(",")]
    with ReferenceRunner(loaded.twin, cache_dir) as runner:
        cal = build_set(loaded, chosen, runner, seed, heldout, kinds.split(",") if kinds else None)
    cal.save(out)
    run_id = store_set(open_store(store), cal)
    table = Table("split", "quality", "answers", "execution Pass")
    for split in ("dev", "heldout"):
        for quality in ("reference", "equal", "wrong", "broken"):
            group = [a for a in cal.answers if a.split == split and a.quality == quality]
            if group:
                table.add_row(split, quality, str(len(group)), str(sum(a.passed for a in group)))
    console.print(table)
    console.print(f"{len(cal.answers)} answers of {len(chosen)} tasks: {out}; stored as run [bold]{run_id}[/]",
                  soft_wrap=True)


@judge_app.command("replay-judge")
def judge_replay(
    calibration_set: Annotated[Path, typer.Argument(help="A labelled set (judge calibration-set).")],
    out: Annotated[Path, typer.Argument(help="Replay file to write (JSONL).", callback=writable_target)],
    by: Annotated[str, typer.Option("--by", help="execution (grade 100/0 by Pass) or random.")] = "execution",
    seed: Seed = 0,
) -> None:
    """Write a replay judge for a labelled set; use it as `--judge replay:OUT` (a sanity check of the report)."""
    from twinbench.judge.calset import CalibrationSet, replay_lines

    if by not in ("execution", "random"):
        raise InputError("--by", f"'{by}' is not execution or random")
    lines = replay_lines(CalibrationSet.load(calibration_set), by, seed)  # type: ignore[arg-type]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    console.print(f"{len(lines)} replayed judgements: {out}")


@judge_app.command("agreement")
def judge_agreement_cmd(
    run: Annotated[list[str], typer.Argument(help="Runs of answers with the outcome and judge grades.")],
    outcome: Annotated[str, typer.Option("--outcome", "-o", help="Outcome score (execution or human Pass).")] = "pass",
    threshold: ThresholdOption = 50.0,
    turns: Annotated[str | None, typer.Option("--turns", help="Average over these turns, e.g. 2,3.")] = None,
    worst: Annotated[int, typer.Option("--worst", min=0, help="Most-disagreeing answers listed per row.")] = 3,
    boot: BootOption = 2000,
    seed: Seed = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", callback=writable_target,
                     help="Also write an HTML page (works offline): calibration plots and the most-disagreeing "
                          "answers beside their references, with their traces where a twin runs them."),
    ] = None,
    store: StoreOption = DEFAULT_STORE,
) -> None:
    """Judge vs outcome per judge score, judge model and split: AUROC, accuracy, model-level rank correlations,
    calibration bins and the most-disagreeing answers (95% bootstrap CIs in brackets)."""
    from twinbench.analysis.agreement import judge_agreement, judge_grades, outcomes, splits
    from twinbench.cli.analyze import _turns
    from twinbench.report.agreement import agreement_page, agreement_tables, case_views

    db = open_store(store, must_exist=True)
    for run_id in run:
        db.run(run_id)
    values = outcomes(db, run, outcome)
    if not values:
        raise InputError(str(db.path), f"no answer of {', '.join(run)} has the outcome '{outcome}'")
    report = judge_agreement(judge_grades(db, run), values, splits(db, run), outcome, threshold, _turns(turns),
                             boot, seed, worst)
    if html is not None:
        html.write_text(agreement_page(report, run, case_views(db, run, report)), encoding="utf-8")
        err_console.print(f"HTML report: {html}")
    if json_out:
        console.print_json(report.model_dump_json())
        return
    typer.echo("\n\n".join(agreement_tables(report)))


@judge_app.command("parse")
def judge_parse(
    files: Annotated[list[Path], typer.Argument(help="Judge output text files.")],
    rubric: RubricOption = None,
    structured: StructuredOption = False,
    json_out: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Parse judge outputs: grade, status, deductions and every inconsistency."""
    from rich.table import Table

    from twinbench.judge import parse_judgement

    rub = _rubric(rubric)
    parsed = {}
    for f in files:
        try:
            parsed[str(f)] = parse_judgement(f.read_text(encoding="utf-8", errors="replace"), rub, structured)
        except OSError as exc:
            raise InputError(str(f), f"cannot read: {exc}") from None
    if json_out:
        console.print_json(json.dumps({k: v.model_dump() for k, v in parsed.items()}))
        return
    table = Table("file", "grade", "status", "consistency", "flags / failure")
    for name, p in parsed.items():
        table.add_row(name, _num(p.grade), p.status, p.consistency, p.failure or "; ".join(p.flags))
    console.print(table)


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.3g}"


def _est(e) -> str:
    from twinbench.report.agreement import estimate_text

    return estimate_text(e)
