"""`twinbench import simbench DIR`: a SimBench release (uwsbel/SimBench layout) into the results store.

The suite (prompts, references, turn-2/3 input code) becomes one blob; each model folder of `output_llms/`
becomes a run `<prefix>/<model>` with one cell per (system, turn 1..3). Per cell: the raw answer, the three
judge outputs parsed with `twinbench.judge.parse` (never filled in), CodeBLEU and ROUGE-L/Lsum recomputed from the
comment-stripped files, and the expert compile/pass counts of turns 2+3 (`compile`, `pass`; per system, so the
same on the system's three cells). Model names differ between files and are matched by `model_key`.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from pydantic import BaseModel, Field

from twinbench.errors import InputError
from twinbench.judge.parse import parse_judgement
from twinbench.judge.rubric import VARIANTS, Rubric
from twinbench.judge.tasks import ChainTask, TaskSuite, Turn
from twinbench.models import CallKey, CallRecord
from twinbench.similarity import batch_similarity
from twinbench.store import Cell, CellResult, ErrorRecord, ScoreRecord, Store

ROUNDS = ("first", "second", "third")
JUDGE_FILES = {"ref": "reference", "doc": "document", "ref_doc": "reference_document"}
LLM_COLUMNS = {"ref": "Score Reference", "doc": "Score Document", "ref_doc": "Score Reference Document"}
CATEGORIES = {
    "MBS": "gear mass_spring_damper particles pendulum slider_crank",
    "FEA": "beam buckling cable rotor tablecloth",
    "SEN": "camera gps_imu lidar veh_app",
    "RBT": "curiosity handler viper turtlebot vehros sensros",
    "VEH": "art citybus feda gator hmmwv kraz m113 man rigid_highway rigid_multipatches scm scm_hill sedan uazbus",
}
_ALIASES = {"claude-sonnet-3.5": "claude-3-5-sonnet"}
_SUFFIX = re.compile(r"-(?:instruct|it|latest|v\d+(?:\.\d+)*)(?=-|$)")


def model_key(name: str) -> str:
    """One key per model across the release's files: `gemma-2-2b-it`, `gemma-2-2b` -> `gemma-2-2b`."""
    key = _ALIASES.get(name.lower(), name.lower()).replace("gpt4o", "gpt-4o")
    while (stripped := _SUFFIX.sub("", key)) != key:
        key = stripped
    return key


class ImportReport(BaseModel):
    """What the import found and how the recomputed figures compare with the release's CSVs."""

    suite_sha: str
    runs: list[str] = Field(default_factory=list)
    cells: int = 0
    unmatched: dict[str, list[str]] = Field(default_factory=dict, description="file -> model names with no folder")
    judge_outputs: int = 0
    judge_parsed: int = 0
    judge_flagged: int = 0
    judge_failed: list[str] = Field(default_factory=list)
    csv_grades_compared: int = 0
    csv_grade_mismatches: list[str] = Field(default_factory=list)
    codebleu_compared: int = 0
    codebleu_equal: int = 0
    codebleu_max_diff: float = 0.0
    rouge_compared: int = 0
    rouge_equal: int = 0

    @property
    def codebleu_share_equal(self) -> float:
        return self.codebleu_equal / self.codebleu_compared if self.codebleu_compared else 0.0


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise InputError(str(path), "missing (expected the SimBench release layout)")
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_suite(root: Path) -> TaskSuite:
    """`demo_data/<system>/{input1..3.txt, truth1..3.py, pyinput2..3.py}` as chain tasks."""
    demo = root / "demo_data"
    if not demo.is_dir():
        raise InputError(str(root), "no demo_data/ folder: not a SimBench release")
    category = {s: cat for cat, systems in CATEGORIES.items() for s in systems.split()}
    tasks = []
    for folder in sorted(p for p in demo.iterdir() if p.is_dir()):
        turns = []
        for n in (1, 2, 3):
            start = folder / f"pyinput{n}.py"
            turns.append(
                Turn(
                    prompt=(folder / f"input{n}.txt").read_text(encoding="utf-8"),
                    reference=(folder / f"truth{n}.py").read_text(encoding="utf-8"),
                    start_code=start.read_text(encoding="utf-8") if start.is_file() else None,
                )
            )
        tasks.append(ChainTask(id=folder.name, category=category.get(folder.name, ""), turns=turns))
    return TaskSuite(name="simbench", version="release", tasks=tasks)


