"""Loading a suite: a folder of task YAML files plus `suite.yaml` (name, version, twin)."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from twinbench.errors import InputError
from twinbench.layering import layered
from twinbench.tasks.schema import SuiteMeta, Task, first_error
from twinbench.twins import DEFAULT_TWIN, Twin, get_twin, resolve_twin
from twinbench.twins.protocol import network_of

SUITES_DIR = Path(__file__).parent / "suites"
META_FILE = "suite.yaml"
DEFAULT_SUITE = "beamline"  # the built-in suite a command runs when none is named


@dataclass(frozen=True)
class Suite:
    """A loaded suite: its metadata, its folder and its tasks in file order."""

    meta: SuiteMeta
    path: Path
    tasks: list[Task]

    @property
    def name(self) -> str:
        return self.meta.name

    @property
    def version(self) -> str:
        return self.meta.version

    @property
    def twin(self) -> str:
        """The name of the twin the suite runs on (resolved when it was loaded)."""
        return self.meta.twin or DEFAULT_TWIN

    def task(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)

    def turns(self, task: Task) -> list[Task]:
        """The chain of tasks that ends with `task`: turn 1 first."""
        chain = [task]
        while chain[0].follows is not None:
            chain.insert(0, self.task(chain[0].follows))
        return chain

    def counts(self, field: str) -> dict[str, int]:
        """Number of tasks per value of `field` (e.g. 'category', 'difficulty'), sorted by value."""
        return dict(sorted(Counter(getattr(t, field) for t in self.tasks).items()))


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings (programs) as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str)


def dump_yaml(data: Any) -> str:
    """YAML as the suite files are written: keys in order, programs as literal blocks."""
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=110)


def builtin_suites() -> list[str]:
    return sorted(p.name for p in SUITES_DIR.iterdir() if (p / META_FILE).is_file())


def resolve_suite(name_or_path: str | Path) -> Path:
    """A built-in suite name or a folder path."""
    path = Path(name_or_path)
    if str(name_or_path) in builtin_suites() and not path.exists():
        return SUITES_DIR / str(name_or_path)
    if not path.is_dir():
        raise InputError(str(name_or_path), f"no such suite (built-in: {', '.join(builtin_suites())})")
    return path


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"malformed YAML: {exc}") from None


def _validate(model: type[BaseModel], data: Any, source: str, item: str | None) -> Any:
    if not isinstance(data, dict):
        raise InputError(source, "expected a mapping", item=item)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        message, loc = first_error(exc)
        raise InputError(source, message, item=item, field=".".join(loc) or None) from None


def _check_state(state: dict[str, Any], schema: type[BaseModel], source: str, item: str | None) -> None:
    try:
        schema.model_validate(state)
    except ValidationError as exc:
        message, loc = first_error(exc)
        raise InputError(source, message, item=item, field=".".join(["initial_state", *loc])) from None


def load_task_file(path: Path, twin: str | Twin = DEFAULT_TWIN, state: dict[str, Any] | None = None) -> list[Task]:
    """The tasks of one file: a mapping holds one task, a list holds several. Each task's initial state is laid
    over `state` (the suite's) and checked against the twin's state schema."""
    plugin = resolve_twin(twin)
    schema = plugin.state_schema()
    data = _read_yaml(path)
    items = data if isinstance(data, list) else [data]
    tasks = []
    for i, raw in enumerate(items):
        item = f"task {raw.get('id', i) if isinstance(raw, dict) else i}"
        task = _validate(Task, raw, str(path), item)
        if state:
            task = task.model_copy(update={"initial_state": layered(copy.deepcopy(state), task.initial_state)})
        _check_state(task.initial_state, schema, str(path), item)
        if task.protocol is not None:
            try:
                network_of(plugin, task.protocol)
            except ValueError as exc:
                raise InputError(str(path), str(exc), item=item, field="protocol") from None
        tasks.append(task)
    return tasks


def suite_twin(meta: SuiteMeta, twin: str | None, meta_path: Path) -> Twin:
    """The suite's twin: the one its `suite.yaml` names, else `twin` (the command line's), else the default
    twin; a command-line twin other than the suite's own is refused."""
    if meta.twin is not None and twin is not None and twin != meta.twin:
        raise InputError(str(meta_path), f"the suite runs on twin {meta.twin!r}, not {twin!r}", field="twin")
    if meta.twin is None:
        return get_twin(twin or DEFAULT_TWIN)
    try:
        return get_twin(meta.twin)
    except InputError as exc:
        raise InputError(str(meta_path), f"{exc.source}: {exc.message}", field="twin") from None


def load_suite(name_or_path: str | Path = DEFAULT_SUITE, twin: str | None = None) -> Suite:
    """Load and validate a suite for its twin (see `suite_twin`); task ids must be unique across its files."""
    root = resolve_suite(name_or_path)
    meta_path = root / META_FILE
    if not meta_path.is_file():
        raise InputError(str(root), f"a suite folder needs a {META_FILE} (name, version)")
    meta = _validate(SuiteMeta, _read_yaml(meta_path), str(meta_path), None)
    plugin = suite_twin(meta, twin, meta_path)
    meta = meta.model_copy(update={"twin": plugin.name})
    _check_state(meta.initial_state, plugin.state_schema(), str(meta_path), None)
    tasks: list[Task] = []
    seen: dict[str, Path] = {}
    for path in sorted(root.rglob("*.y*ml")):
        if path == meta_path or path.suffix not in (".yaml", ".yml"):
            continue
        for task in load_task_file(path, plugin, meta.initial_state):
            if task.id in seen:
                raise InputError(str(path), f"duplicate task id (also in {seen[task.id]})", item=f"task {task.id}",
                                 field="id")
            seen[task.id] = path
            tasks.append(task)
    if not tasks:
        raise InputError(str(root), "the suite has no tasks")
    _check_turns(tasks, seen)
    return Suite(meta, root, tasks)


def _check_turns(tasks: list[Task], sources: dict[str, Path]) -> None:
    """Every later turn follows a task of the suite whose turn is one less."""
    turns = {t.id: t.turn for t in tasks}
    for task in tasks:
        if task.follows is None:
            continue
        if task.follows not in turns:
            message = f"no task {task.follows!r} in the suite"
        elif turns[task.follows] != task.turn - 1:
            message = (f"{task.follows!r} is turn {turns[task.follows]}; a turn-{task.turn} task follows a "
                       f"turn-{task.turn - 1} task")
        else:
            continue
        raise InputError(str(sources[task.id]), message, item=f"task {task.id}", field="follows")
