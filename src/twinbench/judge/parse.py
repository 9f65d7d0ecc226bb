"""Read a judge's answer: the final grade marker, per-category deductions and the 100-minus-deductions check;
or, for a structured answer, the JSON object's grade.

Nothing is guessed: no marker, or a grade outside 0..start, is a parse failure with its reason. A grade that
reads but disagrees with the judge's own arithmetic is kept and flagged, as is one read from JSON cut off after it.
"""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, Field

from twinbench.judge.rubric import Category, Rubric

_NUM = r"(-?\d+(?:\.\d+)?)"
_DOUBLE = re.compile(r"\[\[\s*" + _NUM + r"\s*\]\]")
# `[88]` or `\[ [35] \]` or `**[88]**`, alone on its line or on a line that names the score
_SINGLE = re.compile(r"(?<!\[)\[\s*" + _NUM + r"\s*\](?!\])")
_WRAPPERS = re.compile(r"[\\\[\]\s*$`:.]|final|score|output|grade", re.I)
_ARITH = re.compile(r"\b(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*=\s*" + _NUM)
_SECTION_TOTAL = re.compile(r"total\s+(?:[a-z &]+\s)?deductions?[^:\n]*:\**([^\n]*\d[^\n]*)", re.I)
_SECTION_SCORE = re.compile(r"total\s+(?:[a-z &]+\s)?score[^:\n]*:\**([^\n]*\d[^\n]*)", re.I)
_ITEM_DEDUCTION = re.compile(r"deductions?\**\s*:\**\s*-?\s*" + _NUM, re.I)
_OUT_OF = re.compile(_NUM + r"\s*/\s*" + _NUM)
_HEADING = re.compile(r"^\s*(?:#+\s*|\d+\.\s*|\*\*)")
_FIRST_NUMBER = re.compile(r"-?\s*(\d+(?:\.\d+)?)")
_JSON_GRADE = re.compile(r'"grade"\s*:\s*' + _NUM + r"(?=[\s,}])")  # a number the cut did not end

Status = Literal["ok", "flagged", "failed"]


class JudgeParse(BaseModel):
    """What a judge's answer says: grade (or why none), deductions, and every inconsistency found."""

    grade: float | None
    status: Status
    mode: Literal["text", "json"] = "text"
    marker: Literal["double", "single", "json", "none"]
    deductions: dict[str, float] = Field(default_factory=dict)
    stated_total: float | None = None
    consistency: Literal["consistent", "inconsistent", "unchecked"] = "unchecked"
    flags: list[str] = Field(default_factory=list)
    failure: str | None = None
    reason: str | None = None


def parse_judgement(text: str, rubric: Rubric, structured: bool = False) -> JudgeParse:
    """Parse one judge answer against `rubric` (see module docstring); `structured` reads the JSON answer of
    `rubric.grade_schema()` instead of the grade marker."""
    if structured:
        return _json_judgement(text, rubric)
    grade, marker, flags = _grade(text)
    deductions = _deductions(text, rubric)
    stated_total, arith_flags = _arithmetic(text, rubric.start, grade)
    if grade is None:
        return JudgeParse(
            grade=None,
            status="failed",
            marker="none",
            deductions=deductions,
            stated_total=stated_total,
            failure="no grade marker",
        )
    if not 0 <= grade <= rubric.start:
        return JudgeParse(
            grade=None,
            status="failed",
            marker=marker,
            deductions=deductions,
            stated_total=stated_total,
            failure=f"grade {grade:g} outside 0..{rubric.start}",
        )
    flags += arith_flags
    for cat in rubric.categories:
        value = deductions.get(cat.key)
        if value is not None and value > cat.max:
            flags.append(f"{cat.name} deducts {value:g} > its maximum {cat.max}")
    consistency = "unchecked"
    totals: set[float] = set()
    if len(deductions) == len(rubric.categories):  # as written, and with each category capped at its maximum
        totals = {sum(deductions.values()), sum(min(deductions[c.key], c.max) for c in rubric.categories)}
    elif stated_total is not None:
        totals = {stated_total}
    if totals:
        expected = sorted(max(rubric.start - t, 0.0) for t in totals)
        consistency = "consistent" if any(abs(e - grade) < 1e-9 for e in expected) else "inconsistent"
        if consistency == "inconsistent":
            flags.append(f"{rubric.start} - deductions {min(totals):g} = {expected[-1]:g}, but the grade is {grade:g}")
    return JudgeParse(
        grade=grade,
        status="flagged" if flags else "ok",
        marker=marker,
        deductions=deductions,
        stated_total=stated_total,
        consistency=consistency,
        flags=flags,
    )


def _grade(text: str) -> tuple[float | None, Literal["double", "single", "none"], list[str]]:
    doubles = [float(m) for m in _DOUBLE.findall(text)]
    if doubles:
        flags = [] if len(set(doubles)) == 1 else [f"several grade markers disagree: {doubles}"]
        return doubles[-1], "double", flags
    for line in reversed(text.splitlines()):
        found = _SINGLE.findall(line)
        if found and (_WRAPPERS.sub("", _SINGLE.sub("", line)) == "" or "score" in line.lower()):
            return float(found[-1]), "single", ["single-bracket grade marker"]
    return None, "none", []


