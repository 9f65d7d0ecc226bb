"""Scoring many trace pairs in one process: the warm path.

A fresh process pays for its imports, for loading the compiled aligner and for building the config once.
A `Scorer` keeps all three, and the canonical form of the references it has seen, for every later pair:

    scorer = Scorer(ScoringConfig.build("default"))
    for result in scorer.score_files([("gt.json", "pred1.json"), ("gt.json", "pred2.json")]):
        print(result.full_score, result.passed)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

from twinbench.trace.canonical import CanonicalTrace, canonicalize
from twinbench.trace.config import ScoringConfig
from twinbench.trace.io import read_trace
from twinbench.trace.model import Trace
from twinbench.trace.scoring import ScoreResult, score_canonical


class Scorer:
    """Scores pairs with one config; the canonical forms of the last `keep` references are reused."""

    def __init__(self, config: ScoringConfig | None = None, keep: int = 256):
        self.config = config or ScoringConfig.build()
        self._keep = keep
        self._references: OrderedDict[int, tuple[Trace, CanonicalTrace]] = OrderedDict()
        self._files: OrderedDict[Path, Trace] = OrderedDict()

    def reference(self, trace: Trace) -> CanonicalTrace:
        """The canonical form of a reference, computed once while it is among the last `keep` used."""
        found = self._references.get(id(trace))
        if found is None or found[0] is not trace:
            found = (trace, canonicalize(trace, self.config))
            self._references[id(trace)] = found
            if len(self._references) > self._keep:
                self._references.popitem(last=False)
        self._references.move_to_end(id(trace))
        return found[1]

    def score(self, gt: Trace, pred: Trace) -> ScoreResult:
        """Exactly `score_traces(gt, pred, config)`."""
        return score_canonical(self.reference(gt), canonicalize(pred, self.config), self.config)

    def score_many(self, pairs: Iterable[tuple[Trace, Trace]]) -> Iterator[ScoreResult]:
        """`score(gt, pred)` for each pair, in order."""
        for gt, pred in pairs:
            yield self.score(gt, pred)

    def read(self, path: str | Path) -> Trace:
        """A trace file, read once while it is among the last `keep` read (files are not watched)."""
        path = Path(path)
        trace = self._files.get(path)
        if trace is None:
            trace = self._files[path] = read_trace(path)
            if len(self._files) > self._keep:
                self._files.popitem(last=False)
        return trace

    def score_files(self, pairs: Iterable[tuple[str | Path, str | Path]]) -> Iterator[ScoreResult]:
        """`score` for each (reference file, prediction file); a reference file is read once."""
        for gt, pred in pairs:
            yield self.score(self.read(gt), read_trace(pred))
