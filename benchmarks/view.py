"""`twinbench view` and `twinbench report` on a synthetic 10,000-cell run: start-up, page response times and the
file size.

A store gets one benchmark run of `--tasks` beamline tasks x `--models` models x samples (10,000 cells by
default). Each cell's program is a task reference or the reference with its last line dropped (a failing cell),
its trace that program's real trace (references run in the twin, cached per twin version), its scores stored as
the runner stores them. Then, timed:
- the command: `twinbench view --no-browser` started as a subprocess, polled until its first page answers (the run
  read and its page drawn), against a bare standard-library HTTP server started the same way;
- `twinbench view`'s server started in this process and asked over HTTP for the first page (the run's leaderboard,
  figures and cell index), a task page (the models compared on one task) and cell pages (one cell's data with its
  re-aligned trace; the first cell of a task also reads that task's references from the cache), against a request
  for a 1-byte page of a bare standard-library HTTP server;
- `twinbench report` of the whole run: its time and file size.
Usage: python benchmarks/view.py [--cells 10000] [--tasks 50] [--models 4] [--no-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from _docs import markdown_table, write_section
from twinbench.models.types import CallKey, CallRecord
from twinbench.report.html import plotly_js
from twinbench.report.run_data import RunData
from twinbench.report.server import ViewServer
from twinbench.runner.benchmark import BENCHMARK, reference_traces, select_tasks, tasks_blob
from twinbench.runner.cell import trace_scores
from twinbench.sandbox import Outcome, RunResult
from twinbench.store import Cell, CellResult, ExecutionRecord, ScoreRecord, Store
from twinbench.tasks import Task, load_suite
from twinbench.trace.io import trace_to_obj
from twinbench.trace.scoring import score_best_of
from twinbench.twins import get_twin


def broken(program: str) -> str:
    """The program without its last non-empty line (a wrong answer that still runs)."""
    lines = [line for line in program.splitlines() if line.strip()]
    return "\n".join(lines[:-1]) or "pass"


def variants(tasks: list[Task]) -> dict[tuple[str, bool], tuple[str, object, list[ScoreRecord]]]:
    """(task, wrong) -> program, its trace and its scores: the reference and the reference cut short."""
    from twinbench.sandbox import Sandbox

    references = reference_traces(tasks, "beamline")
    defaults = get_twin("beamline").scoring_defaults()
    out = {}
    with Sandbox("beamline") as sandbox:
        for task in tasks:
            for wrong in (False, True):
                program = broken(task.references[0]) if wrong else task.references[0]
                result: RunResult = sandbox.run(program, task_state=task.initial_state)
                outcome = score_best_of(references[task.id], result.trace, task.scoring_config(defaults))
                scores = trace_scores(outcome, result, task) + [ScoreRecord(scorer="codebleu",
                                                                            value=0.6 if wrong else 1.0)]
                out[(task.id, wrong)] = (program, result, scores)
    return out


def fill(store: Store, tasks: list[Task], models: int, samples: int) -> str:
    """The synthetic run: every cell finished with a reference or a cut-short program (one in three)."""
    suite = load_suite("beamline")
    config = {"kind": BENCHMARK, "suite": "beamline", "samples": samples, "twin": "beamline",
              "tasks": {t.id: {"category": t.category, "difficulty": t.difficulty} for t in tasks},
              "tasks_sha": store.put_blob(tasks_blob(suite, tasks)),
              "models": {f"model-{m}": {} for m in range(models)}}
    cells = [Cell(model=f"model-{m}", task=t.id, sample=s)
             for m in range(models) for t in tasks for s in range(samples)]
    store.create_run("view-bench", config, cells)
    made = variants(tasks)
    blobs = {}
    for key, (program, result, _) in made.items():
        blobs[key] = (store.put_blob(program.encode()), store.put_blob(result.output.encode()),
                      store.put_blob(json.dumps(trace_to_obj(result.trace)).encode()))
    for i, cell in enumerate(cells):
        wrong = i % 3 == 2
        program, result, scores = made[(cell.task, wrong)]
        code_sha, out_sha, trace_sha = blobs[(cell.task, wrong)]
        record = CallRecord(key=CallKey(task=cell.task, sample=cell.sample), model=cell.model, provider="replay",
                            endpoint="replay", text=f"```python\n{program}\n```", tokens_in=900, tokens_out=200)
        execution = ExecutionRecord(status=str(result.outcome), duration_s=result.duration, code_sha=code_sha,
                                    stdout_sha=out_sha, trace_sha=trace_sha, extraction="fenced")
        store.finish_cell("view-bench", cell, CellResult(status="ok", response=record, execution=execution,
                                                         scores=scores))
    return "view-bench"


def get(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        size = len(response.read())
    return time.perf_counter() - start, size


def baseline(repeat: int) -> float:
    """Median seconds for a 1-byte page of a bare standard-library HTTP server."""
    class Bare(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "1")
            self.end_headers()
            self.wfile.write(b"x")

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Bare)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        return statistics.median(get(url)[0] for _ in range(repeat))
    finally:
        httpd.shutdown()
        httpd.server_close()


BARE_SERVER = """
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import sys

