"""Validity variants of lamp programs: a brighter first level is wrong; a program in a function is the same."""

import re

from twinbench.twins import Variants


def brighter(source):
    """The first `lamp.set(N)` sets N + 1."""
    match = re.search(r"lamp\.set\((\d+(?:\.\d+)?)\)", source)
    if match is None:
        return None
    return source[:match.start(1)] + repr(float(match.group(1)) + 1) + source[match.end(1):]


def in_function(source):
    """The program becomes a function, defined and then called."""
    return "def run():\n" + "".join(f"    {line}\n" for line in source.splitlines()) + "run()"


VARIANTS = Variants(wrong={"brighter": brighter}, equivalent={"in_function": in_function}, budget=50)
