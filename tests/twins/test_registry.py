"""The twin registry: names from entry points, clear one-line errors for unknown and broken plugins."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinbench.errors import InputError
from twinbench.twins import DEFAULT_TWIN, Budget, Twin, get_twin, twin_names


def test_the_built_in_twin_is_registered_by_its_entry_point():
    assert DEFAULT_TWIN in twin_names()
    twin = get_twin(DEFAULT_TWIN)
    assert isinstance(twin, Twin) and get_twin(DEFAULT_TWIN) is twin
    assert isinstance(twin.budget, Budget) and twin.budget.default > 0
    assert len(twin.fingerprint()) == 16 and "{api_reference}" in twin.prompt_template()


@given(st.text(max_size=30).filter(lambda name: name not in twin_names()))
def test_an_unregistered_name_is_one_line_naming_the_known_twins(name):
    with pytest.raises(InputError) as err:
        get_twin(name)
    assert f"twin {name!r}" in str(err.value) and f"known: {', '.join(twin_names())}" in err.value.message


def test_broken_plugins_are_named_and_listed_with_their_error(tmp_path):
    info = tmp_path / "broken-0.0.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken\nVersion: 0.0.0\n")
    (info / "entry_points.txt").write_text("[twinbench.twins]\nmissing = no_such_module:Twin\nnot-a-twin = os:getcwd\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}

    def twinbench(*args):
        return subprocess.run([sys.executable, "-m", "twinbench", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    listed = json.loads(twinbench("twins", "list", "--json").stdout)
    errors = {row["name"]: row.get("error", "") for row in listed}
    assert "ModuleNotFoundError" in errors["missing"] and "does not give a Twin" in errors["not-a-twin"]
    assert errors[DEFAULT_TWIN] == ""
    plan = tmp_path / "plan.py"
    plan.write_text("pass\n")
    done = twinbench("check", "--twin", "not-a-twin", str(plan))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "twin 'not-a-twin': os:getcwd does not give a Twin" in done.stderr
