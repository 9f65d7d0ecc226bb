"""Code extraction from model answers: fences, several blocks, no fence, unclosed fences."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from twinbench.runner.extract import extract_code

statement = st.sampled_from([
    "sam.xr(1.5)", "sam.measure(2)", "x = 3", "for i in range(3):\n    sam.measure(i)", "RE(bp.count([pilatus2M]))",
    "sam.setLinkamTemperature(60)", "print('done')", "if x > 1:\n    sam.thabs(0.1)\nelse:\n    pass",
])
programs = st.lists(statement, min_size=1, max_size=6).map(lambda parts: "\n".join(parts) + "\n")
prose = st.sampled_from(["", "Here is the code:", "Sure! This moves the sample.\n", "Note: the shutter opens.",
                         "1. First we align.\n2. Then we measure."])


@settings(max_examples=300, deadline=None)
@given(programs, prose, prose, st.sampled_from(["python", "py", "", "Python"]))
def test_single_fenced_block_is_returned_exactly(code, before, after, tag):
    answer = f"{before}\n```{tag}\n{code}```\n{after}"
    found = extract_code(answer)
    assert found.code == code and found.method == "fenced" and found.blocks == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(programs, min_size=2, max_size=4), prose)
def test_several_python_blocks_are_joined_in_order_and_other_languages_skipped(codes, between):
    answer = f"\n{between}\n".join(f"```python\n{c}```" for c in codes) + "\n```bash\npip install x\n```\n"
    found = extract_code(answer)
    assert found.code == "".join(codes) and found.blocks == len(codes)
    assert "pip install" not in found.code


@settings(max_examples=200, deadline=None)
@given(programs, prose)
def test_unclosed_fence_runs_to_the_end(code, before):
    found = extract_code(f"{before}\n```python\n{code}")
    assert found.code.strip() == code.strip() and found.method == "unclosed_fence"


@settings(max_examples=200, deadline=None)
@given(programs)
def test_plain_code_without_fence(code):
    found = extract_code(code)
    assert found.code == code and found.method == "plain"


@settings(max_examples=200, deadline=None)
@given(programs, st.sampled_from(["Here is the plan.", "Sure, I can help with that!"]),
       st.sampled_from(["", "This should work.", "Let me know if you need more."]))
def test_prose_around_unfenced_code_is_trimmed(code, before, after):
    found = extract_code(f"{before}\n{code}{after}\n")
    assert found.method in ("plain_trimmed", "plain")
    assert ast.dump(ast.parse(found.code)) == ast.dump(ast.parse(code))


def test_no_code_at_all():
    assert extract_code("I cannot do that, it would exceed the soft limit.").method == "none"
    assert extract_code("```text\nnothing here\n```").code == ""
    assert extract_code("").method == "none"


def test_tilde_fences_and_longer_backtick_fences():
    assert extract_code("~~~python\nsam.xr(1)\n~~~").code == "sam.xr(1)\n"
    assert extract_code("````python\nprint('```')\n````").code == "print('```')\n"
