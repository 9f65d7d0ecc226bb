"""The result every metric returns."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class MetricResult(BaseModel):
    """A score in [0, 1], a binary pass and the sub-figures behind them."""

    score: float
    passed: bool
    details: dict[str, Any] = Field(default_factory=dict)
