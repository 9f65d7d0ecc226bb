"""Options shared by several commands and the checks their values get while the command line is parsed.

Nothing here imports more than the standard library and typer: `--help` and a bad argument must answer
without loading the scoring, twin or model stacks.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from twinbench.errors import InputError
from twinbench.nesting import max_depth

MAX_DEPTH = 100  # nesting of brackets in a JSON or YAML input; deeper files are refused before parsing
SQLITE_MAGIC = b"SQLite format 3\x00"


def check_text(path: Path, what: str = "file") -> str:
    """The file's text; InputError (naming it) unless it is a readable UTF-8 text file nested at most MAX_DEPTH."""
    if path.is_dir():
        raise InputError(str(path), f"is a folder, not a {what}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read the {what}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    if "\x00" in text:
        raise InputError(str(path), f"not a text file (NUL byte at offset {text.index(chr(0))})")
    depth = max_depth(text)
    if depth > MAX_DEPTH:
        raise InputError(str(path), f"nested {depth} levels deep (at most {MAX_DEPTH})")
    return text


def text_file(path: Path | None) -> Path | None:
    """Option callback: a readable UTF-8 text file (see `check_text`)."""
    if path is not None:
        check_text(path)
    return path


def model_specs(specs: list[str] | str | None) -> list[str] | str | None:
    """Option callback for model specs: the file of a `replay:FILE` spec is checked as `check_text` does."""
    for spec in [specs] if isinstance(specs, str) else specs or []:
        if spec.startswith("replay:"):
            check_text(Path(spec.removeprefix("replay:")), "replay file")
    return specs


def _positive(value: float | None, what: str) -> float | None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"{value} is not a finite {what} above 0")
    return value


def positive_number(value: float | None) -> float | None:
    """Option callback: a finite number above 0."""
    return _positive(value, "number")


def positive_seconds(value: float | None) -> float | None:
    """Option callback: a finite number of seconds above 0."""
    return _positive(value, "number of seconds")


def chain_mode(value: str) -> str:
    """Option callback: where a later turn's program comes from, `expert` or `own`."""
    if value not in ("expert", "own"):
        raise InputError("--chain", f"unknown chain mode {value!r}: expert or own")
    return value


def writable_target(path: Path | None) -> Path | None:
    """Option callback: a file that can be written (its folder exists; it is not a folder)."""
    if path is not None:
        if path.is_dir():
            raise InputError(str(path), "is a folder; give a file name")
        if not path.parent.is_dir():
            raise InputError(str(path), f"the folder {path.parent} does not exist")
    return path


def sqlite_path(path: Path | None) -> Path | None:
    """Option callback: an SQLite file (results store, response cache), or a place one can be created.

    An existing file must be an SQLite database: an empty or foreign file is never turned into one.
    """
    writable_target(path)
    if path is not None and path.exists():
        try:
            with path.open("rb") as fh:
                head = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise InputError(str(path), f"cannot read: {exc.strerror}") from None
        if head != SQLITE_MAGIC:
            raise InputError(str(path), "not an SQLite database (a twinbench store or cache)")
    return path


SUITE_HELP = "A built-in suite name or a suite folder; default: the built-in suite."
TwinOption = Annotated[
    str | None,
    typer.Option("--twin", help="Registered twin to run on (`twinbench twins list`); default: the suite's, else "
                 "the default twin."),
]


StoreOption = Annotated[
    Path,
    typer.Option("--store", "-s", envvar="TWINBENCH_STORE", help="Results store (SQLite file).", callback=sqlite_path),
]
DEFAULT_STORE = Path("twinbench.sqlite")


def open_store(path: Path, must_exist: bool = False):
    """Open the store at `path` (checked by `sqlite_path`); a read-only command needs it to exist."""
    from twinbench.store import Store

    if must_exist and not path.is_file():
        return Store.open(path, create=False)  # says there is no store here
    check_folder(path)
    return Store.open(path, create=not must_exist)


def check_store(path: Path) -> None:
    """What `open_store(path)` would refuse, refused without creating a store: a command that may still fail
    before it writes checks its store first and creates it only when it writes."""
    check_folder(path)
    if path.exists():
        open_store(path, must_exist=True).close()


def check_folder(path: Path) -> None:
    """InputError unless the folder of the store at `path` is writable: SQLite writes its journal beside the store,
    even to read it."""
    import tempfile

    try:
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as exc:
        raise InputError(str(path), f"the folder {path.parent} is not writable ({exc.strerror}); "
                                    "SQLite keeps its journal beside the store") from None


def cluster_address(address: str | None) -> str | None:
    """Option callback for `--cluster`: a scheduler address or `local:N`, and dask.distributed installed."""
    if address is not None:
        from twinbench.runner.cluster import parse_cluster

        parse_cluster(address)
    return address
