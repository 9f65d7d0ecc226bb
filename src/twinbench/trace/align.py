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
from functools import cache
from types import ModuleType
from typing import Any

import numpy as np

from twinbench.trace import kernel
from twinbench.trace.canonical import CanonicalTrace, is_number, value_key
from twinbench.trace.config import Comparators, ScoringConfig
from twinbench.trace.kernel import DEL, INS, MATCH, SUB

MISMATCH = 4  # difflib only: a zipped pair of different channels
KIND_NAMES = ("match", "substitution", "missing", "inserted", "mismatch")
KIND_COST = np.array([0, 1, 1, 1, 2], dtype=np.int64)
_MODES = {"numeric": 0, "exact": 1, "any": 2}
_PLAIN_NUMBERS = {int, float, bool}
TIE_CELLS = 1 << 26  # the most-matches pass keeps one byte per cell of its band; above this it is skipped
CHECKPOINT_STRIDE = 64  # columns between two kept column states (traceback memory vs recompute)
BAND_HALF_WIDTH = 128  # diagonals each side of the first pass: wide enough to follow drifting edits


@cache
def _core() -> ModuleType:
    """The compiled core, loaded on first use (see `twinbench.trace.kernel`)."""
    return kernel.load()


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

    def tables(self) -> tuple:
        """Token tables the kernel reads: which gt rows share a channel, and which agree with each pred event.

        A token is a channel or a (channel, value) of gt; its rows are kept as sorted positions, and also as
        a bit row when it is frequent (one row per 64 or more). Three scratch rows follow the bit rows.
        """
        n = len(self.ach)
        order = np.lexsort((self.anum, self.asym, self.ach))
        ch, sym, num = self.ach[order], self.asym[order], self.anum[order]
        new = np.ones(n, bool)
        new[1:] = (ch[1:] != ch[:-1]) | (sym[1:] != sym[:-1]) | (num[1:] != num[:-1])
        firsts = np.flatnonzero(new)
        by_channel = np.argsort(self.ach, kind="stable")
        chan_firsts = np.flatnonzero(np.r_[True, np.diff(self.ach[by_channel]) != 0])
        nvalue = len(firsts)
        pos = np.concatenate([order, by_channel]).astype(np.int64)
        pos_start = np.r_[firsts, n + chan_firsts, 2 * n].astype(np.int64)
        tok_ch, tok_sym, tok_num = ch[firsts], sym[firsts], num[firsts]
        nchan = len(self.mode)
        chan_tok = np.full(nchan, -1, np.int64)
        chan_tok[self.ach[by_channel][chan_firsts]] = nvalue + np.arange(len(chan_firsts))
        chan_first = np.searchsorted(tok_ch, np.arange(nchan), side="left").astype(np.int64)
        chan_end = np.searchsorted(tok_ch, np.arange(nchan), side="right").astype(np.int64)
        chan_num_end = chan_first + np.bincount(tok_ch[tok_sym < 0], minlength=nchan)  # numbers sort first
        counts = np.diff(pos_start)
        dense = np.flatnonzero(counts * 64 >= n)
        dense_of = np.full(len(counts), -1, np.int64)
        dense_of[dense] = np.arange(len(dense))
        rows = np.zeros((len(dense) + 3, (n + 63) >> 6), np.uint64)
        for r, tok in enumerate(dense):
            p = pos[pos_start[tok]:pos_start[tok + 1]]
            np.bitwise_or.at(rows[r], p >> 6, np.left_shift(np.uint64(1), (p & 63).astype(np.uint64)))
        mstart, mtok = _core().matching_tokens(tok_ch, tok_sym, tok_num, chan_first, chan_num_end, chan_end,
                                               chan_tok, self.bch, self.bnum, self.bsym, self.mode, self.atol,
                                               self.rtol)
        return rows, dense_of, pos_start, pos, chan_tok, self.bch, mstart, mtok

    def values(self) -> tuple:
        """What the kernel needs to compare two values."""
        return (self.ach, self.anum, self.asym, self.bnum, self.bsym, self.mode, self.atol, self.rtol)


def encode(gt: CanonicalTrace, pred: CanonicalTrace, comparators: Comparators) -> Encoded:
    channels = {c: k for k, c in enumerate(dict.fromkeys([*gt.channel, *pred.channel]))}
    symbols: dict[str, int] = {}

    def side(trace: CanonicalTrace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ch = np.fromiter(map(channels.__getitem__, trace.channel), np.int32, len(trace))
        sym = np.full(len(trace), -1, np.int64)
        if set(map(type, trace.value)) <= _PLAIN_NUMBERS:  # fast path: only finite numbers need no symbol
            num = np.array(trace.value, np.float64)
            if np.isfinite(num).all():
                return ch, num, sym
        num = np.zeros(len(trace), np.float64)
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
    if is_number(a) and is_number(b):  # the optimal aligner's own rule
        return bool(_core().numbers_agree(float(a), float(b), _MODES[rule.type], rule.abs_tol, rule.rel_tol))
    if is_number(a) or is_number(b):
        return False
    return value_key(a) == value_key(b)


def align_optimal(gt: CanonicalTrace, pred: CanonicalTrace, comparators: Comparators) -> Alignment:
    """Minimum-cost alignment (see module docstring); among those, one with the most matches."""
    n, m = len(gt), len(pred)
    if n == 0 or m == 0:
        return Alignment(np.r_[np.arange(n), np.full(m, -1)].astype(np.int32),
                         np.r_[np.full(n, -1), np.arange(m)].astype(np.int32),
                         np.r_[np.full(n, DEL), np.full(m, INS)].astype(np.int8))
    core = _core()
    enc = encode(gt, pred, comparators)
    tables = enc.tables()
    delta = m - n
    half = BAND_HALF_WIDTH
    while True:  # at most twice: the first pass's cost bounds the band of the second
        lo_d, hi_d = min(0, delta) - half, max(0, delta) + half
        cost, store, offsets, bounds = core.forward(n, m, lo_d, hi_d, CHECKPOINT_STRIDE, *tables)
        need = (cost - abs(delta)) // 2  # a cell further off the diagonals than this costs more than `cost`
        if need <= half:
            break
        half = need
    g, p, k = core.traceback(n, m, lo_d, hi_d, CHECKPOINT_STRIDE, store, offsets, bounds, *tables,
                                *enc.values())
    alignment = Alignment(g, p, k)
    if len(g) == 0 or alignment.cost != cost:
        raise RuntimeError(f"optimal aligner: traceback does not reproduce the cost {cost}")
    if not np.any(k == SUB) or (n + 1) * (cost + 1) > TIE_CELLS:  # no substitution: no tie has more matches
        return alignment
    best = Alignment(*core.most_matches(n, m, cost, enc.bch, *enc.values()))
    if best.cost != cost:
        raise RuntimeError(f"optimal aligner: the most-matches pass does not reproduce the cost {cost}")
    return best


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
