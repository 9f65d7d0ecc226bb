"""`--help` answered from a cache of what the command line printed the last time for the same request.

Rendering help loads typer, rich and every command module; printing the kept text costs what starting Python
costs. A kept text is used only when everything it depends on is unchanged: the words, whether stdout is a
terminal and the terminal's size, stdout's encoding, the environment variables rich and typer read, the Python
version, and the size and modification time of every command-line module and of typer and rich. Texts live
in `<twinbench cache>/help`; only help that ended with exit status 0 is kept. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from twinbench.cache import cache_dir

ENVIRONMENT = ("COLUMNS", "LINES", "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE",
               "TTY_INTERACTIVE", "TERMINAL_WIDTH", "GITHUB_ACTIONS", "PY_COLORS", "JUPYTER_COLUMNS",
               "JUPYTER_LINES", "CLICOLOR", "CLICOLOR_FORCE", "LANG", "LC_ALL", "LC_CTYPE", "PYTHONIOENCODING")
ENVIRONMENT_PREFIXES = ("TYPER", "_TYPER", "RICH", "TWINBENCH")
KEEP = 200  # kept texts; the oldest go first


def is_help_request(argv: list[str]) -> bool:
    """`--help` after command words only (an option before it could make the answer an error)."""
    return bool(argv) and argv[-1] == "--help" and not any(word.startswith("-") for word in argv[:-1])


def _terminal_size() -> tuple[int, int] | None:
    """The size rich reads: of the first of stdin, stdout and stderr that is a terminal."""
    for fd in (0, 1, 2):
        with contextlib.suppress(OSError, ValueError):
            return tuple(os.get_terminal_size(fd))
    return None


def _sources() -> list[tuple[str, int, int]]:
    """Path, size and modification time of every module the help text is made from."""
    from importlib.util import find_spec

    package = os.path.dirname(os.path.abspath(__file__))
    paths = [os.path.join(package, "cli", name) for name in os.listdir(os.path.join(package, "cli"))
             if name.endswith(".py")]
    paths += [os.path.join(package, name) for name in ("__init__.py", "__main__.py", "help_cache.py")]
    paths += [spec.origin for spec in map(find_spec, ("typer", "rich")) if spec is not None and spec.origin]
    found = []
    for path in sorted(paths):
        with contextlib.suppress(OSError):
            stat = os.stat(path)
            found.append((path, stat.st_size, stat.st_mtime_ns))
    return found


def _entry(argv: list[str]) -> str | None:
    """The file of the kept text for `argv` in this terminal and environment (None without a usable stdout)."""
    import hashlib  # here: every command imports this module, only help requests need these

    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):  # no stdout, or a closed one
        return None
    environment = sorted((k, v) for k, v in os.environ.items()
                         if k in ENVIRONMENT or k.startswith(ENVIRONMENT_PREFIXES))
    key = (sys.version, argv, terminal, getattr(sys.stdout, "encoding", None), _terminal_size(), environment,
           _sources())
    return os.path.join(cache_dir(), "help", hashlib.sha256(repr(key).encode()).hexdigest() + ".txt")


def replay(argv: list[str]) -> bool:
    """Print the kept help for `argv` if there is one; whether it did."""
    path = _entry(argv)
    try:
        with open(path or "", encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


class _Tee:
    """stdout as it is (rich asks it whether it is a terminal, its encoding...), keeping a copy of the text."""

    def __init__(self, stream: Any):
        self._stream = stream
        self.text: list[str] = []

    def write(self, text: str) -> int:
        written = self._stream.write(text)  # first: what stdout refuses (click probes it with bytes) is not kept
        self.text.append(text)
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _keep(path: str, text: str) -> None:
    """Write atomically; drop the oldest texts beyond KEEP. A cache that cannot be written is no error."""
    with contextlib.suppress(OSError):
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        partial = f"{path}.{os.getpid()}.tmp"
        with open(partial, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(partial, path)
        kept = [os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".txt")]
        for old in sorted(kept, key=os.path.getmtime)[:-KEEP]:
            os.remove(old)


@contextlib.contextmanager
def recording(argv: list[str]) -> Iterator[None]:
    """For a help request: keep what is printed on stdout when the command line ends with status 0."""
    path = _entry(argv) if is_help_request(argv) else None
    if path is None:
        yield
        return
    tee = _Tee(sys.stdout)
    sys.stdout = tee
    ok = False
    try:
        yield
        ok = True
    except SystemExit as exc:
        ok = exc.code in (None, 0)
        raise
    finally:
        sys.stdout = tee._stream
        if ok and tee.text:
            _keep(path, "".join(tee.text))
