"""Compiled core of the optimal aligner: a banded, bit-parallel edit distance (Myers / Hyyrö, extended).

Costs: a match 0, a substitution 1 (same channel, value outside tolerance), a gap 1; events of different
channels never pair. Rows are gt events (bit i-1 of a column holds row i), columns are pred events. A column
of the dynamic program is kept as its vertical differences (+1 in VP, -1 in VN), 64 rows per machine word.

Myers' algorithm assumes every pair may be substituted. Here a pair of different channels (NS) may not:
the diagonal step can be 2, and a +1 horizontal difference then carries down through rows where the
vertical difference is +1 and NS holds. A second carry-propagating addition resolves that chain, so a
column still costs O(rows / 64) word operations. Derivation (h_in, v_in: differences entering a cell):
  diag = 0 if Eq or v_in = -1 or h_in = -1; 2 if NS and v_in = +1 and h_in = +1; else 1
  h_out = diag - v_in, v_out = diag - h_in.

Band (exact): a cell (i, j) lies on a path of cost at least |j - i| + |(m - j) - (n - i)|; given an upper
bound U on the optimal cost only rows within that bound are computed. Cells just outside take values of
real paths around the band (top: one more per column, bottom: one more per row), never below the true
ones, so every cell on an optimal path is exact and the traceback never leaves the band. U comes from the
same computation in a narrow band (the cost of a real path); when that band already holds every cell
within U, its result is the exact one.

Traceback: the column state of every `stride`-th column is kept; each stretch between two is recomputed
with its horizontal differences, and the path is walked back through it: memory O(m/stride · band/64),
time twice the forward pass.

Most matches: among the alignments of minimum cost, `most_matches` finds one with the fewest substitutions.

Compiled ahead of time when the install could (`_kernel_build`, see `twinbench.trace.kernel`); otherwise by
numba, kept on disk, so only the first process after an install or a change of this file compiles them:
beside this file (`__pycache__`) when that folder can be written, else in `<twinbench cache>/numba` (see
`twinbench.cache`), which any install can write.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numba
import numpy as np
from numba import njit

from twinbench.cache import cache_root
from twinbench.trace.kernel import DEL, INS, MATCH, SUB


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def _cache_dir() -> str | None:
    """The kernel's cache folder outside the package, or None to keep numba's own choice (beside the source)."""
    if _writable(Path(__file__).parent / "__pycache__"):
        return None
    path = cache_root() / "numba"
    return str(path) if _writable(path) else None


def cached(fn):
    """`njit(cache=True)` in `CACHE_DIR` (with no writable place at all, compiled once per process)."""
    saved = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = CACHE_DIR or saved  # numba reads it when the cache is enabled, at decoration
    try:
        return njit(cache=True)(fn)
    except RuntimeError:  # numba found no writable cache location
        return njit(fn)
    finally:
        numba.config.CACHE_DIR = saved


CACHE_DIR = _cache_dir()

ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
ONE = np.uint64(1)
ZERO = np.uint64(0)
SHIFT63 = np.uint64(63)


@cached
def popcount(x):
    """Number of set bits of a uint64."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@cached
def numbers_agree(x, y, kind, atol, rtol):
    """Two numbers of a channel compared by its rule: 1 exact, 2 any value, else within tolerance."""
    if kind == 2:
        return True
    if kind == 1:
        return x == y
    return abs(x - y) <= atol + rtol * max(abs(x), abs(y))


@cached
def values_agree(i, j, ach, anum, asym, bnum, bsym, mode, atol, rtol):
    """Whether gt event i and pred event j (same channel assumed) agree within the channel's tolerance."""
    c = ach[i]
    if mode[c] == 2:  # any value matches
        return True
    sa = asym[i]
    sb = bsym[j]
    if sa >= 0 or sb >= 0:  # symbols (non-numbers) match by identity
        return sa == sb
    return numbers_agree(anum[i], bnum[j], mode[c], atol[c], rtol[c])


