"""Similarity over many pairs in worker processes with a pinned hash seed.

`codebleu`'s dataflow match iterates Python sets of strings, so its value depends on PYTHONHASHSEED (on the
SimBench sample, 314 to 323 of 342 rows equal the release's figure, depending on the seed). The pairs are split
over `python -m twinbench.similarity.batch` subprocesses started with PYTHONHASHSEED=0, so a batch gives the same
values on every run and machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence

from twinbench.similarity.metrics import similarity_scores

HASH_SEED = "0"


def batch_similarity(
    pairs: Sequence[tuple[str, str]], names: list[str] | None = None, workers: int = 2
) -> list[dict[str, float]]:
    """`similarity_scores(reference, candidate, names)` for each pair, in order, under PYTHONHASHSEED=0."""
    if not pairs:
        return []
    workers = max(1, min(workers, len(pairs)))
    chunks = [list(range(i, len(pairs), workers)) for i in range(workers)]
    env = {**os.environ, "PYTHONHASHSEED": HASH_SEED}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "twinbench.similarity.batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        for _ in chunks
    ]
    out: list[dict[str, float]] = [{} for _ in pairs]
    for proc, chunk in zip(procs, chunks, strict=True):
        payload = json.dumps({"names": names, "pairs": [pairs[i] for i in chunk]})
        proc.stdin.write(payload)  # type: ignore[union-attr]
        proc.stdin.close()  # type: ignore[union-attr]
    for proc, chunk in zip(procs, chunks, strict=True):
        results = json.loads(proc.stdout.read())  # type: ignore[union-attr]
        if proc.wait() != 0:
            raise RuntimeError(f"similarity worker exited with {proc.returncode}")
        for i, values in zip(chunk, results, strict=True):
            out[i] = values
    return out


def _worker() -> None:
    job = json.load(sys.stdin)
    json.dump([similarity_scores(ref, cand, job["names"]) for ref, cand in job["pairs"]], sys.stdout)


if __name__ == "__main__":
    _worker()