def _label_category(label: str, rubric: Rubric) -> Category | None:
    """The category a line's label names (longest alias wins), if any."""
    label = label.lower()
    best: tuple[int, Category] | None = None
    for cat in rubric.categories:
        for alias in cat.aliases:
            if alias in label and (best is None or len(alias) > best[0]):
                best = (len(alias), cat)
    return best[1] if best else None


def _deductions(text: str, rubric: Rubric) -> dict[str, float]:
    """Per-category deductions: the 'Summary of Deductions' lines first, then each category's own section."""
    found = _summary_deductions(text, rubric)
    for key, value in _section_deductions(text, rubric).items():
        found.setdefault(key, value)
    return {c.key: found[c.key] for c in rubric.categories if c.key in found}


def _summary_deductions(text: str, rubric: Rubric) -> dict[str, float]:
    start = re.search(r"summary of deductions", text, re.I)
    if start is None:
        return {}
    out: dict[str, float] = {}
    for line in text[start.end() :].splitlines()[1:]:
        if not line.strip():
            if out:
                break
            continue
        if _HEADING.match(line) and not line.lstrip().startswith(("- ", "* ")) and out:
            break
        label, sep, rest = line.partition(":")
        number = _FIRST_NUMBER.search(rest) if sep else None
        cat = _label_category(label, rubric) if number else None
        if cat is not None and number is not None and cat.key not in out:
            out[cat.key] = float(number.group(1))
    return out


def _section_deductions(text: str, rubric: Rubric) -> dict[str, float]:
    """Deductions stated inside each numbered category section ('Total Deductions: N', 'Score: a/b')."""
    sections: list[tuple[Category, list[str]]] = []
    for line in text.splitlines():
        head = re.match(r"^\s*(?:#+\s*)?(?:\d+\.\s*)?\**([A-Za-z& ]+?)\s*\(\s*\d+\s*points?", line)
        cat = _label_category(head.group(1), rubric) if head else None
        if cat is not None:
            sections.append((cat, []))
        elif re.match(r"^\s*#+\s", line):
            sections.append((None, []))  # type: ignore[arg-type]  # an unrelated heading ends the section
        elif sections:
            sections[-1][1].append(line)
    out: dict[str, float] = {}
    for cat, lines in sections:
        if cat is None or cat.key in out:
            continue
        body = "\n".join(lines)
        if (m := _SECTION_TOTAL.search(body)) is not None:
            out[cat.key] = _stated_value(m.group(1))
        elif (m := _SECTION_SCORE.search(body)) is not None:
            out[cat.key] = cat.max - _awarded(m.group(1), cat.max)
        elif items := _ITEM_DEDUCTION.findall(body):
            out[cat.key] = sum(abs(float(v)) for v in items)
    return out


def _stated_value(rest: str) -> float:
    """'15 + 15 = 30 points' -> 30 (after the last '='); '30 points' -> 30."""
    tail = rest.rsplit("=", 1)[-1]
    number = _FIRST_NUMBER.search(tail) or _FIRST_NUMBER.search(rest)
    return abs(float(number.group(1))) if number else 0.0


def _awarded(rest: str, maximum: int) -> float:
    """'25/40' -> 25; '40 - 25 - 5 = 10 points' -> 10; '7 points' -> 7."""
    if (m := _OUT_OF.search(rest)) is not None and float(m.group(2)) == maximum:
        return float(m.group(1))
    return _stated_value(rest)


def _arithmetic(text: str, start: int, grade: float | None) -> tuple[float | None, list[str]]:
    """The judge's own last 'start - X = Y': X as the stated total deduction, and flags if it is off."""
    stated = [m for m in _ARITH.findall(text) if float(m[0]) == start]
    if not stated:
        return None, []
    _, total, result = (float(v) for v in stated[-1])
    flags = []
    if abs(start - total - result) > 1e-9:
        flags.append(f"judge arithmetic wrong: {start} - {total:g} = {result:g}")
    if grade is not None and abs(max(result, 0.0) - grade) > 1e-9:  # a negative result floored at 0 agrees
        flags.append(f"stated result {result:g} differs from the grade {grade:g}")
    return total, flags


def _json_judgement(text: str, rubric: Rubric) -> JudgeParse:
    """The grade of a JSON answer; from one that does not parse (cut off after its grade), that grade, flagged."""
    no_grade = JudgeParse(grade=None, status="failed", mode="json", marker="none", failure="no complete grade")
    try:
        answer = json.loads(text)
    except json.JSONDecodeError:
        found = _JSON_GRADE.search(text)
        if found is None:
            return no_grade
        return _json_grade(float(found.group(1)), None, ["grade read from incomplete JSON"], rubric)
    if not isinstance(answer, dict) or "grade" not in answer:
        return no_grade
    grade, reason = answer["grade"], answer.get("reason")
    reason = reason if isinstance(reason, str) else None
    if isinstance(grade, bool) or not isinstance(grade, int | float):
        return no_grade.model_copy(update={"marker": "json", "failure": "grade is not a number", "reason": reason})
    return _json_grade(float(grade), reason, [], rubric)


def _json_grade(grade: float, reason: str | None, flags: list[str], rubric: Rubric) -> JudgeParse:
    if not 0 <= grade <= rubric.start:
        failure = f"grade {grade:g} outside 0..{rubric.start}"
        return JudgeParse(grade=None, status="failed", mode="json", marker="json", failure=failure, reason=reason)
    status: Status = "flagged" if flags else "ok"
    return JudgeParse(grade=grade, status=status, mode="json", marker="json", flags=flags, reason=reason)
