"""Similarity under a fixed hash seed, in worker processes started with PYTHONHASHSEED=0.

`codebleu`'s data-flow match iterates Python sets of strings, so its value depends on the hash seed of the
process computing it (on the SimBench sample, 314 to 323 of 342 rows equal the release's figure, depending
on the seed). A process whose hash seed is already 0 computes it in place; any other sends it to a worker
started with that seed, kept for the life of the process and shared by its threads. Only the similarity
computation is confined this way: the caller's own process keeps its hash seed.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import threading
from collections.abc import Sequence

HASH_SEED = "0"


def seed_is_fixed() -> bool:
    """True when this process hashes strings as PYTHONHASHSEED=0 does (randomisation off)."""
    return not sys.flags.hash_randomization


class SeededWorker:
    """One `python -m twinbench.similarity.seeded` process; one JSON line in, one JSON line out per job."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "twinbench.similarity.seeded"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONHASHSEED": HASH_SEED},
            text=True,
            encoding="utf-8",
        )

    def send(self, pairs: Sequence[tuple[str, str]], names: list[str] | None) -> None:
        self._proc.stdin.write(json.dumps({"names": names, "pairs": list(pairs)}) + "\n")  # type: ignore[union-attr]
        self._proc.stdin.flush()  # type: ignore[union-attr]

    def receive(self) -> list[dict[str, float]]:
        line = self._proc.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise RuntimeError(f"similarity worker exited with {self._proc.wait()}")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"similarity worker failed: {reply['error']}")
        return reply["scores"]

    def score(self, pairs: Sequence[tuple[str, str]], names: list[str] | None) -> list[dict[str, float]]:
        self.send(pairs, names)
        return self.receive()

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()  # type: ignore[union-attr]
            self._proc.wait()


_shared: SeededWorker | None = None
_lock = threading.Lock()


def seeded_scores(pairs: Sequence[tuple[str, str]], names: list[str] | None) -> list[dict[str, float]]:
    """`similarity_scores(ref, cand, names)` for each pair, from the shared worker of this process."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = SeededWorker()
            atexit.register(_shared.close)
        return _shared.score(pairs, names)


def batch_similarity(
    pairs: Sequence[tuple[str, str]], names: list[str] | None = None, workers: int = 2
) -> list[dict[str, float]]:
    """`similarity_scores(reference, candidate, names)` for each pair, in order, over `workers` new workers."""
    if not pairs:
        return []
    n = max(1, min(workers, len(pairs)))
    chunks = [list(range(i, len(pairs), n)) for i in range(n)]
    pool = [SeededWorker() for _ in chunks]
    out: list[dict[str, float]] = [{} for _ in pairs]
    try:
        for worker, chunk in zip(pool, chunks, strict=True):
            worker.send([pairs[i] for i in chunk], names)
        for worker, chunk in zip(pool, chunks, strict=True):
            for i, values in zip(chunk, worker.receive(), strict=True):
                out[i] = values
    finally:
        for worker in pool:
            worker.close()
    return out


def _serve() -> None:
    from twinbench.similarity.metrics import similarity_scores

    for line in sys.stdin:
        job = json.loads(line)
        try:
            reply = {"scores": [similarity_scores(ref, cand, job["names"]) for ref, cand in job["pairs"]]}
        except Exception as exc:  # the caller raises it; the worker keeps serving
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