@cached
def matching_tokens(tok_ch, tok_sym, tok_num, chan_first, chan_num_end, chan_end, chan_tok,
                    bch, bnum, bsym, mode, atol, rtol):
    """For each pred event, the gt tokens whose rows agree with it, as CSR (starts, tokens).

    Tokens of one channel are sorted numbers first (by value), then symbols (by id). A numeric event
    searches a window that contains every value within tolerance, then checks each candidate exactly.
    """
    m = len(bch)
    starts = np.zeros(m + 1, np.int64)
    out = np.empty(16, np.int64)
    used = 0
    for j in range(m):
        c = bch[j]
        lo = chan_first[c]
        hi = chan_end[c]
        if chan_tok[c] < 0:
            starts[j + 1] = used
            continue
        if mode[c] == 2:  # every row of the channel agrees: its channel token
            lo, hi = chan_tok[c], chan_tok[c] + 1
        elif bsym[j] >= 0:
            lo = chan_num_end[c] + np.searchsorted(tok_sym[chan_num_end[c]:hi], bsym[j])
            hi = lo + 1 if lo < chan_end[c] and tok_sym[lo] == bsym[j] else lo
        else:
            v = bnum[j]
            r = rtol[c]
            if r >= 1.0:
                reach = np.inf
            else:
                reach = (atol[c] + r * abs(v)) / (1.0 - r) * (1.0 + 1e-9) + 1e-12 * abs(v)
            if mode[c] == 1:
                reach = 1e-12 * abs(v)
            first = lo + np.searchsorted(tok_num[lo:chan_num_end[c]], v - reach)
            last = lo + np.searchsorted(tok_num[lo:chan_num_end[c]], v + reach, side="right")
            lo, hi = first, last
        numeric = bsym[j] < 0 and mode[c] != 2
        for k in range(lo, hi):
            if numeric and not numbers_agree(tok_num[k], bnum[j], mode[c], atol[c], rtol[c]):
                continue
            if used == len(out):
                bigger = np.empty(2 * len(out), np.int64)
                bigger[:used] = out[:used]
                out = bigger
            out[used] = k
            used += 1
        starts[j + 1] = used
    return starts, out[:used].copy()


@cached
def _fill(rows, dest, tok, dense_of, pos_start, pos, wlo, whi):
    """OR token `tok`'s rows within words wlo..whi into rows[dest]."""
    d = dense_of[tok]
    if d >= 0:
        for w in range(wlo, whi + 1):
            rows[dest, w] |= rows[d, w]
        return
    a = pos_start[tok]
    b = pos_start[tok + 1]
    k = a + np.searchsorted(pos[a:b], 64 * wlo)
    end = 64 * (whi + 1)
    while k < b and pos[k] < end:
        p = pos[k]
        rows[dest, p >> 6] |= ONE << np.uint64(p & 63)
        k += 1


@cached
def _masks(j, wlo, whi, rows, dense_of, pos_start, pos, chan_tok, bch, mstart, mtok):
    """Row indices in `rows` of the Eq and same-channel words for pred event j.

    A frequent token is read where it is; otherwise the last two rows (scratch, all zero) are filled over
    the band, and must be wiped (`_wipe`) after use.
    """
    nrow = rows.shape[0]
    zero_row, eq_row, ch_row = nrow - 3, nrow - 2, nrow - 1
    ct = chan_tok[bch[j]]
    ch = zero_row
    if ct >= 0:
        if dense_of[ct] >= 0:
            ch = dense_of[ct]
        else:
            _fill(rows, ch_row, ct, dense_of, pos_start, pos, wlo, whi)
            ch = ch_row
    a, b = mstart[j], mstart[j + 1]
    eq = zero_row
    if b - a == 1 and dense_of[mtok[a]] >= 0:
        eq = dense_of[mtok[a]]
    elif b > a:
        eq = eq_row
        for k in range(a, b):
            _fill(rows, eq_row, mtok[k], dense_of, pos_start, pos, wlo, whi)
    return eq, ch


