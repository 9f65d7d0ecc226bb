"""Property-based tests of the judge parser: it recovers what a judge wrote and never guesses a grade."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.judge import Rubric, parse_judgement

RUBRIC = Rubric.load()


@st.composite
def judgements(draw):
    """A judge answer in SimBench's shape: a deduction summary, the arithmetic and the final marker."""
    deductions = {c.key: draw(st.integers(0, c.max)) for c in RUBRIC.categories}
    total = sum(deductions.values())
    lines = ["The script creates the system but misses the visualization.", "", "Summary of Deductions"]
    lines += [f"- {c.name}: {deductions[c.key]} points" for c in RUBRIC.categories]
    lines += ["", f"Final score: {RUBRIC.start} - {total} = {RUBRIC.start - total}"]
    marker = draw(st.sampled_from(["[[{g}]]", "**[[{g}]]**", "Final Score: [[{g}]]"]))
    lines.append(marker.format(g=RUBRIC.start - total))
    return "\n".join(lines), deductions, RUBRIC.start - total


@settings(max_examples=200, deadline=None)
@given(judgements())
def test_grade_and_deductions_are_recovered_and_consistent(case):
    text, deductions, grade = case
    parsed = parse_judgement(text, RUBRIC)
    assert parsed.grade == grade and parsed.marker == "double"
    assert parsed.deductions == {k: float(v) for k, v in deductions.items()}
    assert parsed.consistency == "consistent" and parsed.status == "ok"


@settings(max_examples=200, deadline=None)
@given(judgements(), st.integers(1, 30))
def test_a_grade_that_disagrees_with_the_deductions_is_flagged_not_changed(case, off):
    text, _, grade = case
    wrong = max(0, grade - off)
    parsed = parse_judgement(text.rsplit("\n", 1)[0] + f"\n[[{wrong}]]", RUBRIC)
    if wrong != grade:
        assert parsed.grade == wrong and parsed.status == "flagged" and parsed.consistency == "inconsistent"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="[]"), max_size=300))
def test_text_without_any_marker_never_yields_a_grade(text):
    parsed = parse_judgement(text, RUBRIC)
    assert parsed.grade is None and parsed.status == "failed"


@settings(max_examples=200, deadline=None)
@given(st.integers(101, 10_000) | st.integers(-10_000, -1))
def test_out_of_range_grades_are_failures(grade):
    parsed = parse_judgement(f"Everything is fine.\n[[{grade}]]", RUBRIC)
    assert parsed.grade is None and parsed.status == "failed" and "outside" in parsed.failure


@st.composite
def json_answers(draw):
    """A structured answer as a provider writes it: the grade first, then any reason, with any spacing."""
    grade = draw(st.integers(0, RUBRIC.start))
    reason = draw(st.text(max_size=60))
    spaces = draw(st.sampled_from([(", ", ": "), (",", ":"), (" ,\n  ", " : ")]))
    return json.dumps({"grade": grade, "reason": reason}, separators=spaces), grade


@settings(max_examples=200, deadline=None)
@given(json_answers())
def test_a_whole_json_answer_gives_its_grade(case):
    text, grade = case
    parsed = parse_judgement(text, RUBRIC, structured=True)
    assert parsed.grade == grade and parsed.status == "ok" and parsed.reason == json.loads(text)["reason"]


@settings(max_examples=200, deadline=None)
@given(json_answers(), st.data())
def test_a_cut_json_answer_gives_its_grade_or_none_never_another(case, data):
    text, grade = case
    cut = data.draw(st.integers(0, len(text) - 1))
    parsed = parse_judgement(text[:cut], RUBRIC, structured=True)
    assert parsed.grade in (None, grade)
    number_end = re.search(r'"grade"\s*:\s*\d+', text).end()
    if cut > number_end:  # the grade and what follows it arrived
        assert parsed.grade == grade and parsed.status == "flagged"
    else:
        assert parsed.grade is None and parsed.status == "failed"


@settings(max_examples=200, deadline=None)
@given(st.integers(RUBRIC.start + 1, 10_000) | st.integers(-10_000, -1), st.booleans())
def test_out_of_range_json_grades_are_failures(grade, cut):
    text = json.dumps({"grade": grade, "reason": "fine"})
    parsed = parse_judgement(text[:-3] if cut else text, RUBRIC, structured=True)
    assert parsed.grade is None and parsed.status == "failed" and "outside" in parsed.failure
