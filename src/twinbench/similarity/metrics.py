"""Similarity of a candidate program to a reference; each value is in [0, 1].

CodeBLEU is the `codebleu` package's own value (needs tree-sitter-python 0.21). ROUGE uses rouge-score's
tokenizer and equals `rouge_score.RougeScorer` exactly; the LCS is computed faster (rapidfuzz for ROUGE-L,
skipping token-disjoint line pairs for ROUGE-Lsum), which the tests check against rouge-score itself.
"""

from __future__ import annotations

import io
import logging
import tokenize
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any

from rapidfuzz.distance import LCSseq, Levenshtein

from twinbench.similarity.seeded import seed_is_fixed, seeded_scores


@cache
def _tokenizer() -> Any:
    """rouge-score's tokenizer, made on first use (importing rouge-score loads nltk, which takes seconds)."""
    from rouge_score.tokenizers import DefaultTokenizer

    return DefaultTokenizer(use_stemmer=False)


@cache
def _sacrebleu(name: str) -> Any:
    """sacrebleu's BLEU (effective order) or chrF, made on first use."""
    from sacrebleu.metrics import BLEU, CHRF

    return BLEU(effective_order=True) if name == "bleu" else CHRF()


class _NoDataflowWarning(logging.Filter):
    """codebleu logs a warning on the root logger for every pair without data flow; the score already says it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "no reference data-flows" not in record.getMessage()


logging.getLogger().addFilter(_NoDataflowWarning())


def codebleu(reference: str, candidate: str) -> dict[str, float]:
    """CodeBLEU and its four components, exactly as `codebleu.calc_codebleu(lang="python")` gives them in a
    process with PYTHONHASHSEED=0 (computed in a worker with that seed when this process's differs)."""
    if not seed_is_fixed():
        flat = seeded_scores([(reference, candidate)], ["codebleu"])[0]
        return {name.removeprefix("codebleu."): value for name, value in flat.items()}
    from codebleu import calc_codebleu

    return calc_codebleu([reference], [candidate], lang="python")


def bleu(reference: str, candidate: str) -> float:
    """Sentence BLEU (sacrebleu, 13a tokenizer, effective order) scaled to [0, 1]."""
    return _sacrebleu("bleu").sentence_score(candidate, [reference]).score / 100.0


def chrf(reference: str, candidate: str) -> float:
    """Sentence chrF (sacrebleu defaults) scaled to [0, 1]."""
    return _sacrebleu("chrf").sentence_score(candidate, [reference]).score / 100.0


def _f1(hits: int, n_ref: int, n_cand: int) -> float:
    if not hits:
        return 0.0
    precision, recall = hits / n_cand, hits / n_ref
    return 2 * precision * recall / (precision + recall)


def rouge_l(reference: str, candidate: str) -> float:
    """ROUGE-L F-measure over the whole text (rouge-score's `rougeL`)."""
    tokenizer = _tokenizer()
    ref, cand = tokenizer.tokenize(reference), tokenizer.tokenize(candidate)
    if not ref or not cand:
        return 0.0
    return _f1(int(LCSseq.similarity(ref, cand)), len(ref), len(cand))


def rouge_lsum(reference: str, candidate: str) -> float:
    """Summary-level ROUGE-L with lines as sentences (rouge-score's `rougeLsum`, as HF `evaluate` reports it)."""
    from rouge_score.rouge_scorer import lcs_ind

    split = _tokenizer().tokenize
    refs = [split(s) for s in reference.split("\n") if s]
    cands = [c for c in (split(s) for s in candidate.split("\n") if s) if c]
    m, n = sum(map(len, refs)), sum(map(len, cands))
    if not m or not n:
        return 0.0
    left_ref = Counter(t for s in refs for t in s)
    left_cand = Counter(t for s in cands for t in s)
    cand_sets = [(tuple(c), set(c)) for c in cands]
    lcs_cache: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
    hits = 0
    for ref in refs:
        ref_t, ref_set, union = tuple(ref), set(ref), set()
        for cand_t, cand_set in cand_sets:
            if ref_set.isdisjoint(cand_set):
                continue  # no common token: the LCS is empty
            key = (ref_t, cand_t)
            if key not in lcs_cache:
                lcs_cache[key] = lcs_ind(ref, list(cand_t))
            union.update(lcs_cache[key])
        for i in sorted(union):
            token = ref[i]
            if left_cand[token] > 0 and left_ref[token] > 0:
                hits += 1
                left_cand[token] -= 1
                left_ref[token] -= 1
    return _f1(hits, m, n)


def edit_similarity(reference: str, candidate: str) -> float:
    """1 - normalised Levenshtein distance over characters (rapidfuzz)."""
    return Levenshtein.normalized_similarity(reference, candidate)


def strip_comments(code: str) -> str:
    """Code without `#` comments, docstring-like bare strings and blank lines; falls back to line-wise `#` removal."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        lines = (line.split("#", 1)[0].rstrip() for line in code.splitlines())
        return "\n".join(line for line in lines if line.strip())
    skip = {i for i in range(len(tokens)) if tokens[i].type == tokenize.COMMENT} | _bare_strings(tokens)
    kept = [tok for i, tok in enumerate(tokens) if i not in skip]
    lines = tokenize.untokenize(kept).splitlines()
    return "\n".join(line.rstrip() for line in lines if line.strip())


_LAYOUT = (tokenize.NL, tokenize.COMMENT)


def _bare_strings(tokens: list[tokenize.TokenInfo]) -> set[int]:
    """Indices of string tokens that form a whole statement (docstrings, commented-out blocks)."""
    out: set[int] = set()
    starts = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
    previous = tokenize.NEWLINE
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == tokenize.STRING and previous in starts:
            j = i
            while j < len(tokens) and tokens[j].type in (tokenize.STRING, *_LAYOUT):
                j += 1
            if j == len(tokens) or tokens[j].type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                out.update(k for k in range(i, j) if tokens[k].type == tokenize.STRING)
            i = j
            previous = tokenize.STRING
            continue
        if tok.type not in _LAYOUT:
            previous = tok.type
        i += 1
    return out


def exact_match(reference: str, candidate: str) -> float:
    """1.0 when both programs are equal once comments, docstrings and blank lines are stripped."""
    return float(_canonical(reference) == _canonical(candidate))


def _canonical(code: str) -> list[list[str]]:
    return [line.split() for line in strip_comments(code).splitlines()]


METRICS: dict[str, Callable[[str, str], float]] = {
    "bleu": bleu,
    "chrf": chrf,
    "rougeL": rouge_l,
    "rougeLsum": rouge_lsum,
    "edit_sim": edit_similarity,
    "exact_match": exact_match,
}


def similarity_scores(reference: str, candidate: str, names: list[str] | None = None) -> dict[str, float]:
    """The named metrics (all by default; `codebleu` adds its four components as `codebleu.<part>`).

    With `codebleu` among them in a process whose hash seed is not 0, all are computed by the seeded worker.
    """
    wanted = names or ["codebleu", *METRICS]
    if "codebleu" in wanted and not seed_is_fixed():
        return seeded_scores([(reference, candidate)], wanted)[0]
    out: dict[str, float] = {}
    for name in wanted:
        if name == "codebleu":
            parts = codebleu(reference, candidate)
            out["codebleu"] = parts["codebleu"]
            out.update({f"codebleu.{k}": v for k, v in parts.items() if k != "codebleu"})
        else:
            out[name] = METRICS[name](reference, candidate)
    return out
