"""Reference-similarity baselines: CodeBLEU, BLEU, chrF, ROUGE-L(sum), edit similarity, exact match."""

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
from twinbench.similarity.seeded import batch_similarity

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
