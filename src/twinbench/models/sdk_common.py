"""What the openai and anthropic SDKs share: client options (SDK retries off) and error mapping."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from twinbench.errors import InputError
from twinbench.models.errors import ProviderError
from twinbench.models.retry import parse_retry_after
from twinbench.models.spec import ModelSpec


def client_options(spec: ModelSpec, public_url: str) -> dict[str, Any]:
    """Keyword arguments for the SDK client: endpoint, key, timeout, and max_retries=0 (generate() retries).

    The key comes from `spec.api_key_env`; only the public service insists on one (local servers take any).
    """
    key = os.environ.get(spec.api_key_env) if spec.api_key_env else None
    if not key and spec.endpoint == public_url:
        raise InputError("model spec", f"set the environment variable {spec.api_key_env}", item=spec.name)
    return {"base_url": spec.endpoint, "api_key": key or "none", "max_retries": 0, "timeout": spec.timeout_s}


def classify_status(status: int, message: str, headers: Mapping[str, str]) -> ProviderError:
    """429 is a rate limit, 5xx/408/409 are transient, other statuses are fatal; Retry-After is kept."""
    retry_after = parse_retry_after(dict(headers))
    reason = f"http {status}: {message}"[:300]
    if status == 429:
        return ProviderError("rate_limit", reason, retry_after)
    kind = "transient" if status >= 500 or status in (408, 409) else "fatal"
    return ProviderError(kind, reason, retry_after)


@contextmanager
def sdk_errors(sdk: ModuleType, timeout_s: float) -> Iterator[None]:
    """Re-raise the SDK's timeout, connection, HTTP-status and bad-JSON errors as ProviderError."""
    try:
        yield
    except sdk.APITimeoutError:
        raise ProviderError("transient", f"timeout after {timeout_s:g}s") from None
    except sdk.APIConnectionError as exc:  # includes bodies cut off mid-transfer
        raise ProviderError("transient", f"connection error: {exc.__cause__ or exc}") from None
    except sdk.APIStatusError as exc:
        raise classify_status(exc.status_code, exc.message, exc.response.headers) from None
    except ValueError as exc:  # a 200 whose JSON body does not parse
        raise ProviderError("transient", f"malformed response: {exc}") from None
