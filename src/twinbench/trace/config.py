"""Scoring configuration: a superset of the EnvTrace config file, plus the two presets.

An EnvTrace config (aliases, ignore_channels, comparators, timing, continuous_channels, aggregation,
decision, include_structure, aligner) loads as it is; twinbench adds a preset, per-channel absolute and
relative tolerances, units, the simultaneity window, channel patterns (`*` in the keys of ignore_channels,
comparators.by_channel and continuous_channels), a scoring horizon and channels scored only when the
reference has them. A preset supplies every default, a twin's scoring defaults (its continuous channels...)
come next, and the file or task only overrides what it names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from twinbench.errors import InputError
from twinbench.layering import layered
from twinbench.trace.patterns import any_match, best_match

Preset = Literal["default", "envtrace"]
REPLACED = ("aliases",)  # a mapping given whole: a config's aliases replace the defaults' instead of adding to them

_COMPARATOR_TYPES = {
    "numeric": "numeric", "numeric_tolerance": "numeric", "tolerance": "numeric", "tol": "numeric",
    "exact": "exact", "equals": "exact", "eq": "exact",
    "any": "any", "always_true": "any", "ignore": "any",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Comparator(_Strict):
    """How two values of one channel are compared once aligned.

    `numeric`: numbers match when |a-b| <= abs_tol + rel_tol*max(|a|,|b|); other values by equality.
    `exact`: equality. `any`: every value matches (call events whose arguments do not matter).
    `tol` (EnvTrace's name) is read as the absolute tolerance. `unit` converts values that carry
    another unit in their event's meta (`{"unit": "um"}`) before comparing.
    """

    type: Literal["numeric", "exact", "any"] = "numeric"
    abs_tol: float = Field(default=1e-3, ge=0)
    rel_tol: float = Field(default=0.0, ge=0)
    unit: str | None = None
    numeric_only: bool = False

    @model_validator(mode="before")
    @classmethod
    def _envtrace_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "type" in data:
                kind = str(data["type"]).lower()
                if kind not in _COMPARATOR_TYPES:
                    raise ValueError(f"unknown comparator type {data['type']!r}")
                data["type"] = _COMPARATOR_TYPES[kind]
            if "tol" in data:
                data["abs_tol"] = data.pop("tol")
        return data

    @property
    def requires_numbers(self) -> bool:
        """A channel declared numeric (explicitly, or by a unit) rejects non-numeric values."""
        return self.numeric_only or self.unit is not None


class Comparators(_Strict):
    default: Comparator = Comparator()
    by_channel: dict[str, Comparator] = Field(default_factory=dict)

    def for_channel(self, channel: str) -> Comparator:
        """The channel's comparator, or its most specific pattern's, or the default."""
        found = best_match(self.by_channel, channel)
        return self.default if found is None else found


class Discrete(_Strict):
    """`empty_reference_fails`: a reference with no discrete event scores 0 and nothing passes against it
    (otherwise every program that does nothing would pass); a task whose right answer is to do nothing
    turns it off."""

    empty_reference_fails: bool = True


class Timing(_Strict):
    """Timing thresholds. `robust` divides time errors by at least `floor` seconds and caps each interval
    error at 1; `published` is EnvTrace's rule (divides by max(|interval|, 1e-10))."""

    method: Literal["robust", "published"] = "robust"
    r2_thresh: float = 0.90
    slope_lo: float = 0.8
    slope_hi: float = 1.2
    dur_tol: float = 0.25
    mape_tol: float = 1.0
    floor: float = Field(default=0.1, gt=0)


class ContinuousChannel(_Strict):
    """How one continuous channel (e.g. a measured temperature, a joint angle) is compared.

    `timeseries` interpolates both sides on a common time base and also checks the ramp rate;
    `index` is EnvTrace's rule (values only, index by index, the shorter padded with its last value);
    `resampled` interpolates both sides on a common time base and passes when the difference stays within
    `abs_tol + rel_tol * (the reference's range)` for the `quantile` share of the time, and both end within
    `end_tol` seconds of each other (trajectories of a simulation); with `smooth`, both are first averaged over
    a window of that many seconds (a signal whose every sample carries noise, such as vibration).
    """

    method: Literal["timeseries", "index", "resampled"] = "timeseries"
    mae_scale: float = Field(default=15.0, gt=0)
    final_scale: float = Field(default=15.0, gt=0)
    mae_thresh: float = Field(default=5.0, ge=0)
    final_thresh: float = Field(default=5.0, ge=0)
    rate_tol: float = Field(default=0.2, ge=0, description="allowed relative ramp-rate error")
    rate_floor: float = Field(default=0.01, gt=0, description="ramp rates below this (units/s) count as flat")
    weight: float = Field(default=1.0, ge=0)
    abs_tol: float = Field(default=0.01, ge=0, description="resampled: allowed absolute difference")
    rel_tol: float = Field(default=0.0, ge=0, description="resampled: allowed difference per unit of the "
                           "reference's range")
    quantile: float = Field(default=0.95, gt=0, le=1, description="resampled: share of the time within tolerance")
    end_tol: float = Field(default=0.05, ge=0, description="resampled: allowed difference of the end times (s)")
    smooth: float = Field(default=0.0, ge=0, description="resampled: compare means over windows of this many "
                          "seconds (0: the values themselves)")


class Aggregation(_Strict):
    weights: dict[str, float] | None = None


class Decision(_Strict):
    require_discrete_exact: bool = True
    timing_metric_name: str = "timing"
    required_metrics: list[str] = Field(default_factory=list)


class AlignerSpec(_Strict):
    name: Literal["optimal", "difflib"] = "optimal"


class ScoringConfig(_Strict):
    """Everything that decides a score. Build with `ScoringConfig.build(preset, overrides)`."""

    preset: Preset = "default"
    aliases: dict[str, str] = Field(default_factory=dict)
    ignore_channels: list[str] = Field(default_factory=list)
    aligner: AlignerSpec = AlignerSpec()
    simultaneity_eps: float | None = Field(default=0.03, ge=0)
    ignore_continuous: bool = Field(default=True, description="ignore_channels also drops continuous channels")
    bool_is_number: bool = Field(default=True, description="True/False compare as 1/0")
    comparators: Comparators = Comparators()
    discrete: Discrete = Discrete()
    timing: Timing = Timing()
    continuous_channels: dict[str, ContinuousChannel] = Field(default_factory=dict)
    aggregation: Aggregation = Aggregation()
    decision: Decision = Decision()
    include_structure: bool = True
    horizon: float | None = Field(default=None, gt=0, description="score only the first `horizon` seconds "
                                  "(from each trace's first event): the predictable part of a chaotic system")
    reference_channels_only: list[str] = Field(
        default_factory=list, description="patterns: a prediction channel matching one is scored only when the "
        "reference has that channel too (extra elements a program names are not wrong)")

    @field_validator("aligner", mode="before")
    @classmethod
    def _aligner_name(cls, v: Any) -> Any:
        return {"name": v} if isinstance(v, str) else v

    @classmethod
    def build(cls, preset: Preset | None = None, overrides: dict[str, Any] | None = None,
              source: str | None = None, defaults: dict[str, Any] | None = None) -> ScoringConfig:
        """Preset defaults, deep-merged with a twin's scoring `defaults`, then with `overrides` (a parsed config
        file or a task's scoring): mappings merge key by key, any other value (a list too) is replaced."""
        overrides = dict(overrides or {})
        name = preset or overrides.get("preset") or "default"
        if name not in PRESETS:
            raise InputError(source, f"unknown preset {name!r} (choose from {', '.join(PRESETS)})", field="preset")
        merged = layered(layered(PRESETS[name], defaults or {}, REPLACED), overrides, REPLACED)
        template = CONTINUOUS_TEMPLATES[name]
        merged["preset"] = name
        channels = merged.get("continuous_channels")
        if isinstance(channels, dict):
            merged["continuous_channels"] = {
                ch: {**template, **spec} if isinstance(spec, dict) else spec for ch, spec in channels.items()
            }
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"]) or None
            raise InputError(source, err["msg"], field=loc) from None

    def continuous_for(self, channel: str) -> ContinuousChannel | None:
        """How `channel` is compared as a continuous channel (its entry or its most specific pattern's), or
        None for a discrete channel."""
        return best_match(self.continuous_channels, channel)

    def is_ignored(self, channel: str) -> bool:
        return any_match(self.ignore_channels, channel)

    def is_numeric_channel(self, channel: str) -> bool:
        return self.continuous_for(channel) is not None or self.comparators.for_channel(channel).requires_numbers


PRESETS: dict[str, dict[str, Any]] = {
    # Our scoring: optimal value-aware alignment, simultaneous puts as one unordered step, time errors
    # with a floor, continuous channels as interpolated time series with a ramp-rate check.
    "default": {
        "aligner": {"name": "optimal"},
        "simultaneity_eps": 0.03,
        "comparators": {"default": {"type": "numeric", "abs_tol": 1e-3, "rel_tol": 0.0}},
        "timing": {"method": "robust", "floor": 0.1, "mape_tol": 0.25},
        "decision": {"required_metrics": ["continuous"]},
    },
    # The published EnvTrace formulas and thresholds (paper script), with different-channel pairs
    # counted as mismatches; continuous channels are scored even when ignored, booleans are not numbers.
    "envtrace": {
        "aligner": {"name": "difflib"},
        "simultaneity_eps": None,
        "ignore_continuous": False,
        "bool_is_number": False,
        "comparators": {"default": {"type": "numeric", "abs_tol": 1e-3, "rel_tol": 0.0}},
        "timing": {"method": "published", "mape_tol": 1.0},
        "decision": {"required_metrics": ["continuous"]},
    },
}


# Per-preset defaults for every continuous channel, including those a config file adds.
CONTINUOUS_TEMPLATES: dict[str, dict[str, Any]] = {"default": {}, "envtrace": {"method": "index"}}


def load_config(path: str | Path, preset: Preset | None = None,
                defaults: dict[str, Any] | None = None) -> ScoringConfig:
    """Read a JSON or YAML config file (EnvTrace's format is accepted as it is), over a twin's `defaults`."""
    import yaml

    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else json.loads(text or "{}")
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(source, f"malformed config: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(source, "a config file holds one mapping")
    return ScoringConfig.build(preset, data, source, defaults)
