"""Response cache keyed by everything that changes an answer."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from twinbench.models.types import Completion, GenerationSettings, Message


def cache_key(
    provider: str,
    endpoint: str,
    model: str,
    messages: Sequence[Message],
    settings: GenerationSettings,
    sample: int,
) -> str:
    """sha256 over provider, endpoint, model, the full message list, every setting and the sample index."""
    payload = {
        "provider": provider,
        "endpoint": endpoint,
        "model": model,
        "messages": [m.model_dump() for m in messages],
        "settings": settings.model_dump(mode="json"),
        "sample": sample,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class ResponseCache:
    """Successful completions in a SQLite table (WAL), safe to share between processes."""

    def __init__(self, path: Path | str):
        self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS response_cache"
            " (key TEXT PRIMARY KEY, completion TEXT NOT NULL, created_at REAL NOT NULL)"
        )
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Completion | None:
        row = self._db.execute("SELECT completion FROM response_cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return Completion.model_validate_json(row[0])

    def put(self, key: str, completion: Completion) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO response_cache VALUES (?, ?, ?)",
            (key, completion.model_dump_json(), time.time()),
        )

    def close(self) -> None:
        self._db.close()