def import_simbench(root: Path, store: Store, prefix: str = "simbench", workers: int = 2) -> ImportReport:
    """Import the release at `root` (see module docstring); resumes an interrupted import of the same files.

    The report's counts and comparisons cover the cells written by this call (none when re-importing)."""
    suite = load_suite(root)
    rubric = Rubric.load()
    llm = _read_csv(root / "statistics" / "LLM.csv")
    passes = _read_csv(root / "statistics" / "pass.csv")
    evals = _read_csv(root / "statistics" / "evaluation_results.csv")
    folders = {p.name: p for p in sorted((root / "output_llms").iterdir()) if p.is_dir()}
    by_key = {model_key(name): name for name in folders}
    report = ImportReport(suite_sha=suite.save(store))

    def match(file: str, names: set[str]) -> dict[str, str]:
        out = {n: by_key[model_key(n)] for n in names if model_key(n) in by_key}
        if missing := sorted(names - set(out)):
            report.unmatched[file] = missing
        return out

    llm_names = match("LLM.csv", {r["Test Model"] for r in llm})
    pass_names = match("pass.csv", {r["Model Name"] for r in passes})
    eval_names = match("evaluation_results.csv", {r["model"] for r in evals})
    llm_rows = {
        (llm_names[r["Test Model"]], r["System"], ROUNDS.index(r["Round"]) + 1): r
        for r in llm
        if r["Test Model"] in llm_names
    }
    pass_rows = {(pass_names[r["Model Name"]], r["Task Name"]): r for r in passes if r["Model Name"] in pass_names}
    eval_rows = {
        (eval_names[r["model"]], r["system"], int(r["round"].removeprefix("round_"))): r
        for r in evals
        if r["model"] in eval_names
    }

    config_base = {
        "suite": suite.name,
        "suite_sha": report.suite_sha,
        "source": "simbench-release",
        "rubric": {"id": rubric.id, "version": rubric.version},
    }
    pending: dict[str, list[Cell]] = {}
    for model in folders:
        run_id = f"{prefix}/{model}"
        cells = [Cell(model=model, task=t.id, turn=n) for t in suite.tasks for n in (1, 2, 3)]
        store.create_run(run_id, {**config_base, "release_model": model}, cells)
        pending[run_id] = store.pending_cells(run_id)
        report.runs.append(run_id)
        report.cells += len(cells)
    pairs: dict[tuple[str, str, int], tuple[str, str]] = {}
    for cells in pending.values():
        for c in cells:
            cleaned = folders[c.model] / c.task / f"{ROUNDS[c.turn - 1]}_cleaned_response.py"
            truth = root / "demo_data" / c.task / f"cleaned_truth{c.turn}.py"
            if cleaned.is_file() and truth.is_file():
                pairs[(c.model, c.task, c.turn)] = (
                    truth.read_text(encoding="utf-8"),
                    cleaned.read_text(encoding="utf-8"),
                )
    keys = list(pairs)
    values = batch_similarity([pairs[k] for k in keys], ["codebleu", "rougeL", "rougeLsum"], workers)
    sims = dict(zip(keys, values, strict=True))
    for run_id, cells in pending.items():
        for cell in cells:
            result = _cell_result(root, folders[cell.model], cell, rubric, llm_rows, pass_rows, eval_rows, sims, report)
            store.finish_cell(run_id, cell, result)
    return report


def _cell_result(root, folder, cell, rubric, llm_rows, pass_rows, eval_rows, sims, report) -> CellResult:
    """One (model, system, turn): answer, parsed judge grades, recomputed similarity, expert counts."""
    rnd = ROUNDS[cell.turn - 1]
    answer = folder / cell.task / f"{rnd}_response.txt"
    text = answer.read_text(encoding="utf-8", errors="replace") if answer.is_file() else None
    record = CallRecord(
        key=CallKey(task=cell.task, turn=cell.turn),
        model=cell.model,
        provider="import",
        endpoint="simbench-release",
        text=text,
    )
    scores, errors = [], []
    csv_row = llm_rows.get((cell.model, cell.task, cell.turn))
    for variant in VARIANTS:
        path = folder / cell.task / f"{rnd}_score_{JUDGE_FILES[variant]}.txt"
        if not path.is_file():
            continue
        parsed = parse_judgement(path.read_text(encoding="utf-8", errors="replace"), rubric)
        report.judge_outputs += 1
        released = float(csv_row[LLM_COLUMNS[variant]]) if csv_row and csv_row[LLM_COLUMNS[variant]] else None
        where = str(path.relative_to(root))
        if parsed.grade is None:
            report.judge_failed.append(f"{where}: {parsed.failure}")
            errors.append(ErrorRecord(stage="judge-parse", kind="no-grade", message=f"{where}: {parsed.failure}"))
        else:
            report.judge_parsed += 1
            report.judge_flagged += parsed.status == "flagged"
            if released is not None:
                report.csv_grades_compared += 1
                if released != parsed.grade:
                    report.csv_grade_mismatches.append(f"{where}: parsed {parsed.grade:g}, LLM.csv {released:g}")
        detail = {**parsed.model_dump(), "file": where, "release_value": released}
        scores.append(ScoreRecord(scorer=f"judge.{variant}", value=parsed.grade, detail=detail))
    if (sim := sims.get((cell.model, cell.task, cell.turn))) is not None:
        released = eval_rows.get((cell.model, cell.task, cell.turn))
        parts = {k.removeprefix("codebleu."): v for k, v in sim.items() if k.startswith("codebleu.")}
        scores.append(
            ScoreRecord(
                scorer="codebleu",
                value=sim["codebleu"],
                detail={**parts, "release_value": float(released["codebleu"]) if released else None},
            )
        )
        for name in ("rougeL", "rougeLsum"):
            scores.append(
                ScoreRecord(
                    scorer=name, value=sim[name], detail={"release_value": float(released[name]) if released else None}
                )
            )
        if released:
            diff = abs(sim["codebleu"] - float(released["codebleu"]))
            report.codebleu_compared += 1
            report.codebleu_equal += diff < 1e-9
            report.codebleu_max_diff = max(report.codebleu_max_diff, diff)
            report.rouge_compared += 1
            report.rouge_equal += all(abs(sim[k] - float(released[k])) < 1e-9 for k in ("rougeL", "rougeLsum"))
    if (counts := pass_rows.get((cell.model, cell.task))) is not None:
        for name, column, t1 in (
            ("pass", "2nd & 3rd Rounds Pass", "1st Round Pass"),
            ("compile", "2nd & 3rd Rounds Compile", "1st Round Compile"),
        ):
            scores.append(
                ScoreRecord(
                    scorer=name,
                    value=float(counts[column]),
                    detail={"turns": "2+3", "per": "system", "turn1": float(counts[t1])},
                )
            )
    status = "ok" if text is not None else "failed"
    if text is None:
        errors.append(ErrorRecord(stage="import", kind="missing", message=f"no {rnd}_response.txt"))
    return CellResult(status=status, response=record, scores=scores, errors=errors)
