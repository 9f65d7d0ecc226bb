"""Provider failures, classified once so the retry loop can decide what to do."""

from __future__ import annotations

from twinbench.errors import InputError
from twinbench.models.types import ErrorKind


class ProviderError(Exception):
    """A failed attempt: `rate_limit` and `transient` are retried, `fatal` is not."""

    def __init__(self, kind: ErrorKind, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.kind, self.reason, self.retry_after = kind, reason, retry_after


class MissingExtraError(InputError):
    """An optional dependency is missing; the message names the exact command that installs it."""

    def __init__(self, what: str, command: str):
        super().__init__(what, f"not installed; install it with: {command}")
        self.command = command
