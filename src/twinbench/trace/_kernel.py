"""Compiled core of the optimal aligner: a diagonal-transition (Ukkonen / Landau-Vishkin) edit distance.

Costs: a match 0, a substitution 1 (same channel, value outside tolerance), a gap 1; events of different
channels never pair. Cost is monotone along every diagonal (dropping the last event of both prefixes
never raises it), so the furthest cell reachable on each diagonal at cost k is all that needs keeping:
time O((n+m)·D) worst case and about O(n + D²) on real traces, where D is the optimal cost.

Pruning (exact): a cell on diagonal d = j - i still needs at least |delta - d| gaps to reach the end
(delta = m - n), so with an upper bound U on D only diagonals with k + |delta - d| <= U are kept; every
cell reachable through a pruned one is pruned too (triangle inequality), so nothing on an optimal path is
lost. U comes from a cheap run restricted to a band of diagonals; a reference against an empty or much
shorter prediction then costs O(D·min(n, m)) instead of O(D²).

A row `L[k]` holds the furthest gt index reachable at cost k per diagonal (-1: none). The forward pass keeps
every `stride`-th row; the traceback recomputes the rows between two checkpoints only in a window around
the path (which moves one diagonal per cost at most): memory O(D²/stride), traceback O(D·stride).
"""

from __future__ import annotations

import numpy as np
from numba import njit

NEG = -1
MATCH, SUB, DEL, INS = 0, 1, 2, 3
NO_BAND = 1 << 60


@njit(cache=True)
def bounds(k, n, m, upper, band_lo, band_hi):
    """Diagonals worth computing at cost k: reachable, inside the traces, not pruned, inside the band."""
    delta = m - n
    lo = max(-k, -n, delta - (upper - k), band_lo)
    hi = min(k, m, delta + (upper - k), band_hi)
    return lo, hi


@njit(cache=True)
def _row(prev, poff, k, out, ooff, lo, hi, n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol):
    """Fill out[d - ooff] for d in [lo, hi] (row k) from prev[d - poff] (row k-1, -1 where unknown).

    The two cells beyond each end are set to -1 so the next row reads no stale value. The slide along
    matches is written inline: a call per diagonal costs more than the whole step.
    """
    plen = len(prev)
    for d in range(lo, hi + 1):
        best = 0 if (k == 0 and d == 0) else NEG
        if k > 0:
            q = d - poff
            if 0 <= q < plen:
                x = prev[q]
                if x >= 0:
                    best = x
                    if x < n and x + d < m and ach[x] == bch[x + d]:
                        best = x + 1
            q = d + 1 - poff
            if 0 <= q < plen:
                x = prev[q]
                if x >= 0 and x + 1 <= n and x + 1 > best:
                    best = x + 1
            q = d - 1 - poff
            if 0 <= q < plen:
                x = prev[q]
                if x >= 0 and x + d <= m and x > best:
                    best = x
        if best < 0 or best + d < 0 or best + d > m or best > n:
            out[d - ooff] = NEG
            continue
        i = best
        j = best + d
        while i < n and j < m and ach[i] == bch[j]:
            c = ach[i]
            kind = mode[c]
            if kind != 2:  # 2: any value matches
                sa = asym[i]
                sb = bsym[j]
                if sa >= 0 or sb >= 0:  # symbols (non-numbers) match by identity
                    if sa != sb:
                        break
                elif kind == 1:
                    if anum[i] != bnum[j]:
                        break
                elif abs(anum[i] - bnum[j]) > atol[c] + rtol[c] * max(abs(anum[i]), abs(bnum[j])):
                    break
            i += 1
            j += 1
        out[d - ooff] = i
    for d in (lo - 2, lo - 1, hi + 1, hi + 2):
        q = d - ooff
        if 0 <= q < len(out):
            out[q] = NEG