class Bare(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "1")
        self.end_headers()
        self.wfile.write(b"x")

ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Bare).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_answer(command: list[str], port: int) -> tuple[float, float, float]:
    """Seconds from starting `command` (a server on `port`) to its listening (polled by TCP connects, which cost the
    machine little) and to its first answer of `/`, and the CPU seconds the command used until then (user and system,
    all its threads: what a busy machine inflates less)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port)).close()
                break
            except OSError:  # not listening yet
                if proc.poll() is not None:
                    raise SystemExit(f"{command} ended with {proc.returncode} before listening") from None
                time.sleep(0.002)
        listening = time.perf_counter() - started
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
            response.read()
        return listening, time.perf_counter() - started, cpu_seconds(proc)
    finally:
        proc.kill()
        proc.wait()


def cpu_seconds(proc: subprocess.Popen) -> float:
    """The CPU seconds `proc` has used so far (from /proc, before it is stopped)."""
    fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def command_starts(path: Path, run_id: str, repeat: int) -> dict[str, list[float]]:
    """Median seconds to listening and to the first answer, and CPU seconds: `twinbench view --no-browser` of the
    run, and a bare stdlib server."""
    runs: dict[str, list[tuple[float, float, float]]] = {"view": [], "bare": []}
    for _ in range(repeat):
        port = free_port()
        runs["view"].append(first_answer([sys.executable, "-m", "twinbench", "view", run_id, "--store", str(path),
                                          "--no-browser", "--port", str(port)], port))
        port = free_port()
        runs["bare"].append(first_answer([sys.executable, "-c", BARE_SERVER, str(port)], port))
    return {k: [statistics.median(column) for column in zip(*v, strict=True)] for k, v in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=50)
    parser.add_argument("--models", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    suite = load_suite("beamline")
    tasks = [t for t in select_tasks(suite, None) if t.expected_outcome == Outcome.OK][:args.tasks]
    samples = max(args.cells // (len(tasks) * args.models), 1)
    bare = baseline(args.repeat * 4)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "view.sqlite"
        store = Store.open(path)
        started = time.perf_counter()
        run_id = fill(store, tasks, args.models, samples)
        filled = time.perf_counter() - started
        n = store.run(run_id).cells
        starts = command_starts(path, run_id, args.repeat)
        server = ViewServer(path, [run_id]).start()  # reads the run in the background
        try:
            first, first_size = get(server.url)  # the first page of a fresh server: waits for the run's reading
            again = statistics.median(get(server.url)[0] for _ in range(args.repeat))
            ids = [r[0] for r in RunData(store, run_id).index]
            task_pages = [get(f"{server.url}task?run={run_id}&id={tasks[i].id}") for i in range(args.repeat)]
            cold = [get(f"{server.url}cell?run={run_id}&id={ids[i * samples]}")[0] for i in range(args.repeat)]
            warm = [get(f"{server.url}cell?run={run_id}&id={ids[i * samples + 1]}") for i in range(args.repeat)]
        finally:
            server.close()
        started = time.perf_counter()
        made = subprocess.run([sys.executable, "-m", "twinbench", "report", "--store", str(path), "-o",
                               str(Path(tmp) / "report.html")], capture_output=True, text=True)
        report_seconds = time.perf_counter() - started
        if made.returncode:
            raise SystemExit(made.stderr)
        size = (Path(tmp) / "report.html").stat().st_size
        plotly = len(plotly_js().encode())
    warm_seconds = statistics.median(w[0] for w in warm)
    task_seconds = statistics.median(t[0] for t in task_pages)
    cold_seconds = statistics.median(cold)
    (view_listening, view_start, view_cpu), (_, bare_start, bare_cpu) = starts["view"], starts["bare"]
    rows = [
        ["baseline: a bare stdlib HTTP server started, to its first answer", f"{1000 * bare_start:.0f} ms", "1x",
         ""],
        ["`twinbench view --no-browser` started, to listening", f"{1000 * view_listening:.0f} ms",
         f"{view_listening / bare_start:.1f}x", ""],
        ["`twinbench view --no-browser` started, to its first page served", f"{1000 * view_start:.0f} ms",
         f"{view_start / bare_start:.1f}x", f"{first_size / 1e6:.1f} MB"],
        ["the same, CPU time of the command (bare server: 1x)", f"{1000 * view_cpu:.0f} ms",
         f"{view_cpu / bare_cpu:.1f}x", ""],
        ["baseline: 1-byte page of a bare stdlib HTTP server", f"{1000 * bare:.1f} ms", "1x", ""],
        [f"first page of a fresh server (reads the run: {n:,} cells, leaderboard)", f"{1000 * first:.0f} ms",
         f"{first / bare:.0f}x", f"{first_size / 1e6:.1f} MB"],
        ["the page again", f"{1000 * again:.0f} ms", f"{again / bare:.0f}x", ""],
        [f"task page ({args.models} models, {samples} cells each)", f"{1000 * task_seconds:.0f} ms",
         f"{task_seconds / bare:.0f}x", f"{task_pages[0][1] / 1e3:.0f} kB"],
        ["cell page, first of its task (references read)", f"{1000 * cold_seconds:.0f} ms",
         f"{cold_seconds / bare:.0f}x", ""],
        ["cell page, references already read", f"{1000 * warm_seconds:.0f} ms", f"{warm_seconds / bare:.0f}x",
         f"{warm[0][1] / 1e3:.0f} kB"],
    ]
    table = markdown_table([f"request (median of {args.repeat})", "time", "vs baseline", "size"], rows)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    text = (f"{table}\n\n{n:,} cells ({len(tasks)} tasks x {args.models} models x {samples} samples; one in three "
            f"a cut-short program), store filled in {filled:.0f} s. `twinbench report` of the whole run: "
            f"{size / 1e6:.0f} MB ({plotly / 1e6:.1f} MB of it plotly.js, {(size - plotly) / n / 1e3:.1f} kB per "
            f"cell), made in {report_seconds:.0f} s. Load average at the end (1 / 5 / 15 min): {load} on "
            f"{os.cpu_count()} cores.")
    print(text)
    if not args.no_docs:
        write_section("benchmarks.md", "view", text)


if __name__ == "__main__":
    main()
