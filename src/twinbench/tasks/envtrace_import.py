"""Import of the published EnvTrace dataset format into a suite folder.

The format is a JSON list of objects: `command` (the instruction), `expected_code` (reference programs, the
first one primary), optional `is_complex` (absent: simple) and optional `ignore_pvs` (channels not scored).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twinbench.errors import InputError
from twinbench.tasks.schema import Task, first_error
from twinbench.tasks.suite import META_FILE, dump_yaml
from twinbench.twins import DEFAULT_TWIN

TASKS_FILE = "tasks.yaml"
ENVTRACE_FIELDS = {"references": "expected_code", "instruction": "command", "scoring": "ignore_pvs"}
CATEGORIES = {
    "xabs": "move_absolute", "yabs": "move_absolute", "thabs": "move_absolute", "phiabs": "move_absolute",
    "xr": "move_relative", "yr": "move_relative", "thr": "move_relative", "phir": "move_relative",
    "setOrigin": "sample_coordinates", "gotoOrigin": "sample_coordinates", "wsam": "positions", "pos": "positions",
    "measure": "measure", "snap": "snap", "measureTimeSeries": "time_series", "series_measure": "multi_frame",
    "measureSpots": "spots", "measureIncidentAngle": "incident_angle", "measureIncidentAngles": "incident_angle",
    "align": "alignment", "detselect": "detector", "on": "beam", "off": "beam", "setTransmission": "beam",
    "setLinkamTemperature": "temperature", "setLinkamRate": "temperature", "setLinkamOn": "temperature",
    "setLinkamOff": "temperature",
}


class EnvTraceEntry(BaseModel):
    """One entry of the published dataset; other keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    command: str = Field(min_length=1)
    expected_code: list[str] = Field(min_length=1)
    is_complex: bool = False
    ignore_pvs: list[str] = Field(default_factory=list)


def guess_category(program: str) -> str:
    """The category of the first command in CATEGORIES the program calls ('imported' when none is)."""
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return "imported"
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    for call in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if name in CATEGORIES:
            return CATEGORIES[name]
    return "imported"


def read_entries(path: Path) -> list[EnvTraceEntry]:
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(source, f"malformed JSON: {exc}") from None
    if not isinstance(data, list):
        raise InputError(source, "the EnvTrace format is a JSON list of entries")
    entries = []
    for i, raw in enumerate(data):
        try:
            entries.append(EnvTraceEntry.model_validate(raw))
        except ValidationError as exc:
            message, loc = first_error(exc)
            raise InputError(source, message, item=f"entry {i}", field=".".join(loc) or None) from None
    return entries


def to_tasks(entries: list[EnvTraceEntry], source: str, prefix: str = "envtrace") -> list[Task]:
    """One task per entry, ids `<prefix>-001`...; the references must be valid Python."""
    tasks = []
    for i, e in enumerate(entries):
        data = {"id": f"{prefix}-{i + 1:03d}", "category": guess_category(e.expected_code[0]),
                "difficulty": "complex" if e.is_complex else "simple", "instruction": e.command,
                "references": e.expected_code, "scoring": {"ignore_channels": e.ignore_pvs}, "tags": ["envtrace"]}
        try:
            tasks.append(Task.model_validate(data))
        except ValidationError as exc:
            message, loc = first_error(exc)
            field = ".".join([ENVTRACE_FIELDS.get(loc[0], loc[0]), *loc[1:]]) if loc else None
            raise InputError(source, message, item=f"entry {i}", field=field) from None
    return tasks


def import_envtrace(path: Path, out_dir: Path, name: str | None = None, version: str = "1",
                    twin: str = DEFAULT_TWIN) -> list[Task]:
    """Write `out_dir/suite.yaml` (a suite for `twin`) and `out_dir/tasks.yaml` from an EnvTrace dataset file."""
    tasks = to_tasks(read_entries(path), str(path))
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InputError(str(out_dir), "the output folder exists and is not empty")
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {"name": name or out_dir.name, "version": version, "twin": twin,
            "description": f"Imported from the EnvTrace dataset {path.name}."}
    (out_dir / META_FILE).write_text(dump_yaml(meta), encoding="utf-8")
    rows = [t.model_dump(mode="json", exclude_defaults=True) | {"id": t.id} for t in tasks]
    (out_dir / TASKS_FILE).write_text(dump_yaml(rows), encoding="utf-8")
    return tasks