@njit(cache=True)
def forward(n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol, upper, band_lo, band_hi, stride, budget):
    """Return (D, values, offsets, los): checkpoint rows k = 0, stride, 2·stride, ... as their computed range.

    Row q covers diagonals los[q] .. los[q] + (offsets[q+1] - offsets[q]) - 1. D = -1 when the checkpoints
    would exceed `budget` entries (the caller retries with a wider stride).
    """
    delta = m - n
    width = 2 * (n + m) + 5
    prev = np.full(width, NEG, np.int32)
    cur = np.full(width, NEG, np.int32)
    cap = 1024
    store = np.empty(cap, np.int32)
    offsets = [0]
    los = [0]
    k = 0
    lo, hi = 0, 0
    _row(prev, 0, 0, prev, -(n + m + 2), 0, 0, n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol)
    off = -(n + m + 2)  # both buffers index diagonal d at d - off
    store[0] = prev[0 - off]
    offsets.append(1)
    while not (lo <= delta <= hi and prev[delta - off] == n):
        k += 1
        if k > n + m:  # cannot happen with a feasible band; never loop forever
            return -2, store[:0], np.zeros(1, np.int64), np.zeros(1, np.int64)
        lo, hi = bounds(k, n, m, upper, band_lo, band_hi)
        _row(prev, off, k, cur, off, lo, hi, n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol)
        prev, cur = cur, prev
        if k % stride == 0:
            used = offsets[-1]
            w = max(0, hi - lo + 1)
            if used + w > budget:
                return -1, store[:0], np.zeros(1, np.int64), np.zeros(1, np.int64)
            if used + w > cap:
                cap = max(2 * cap, used + w)
                bigger = np.empty(cap, np.int32)
                bigger[:used] = store[:used]
                store = bigger
            store[used:used + w] = prev[lo - off:lo - off + w]
            offsets.append(used + w)
            los.append(lo)
    return k, store[:offsets[-1]], np.array(offsets, np.int64), np.array(los, np.int64)


@njit(cache=True)
def traceback(D, store, offsets, los, stride, upper, n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol):
    """Walk back from (D, m-n) and return the alignment as (gt index, pred index, kind) arrays."""
    gi = np.empty(n + m, np.int32)
    pj = np.empty(n + m, np.int32)
    kind = np.empty(n + m, np.int8)
    r = 0
    half = 2 * stride + 2  # window half-width: exact within stride + 1 diagonals of its centre
    win = 2 * half + 1
    seg = np.full((stride, win), NEG, np.int32)  # rows k0 .. k0+stride-1 on diagonals [wlo, wlo + win)
    wlo = 0
    seg_k0 = -1
    d = m - n
    x = n
    k = D
    while k > 0:
        kp = k - 1
        if seg_k0 < 0 or kp < seg_k0:
            seg_k0 = (kp // stride) * stride
            q = seg_k0 // stride
            wlo = d - half
            seg[0, :] = NEG
            for dd in range(max(wlo, los[q]), min(wlo + win, los[q] + offsets[q + 1] - offsets[q])):
                seg[0, dd - wlo] = store[offsets[q] + dd - los[q]]
            for t in range(1, kp - seg_k0 + 1):
                lo, hi = bounds(seg_k0 + t, n, m, upper, -NO_BAND, NO_BAND)
                seg[t, :] = NEG
                _row(seg[t - 1], wlo, seg_k0 + t, seg[t], wlo, max(lo, wlo), min(hi, wlo + win - 1), n, m,
                     ach, anum, asym, bch, bnum, bsym, mode, atol, rtol)
        row = seg[kp - seg_k0]
        # Re-derive which candidate produced the start of the final slide (same order as _row).
        best = NEG
        how = -1
        xx = row[d - wlo]
        if xx >= 0:
            best = xx
            how = 9  # already reachable at cost k-1
            if xx < n and xx + d < m and ach[xx] == bch[xx + d]:
                best = xx + 1
                how = SUB
        xx = row[d + 1 - wlo]
        if xx >= 0 and xx + 1 <= n and xx + 1 > best:
            best = xx + 1
            how = DEL
        xx = row[d - 1 - wlo]
        if xx >= 0 and xx + d <= m and xx > best:
            best = xx
            how = INS
        for i in range(x - 1, best - 1, -1):
            gi[r] = i
            pj[r] = i + d
            kind[r] = MATCH
            r += 1
        k -= 1
        if how == SUB:
            gi[r] = best - 1
            pj[r] = best - 1 + d
            kind[r] = SUB
            x = best - 1
        elif how == DEL:
            gi[r] = best - 1
            pj[r] = -1
            kind[r] = DEL
            x = best - 1
            d += 1
        elif how == INS:
            gi[r] = -1
            pj[r] = best + d - 1
            kind[r] = INS
            x = best
            d -= 1
        else:
            x = best
            continue
        r += 1
    for i in range(x - 1, -1, -1):
        gi[r] = i
        pj[r] = i
        kind[r] = MATCH
        r += 1
    return gi[:r][::-1].copy(), pj[:r][::-1].copy(), kind[:r][::-1].copy()
