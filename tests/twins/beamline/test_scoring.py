"""The beamline's scoring defaults: the Linkam's measured temperature is continuous under both presets, and a
task's overrides are merged over it."""

import pytest

from twinbench.tasks import Task
from twinbench.trace.model import Event, Trace
from twinbench.trace.scoring import score_traces
from twinbench.twins import get_twin
from twinbench.twins.beamline import pvs

DEFAULTS = get_twin("beamline").scoring_defaults()


def _task(**scoring) -> Task:
    return Task.model_validate({"id": "t", "category": "temperature", "difficulty": "simple", "instruction": "x",
                                "references": ["sam.setLinkamTemperature(100)"], "scoring": scoring})


@pytest.mark.parametrize(("preset", "method"), [("default", "timeseries"), ("envtrace", "index")])
def test_the_temperature_is_continuous_under_each_preset(preset, method):
    config = _task(preset=preset).scoring_config(DEFAULTS)
    assert config.continuous_channels[pvs.LINKAM_TEMP].method == method
    assert pvs.LINKAM_TEMP not in _task(preset=preset).scoring_config().continuous_channels  # not a preset's


def test_a_task_tightens_the_temperature_threshold_over_the_default():
    config = _task(continuous_channels={pvs.LINKAM_TEMP: {"mae_thresh": 1.0}}).scoring_config(DEFAULTS)
    assert config.continuous_channels[pvs.LINKAM_TEMP].mae_thresh == 1.0
    assert DEFAULTS["continuous_channels"][pvs.LINKAM_TEMP] == {}


@pytest.mark.parametrize("preset", ["default", "envtrace"])
def test_a_temperature_profile_that_ramps_five_times_slower_fails(preset):
    discrete = [Event(pvs.LINKAM_SETPOINT, 0.0, 100.0)]
    gt = Trace(discrete + [Event(pvs.LINKAM_TEMP, float(t), 25.0 + t / 6) for t in range(0, 451, 10)])
    pred = Trace(discrete + [Event(pvs.LINKAM_TEMP, float(t), 25.0 + t / 30) for t in range(0, 451, 10)])
    result = score_traces(gt, pred, _task(preset=preset).scoring_config(DEFAULTS))
    assert result.metrics["discrete"].passed and not result.metrics["continuous"].passed and not result.passed
