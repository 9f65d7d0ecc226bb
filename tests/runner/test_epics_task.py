"""A suite task with `protocol: epics`: its references and a model's programs are unmodified pyepics code, each run
in the sandbox against a private Channel Access server of the twin; a task of the twin's own API runs beside it
in the same `twinbench run`."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from twinbench.errors import InputError
from twinbench.sandbox.bwrap import find_bwrap
from twinbench.tasks.references import program_key
from twinbench.tasks.suite import load_task_file

X = "XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr"
TASKS = f"""
- id: ca-move
  category: motion
  difficulty: simple
  protocol: epics
  instruction: "Over EPICS Channel Access (pyepics), move the sample x motor {X} to 3 mm."
  references:
    - |
      import epics
      epics.caput("{X}", 3.0, wait=True)
- id: op-move
  category: motion
  difficulty: simple
  instruction: "Move the sample to x = 3 mm."
  references:
    - "sam.xabs(3)\\n"
"""


def ca_answer(x: float) -> str:
    return f'```python\nimport epics\nepics.caput("{X}", {x}, wait=True)\n```'


@pytest.mark.skipif(find_bwrap() is None or os.geteuid() != 0, reason="needs bubblewrap and root")
def test_an_epics_task_runs_its_references_and_the_models_programs_over_channel_access(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "suite.yaml").write_text("name: ca\nversion: '1'\ntwin: beamline\n")
    (suite / "tasks.yaml").write_text(TASKS)
    answers = [("ca-move", 0, ca_answer(3.0)), ("ca-move", 1, ca_answer(5.0)),
               ("op-move", 0, "```python\nsam.xabs(3)\n```"), ("op-move", 1, "```python\nsam.xabs(5)\n```")]
    replay = tmp_path / "answers.jsonl"
    replay.write_text("".join(json.dumps({"task": t, "sample": s, "text": a}) + "\n" for t, s, a in answers))
    done = subprocess.run([sys.executable, "-m", "twinbench", "run", "--suite", str(suite), "--model",
                           f"replay:{replay}", "--samples", "2", "--store", "s.sqlite", "--no-leaderboard"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env=os.environ | {"TWINBENCH_CACHE": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr[-3000:]
    db = sqlite3.connect(tmp_path / "s.sqlite")
    passed = dict(((task, sample), value) for task, sample, value in db.execute(
        "SELECT m.task, m.sample, s.value FROM manifest m JOIN scores s USING (cell_id) WHERE s.scorer = 'pass'"))
    assert passed == {("ca-move", 0): 1.0, ("ca-move", 1): 0.0, ("op-move", 0): 1.0, ("op-move", 1): 0.0}


def test_a_protocol_the_twin_does_not_serve_is_a_one_line_error(tmp_path):
    path = tmp_path / "tasks.yaml"
    path.write_text(TASKS.replace("protocol: epics", "protocol: pva"))
    with pytest.raises(InputError) as err:
        load_task_file(path, "beamline")
    assert str(err.value) == (f"{path}: task ca-move: field 'protocol': the beamline twin serves no 'pva' network "
                              "(it serves: epics)")


def test_the_protocol_is_part_of_a_references_cache_key():
    program = f'import epics\nepics.caput("{X}", 3.0)\n'
    assert program_key("beamline", program, {}, "epics") != program_key("beamline", program, {})
    assert program_key("beamline", program, {}, None) == program_key("beamline", program, {})
