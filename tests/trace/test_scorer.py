"""The warm path: a `Scorer` gives exactly `score_traces`, reading and canonicalising each reference once."""

from __future__ import annotations

import shutil
from pathlib import Path

from twinbench.trace.config import ScoringConfig
from twinbench.trace.io import read_trace
from twinbench.trace.scorer import Scorer
from twinbench.trace.scoring import score_traces
from twinbench.trace.synthetic import pair

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_scores_equal_score_traces_for_every_pair():
    config = ScoringConfig.build("envtrace")
    scorer = Scorer(config)
    pairs = [pair(n, kind, edits, seed) for n, kind, edits, seed in
             [(50, "random", 0.02, 1), (80, "periodic", 0.3, 2), (30, "random", 0.3, 3)]]
    pairs += [(pairs[0][0], p) for _, p in pairs[1:]]  # one reference against several predictions
    got = list(scorer.score_many(pairs))
    assert [r.model_dump() for r in got] == [score_traces(g, p, config).model_dump() for g, p in pairs]


def test_a_reference_is_canonicalised_once_while_kept():
    scorer = Scorer(keep=2)
    a, b, c = (pair(20, "random", 0.0, seed)[0] for seed in (1, 2, 3))
    first = scorer.reference(a)
    assert scorer.reference(a) is first
    scorer.reference(b)
    scorer.reference(c)  # a is now the least recently used of three: dropped
    assert scorer.reference(a) is not first


def test_score_files_reads_each_reference_file_once(tmp_path):
    gt, pred = tmp_path / "gt.json", tmp_path / "pred.json"
    shutil.copy(EXAMPLES / "gt.json", gt)
    shutil.copy(EXAMPLES / "pred.json", pred)
    scorer = Scorer()
    first = next(scorer.score_files([(gt, pred)]))
    gt.write_text("not read again")
    second = next(scorer.score_files([(gt, pred)]))
    assert first.model_dump() == second.model_dump()
    shutil.copy(EXAMPLES / "gt.json", gt)
    assert first.model_dump() == score_traces(read_trace(gt), read_trace(pred)).model_dump()
