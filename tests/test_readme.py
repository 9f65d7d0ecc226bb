"""The README's two set-up commands stay true: CI runs the README's test command, word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_commands() -> list[str]:
    setup = (ROOT / "README.md").read_text().split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", setup)


def test_readme_has_an_install_and_run_and_an_install_and_test_command():
    run, test = _setup_commands()
    assert "pip install" in run and "twinbench run" in run
    assert "pip install" in test and "pytest" in test


def test_ci_runs_the_readme_test_command():
    test = _setup_commands()[1]
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test in lines
