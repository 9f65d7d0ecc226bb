"""The judge-output parser on the real SimBench judge outputs and on crafted edge cases."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from twinbench.judge import Rubric, parse_judgement

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "simbench-sample"
COLUMNS = {
    "reference": "Score Reference",
    "document": "Score Document",
    "reference_document": "Score Reference Document",
}
RUBRIC = Rubric.load()

SUMMARY = """### Summary of Deductions
- Completeness: {c} points
- Correctness: 10 points
- Code Quality: 5 points
- Efficiency: 0 points
- Error Handling and Robustness: 5 points
- Use of Visualization Tools: 2 points

### Final Score Calculation
Final Score: 100 - {total} = {result}

[[{grade}]]"""


def real_outputs():
    return sorted(SAMPLE.glob("output_llms/*/*/*_score_*.txt"))


def test_every_real_judge_output_parses_and_matches_llm_csv():
    with (SAMPLE / "statistics/LLM.csv").open() as fh:
        released = {(r["Test Model"], r["System"], r["Round"]): r for r in csv.DictReader(fh)}
    files = real_outputs()
    parsed = {f: parse_judgement(f.read_text(), RUBRIC) for f in files}
    compared = 0
    for f, p in parsed.items():
        assert p.grade is not None, f
        rnd, _, variant = f.stem.partition("_score_")
        row = released.get((f.parts[-3], f.parts[-2], rnd))
        if row is not None:
            compared += 1
            assert p.grade == float(row[COLUMNS[variant]]), f
    flagged = sum(p.status == "flagged" for p in parsed.values())
    checked = sum(p.consistency != "unchecked" for p in parsed.values())
    print(
        f"\nparser: {len(files)} files, {len(files)} parsed, {flagged} flagged, {compared} equal to LLM.csv, "
        f"{checked} with the 100-minus-deductions check"
    )
    assert len(files) == 1134 and compared == 3 * (len(released))
    assert 0 < flagged < len(files) // 4
    assert checked > 0.9 * len(files)


def test_the_real_single_bracket_output_reads_its_grade_and_is_flagged():
    f = SAMPLE / "output_llms/phi-3-medium-128k-instruct/cable/first_score_reference.txt"
    assert "[[" not in f.read_text()
    p = parse_judgement(f.read_text(), RUBRIC)
    assert (p.grade, p.marker, p.status) == (35.0, "single", "flagged")
    assert p.deductions == {
        "completeness": 30,
        "correctness": 15,
        "code_quality": 5,
        "efficiency": 5,
        "robustness": 5,
        "visualization": 5,
    }
    assert p.consistency == "consistent"


@pytest.mark.parametrize(
    ("tail", "grade", "marker"),
    [
        ("[[88]]", 88, "double"),
        ("[88]", 88, "single"),
        ("\\[ [35] \\]", 35, "single"),
        ("Final Score: **[72]**", 72, "single"),
        ("[[ 61 ]]", 61, "double"),
    ],
)
def test_grade_markers(tail, grade, marker):
    p = parse_judgement(f"Some explanation.\n\n{tail}\n", RUBRIC)
    assert (p.grade, p.marker) == (grade, marker)


def test_bracketed_numbers_inside_prose_are_not_grades():
    p = parse_judgement("Deduct [5] points for missing comments, see item [2].", RUBRIC)
    assert p.grade is None and p.status == "failed" and p.failure == "no grade marker"


@pytest.mark.parametrize("text", ["[[120]]", "[[-3]]"])
def test_out_of_range_grades_are_failures_not_clamped(text):
    p = parse_judgement(text, RUBRIC)
    assert p.grade is None and p.status == "failed" and "outside 0..100" in p.failure


def test_consistent_deductions_are_ok_and_recorded_per_category():
    p = parse_judgement(SUMMARY.format(c=15, total=37, result=63, grade=63), RUBRIC)
    assert p.status == "ok" and p.consistency == "consistent" and p.flags == []
    assert p.deductions == {
        "completeness": 15,
        "correctness": 10,
        "code_quality": 5,
        "efficiency": 0,
        "robustness": 5,
        "visualization": 2,
    }
    assert p.stated_total == 37


def test_grade_that_disagrees_with_the_deductions_is_kept_and_flagged():
    p = parse_judgement(SUMMARY.format(c=15, total=37, result=63, grade=73), RUBRIC)
    assert p.grade == 73 and p.status == "flagged" and p.consistency == "inconsistent"
    assert any("100 - deductions 37 = 63, but the grade is 73" in f for f in p.flags)
    assert any("stated result 63 differs from the grade 73" in f for f in p.flags)


def test_wrong_judge_arithmetic_and_over_maximum_deductions_are_flagged():
    p = parse_judgement(SUMMARY.format(c=45, total=67, result=40, grade=40), RUBRIC)
    assert any("judge arithmetic wrong" in f for f in p.flags)
    assert any("Completeness deducts 45 > its maximum 40" in f for f in p.flags)


def test_several_disagreeing_markers_use_the_last_and_flag():
    p = parse_judgement("First guess [[40]] ... on reflection [[55]]", RUBRIC)
    assert p.grade == 55 and p.status == "flagged" and "disagree" in p.flags[0]


def test_section_totals_are_read_when_there_is_no_summary():
    text = (
        "\n".join(
            f"{i}. **{c.name} ({c.max} points total)**\n   - issue\n   **Total Deductions**: {c.max // 5} points"
            for i, c in enumerate(RUBRIC.categories, 1)
        )
        + "\n\n[[80]]"
    )
    p = parse_judgement(text, RUBRIC)
    assert p.deductions == {c.key: c.max // 5 for c in RUBRIC.categories}
    assert p.consistency == "consistent" and p.status == "ok"


@pytest.mark.parametrize(
    ("text", "grade", "status"),
    [
        ('{"grade": 64, "reason": "no plot"}', 64, "ok"),
        ('{ "grade": 0, "reason": "" }', 0, "ok"),
        ('{"grade": 64, "reason": "the plot is mis', 64, "flagged"),
        ('{"grade": 64 ', 64, "flagged"),
    ],
)
def test_structured_answers_give_their_json_grade(text, grade, status):
    p = parse_judgement(text, RUBRIC, structured=True)
    assert (p.grade, p.status, p.mode, p.marker) == (grade, status, "json", "json")
    assert p.flags == ([] if status == "ok" else ["grade read from incomplete JSON"])


@pytest.mark.parametrize(
    ("text", "failure"),
    [
        ('{"grade": 6', "no complete grade"),  # cut inside the number: 6 or 64?
        ('{"reason": "fine"}', "no complete grade"),
        ("[[88]]", "no complete grade"),
        ('{"grade": "88", "reason": ""}', "grade is not a number"),
        ('{"grade": true, "reason": ""}', "grade is not a number"),
        ('{"grade": 101, "reason": ""}', "grade 101 outside 0..100"),
    ],
)
def test_structured_answers_without_a_whole_in_range_grade_fail(text, failure):
    p = parse_judgement(text, RUBRIC, structured=True)
    assert p.grade is None and p.status == "failed" and p.mode == "json" and p.failure == failure


def test_a_text_answer_is_read_by_its_marker_unless_structured():
    text = 'Looks right. {"grade": 40, "reason": "x"}\n[[88]]'
    assert parse_judgement(text, RUBRIC).grade == 88 and parse_judgement(text, RUBRIC).mode == "text"
    assert parse_judgement(text, RUBRIC, structured=True).grade == 40
