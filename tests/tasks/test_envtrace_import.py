"""Import of the published EnvTrace dataset format (a small original fixture in that format)."""

import json
from pathlib import Path

import pytest

from twinbench.errors import InputError
from twinbench.tasks import load_suite
from twinbench.tasks.checks import check_suite
from twinbench.tasks.envtrace_import import guess_category, import_envtrace

FIXTURE = Path(__file__).parent / "fixtures" / "envtrace_small.json"


def test_import_writes_a_suite_that_loads_and_checks_clean(tmp_path, runner):
    tasks = import_envtrace(FIXTURE, tmp_path / "imported", version="2")
    suite = load_suite(tmp_path / "imported")
    assert suite.name == "imported" and suite.version == "2" and len(suite.tasks) == len(tasks) == 5
    first, warm, ramp = suite.tasks[0], suite.tasks[2], suite.tasks[4]
    assert first.id == "envtrace-001" and first.instruction == "Tilt the copolymer film to 0.18 degrees"
    assert first.references == ["sam.thabs(0.18)", "sam = Sample('copolymer')\nsam.thabs(0.18)"]
    assert first.difficulty == "simple" and first.category == "move_absolute" and first.tags == ["envtrace"]
    assert warm.scoring.ignore_channels == ["XF:11BM-ES:{LINKAM}:TEMP"] and warm.category == "temperature"
    assert ramp.difficulty == "complex" and ramp.scoring.ignore_channels == ["XF:11BM-ES:{LINKAM}:SETPOINT:SET"]
    result = check_suite(suite, runner)
    assert result.self_consistency == 1.0 and result.discrimination == 1.0


@pytest.mark.parametrize(("data", "item", "field", "message"), [
    ({"command": "x"}, "entry 0", "expected_code", "Field required"),
    ({"command": "x", "expected_code": []}, "entry 0", "expected_code", "at least 1"),
    ({"command": "x", "expected_code": ["sam.xr("]}, "entry 0", "expected_code", "not valid Python"),
    ({"command": "x", "expected_code": ["sam.xr(1)"], "is_complex": "maybe"}, "entry 0", "is_complex", "boolean"),
    ({"command": "", "expected_code": ["sam.xr(1)"]}, "entry 0", "command", "at least 1"),
])
def test_bad_entries_name_the_entry_and_field(tmp_path, data, item, field, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([data]))
    with pytest.raises(InputError) as err:
        import_envtrace(path, tmp_path / "out")
    assert (err.value.source, err.value.item, err.value.field) == (str(path), item, field)
    assert message in err.value.message
    assert not (tmp_path / "out").exists()


def test_not_a_list_and_non_empty_output_are_refused(tmp_path):
    path = tmp_path / "d.json"
    path.write_text('{"command": "x"}')
    with pytest.raises(InputError, match="JSON list"):
        import_envtrace(path, tmp_path / "out")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    with pytest.raises(InputError, match="not empty"):
        import_envtrace(FIXTURE, tmp_path / "full")


def test_category_is_the_first_known_command():
    assert guess_category("x = 1\nsam.align()\nsam.measure(1)") == "alignment"
    assert guess_category("print('hi')") == "imported"
