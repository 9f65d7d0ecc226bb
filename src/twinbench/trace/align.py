"""Aligning a predicted trace with a reference trace.

`optimal`: the minimum-cost global alignment in which only events of the same channel pair; a pair whose
values agree within tolerance is a match (cost 0), otherwise a substitution (cost 1); an unpaired event
is a gap (cost 1). `difflib`: EnvTrace's published aligner (`difflib.SequenceMatcher` over channel names,
`replace` blocks zipped), kept for comparison; a pair of different channels is a mismatch (cost 2).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from twinbench.trace import _kernel
from twinbench.trace.canonical import CanonicalTrace, is_number, value_key
from twinbench.trace.config import Comparators, ScoringConfig

MATCH, SUB, DEL, INS, MISMATCH = 0, 1, 2, 3, 4
KIND_NAMES = ("match", "substitution", "missing", "inserted", "mismatch")
KIND_COST = np.array([0, 1, 1, 1, 2], dtype=np.int64)
_MODES = {"numeric": 0, "exact": 1, "any": 2}
CHECKPOINT_BUDGET = 24_000_000  # int32 entries kept for the traceback (~96 MB)
CHECKPOINT_STRIDE = 64
BAND_RUN_MIN = 256  # traces shorter than this (together) skip the upper-bound run
BAND_HALF_WIDTH = 256  # >= 1 keeps a path inside the band; wide enough to follow drifting edits


@dataclass(slots=True)
class Alignment:
    """Rows of an alignment: gt and pred indices (-1 for a gap) and the kind of each row."""

    gt: np.ndarray
    pred: np.ndarray
    kind: np.ndarray

    def __len__(self) -> int:
        return len(self.kind)

    @property
    def cost(self) -> int:
        return int(KIND_COST[self.kind].sum())

    def counts(self) -> dict[str, int]:
        found = np.bincount(self.kind, minlength=len(KIND_NAMES))
        return {name: int(c) for name, c in zip(KIND_NAMES, found, strict=True)}

    def rows(self) -> Iterator[tuple[int | None, int | None, str]]:
        for g, p, k in zip(self.gt.tolist(), self.pred.tolist(), self.kind.tolist(), strict=True):
            yield (g if g >= 0 else None, p if p >= 0 else None, KIND_NAMES[k])


@dataclass(slots=True)
class Encoded:
    """Both traces as arrays the kernel reads: channel id, number, symbol id (-1 for numbers)."""

    ach: np.ndarray
    anum: np.ndarray
    asym: np.ndarray
    bch: np.ndarray
    bnum: np.ndarray
    bsym: np.ndarray
    mode: np.ndarray
    atol: np.ndarray
    rtol: np.ndarray

    def kernel_args(self) -> tuple:
        return (self.ach, self.anum, self.asym, self.bch, self.bnum, self.bsym, self.mode, self.atol, self.rtol)


def encode(gt: CanonicalTrace, pred: CanonicalTrace, comparators: Comparators) -> Encoded:
    channels: dict[str, int] = {}
    symbols: dict[str, int] = {}

    def side(trace: CanonicalTrace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ch = np.fromiter((channels.setdefault(c, len(channels)) for c in trace.channel), np.int32, len(trace))
        num = np.zeros(len(trace), np.float64)
        sym = np.full(len(trace), -1, np.int64)
        for i, v in enumerate(trace.value):
            if is_number(v):
                num[i] = v
            else:
                sym[i] = symbols.setdefault(value_key(v)[2], len(symbols))
        return ch, num, sym

    a = side(gt)
    b = side(pred)
    rules = [comparators.for_channel(name) for name in channels]
    return Encoded(
        *a, *b,
        mode=np.array([_MODES[r.type] for r in rules], np.int8),
        atol=np.array([r.abs_tol for r in rules], np.float64),
        rtol=np.array([r.rel_tol for r in rules], np.float64),
    )


def values_match(channel: str, a: Any, b: Any, comparators: Comparators) -> bool:
    """Whether two values of `channel` agree within the channel's tolerance."""
    rule = comparators.for_channel(channel)
    if rule.type == "any":
        return True
    if is_number(a) and is_number(b):
        x, y = float(a), float(b)
        if rule.type == "exact":
            return x == y
        return abs(x - y) <= rule.abs_tol + rule.rel_tol * max(abs(x), abs(y))
    if is_number(a) or is_number(b):
        return False
    return value_key(a) == value_key(b)


def align_optimal(gt: CanonicalTrace, pred: CanonicalTrace, comparators: Comparators) -> Alignment:
    """Minimum-cost alignment (see module docstring); deterministic tie-breaking."""
    enc = encode(gt, pred, comparators)
    n, m = len(gt), len(pred)
    args = enc.kernel_args()
    upper = n + m  # all gaps: always feasible
    if n + m > BAND_RUN_MIN:  # a cheap run inside a band of diagonals gives a tighter upper bound
        band_lo, band_hi = min(0, m - n) - BAND_HALF_WIDTH, max(0, m - n) + BAND_HALF_WIDTH
        upper, _, _, _ = _kernel.forward(n, m, *args, upper, band_lo, band_hi, n + m + 1, 2)
    stride = CHECKPOINT_STRIDE
    while True:
        cost, store, offsets, los = _kernel.forward(n, m, *args, upper, -_kernel.NO_BAND, _kernel.NO_BAND,
                                                    stride, CHECKPOINT_BUDGET)
        if cost >= 0:
            break
        if cost == -2:
            raise RuntimeError("alignment found no path: the band of diagonals is too narrow")
        stride *= 4
    g, p, k = _kernel.traceback(cost, store, offsets, los, stride, upper, n, m, *args)
    return Alignment(g, p, k)


def align_difflib(gt: CanonicalTrace, pred: CanonicalTrace, comparators: Comparators) -> Alignment:
    """EnvTrace's aligner: SequenceMatcher over channel names; `replace` blocks zipped position by position."""
    matcher = difflib.SequenceMatcher(None, gt.channel, pred.channel, autojunk=False)
    gi: list[int] = []
    pj: list[int] = []
    kinds: list[int] = []
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for off in range(max(i2 - i1, j2 - j1)):
            i = i1 + off if i1 + off < i2 else -1
            j = j1 + off if j1 + off < j2 else -1
            if i < 0:
                kind = INS
            elif j < 0:
                kind = DEL
            elif gt.channel[i] != pred.channel[j]:
                kind = MISMATCH
            else:
                kind = MATCH if values_match(gt.channel[i], gt.value[i], pred.value[j], comparators) else SUB
            gi.append(i)
            pj.append(j)
            kinds.append(kind)
    return Alignment(np.array(gi, np.int32), np.array(pj, np.int32), np.array(kinds, np.int8))


def align(gt: CanonicalTrace, pred: CanonicalTrace, config: ScoringConfig) -> Alignment:
    aligner = align_optimal if config.aligner.name == "optimal" else align_difflib
    return aligner(gt, pred, config.comparators)