@cached
def _wipe(rows, wlo, whi):
    """Zero the two scratch rows over words wlo..whi."""
    nrow = rows.shape[0]
    for w in range(wlo, whi + 1):
        rows[nrow - 2, w] = ZERO
        rows[nrow - 1, w] = ZERO


@cached
def _column(vp, vn, wlo, whi, eq, ch, hp_keep, hn_keep, keep):
    """Advance the column state vp/vn (words wlo..whi) by one pred event.

    eq and ch: Eq and same-channel words; with `keep`, HP and HN go to hp_keep and hn_keep (from word wlo).
    """
    hp_in = ONE  # the cell above the band is one more than its left neighbour
    hn_in = ZERO
    s_in = ONE
    c1 = ZERO
    c2 = ZERO
    for w in range(wlo, whi + 1):
        VP = vp[w]
        VN = vn[w]
        NS = ~ch[w]
        X = eq[w] | VN
        t = X & VP
        s1 = t + VP
        k1 = ONE if s1 < t else ZERO
        s1b = s1 + c1
        c1 = k1 | (ONE if s1b < s1 else ZERO)
        D0 = (s1b ^ VP) | X
        HN = VP & D0
        S = VN | ~(VP | D0)
        C = VP & NS
        G = ((S << ONE) | s_in) & C
        s2 = C + G
        k2 = ONE if s2 < C else ZERO
        s2b = s2 + c2
        c2 = k2 | (ONE if s2b < s2 else ZERO)
        HP = S | ((s2b ^ C) & C)
        HPin = (HP << ONE) | hp_in
        HNin = (HN << ONE) | hn_in
        vp[w] = HNin | (NS & VP & HPin) | ~(D0 | HPin)
        vn[w] = D0 & HPin
        hp_in = HP >> SHIFT63
        hn_in = HN >> SHIFT63
        s_in = S >> SHIFT63
        if keep:
            hp_keep[w - wlo] = HP
            hn_keep[w - wlo] = HN


@cached
def band_words(j, n, lo_d, hi_d):
    """First and last word of rows computed in column j: rows i with lo_d <= j - i <= hi_d (never empty)."""
    i_lo = min(max(1, j - hi_d), n)
    i_hi = max(min(n, j - lo_d), i_lo)
    return (i_lo - 1) >> 6, (i_hi - 1) >> 6


@cached
def _advance(j, n, lo_d, hi_d, vp, vn, wlo, whi, top):
    """Move the band from column j-1 to j: new bounds and the value of the row above the band."""
    nlo, nhi = band_words(j, n, lo_d, hi_d)
    for w in range(wlo, nlo):  # the band's top moves down: value at row 64·nlo of column j-1
        top += popcount(vp[w]) - popcount(vn[w])
    for w in range(whi + 1, nhi + 1):  # rows entering at the bottom: one more per row below
        vp[w] = ONES
        vn[w] = ZERO
    return nlo, nhi, top + 1


