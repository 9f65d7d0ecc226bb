"""Text a program (or any outside source) controls, printed literally: Rich markup is not interpreted and control
characters (ANSI escapes, carriage returns, bidi overrides) are shown as escapes, never sent to the terminal."""

from __future__ import annotations

import re
import unicodedata

from rich.text import Text


def _visible(ch: str) -> str:
    return ch.encode("unicode_escape").decode("ascii")


def plain(value: object) -> str:
    """`str(value)` with every control or format character except newline and tab written as an escape."""
    text = str(value)
    return "".join(_visible(ch) if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf") else ch
                   for ch in text)


def literal(value: object, style: str = "") -> Text:
    """A Rich Text of `plain(value)`: printed as it is, whatever brackets it holds."""
    return Text(plain(value), style=style)


def wrap_name(name: str, width: int = 22) -> str:
    """A long channel or PV name broken into lines at its own delimiters (after `:` and `}`), never mid-word."""
    lines = [""]
    for piece in re.split(r"(?<=[:}])", name):
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines.append("")
        lines[-1] += piece
    return "\n".join(lines)


def duration_text(seconds: float) -> str:
    """Simulated seconds as text, with hours and minutes past a minute."""
    if seconds < 60:
        return f"{seconds:.3f} s"
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    long = f"{hours} h {minutes} min" if hours else f"{minutes} min {rest:.0f} s"
    return f"{seconds:.3f} s, {long}"
