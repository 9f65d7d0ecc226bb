"""What a twin's client asks the sandbox to import before a program's process is forked: the modules that the words
of the program's text name (`modules_for(source)`, see `sandbox.runner.Sandbox`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping


def word_modules(words: Mapping[str, tuple[str, ...]]) -> Callable[[str], list[str]]:
    """A client's `modules_for`: the modules of every word of `words` that a program's text holds as a whole word
    (even in a comment or a string), each once, in the order of the words sorted."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b")

    def modules_for(source: str) -> list[str]:
        return list(dict.fromkeys(module for word in sorted(set(pattern.findall(source))) for module in words[word]))

    return modules_for