@cached
def forward(n, m, lo_d, hi_d, stride, rows, dense_of, pos_start, pos, chan_tok, bch, mstart, mtok):
    """Return (D, checkpoint words, offsets, bounds) for columns 0, stride, 2·stride, ...

    Checkpoint q holds vp then vn over its band words (bounds[q] = (wlo, whi)).
    """
    nw = (n + 63) >> 6
    vp = np.zeros(nw, np.uint64)
    vn = np.zeros(nw, np.uint64)
    wlo, whi = band_words(0, n, lo_d, hi_d)
    for w in range(wlo, whi + 1):
        vp[w] = ONES  # column 0: D[i][0] = i
    top = 0
    ncp = m // stride + 1
    offsets = np.zeros(ncp + 1, np.int64)
    bounds = np.zeros((ncp, 2), np.int64)
    total = 0
    for q in range(ncp):
        lo, hi = band_words(q * stride, n, lo_d, hi_d)
        total += 2 * (hi - lo + 1)
    store = np.empty(total, np.uint64)
    dummy = np.empty(0, np.uint64)
    for j in range(m + 1):
        if j > 0:
            wlo, whi, top = _advance(j, n, lo_d, hi_d, vp, vn, wlo, whi, top)
            eq, ch = _masks(j - 1, wlo, whi, rows, dense_of, pos_start, pos, chan_tok, bch, mstart, mtok)
            _column(vp, vn, wlo, whi, rows[eq], rows[ch], dummy, dummy, False)
            _wipe(rows, wlo, whi)
        if j % stride == 0:
            q = j // stride
            o = offsets[q]
            w = whi - wlo + 1
            store[o:o + w] = vp[wlo:whi + 1]
            store[o + w:o + 2 * w] = vn[wlo:whi + 1]
            offsets[q + 1] = o + 2 * w
            bounds[q, 0] = wlo
            bounds[q, 1] = whi
    cost = top
    last = (n - 1) >> 6
    for w in range(wlo, last):
        cost += popcount(vp[w]) - popcount(vn[w])
    mask = ONES >> np.uint64(63 - ((n - 1) & 63))
    cost += popcount(vp[last] & mask) - popcount(vn[last] & mask)
    return cost, store, offsets, bounds


@cached
def _bit(words, lo, hi, i, virtual):
    """Difference (+1, 0, -1) at row i from a pair of word arrays covering words lo..hi."""
    w = (i - 1) >> 6
    if w > hi:
        return virtual
    b = np.uint64((i - 1) & 63)
    if (words[0, w - lo] >> b) & ONE:
        return 1
    if (words[1, w - lo] >> b) & ONE:
        return -1
    return 0


@cached
def _record(gi, pj, kind, r, i, j, how):
    """Write row r of an alignment walked back from cell (i, j) by the move `how`; return the next r, i, j."""
    kind[r] = how
    gi[r] = i - 1 if how != INS else -1
    pj[r] = j - 1 if how != DEL else -1
    if how != INS:
        i -= 1
    if how != DEL:
        j -= 1
    return r + 1, i, j


