"""Every command, fed generated bad files and options, answers with one line and exit code 2, never a traceback."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twinbench.cli import main
from twinbench.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TRIED: Counter[str] = Counter()

# Contents no command can take: binary, non-UTF-8, nested deeper than any input may be.
NESTED = st.integers(200, 100_000).map(lambda n: "[" * n + "]" * n)
UNREADABLE = st.one_of(
    st.binary(min_size=1, max_size=200).filter(lambda b: b"\x00" in b or not _utf8(b)),
    st.binary(max_size=50).map(lambda b: b"\xff\xfe" + b),
    NESTED.map(str.encode),
    NESTED.map(lambda s: ('{"events": ' + s + "}").encode()),
)
# Text that parses but is wrong for a data file: a huge integer, NaN or infinity inside values, a bare number.
WRONG_DATA = st.one_of(
    UNREADABLE,
    st.just(b'{"events": [{"channel": "x", "timestamp": 0, "value": ' + b"9" * 400 + b"}]}"),
    st.just(b'{"events": [{"channel": "x", "timestamp": 0, "value": [1, NaN]}]}'),
    st.just(b'{"events": [{"channel": "x", "timestamp": 0, "meta": {"a": {"b": Infinity}}}]}'),
    st.just(b"9" * 400),
)
# Every file an option or argument reads, as a command line with FILE in its place; `code` when any readable
# text is a valid input (a plan, a documentation or CSV file), so only unreadable contents are bad there.
FILE_SLOTS = [
    ("score", "data", ["score", "--gt", "FILE", "--pred", "PRED"]),
    ("score", "data", ["score", "--gt", "GT", "--pred", "FILE"]),
    ("score", "data", ["score", "--gt", "GT", "--pred", "FILE.jsonl"]),
    ("score", "data", ["score", "--gt", "GT", "--pred", "PRED", "--config", "FILE"]),
    ("score", "data", ["score", "--gt", "GT", "--pred", "PRED", "--config", "FILE.yaml"]),
    ("check", "code", ["check", "FILE"]),
    ("check", "code", ["check", "PLAN", "--state", "FILE"]),
    ("run", "data", ["run", "--model", "replay:FILE.jsonl", "--tasks", "move_absolute", "--store", "STORE"]),
    ("run", "data", ["run", "--models-file", "FILE", "--model", "m", "--store", "STORE"]),
    ("models", "data", ["models", "test", "m", "--models-file", "FILE"]),
    ("judge", "data", ["judge", "parse", "--rubric", "FILE", "PLAN"]),
    ("judge", "code", ["judge", "calibrate", "--references", "REFS", "--expert-csv", "FILE", "--store", "STORE"]),
    ("judge", "code", ["judge", "run", "r", "--doc", "FILE", "--variant", "doc", "--store", "STORE"]),
    ("suite", "data", ["suite", "import-envtrace", "FILE", "OUT"]),
    ("runs", "data", ["runs", "list", "--store", "FILE"]),
    ("runs", "data", ["runs", "show", "r", "--store", "FILE"]),
    ("leaderboard", "data", ["leaderboard", "--store", "FILE"]),
    ("analyze", "data", ["analyze", "--store", "FILE"]),
    ("import", "data", ["import", "simbench", "REFS", "--store", "FILE"]),
    ("report", "data", ["report", "--store", "FILE"]),
    ("view", "data", ["view", "--store", "FILE", "--no-browser"]),
]
# Bad values of options that take numbers or paths.
BAD_OPTIONS = [
    ("check", ["check", "PLAN", "--wall-seconds", "V"], ["0", "-1", "nan", "inf", "-inf", "soon"]),
    ("check", ["check", "PLAN", "--virtual-seconds", "V"], ["0", "-5", "nan", "inf"]),
    ("check", ["check", "PLAN", "--rows", "V"], ["-1", "x"]),
    ("check", ["check", "PLAN", "--max-events", "V"], ["-1", "1.5"]),
    ("check", ["check", "PLAN", "--limit", "V"], ["cpu_seconds", "nope=1", "cpu_seconds=-1", "events=x"]),
    ("api", ["api", "V"], ["meaure", "", "sam."]),
    ("analyze", ["analyze", "--store", "STORE", "--boot", "V"], ["0", "-5", "x"]),
    ("judge", ["judge", "calibrate", "--references", "REFS", "--boot", "V"], ["0", "-5"]),
    ("score", ["score", "--gt", "GT", "--pred", "PRED", "--rows", "V"], ["-1", "x"]),
    ("run", ["run", "--samples", "V", "--store", "STORE"], ["0", "-3"]),
    ("run", ["run", "--chain", "V", "--store", "STORE"], ["sideways", "", "OWN"]),
    ("import", ["import", "simbench", "REFS", "--workers", "V", "--store", "STORE"], ["0", "-1"]),
    ("runs", ["runs", "export", "r", "--store", "STORE", "--output", "V"], ["MISSING/x.csv", "FOLDER"]),
    ("runs", ["runs", "list", "--store", "V"], ["MISSING/s.sqlite", "FOLDER", "EMPTY", "GARBAGE", "DAMAGED"]),
    ("run", ["run", "--store", "V"], ["MISSING/s.sqlite", "FOLDER", "EMPTY", "GARBAGE"]),
    ("leaderboard", ["leaderboard", "--store", "V"], ["MISSING/s.sqlite", "FOLDER", "EMPTY", "DAMAGED"]),
    ("report", ["report", "--store", "V"], ["MISSING/s.sqlite", "FOLDER", "EMPTY", "DAMAGED"]),
    ("report", ["report", "--store", "STORE", "-o", "V"], ["MISSING/x.html", "FOLDER"]),
    ("check", ["check", "PLAN", "--html", "V"], ["MISSING/x.html", "FOLDER"]),
    ("view", ["view", "--store", "V", "--no-browser"], ["MISSING/s.sqlite", "FOLDER", "EMPTY", "DAMAGED"]),
    ("view", ["view", "--store", "STORE", "--port", "V", "--no-browser"], ["-1", "70000", "x"]),
]


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def invoke(args: list[str]) -> tuple[int, str]:
    """Run the CLI in this process; an exception that escapes `main` is a traceback for the user."""
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        try:
            main(args)
        except SystemExit as exc:
            return int(exc.code or 0), err.getvalue()
    return 0, err.getvalue()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(EXAMPLES / "gt.json", root / "gt.json")
    shutil.copy(EXAMPLES / "pred.json", root / "pred.json")
    (root / "plan.py").write_text("sam.xabs(1)\n")
    (root / "refs").mkdir()
    (root / "refs" / "a.py").write_text("sam.xabs(1)\n")
    (root / "folder").mkdir()
    (root / "empty.sqlite").write_bytes(b"")
    (root / "garbage.sqlite").write_bytes(b"this is not a database" * 100)
    damaged = root / "damaged.sqlite"
    con = sqlite3.connect(damaged)
    con.execute("CREATE TABLE t (x)")
    con.executemany("INSERT INTO t VALUES (?)", [(str(i) * 50,) for i in range(2000)])
    con.commit()
    con.close()
    data = bytearray(damaged.read_bytes())
    data[100:len(data)] = b"\x5a" * (len(data) - 100)  # a valid header over garbage pages
    damaged.write_bytes(bytes(data))
    return root


def fill(args: list[str], root: Path, file: Path | None = None, value: str | None = None) -> list[str]:
    places = {"GT": root / "gt.json", "PRED": root / "pred.json", "PLAN": root / "plan.py", "REFS": root / "refs",
              "STORE": root / "s.sqlite", "OUT": root / "out", "MISSING": root / "missing", "FOLDER": root / "folder",
              "EMPTY": root / "empty.sqlite", "GARBAGE": root / "garbage.sqlite", "DAMAGED": root / "damaged.sqlite"}
    out = []
    for arg in args:
        if value is not None:
            arg = arg.replace("V", value) if arg == "V" else arg
        if file is not None and "FILE" in arg:
            out.append(arg.replace("FILE.jsonl", str(file)).replace("FILE.yaml", str(file)).replace("FILE", str(file)))
            continue
        head, sep, rest = arg.partition("/")
        out.append(str(places[head]) + sep + rest if head in places else arg)
    return out


def assert_one_line_exit_2(args: list[str], name: str) -> None:
    try:
        code, err = invoke(args)
    except Exception as exc:  # noqa: BLE001  (what the user would see as a traceback)
        TRIED[name + ":traceback"] += 1
        raise AssertionError(f"traceback for {args}: {type(exc).__name__}: {exc}") from exc
    TRIED[name] += 1
    assert code == 2, (args, code, err)
    assert "Traceback" not in err
    if err.startswith("error:"):
        assert err.count("\n") == 1, err


@st.composite
def file_case(draw) -> tuple[str, list[str], bytes | str]:
    name, kind, args = draw(st.sampled_from(FILE_SLOTS))
    content = draw(st.one_of(UNREADABLE if kind == "code" else WRONG_DATA, st.sampled_from(["MISSING", "FOLDER"])))
    return name, args, content


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=file_case())
def test_every_file_input_is_one_line_and_exit_2(workdir, case):
    name, args, content = case
    template = next(a for a in args if "FILE" in a)
    suffix = ".jsonl" if "FILE.jsonl" in template else ".yaml" if "FILE.yaml" in template else ".json"
    if content == "MISSING":
        path = workdir / "missing" / f"bad{suffix}"
    elif content == "FOLDER":
        path = workdir / "folder"
    else:
        path = workdir / f"bad{suffix}"
        path.write_bytes(content)
    assert_one_line_exit_2(fill(args, workdir, file=path), name)


@pytest.mark.parametrize(("name", "args", "values"), BAD_OPTIONS, ids=[" ".join(o[1][:2]) for o in BAD_OPTIONS])
def test_every_bad_option_is_one_line_and_exit_2(workdir, name, args, values):
    for value in values:
        assert_one_line_exit_2(fill(args, workdir, value=value), name)


def test_an_empty_file_never_becomes_a_store(workdir):
    assert_one_line_exit_2(fill(["run", "--store", "EMPTY", "--tasks", "nothing-matches"], workdir), "run")
    assert (workdir / "empty.sqlite").read_bytes() == b""


def test_nan_inside_a_value_or_meta_names_event_and_field(workdir):
    for raw, field in ((b'[{"channel": "x", "t": 0, "value": {"a": [NaN]}}]', "value"),
                       (b'[{"channel": "x", "t": 0, "meta": {"unit": -Infinity}}]', "meta")):
        (workdir / "nan.json").write_bytes(raw)
        code, err = invoke(["score", "--gt", str(workdir / "gt.json"), "--pred", str(workdir / "nan.json")])
        assert code == 2 and f"event 0: field '{field}'" in err


def test_read_only_store_folder_says_so(tmp_path):
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is needed to make a folder read-only for root")
    folder = tmp_path / "ro"
    folder.mkdir()
    Store.open(folder / "s.sqlite").close()
    cmd = ["bwrap", "--dev-bind", "/", "/", "--ro-bind", str(folder), str(folder), sys.executable, "-m", "twinbench",
           "runs", "list", "--store", str(folder / "s.sqlite")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if "bwrap:" in proc.stderr:
        pytest.skip(f"bubblewrap cannot run here: {proc.stderr.strip()}")
    assert proc.returncode == 2, proc.stderr
    assert "not writable" in proc.stderr and "Traceback" not in proc.stderr


def test_report_inputs_tried():
    """Printed with `pytest -s`: how many bad inputs were tried and how many gave a traceback."""
    tracebacks = sum(n for k, n in TRIED.items() if k.endswith(":traceback"))
    print(f"\nCLI bad inputs tried: {sum(TRIED.values())}, tracebacks: {tracebacks}, per command: "
          f"{json.dumps(dict(sorted(TRIED.items())))}")
    assert tracebacks == 0
