"""Compiled core of the optimal aligner: a diagonal-transition (Ukkonen / Landau-Vishkin) edit distance.

Costs: a match 0, a substitution 1 (same channel, value outside tolerance), a gap 1; events of different
channels never pair. Cost is monotone along every diagonal (dropping the last event of both prefixes
never raises it), so the furthest cell reachable on each diagonal at cost k is all that needs keeping:
time O((n+m)·D) worst case and about O(n + D²) on real traces, where D is the optimal cost.

A row `L[k]` holds, for each diagonal d = j - i in a window [lo, hi], the furthest gt index reachable at
cost k (-1: none). The forward pass keeps every `stride`-th full row; the traceback recomputes the rows
between two checkpoints only in a window around the path (the path moves one diagonal per cost at most),
so memory is O(D²/stride) and the traceback O(D·stride).
"""

from __future__ import annotations

import numpy as np
from numba import njit

NEG = -1
MATCH, SUB, DEL, INS = 0, 1, 2, 3


@njit(cache=True)
def _row(prev, plo, phi, k, out, lo, hi, n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol):
    """Fill `out[d - lo]` for d in [lo, hi] (row k) from `prev[d - plo]` for d in [plo, phi] (row k-1).

    Row 0 reads nothing from `prev`. The slide along matches is written inline: a call per diagonal
    costs more than the whole step.
    """
    for d in range(lo, hi + 1):
        best = 0 if (k == 0 and d == 0) else NEG
        if k > 0:
            if plo <= d <= phi:
                x = prev[d - plo]
                if x >= 0:
                    best = x
                    if x < n and x + d < m and ach[x] == bch[x + d]:
                        best = x + 1
            if plo <= d + 1 <= phi:
                x = prev[d + 1 - plo]
                if x >= 0 and x + 1 <= n and x + 1 > best:
                    best = x + 1
            if plo <= d - 1 <= phi:
                x = prev[d - 1 - plo]
                if x >= 0 and x + d <= m and x > best:
                    best = x
        if best < 0 or best + d < 0 or best + d > m or best > n:
            out[d - lo] = NEG
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
        out[d - lo] = i


@njit(cache=True)
def forward(n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol, stride, budget):
    """Return (D, checkpoints, offsets): full rows k = 0, stride, 2·stride, ... in one flat buffer.

    D = -1 when the checkpoints would exceed `budget` entries (the caller retries with a wider stride).
    """
    delta = m - n
    width = 2 * (n + m) + 3
    prev = np.empty(width, np.int32)
    cur = np.empty(width, np.int32)
    _row(prev, 0, -1, 0, prev, 0, 0, n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol)
    cap = 1024
    store = np.empty(cap, np.int32)
    store[0] = prev[0]
    offsets = [0, 1]
    k = 0
    while not (-k <= delta <= k and prev[delta + k] == n):
        k += 1
        _row(prev, -(k - 1), k - 1, k, cur, -k, k, n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol)
        prev, cur = cur, prev
        if k % stride == 0:
            used = offsets[-1]
            w = 2 * k + 1
            if used + w > budget:
                return -1, store[:0], np.zeros(1, np.int64)
            if used + w > cap:
                cap = max(2 * cap, used + w)
                bigger = np.empty(cap, np.int32)
                bigger[:used] = store[:used]
                store = bigger
            store[used:used + w] = prev[:w]
            offsets.append(used + w)
    return k, store[:offsets[-1]], np.array(offsets, np.int64)


@njit(cache=True)
def traceback(D, store, offsets, stride, n, m, ach, anum, asym, bch, bnum, bsym, mode, atol, rtol):
    """Walk back from (D, m-n) and return the alignment as (gt index, pred index, kind) arrays."""
    gi = np.empty(n + m, np.int32)
    pj = np.empty(n + m, np.int32)
    kind = np.empty(n + m, np.int8)
    r = 0
    half = 2 * stride + 2  # window half-width: exact within stride + 1 diagonals of its centre
    win = 2 * half + 1
    seg = np.empty((stride, win), np.int32)  # rows k0 .. k0+stride-1 on diagonals [centre-half, centre+half]
    seg_lo = np.empty(stride, np.int64)
    seg_k0 = -1
    d = m - n
    x = n
    k = D
    while k > 0:
        kp = k - 1
        if seg_k0 < 0 or kp < seg_k0:
            seg_k0 = (kp // stride) * stride
            q = seg_k0 // stride
            lo = max(d - half, -seg_k0)
            hi = min(d + half, seg_k0)
            seg_lo[0] = lo
            seg[0, :hi - lo + 1] = store[offsets[q] + lo + seg_k0:offsets[q] + hi + seg_k0 + 1]
            plo, phi = lo, hi
            for t in range(1, kp - seg_k0 + 1):
                kk = seg_k0 + t
                lo = max(d - half, -kk)
                hi = min(d + half, kk)
                _row(seg[t - 1], plo, phi, kk, seg[t], lo, hi, n, m,
                     ach, anum, asym, bch, bnum, bsym, mode, atol, rtol)
                seg_lo[t] = lo
                plo, phi = lo, hi
        row = seg[kp - seg_k0]
        rlo = seg_lo[kp - seg_k0]
        # Re-derive which candidate produced the start of the final slide (same order as _row).
        best = NEG
        how = -1
        if -kp <= d <= kp:
            xx = row[d - rlo]
            if xx >= 0:
                best = xx
                how = 9  # already reachable at cost k-1
                if xx < n and xx + d < m and ach[xx] == bch[xx + d]:
                    best = xx + 1
                    how = SUB
        if -kp <= d + 1 <= kp:
            xx = row[d + 1 - rlo]
            if xx >= 0 and xx + 1 <= n and xx + 1 > best:
                best = xx + 1
                how = DEL
        if -kp <= d - 1 <= kp:
            xx = row[d - 1 - rlo]
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
