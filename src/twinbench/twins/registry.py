"""Twins by name: every plugin registered under the entry-point group `twinbench.twins`.

An entry point names a zero-argument callable (usually the plugin's class) that returns a `Twin`. Listing
names reads package metadata only; `get_twin` imports the entry point's module (which must stay light).
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from twinbench.errors import InputError
from twinbench.twins.protocol import Twin

GROUP = "twinbench.twins"
DEFAULT_TWIN = "beamline"  # used when neither the suite nor the command line names a twin

_loaded: dict[str, Twin] = {}


def _entry_points() -> dict[str, list[EntryPoint]]:
    found: dict[str, list[EntryPoint]] = {}
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, []).append(ep)
    return found


def twin_names() -> list[str]:
    """The registered twins, sorted (nothing is imported)."""
    return sorted(_entry_points())


def get_twin(name: str) -> Twin:
    """The twin registered as `name` (loaded once per process); InputError naming the known twins otherwise."""
    if name in _loaded:
        return _loaded[name]
    found = _entry_points()
    where = f"twin {name!r}"
    if name not in found:
        raise InputError(where, f"not registered (known: {', '.join(sorted(found)) or 'none'})")
    if len({ep.value for ep in found[name]}) > 1:
        raise InputError(where, f"registered twice: {', '.join(ep.value for ep in found[name])}")
    entry = found[name][0]
    try:
        twin = entry.load()()
    except Exception as exc:  # noqa: BLE001  (a broken plugin is reported in one line, naming it)
        raise InputError(where, f"cannot load {entry.value}: {type(exc).__name__}: {exc}") from None
    if not isinstance(twin, Twin) or twin.name != name:
        raise InputError(where, f"{entry.value} does not give a Twin named {name!r} (see twinbench.twins.Twin)")
    _loaded[name] = twin
    return twin


def resolve_twin(twin: str | Twin) -> Twin:
    """A twin object as it is, a name through the registry."""
    return get_twin(twin) if isinstance(twin, str) else twin
