"""Scoring configs: EnvTrace's format loads as is, presets supply defaults, typos are named."""

from __future__ import annotations

import json

import pytest

from twinbench.errors import InputError
from twinbench.trace.config import ScoringConfig, load_config

ENVTRACE_CONFIG = {
    "aliases": {"XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr": "motor:x"},
    "ignore_channels": ["det:AcquireTime"],
    "aligner": {"name": "difflib"},
    "comparators": {"default": {"type": "numeric_tolerance", "tol": 0.001},
                    "by_channel": {"det:Acquire": {"type": "exact"}}},
    "timing": {"r2_thresh": 0.9, "slope_lo": 0.8, "slope_hi": 1.2, "dur_tol": 0.25, "mape_tol": 1.0},
    "continuous_channels": {"stage:temp": {"mae_scale": 15.0, "final_scale": 15.0, "mae_thresh": 5.0,
                                           "final_thresh": 5.0, "weight": 1.0}},
    "aggregation": {"weights": {"discrete": 0.6, "timing": 0.2, "continuous": 0.2}},
    "decision": {"require_discrete_exact": True, "timing_metric_name": "timing", "required_metrics": ["continuous"]},
    "include_structure": True,
}


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_envtrace_config_file_loads(tmp_path, suffix):
    import yaml

    path = tmp_path / f"cfg{suffix}"
    path.write_text(json.dumps(ENVTRACE_CONFIG) if suffix == ".json" else yaml.safe_dump(ENVTRACE_CONFIG))
    cfg = load_config(path, "envtrace")
    assert cfg.aliases == ENVTRACE_CONFIG["aliases"]
    assert cfg.ignore_channels == ["det:AcquireTime"]
    assert cfg.aligner.name == "difflib"
    assert cfg.comparators.default.abs_tol == 0.001 and cfg.comparators.default.rel_tol == 0.0
    assert cfg.comparators.for_channel("det:Acquire").type == "exact"
    assert cfg.continuous_channels["stage:temp"].method == "index"  # envtrace preset rule for added channels
    assert cfg.aggregation.weights == {"discrete": 0.6, "timing": 0.2, "continuous": 0.2}
    assert cfg.decision.required_metrics == ["continuous"]


TWIN_DEFAULTS = {"continuous_channels": {"stage:temp": {}}, "comparators": {"by_channel": {"m": {"abs_tol": 0.5}}}}


def test_presets_differ_where_documented():
    default, published = (ScoringConfig.build(p, defaults=TWIN_DEFAULTS) for p in ("default", "envtrace"))
    assert (default.aligner.name, published.aligner.name) == ("optimal", "difflib")
    assert (default.timing.method, published.timing.method) == ("robust", "published")
    assert default.continuous_channels["stage:temp"].method == "timeseries"
    assert published.continuous_channels["stage:temp"].method == "index"
    assert published.simultaneity_eps is None
    assert ScoringConfig.build("default").continuous_channels == {}  # a preset names no channel


def test_a_twins_defaults_sit_between_the_preset_and_the_overrides(tmp_path):
    overrides = {"continuous_channels": {"stage:temp": {"mae_thresh": 1.0}}, "ignore_channels": ["x"]}
    cfg = ScoringConfig.build("default", overrides, defaults=TWIN_DEFAULTS)
    assert cfg.continuous_channels["stage:temp"].mae_thresh == 1.0
    assert cfg.comparators.for_channel("m").abs_tol == 0.5 and cfg.comparators.default.abs_tol == 1e-3
    assert TWIN_DEFAULTS["continuous_channels"] == {"stage:temp": {}}  # merging never changes the defaults
    path = tmp_path / "c.json"
    path.write_text('{"comparators": {"by_channel": {"m": {"abs_tol": 0.1}}}}')
    assert load_config(path, defaults=TWIN_DEFAULTS).comparators.for_channel("m").abs_tol == 0.1
    assert "stage:temp" in load_config(path, defaults=TWIN_DEFAULTS).continuous_channels


def test_file_preset_is_overridden_by_the_argument(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"preset": "envtrace"}')
    assert load_config(path).preset == "envtrace"
    assert load_config(path, "default").preset == "default"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"timing": {"r2_treshold": 0.9}}, "timing.r2_treshold"),
        ({"comparators": {"default": {"type": "fuzzy"}}}, "comparators.default"),
        ({"comparators": {"by_channel": {"x": {"abs_tol": -1}}}}, "comparators.by_channel.x.abs_tol"),
        ({"preset": "strict"}, "preset"),
    ],
)
def test_bad_config_names_the_field(tmp_path, data, field):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as err:
        load_config(path)
    assert str(err.value).startswith(str(path)) and f"field '{field}" in str(err.value)