@cached
def traceback(n, m, lo_d, hi_d, stride, store, offsets, bounds, rows, dense_of, pos_start, pos, chan_tok, bch,
              mstart, mtok, ach, anum, asym, bnum, bsym, mode, atol, rtol):
    """Walk back from (n, m) and return the alignment as (gt index, pred index, kind) arrays."""
    nw = (n + 63) >> 6
    maxw = 1
    for j in range(m + 1):
        lo, hi = band_words(j, n, lo_d, hi_d)
        maxw = max(maxw, hi - lo + 1)
    v_seg = np.zeros((stride + 1, 2, maxw), np.uint64)  # per column: vp, vn over its band
    h_seg = np.zeros((stride + 1, 2, maxw), np.uint64)  # per column: hp, hn over its band
    seg_lo = np.zeros(stride + 1, np.int64)
    seg_hi = np.zeros(stride + 1, np.int64)
    vp = np.zeros(nw, np.uint64)
    vn = np.zeros(nw, np.uint64)
    gi = np.empty(n + m, np.int32)
    pj = np.empty(n + m, np.int32)
    kind = np.empty(n + m, np.int8)
    r = 0
    i, j = n, m
    while j > 0 and i > 0:
        j0 = ((j - 1) // stride) * stride
        q = j0 // stride
        wlo, whi = bounds[q, 0], bounds[q, 1]
        w = whi - wlo + 1
        o = offsets[q]
        vp[wlo:whi + 1] = store[o:o + w]
        vn[wlo:whi + 1] = store[o + w:o + 2 * w]
        seg_lo[0], seg_hi[0] = wlo, whi
        v_seg[0, 0, :w] = vp[wlo:whi + 1]
        v_seg[0, 1, :w] = vn[wlo:whi + 1]
        for t in range(1, j - j0 + 1):
            wlo, whi, _ = _advance(j0 + t, n, lo_d, hi_d, vp, vn, wlo, whi, 0)
            eq, ch = _masks(j0 + t - 1, wlo, whi, rows, dense_of, pos_start, pos, chan_tok, bch, mstart, mtok)
            _column(vp, vn, wlo, whi, rows[eq], rows[ch], h_seg[t, 0], h_seg[t, 1], True)
            _wipe(rows, wlo, whi)
            w = whi - wlo + 1
            seg_lo[t], seg_hi[t] = wlo, whi
            v_seg[t, 0, :w] = vp[wlo:whi + 1]
            v_seg[t, 1, :w] = vn[wlo:whi + 1]
        while j > j0 and i > 0:
            t = j - j0
            v_out = _bit(v_seg[t], seg_lo[t], seg_hi[t], i, 1)
            h_out = _bit(h_seg[t], seg_lo[t], seg_hi[t], i, 1)
            v_in = _bit(v_seg[t - 1], seg_lo[t - 1], seg_hi[t - 1], i, 1)
            diag = h_out + v_in
            same = ach[i - 1] == bch[j - 1]
            agree = same and values_agree(i - 1, j - 1, ach, anum, asym, bnum, bsym, mode, atol, rtol)
            if agree and diag == 0:
                how = MATCH
            elif same and not agree and diag == 1:
                how = SUB
            elif v_out == 1:
                how = DEL
            elif h_out == 1:
                how = INS
            else:  # cannot happen: every cell is reached from one of its neighbours
                return gi[:0], pj[:0], kind[:0]
            r, i, j = _record(gi, pj, kind, r, i, j, how)
    while i > 0:
        i -= 1
        gi[r], pj[r], kind[r] = i, -1, DEL
        r += 1
    while j > 0:
        j -= 1
        gi[r], pj[r], kind[r] = -1, j, INS
        r += 1
    return gi[:r][::-1].copy(), pj[:r][::-1].copy(), kind[:r][::-1].copy()


@cached
def most_matches(n, m, cost, bch, ach, anum, asym, bnum, bsym, mode, atol, rtol):
    """Among the alignments of minimum `cost`, one with the most matches (the fewest substitutions).

    A dynamic program on the key cost·B + substitutions (B > any substitution count), so minimising the key
    minimises the cost first; only the diagonals an alignment of `cost` can visit are filled. Ties go to a
    pair, then a missing event, then an inserted one, walking back from the end.
    """
    delta = m - n
    dlo = max(-n, -((cost - delta) // 2))
    dhi = min(m, (delta + cost) // 2)
    w = dhi - dlo + 1
    big = min(n, m) + 1
    inf = np.int64(1) << 60
    how = np.zeros((n + 1, w), np.int8)
    prev = np.full(w + 1, inf, np.int64)
    cur = np.full(w + 1, inf, np.int64)
    for i in range(n + 1):
        for k in range(w):
            j = i + dlo + k
            cur[k] = inf
            if j < 0 or j > m:
                continue
            if i == 0 and j == 0:
                cur[k] = 0
                continue
            best, move = inf, -1
            if i > 0 and j > 0 and ach[i - 1] == bch[j - 1] and prev[k] < inf:
                agree = values_agree(i - 1, j - 1, ach, anum, asym, bnum, bsym, mode, atol, rtol)
                best, move = prev[k] + (0 if agree else big + 1), MATCH if agree else SUB
            if i > 0 and k + 1 < w and prev[k + 1] + big < best:
                best, move = prev[k + 1] + big, DEL
            if j > 0 and k > 0 and cur[k - 1] + big < best:
                best, move = cur[k - 1] + big, INS
            cur[k] = best
            how[i, k] = move
        prev, cur = cur, prev
    gi = np.empty(n + m, np.int32)
    pj = np.empty(n + m, np.int32)
    kind = np.empty(n + m, np.int8)
    r, i, j = 0, n, m
    while i > 0 or j > 0:
        r, i, j = _record(gi, pj, kind, r, i, j, how[i, j - i - dlo])
    return gi[:r][::-1].copy(), pj[:r][::-1].copy(), kind[:r][::-1].copy()
