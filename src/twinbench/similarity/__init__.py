"""Reference-similarity baselines: CodeBLEU, BLEU, chrF, ROUGE-L(sum), edit similarity, exact match."""

from twinbench.similarity.batch import batch_similarity
from twinbench.similarity.metrics import (
    METRICS,
    bleu,
    chrf,
    codebleu,
    edit_similarity,
    exact_match,
    rouge_l,
    rouge_lsum,
    similarity_scores,
    strip_comments,
)

__all__ = [
    "METRICS",
    "batch_similarity",
    "bleu",
    "chrf",
    "codebleu",
    "edit_similarity",
    "exact_match",
    "rouge_l",
    "rouge_lsum",
    "similarity_scores",
    "strip_comments",
]
