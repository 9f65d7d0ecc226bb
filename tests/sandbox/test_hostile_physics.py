"""The physics twin's hostile corpus: every program ends as its first line expects, none is believed (its trace
fails against the pendulum it imitates), and the harness and its zygote survive."""

from pathlib import Path

import pytest

from twinbench.sandbox import Limits, Outcome, Sandbox
from twinbench.trace.config import ScoringConfig
from twinbench.trace.scoring import score_traces
from twinbench.twins import get_twin

CORPUS = sorted((Path(__file__).parent / "hostile_physics").glob("*.py"))
REFERENCE = (Path(__file__).parents[2] / "examples" / "physics" / "pendulum.py").read_text()
LIMITS = Limits(wall_seconds=8, cpu_seconds=4, memory_mb=256, events=20_000, recorded_bytes=2 << 20,
                harness_cpu_seconds=3)
STATE = {"max_steps": 5000, "cpu_seconds": 3}
CONFIG = ScoringConfig.build(defaults=get_twin("physics").scoring_defaults())


@pytest.fixture(scope="module")
def physics():
    with Sandbox("physics") as sb:
        yield sb


@pytest.fixture(scope="module")
def reference(physics):
    result = physics.run(REFERENCE, STATE, LIMITS)
    assert result.outcome is Outcome.OK, result.detail
    return result.trace


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 15


def test_the_reference_passes_against_itself(physics, reference):
    assert score_traces(reference, physics.run(REFERENCE, STATE, LIMITS).trace, CONFIG).passed


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_hostile_program_is_classified_and_not_believed(physics, reference, path):
    source = path.read_text()
    expected = source.splitlines()[0].removeprefix("# expect: ").split("|")
    starts = physics.zygote_starts
    result = physics.run(source, STATE, LIMITS)
    assert result.outcome.value in expected, (result.outcome, result.detail, result.output[-800:])
    assert not score_traces(reference, result.trace, CONFIG).passed
    assert all(e.t >= 0 for e in result.trace)
    assert physics.run("import mujoco\n", STATE, LIMITS).outcome is Outcome.OK  # the harness survives
    assert physics.zygote_starts == starts
