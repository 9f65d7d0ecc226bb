"""A cell's aligned timeline marks every difference, and each difference reads as one line naming its kind."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from twinbench.report.cell_view import difference
from twinbench.report.figures import KIND_STYLE, timeline_figure

CHANNELS = st.sampled_from(["smx", "XF:11BMB-ES{LINKAM}:TEMP", "sam.measure"])
EVENTS = st.fixed_dictionaries({"index": st.integers(0, 99), "channel": CHANNELS,
                                "t": st.floats(0, 1e4, allow_nan=False), "value": st.integers() | st.text()})


@st.composite
def rows(draw) -> dict:
    kind = draw(st.sampled_from(["match", "substitution", "missing", "inserted", "mismatch"]))
    gt = None if kind == "inserted" else draw(EVENTS)
    pred = None if kind == "missing" else draw(EVENTS)
    return {"kind": kind, "gt": gt, "pred": pred}


@given(st.lists(rows(), max_size=40))
def test_the_timeline_draws_each_side_of_every_row_in_its_kind(aligned):
    fig = timeline_figure(aligned)
    drawn = {t["name"]: len(t["x"]) for t in fig["data"]}
    for kind in ("match", "substitution", "missing", "inserted", "mismatch"):
        name = KIND_STYLE[kind][0]
        expected = sum((r["gt"] is not None) + (r["pred"] is not None) for r in aligned
                       if KIND_STYLE[r["kind"]][0] == name)
        assert drawn.get(name, 0) == expected
    lanes = set(fig["layout"]["yaxis"]["categoryarray"])
    assert all(y in lanes for t in fig["data"] for y in t["y"])


@given(rows())
def test_a_difference_is_one_line_starting_with_its_kind(row):
    if row["kind"] == "match":
        return
    line = difference(row)
    assert line["text"].startswith(row["kind"] + ":")
    assert "\n" not in line["text"] and "\r" not in line["text"]
    assert line["channel"] == (row["pred"] or row["gt"])["channel"]
