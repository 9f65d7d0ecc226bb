"""Hypothesis strategies and an independent brute-force aligner for trace tests."""

from __future__ import annotations

from hypothesis import strategies as st

from twinbench.trace.model import Event, Trace

CHANNELS = ["a", "b", "c"]


def events(max_size: int = 9, channels: list[str] = CHANNELS, values=(0, 1, 2, 0.0005, "on"), min_size: int = 0):
    event = st.builds(Event, st.sampled_from(channels), st.just(0.0), st.sampled_from(values))
    return st.lists(event, min_size=min_size, max_size=max_size)


@st.composite
def edited(draw, gt: list[Event], channels: list[str] = CHANNELS, values=(0, 1, 2, 0.0005, "on")) -> list[Event]:
    """`gt` with a drawn set of deletions, value changes and insertions (a mostly similar prediction)."""
    out: list[Event] = []
    for e in gt:
        action = draw(st.sampled_from(["keep"] * 8 + ["delete", "change", "insert"]))
        if action == "delete":
            continue
        out.append(Event(e.channel, 0.0, draw(st.sampled_from(values))) if action == "change" else e)
        if action == "insert":
            out.append(Event(draw(st.sampled_from(channels)), 0.0, draw(st.sampled_from(values))))
    return out


def trace_of(evs: list[Event], spacing: float = 1.0) -> Trace:
    """Events at distinct times (1 s apart) so canonical order is the given order."""
    return Trace([Event(e.channel, i * spacing, e.value) for i, e in enumerate(evs)])


def agree(a, b, tol: float = 1e-3) -> bool:
    num = (int, float)
    if isinstance(a, num) and isinstance(b, num):
        return abs(a - b) <= tol
    if isinstance(a, num) or isinstance(b, num):
        return False
    return a == b


def brute_force(gt: list[Event], pred: list[Event]) -> tuple[int, int]:
    """Textbook O(nm) dynamic program: gap 1, substitution 1 (same channel only), match 0. Returns the minimum
    cost and the most matches an alignment of that cost has (the table holds (cost, -matches) pairs)."""
    n, m = len(gt), len(pred)
    big = (10**9, 0)
    best = [[big] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                best[i][j] = (0, 0)
                continue
            options = [big]
            if i:
                options.append((best[i - 1][j][0] + 1, best[i - 1][j][1]))
            if j:
                options.append((best[i][j - 1][0] + 1, best[i][j - 1][1]))
            if i and j and gt[i - 1].channel == pred[j - 1].channel:
                c, neg = best[i - 1][j - 1]
                options.append((c, neg - 1) if agree(gt[i - 1].value, pred[j - 1].value) else (c + 1, neg))
            best[i][j] = min(options)
    cost, neg_matches = best[n][m]
    return cost, -neg_matches
