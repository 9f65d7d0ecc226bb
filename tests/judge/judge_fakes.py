"""Deterministic in-process providers for judge tests (the real local model is tested in tests/cli)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from twinbench.models import CallKey, Completion, GenerationSettings, Message, ModelSpec, ProviderError


class FakeProvider:
    """Answers with `answer(prompt, key)`; counts calls and keeps their settings; `fail_on` keys raise a fatal
    provider error."""

    def __init__(self, name: str, answer: Callable[[str, CallKey], str], fail_on: Sequence[CallKey] = ()):
        self.spec = ModelSpec(name=name, provider="replay", model=name, endpoint=f"fake:{name}", concurrency=8)
        self.answer, self.fail_on, self.calls = answer, set(fail_on), []
        self.settings: list[GenerationSettings] = []

    async def complete(
        self, messages: Sequence[Message], settings: GenerationSettings, key: CallKey, timeout_s: float
    ) -> Completion:
        self.calls.append(key)
        self.settings.append(settings)
        if key in self.fail_on:
            raise ProviderError("fatal", "refused")
        prompt = messages[-1].content
        return Completion(text=self.answer(prompt, key), tokens_in=len(prompt) // 4, tokens_out=7)

    async def aclose(self) -> None:
        return None


def section(prompt: str, name: str) -> str:
    """The text between `[The Start of NAME]` and `[The End of NAME]` in a judge prompt."""
    match = re.search(rf"\[The Start of {name}\]\n(.*?)\n\[The End of {name}\]", prompt, re.S)
    assert match is not None, name
    return match.group(1)


def differing_lines(prompt: str) -> int:
    cand = section(prompt, "Assistant's Answer").splitlines()
    ref = section(prompt, "Reference Answer").splitlines()
    return sum(a != b for a, b in zip(cand, ref, strict=False)) + abs(len(cand) - len(ref))


def grade_by_difference(prompt: str, key: CallKey) -> str:
    """100 minus 5 per differing line, written with a consistent deduction summary."""
    grade = max(0, 100 - 5 * differing_lines(prompt))
    return f"- Completeness: {100 - grade} points\nFinal Score: 100 - {100 - grade} = {grade}\n[[{grade}]]"
