"""`twinbench view`: the report's pages served from the results store by the standard library's HTTP server, on
127.0.0.1 only. The server listens at once and reads its runs in the background (a request that comes first waits
for its run); a run is read again once more cells have finished. A run's page is drawn once per read, each cell's
data made when its page opens it; plotly.js is served once and cached by the browser. Each request has its thread
(a browser's idle connection blocks nothing); the store is read by one at a time.

Routes: `/` (the runs, or the only run's page), `/run?id=RUN`, `/task?run=RUN&id=TASK`, `/cell?run=RUN&id=CELL`
(JSON), `/plotly.min.js`.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from twinbench.errors import InputError
from twinbench.report.html import plotly_js, run_page, runs_page, script_json
from twinbench.report.run_data import RunData
from twinbench.store import Store

PLOTLY_URL = "/plotly.min.js"


class Runs:
    """The runs a server shows, read through one store connection that one request at a time uses."""

    def __init__(self, store_path: Path, run_ids: list[str]):
        self.store_path, self.run_ids = store_path, run_ids
        self.store = Store.open(store_path, create=False, any_thread=True)
        self.lock = threading.Lock()
        self._data: dict[str, tuple[tuple[int, int], RunData]] = {}
        self._pages: dict[str, tuple[RunData, bytes]] = {}  # run -> its page, drawn from that reading of the run

    def data(self, run_id: str) -> RunData:
        """The run, read again when cells finished since it was last read."""
        if run_id not in self.run_ids:
            raise InputError(str(self.store_path), "no such run shown here", item=run_id)
        summary = self.store.run(run_id)
        progress = (summary.ok, summary.failed)
        kept = self._data.get(run_id)
        if kept is None or kept[0] != progress:
            kept = (progress, RunData(self.store, run_id))
            self._data[run_id] = kept
        return kept[1]

    def prepare(self) -> None:
        """Read every run and draw its page now (from a background thread while the server listens), so that the
        first page asked for is ready or nearly so. A run that cannot be read is left for its request to report."""
        for run_id in self.run_ids:
            with self.lock:
                try:
                    self._run_page(run_id)
                except Exception:  # noqa: BLE001, S110  (the request for the page answers with the error)
                    pass

    def _run_page(self, run_id: str) -> bytes:
        data = self.data(run_id)
        kept = self._pages.get(run_id)
        if kept is None or kept[0] is not data:
            run = quote(run_id, safe="")
            page = run_page(data, cell_url=f"/cell?run={run}&id=", task_url=f"/task?run={run}&id=",
                            plotly_src=PLOTLY_URL, runs_url="/" if len(self.run_ids) > 1 else None)
            kept = (data, page.encode())
            self._pages[run_id] = kept
        return kept[1]

    def page(self, path: str, query: dict[str, str]) -> tuple[str, bytes]:
        """The content type and body for a GET of `path`; InputError for an unknown page, run or cell."""
        if path == PLOTLY_URL:
            return "text/javascript", plotly_js().encode()
        with self.lock:
            return self._read(path, query)

    def _read(self, path: str, query: dict[str, str]) -> tuple[str, bytes]:
        if path == "/" and len(self.run_ids) == 1:
            path, query = "/run", {"id": self.run_ids[0]}
        if path == "/":
            return "text/html", runs_page([self.store.run(r) for r in self.run_ids], "/run?id=").encode()
        if path == "/run":
            return "text/html", self._run_page(query.get("id", ""))
        if path == "/task":
            return "application/json", script_json(self.data(query.get("run", "")).task(query.get("id", ""))).encode()
        if path == "/cell":
            return "application/json", script_json(self.data(query.get("run", "")).cell(query.get("id", ""))).encode()
        raise InputError(path, "no such page")


def _handler(runs: Runs) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (the standard library's name)
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            try:
                kind, body = runs.page(url.path, query)
                status = HTTPStatus.OK
            except InputError as exc:
                kind, body, status = "text/plain", str(exc).encode(), HTTPStatus.NOT_FOUND
            except Exception as exc:  # noqa: BLE001  (one page's failure is that page's answer; the server goes on)
                kind, body = "text/plain", f"{type(exc).__name__}: {exc}".encode()
                status = HTTPStatus.INTERNAL_SERVER_ERROR
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            if url.path == PLOTLY_URL:
                self.send_header("Cache-Control", "max-age=86400")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: the command prints where it serves

    return Handler


class ViewServer:
    """An HTTP server on 127.0.0.1 (`port` 0: a free one) over `run_ids` of the store at `store_path`; its runs
    are read in the background from the moment it listens (a request waits in the queue until it serves)."""

    def __init__(self, store_path: Path, run_ids: list[str], port: int = 0):
        self.runs = Runs(store_path, run_ids)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self.runs))
        threading.Thread(target=self.runs.prepare, daemon=True).start()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> ViewServer:
        """Serve from a background thread (tests, benchmarks)."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join()
        self.httpd.server_close()
        with self.runs.lock:  # not while the background reading uses the store
            self.runs.store.close()
