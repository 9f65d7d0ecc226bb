"""`twinbench score --json` (`BestOfResult.json_text`) writes its aligned rows a column at a time: the text is
exactly what `json.dumps` writes for the rows as dicts."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.trace.config import ScoringConfig
from twinbench.trace.model import Event, Trace
from twinbench.trace.scoring import number_texts, score_best_of

VALUES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**20, 10**20), st.booleans(), st.none(),
    st.text(max_size=4), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.floats(0, 1)),
    st.sampled_from([1e-7, 1e16, 1.5e300, -0.0, 123456789.125]),
)
EVENTS = st.lists(st.builds(Event, st.sampled_from(["x", "y", "é:ü", 'q"uote']), st.floats(0, 100), VALUES),
                  max_size=10)
CONFIGS = st.sampled_from([ScoringConfig.build("default"), ScoringConfig.build("envtrace"),
                           ScoringConfig.build("default", {"continuous_channels": {}, "bool_is_number": False})])


def _by_dicts(outcome) -> str:
    """The JSON document as dicts would give it."""
    best = outcome.chosen
    return json.dumps({
        **best.model_dump(),
        "best_reference": outcome.best,
        "references": [{"source": r.reference, "full_score": r.full_score, "passed": r.passed,
                        "metrics": {n: {"score": m.score, "passed": m.passed} for n, m in r.metrics.items()}}
                       for r in outcome.results],
        "alignment": best.aligned_rows(),
    }, default=str)


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENTS, min_size=1, max_size=2), EVENTS, CONFIGS)
def test_json_text_is_what_json_dumps_writes(refs, pred, config):
    outcome = score_best_of([Trace(r, f"ref{i}.json") for i, r in enumerate(refs)], Trace(pred, "pred.json"), config)
    assert outcome.chosen.aligned_rows_json() == json.dumps(outcome.chosen.aligned_rows(), default=str)
    assert outcome.json_text() == _by_dicts(outcome)


NUMBERS = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-2**63, 2**64 - 1),
                    st.floats(-1e-3, 1e-3), st.sampled_from([1e-4, -1e-4, 1e-5, 5e-324, 1e16, 1e22, -0.0, 1.7e308]))


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBERS, max_size=20))
def test_number_texts_are_what_json_dumps_writes(numbers):
    assert number_texts(numbers) == [json.dumps(x) for x in numbers]


@given(st.lists(NUMBERS, max_size=5), st.sampled_from([2**64, -2**63 - 1, float("nan"), float("inf"), True, "1"]))
def test_number_texts_refuse_what_they_cannot_write(numbers, odd):
    assert number_texts([*numbers, odd]) is None
