"""Errors that reach the user as one line, never as a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: names the file, the item inside it and the field at fault."""

    def __init__(self, source: str | None, message: str, item: str | None = None, field: str | None = None):
        self.source, self.item, self.field, self.message = source, item, field, message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.source or "<input>"]
        if self.item is not None:
            parts.append(self.item)
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"


def resume_hint() -> str:
    """The line printed when Ctrl-C ends a command before it could stop cleanly by itself."""
    import shlex
    import sys

    return "interrupted. Run the same command to resume: twinbench " + shlex.join(sys.argv[1:])
