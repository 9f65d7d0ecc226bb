"""bluesky, ophyd and numpy are loaded for the programs that use them: before the fork when the program's text
names them (and kept for later programs), on first use otherwise; a plain plan starts without them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinbench.sandbox import Outcome, Sandbox
from twinbench.twins.beamline import client

# The program's text must not name the stacks (that would load them first): the names are built at run time.
LOADED = "import sys\nprint(sorted(m for m in ('blue' + 'sky', 'op' + 'hyd', 'num' + 'py') if m in sys.modules))\n"


@pytest.fixture
def fresh():
    """A sandbox whose zygote has run nothing yet."""
    with Sandbox() as sb:
        yield sb


def run(sandbox, source):
    result = sandbox.run(source, {"control": {"round_trip": 0.0}})
    assert result.outcome is Outcome.OK, (result.detail, result.output)
    assert result.audit == []  # making a name on first use asks for nothing the audit hook refuses
    return result


def test_a_plain_plan_runs_without_the_heavy_stacks_and_a_bluesky_plan_leaves_them_loaded(fresh):
    assert run(fresh, "sam.xabs(2.5)\nsam.measure(1)\n" + LOADED).output == "[]\n"
    run(fresh, "RE(bp.count([pilatus2M]))")
    assert run(fresh, LOADED).output == "['bluesky', 'numpy', 'ophyd']\n"


def test_names_reached_without_being_written_are_made_too(fresh):
    source = ("g = globals()\ng['R' + 'E'](g['b' + 'p'].count([g['pilatus' + '2M']]))\n"
              "print(type(g['n' + 'p']).__name__)")
    result = run(fresh, source)
    assert result.output == "module\n"
    assert [e.value for e in result.trace if e.channel.endswith("cam1:Acquire")] == [1, 0]


def test_a_name_the_program_bound_stays_its_own(sandbox):
    assert run(sandbox, "smx = 5\nprint(smx, pilatus2M.name, np.pi > 3)").output == "5 pilatus2M True\n"


def test_a_refused_command_raises_limit_error_with_or_without_ophyd(fresh):
    plain = fresh.run("sam.xabs(1000)")
    assert plain.outcome is Outcome.SAFETY and plain.error.type == "LimitError"
    caught = fresh.run("from ophyd.utils.errors import LimitError\ntry:\n    sam.xabs(1000)\n"
                       "except LimitError as exc:\n    print(type(exc).__module__)")
    assert caught.outcome is Outcome.SAFETY and caught.error is None and caught.output == "ophyd.utils.errors\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("sam.xabs(1)\nsam.measure(1)", []),
        ("x = np.pi", ["numpy"]),
        ("import numpy as xp", ["numpy"]),
        ("RE(bp.count([pilatus2M]))", list(client.BLUESKY)),
        ("smx.position", list(client.BLUESKY)),
        ("# bps later", list(client.BLUESKY)),
        ("from ophyd.utils.errors import LimitError", list(client.BLUESKY)),
        ("npx = REX = smx2 = bpsy = 1", []),
        ("print(globals()['R' + 'E'])", list(client.BLUESKY)),
    ],
)
def test_modules_for_reads_whole_words(source, expected):
    assert client.modules_for(source) == expected


WORDS = st.sampled_from([*client.DEVICES, "RE", "bp", "np", "numpy", "sam", "xabs", "npx", "x", "1", "#", "'"])


@given(st.lists(WORDS, max_size=8), st.lists(WORDS, max_size=8))
def test_modules_for_two_lines_is_the_union_of_each(a, b):
    first, second = " ".join(a), " ".join(b)
    assert set(client.modules_for(first + "\n" + second)) == set(client.modules_for(first)) | set(
        client.modules_for(second))
