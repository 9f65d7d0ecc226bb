"""Pre-flight rules as data: the beamline's defaults (`rules.yaml`), merged with a task state's `preflight.rules`.

A rule has an id (its key), a `kind` (what the check does), a severity and a one-line explanation. The kinds
`at-exposure`, `at-end` and `always` compare devices (by the names of `channels.DEVICES`) with conditions, so a
facility writes new rules of them in YAML; the other kinds are built-in checks tuned by their `params`.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from twinbench.twins.beamline.preflight.channels import DEVICES
from twinbench.twins.preflight import Severity, number

RULE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
CONDITION_KINDS = ("at-exposure", "at-end", "always")
PARAMS: dict[str, tuple[str, ...]] = {  # the params each built-in kind takes (all required)
    "exposure-time": ("min_seconds",),
    "frame-period": ("readout",),
    "setpoint-reached": ("tolerance",),
    "moving-during-exposure": (),
    "no-exposure": (),
    "empty-plan": (),
}
Kind = Literal["at-exposure", "at-end", "always", "exposure-time", "frame-period", "setpoint-reached",
               "moving-during-exposure", "no-exposure", "empty-plan"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Condition(_Strict):
    """What a device's value must be: every bound given must hold."""

    equals: float | None = None
    within: tuple[float, float] | None = None
    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _some_bound(self) -> Condition:
        if all(v is None for v in (self.equals, self.within, self.above, self.below)):
            raise ValueError("give at least one of equals, within, above, below")
        if self.within is not None and self.within[0] > self.within[1]:
            raise ValueError("within: the low bound is above the high one")
        return self

    def holds(self, value: Any) -> bool:
        v = float(value)
        return ((self.equals is None or abs(v - self.equals) <= 1e-9)
                and (self.within is None or self.within[0] <= v <= self.within[1])
                and (self.above is None or v > self.above) and (self.below is None or v < self.below))

    def text(self, device: str) -> str:
        """The condition as a user reads it, e.g. 'open', 'within [-0.5, 0.5] mm', 'above 0'."""
        d = DEVICES[device]
        parts = []
        if self.equals is not None:
            state = d.states.get(int(self.equals)) if self.equals.is_integer() else None
            parts.append(state or f"{number(self.equals)} {d.unit}".rstrip())
        if self.within is not None:
            parts.append(f"within [{number(self.within[0])}, {number(self.within[1])}] {d.unit}".rstrip())
        parts += [f"{word} {number(v)} {d.unit}".rstrip() for word, v in (("above", self.above), ("below", self.below))
                  if v is not None]
        return ", ".join(parts)


def _known_devices(conditions: dict[str, Condition]) -> dict[str, Condition]:
    unknown = sorted(set(conditions) - set(DEVICES))
    if unknown:
        raise ValueError(f"unknown devices {unknown}; known: {', '.join(DEVICES)}")
    return conditions


class Rule(_Strict):
    """One pre-flight rule (its id is its key in the rules mapping)."""

    kind: Kind
    severity: Severity = "warning"
    explain: str = Field(min_length=1, max_length=200, pattern=r"^[^\n]*$")
    enabled: bool = True
    when: dict[str, Condition] = Field(default_factory=dict, description="devices that must hold for the rule to apply")
    require: dict[str, Condition] = Field(default_factory=dict, description="devices that must hold, or it fires")
    params: dict[str, float] = Field(default_factory=dict)

    _devices = field_validator("when", "require")(_known_devices)

    @model_validator(mode="after")
    def _fits_kind(self) -> Rule:
        if self.kind in CONDITION_KINDS:
            if not self.require:
                raise ValueError(f"a rule of kind {self.kind} needs `require`")
            if self.params:
                raise ValueError(f"a rule of kind {self.kind} takes no params")
        else:
            if self.when or self.require:
                raise ValueError(f"a rule of kind {self.kind} takes no `when` or `require`")
            if set(self.params) != set(PARAMS[self.kind]):
                raise ValueError(f"a rule of kind {self.kind} takes params {list(PARAMS[self.kind]) or 'none'}")
        return self


@functools.cache
def default_rules() -> dict[str, Rule]:
    """The beamline's own rules, from the package file `rules.yaml`."""
    text = resources.files(__package__).joinpath("rules.yaml").read_text("utf-8")
    return {rule_id: Rule.model_validate(spec) for rule_id, spec in yaml.safe_load(text).items()}


def merged_rules(overrides: dict[str, dict[str, Any]]) -> dict[str, Rule]:
    """The default rules with a state's overrides: a known id changes only the fields given, a new id is a whole
    rule. ValueError names the rule and field at fault."""
    rules = dict(default_rules())
    for rule_id, fields in overrides.items():
        if not RULE_ID.fullmatch(rule_id):
            raise ValueError(f"rule {rule_id!r}: an id is lower-case letters, digits and '-'")
        if not isinstance(fields, dict):
            raise ValueError(f"rule {rule_id!r}: give a mapping of its fields")
        base = rules[rule_id].model_dump(exclude_defaults=True) if rule_id in rules else {}
        try:
            rules[rule_id] = Rule.model_validate({**base, **fields})
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(map(str, err["loc"])) or "rule"
            raise ValueError(f"rule {rule_id!r}: {where}: {err['msg'].removeprefix('Value error, ')}") from None
    return rules


class PreflightConfig(_Strict):
    """A state's changes to the pre-flight rules: `rules: {id: {fields}}` (e.g. `{heater-on-at-end: {enabled:
    false}}`, `{shutter-closed: {severity: error}}`, or a new rule of a condition kind)."""

    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("rules")
    @classmethod
    def _valid(cls, rules: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        merged_rules(rules)
        return rules

    def active(self) -> dict[str, Rule]:
        """The rules in force, by id."""
        return {rule_id: r for rule_id, r in merged_rules(self.rules).items() if r.enabled}
