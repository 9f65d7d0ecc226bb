"""The task format and the suite loader: valid files load, bad ones fail naming file, item and field."""

import pytest

from twinbench.errors import InputError
from twinbench.tasks import Task, load_suite
from twinbench.tasks.suite import dump_yaml
from twinbench.twins import get_twin

TASK = {"id": "t-1", "category": "measure", "difficulty": "simple", "instruction": "Measure 2 s.",
        "references": ["sam.measure(2)\n"]}


def test_a_suite_loads_tasks_from_every_file_in_order(write_suite):
    other = {**TASK, "id": "t-2", "difficulty": "complex", "tags": ["x"]}
    root = write_suite({"a.yaml": dump_yaml(TASK), "b.yaml": dump_yaml([other])})
    suite = load_suite(root)
    assert suite.name == "t" and suite.version == "1"
    assert [t.id for t in suite.tasks] == ["t-1", "t-2"]
    assert suite.counts("difficulty") == {"complex": 1, "simple": 1}
    assert suite.task("t-2").tags == ["x"]


def test_the_suite_state_lies_under_each_tasks_own_key_by_key(write_suite):
    own = {**TASK, "id": "t-2", "initial_state": {"beam": {"transmission": 0.5}, "linkam": {"temperature": 40}}}
    meta = "name: t\nversion: '1'\ninitial_state:\n  beam: {shutter: 1}\n  linkam: {temperature: 30}\n"
    suite = load_suite(write_suite({"a.yaml": dump_yaml([TASK, own])}, meta))
    assert suite.task("t-1").initial_state == {"beam": {"shutter": 1}, "linkam": {"temperature": 30}}
    assert suite.task("t-2").initial_state == {"beam": {"shutter": 1, "transmission": 0.5},
                                                "linkam": {"temperature": 40}}


def test_a_bad_suite_state_names_suite_yaml_and_the_field(write_suite):
    root = write_suite({"a.yaml": dump_yaml(TASK)}, "name: t\nversion: '1'\ninitial_state:\n  beam: {shutter: 7}\n")
    with pytest.raises(InputError) as err:
        load_suite(root)
    assert err.value.source == str(root / "suite.yaml") and err.value.field == "initial_state.beam.shutter"


def test_scoring_overrides_reach_the_config():
    task = Task.model_validate({**TASK, "scoring": {
        "preset": "envtrace", "ignore_channels": ["sam.pos"],
        "tolerances": {"XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr": 0.01, "wsam": {"type": "any"}},
        "continuous_channels": {"XF:11BMB-BI{IM:2}Int": {"mae_thresh": 2}}}})
    config = task.scoring_config()
    assert config.preset == "envtrace" and config.ignore_channels == ["sam.pos"]
    assert config.comparators.for_channel("XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr").abs_tol == 0.01
    assert config.comparators.for_channel("wsam").type == "any"
    assert config.continuous_channels["XF:11BMB-BI{IM:2}Int"].mae_thresh == 2
    assert config.continuous_channels["XF:11BMB-BI{IM:2}Int"].method == "index"  # the preset's template


def test_a_physics_task_takes_the_twins_defaults_a_horizon_and_tolerances_by_pattern():
    task = Task.model_validate({**TASK, "scoring": {
        "horizon": 2.5, "tolerances": {"param/opt/timestep": 1e-9},
        "continuous_channels": {"joint/*/qpos*": {"abs_tol": 0.05}}}})
    config = task.scoring_config(get_twin("physics").scoring_defaults())
    assert config.preset == "default" and config.horizon == 2.5
    assert config.comparators.for_channel("param/opt/timestep").type == "numeric"  # now scored
    assert config.continuous_for("joint/elbow/qpos").abs_tol == 0.05
    assert config.continuous_for("joint/elbow/qpos").method == "resampled"


@pytest.mark.parametrize(("change", "item", "field", "message"), [
    ({"difficulty": "hard"}, "task t-1", "difficulty", "'simple' or 'complex'"),
    ({"references": []}, "task t-1", "references", "at least 1"),
    ({"references": ["for x in"]}, "task t-1", "references", "reference 0 is not valid Python"),
    ({"id": "Bad Id"}, "task Bad Id", "id", "lower case"),
    ({"colour": "red"}, "task t-1", "colour", "Extra inputs"),
    ({"scoring": {"preset": "fancy"}}, "task t-1", "scoring.preset", "'default' or 'envtrace'"),
    ({"scoring": {"tolerances": {"ch": -1}}}, "task t-1", None, "greater than or equal to 0"),
    ({"initial_state": {"motors": {"smq": 1}}}, "task t-1", "initial_state", "unknown motors"),
    ({"initial_state": {"linkam": {"rate": 0}}}, "task t-1", "initial_state.linkam.rate", "greater than 0"),
])
def test_bad_task_names_file_item_and_field(write_suite, change, item, field, message):
    root = write_suite({"tasks.yaml": dump_yaml([{**TASK, **change}])})
    with pytest.raises(InputError) as err:
        load_suite(root)
    assert err.value.source == str(root / "tasks.yaml") and err.value.item == item
    if field is not None:
        assert err.value.field == field
    assert message in err.value.message


def test_duplicate_ids_across_files_are_refused(write_suite):
    root = write_suite({"a.yaml": dump_yaml(TASK), "b.yaml": dump_yaml(TASK)})
    with pytest.raises(InputError, match="duplicate task id") as err:
        load_suite(root)
    assert err.value.field == "id" and str(root / "a.yaml") in err.value.message


@pytest.mark.parametrize(("files", "meta", "message"), [
    ({"a.yaml": "- [unclosed"}, "name: t\nversion: '1'\n", "malformed YAML"),
    ({"a.yaml": dump_yaml(TASK)}, None, "needs a suite.yaml"),
    ({"a.yaml": dump_yaml(TASK)}, "name: t\n", "Field required"),
    ({}, "name: t\nversion: '1'\n", "no tasks"),
    ({"a.yaml": "- 3\n"}, "name: t\nversion: '1'\n", "expected a mapping"),
])
def test_bad_suite_folders(write_suite, files, meta, message):
    with pytest.raises(InputError, match=message):
        load_suite(write_suite(files, meta))


def test_unknown_suite_name_lists_the_built_in_ones():
    with pytest.raises(InputError, match="built-in: beamline"):
        load_suite("no-such-suite")
