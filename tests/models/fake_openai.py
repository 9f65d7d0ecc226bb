"""A real HTTP server on 127.0.0.1 speaking OpenAI chat completions (and Anthropic messages), with faults.

Every request is logged server-side as (cell, outcome), the cell being the last message's content, and its body
kept in `bodies`.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("429", "500", "503", "timeout", "malformed", "cutoff")


def answer_for(content: str, model: str, temperature: float) -> str:
    return f"answer to {content!r} from {model} at T={temperature:g}"


def _answer(body: dict, content: str, anthropic: bool, answer=answer_for) -> dict:
    text = answer(content, body["model"], body.get("temperature", 1.0))
    tokens_in, tokens_out = len(content.split()), len(text.split())
    if anthropic:
        return {
            "id": "msg_fake", "type": "message", "role": "assistant", "model": body["model"],
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
        }  # fmt: skip
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
        "model": body["model"],
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                  "total_tokens": tokens_in + tokens_out},
    }  # fmt: skip


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops SYNs under load; the client then waits 1 s to resend
    daemon_threads = True


@dataclass
class FakeOpenAI:
    """Answers chat requests; with probability `fault_rate` injects one of `faults` instead."""

    fault_rate: float = 0.0
    faults: tuple[str, ...] = FAULTS
    seed: int = 0
    retry_after: str = "0.02"
    hang_s: float = 1.0
    delay_s: float = 0.0
    calls: list[tuple[str, str]] = field(default_factory=list)
    bodies: list[dict] = field(default_factory=list)
    max_in_flight: int = 0
    answer: Callable[[str, str, float], str] = answer_for  # (last message, model, temperature) -> text

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                server._send(self, 200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self) -> None:
                try:
                    body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                except ValueError:  # the client was killed while sending: no call arrived
                    return
                server._serve_chat(self, body)

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def calls_for(self, cell: str) -> list[str]:
        with self._lock:
            return [outcome for c, outcome in self.calls if c == cell]

    def _serve_chat(self, handler: BaseHTTPRequestHandler, body: dict) -> None:
        content = body["messages"][-1]["content"]
        with self._lock:
            fault = self._rng.random() < self.fault_rate
            outcome = self._rng.choice(self.faults) if fault else "ok"
            self.calls.append((content, outcome))
            self.bodies.append(body)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        if self.delay_s:
            time.sleep(self.delay_s)
        with self._lock:  # leave before answering, so in-flight never over-counts the client's cap
            self._in_flight -= 1
        if outcome == "ok":
            self._send(handler, 200, _answer(body, content, handler.path.endswith("/messages"), self.answer))
        elif outcome == "429":
            self._send(
                handler,
                429,
                {"error": {"message": "slow down", "type": "rate_limit"}},
                {"Retry-After": self.retry_after},
            )
        elif outcome in ("500", "503", "400"):
            self._send(handler, int(outcome), {"error": {"message": f"injected {outcome}", "type": "server"}})
        elif outcome == "timeout":
            time.sleep(self.hang_s)
            self._send(handler, 200, {"too": "late"})
        elif outcome == "malformed":
            self._write(handler, 200, b'{"id": "chatcmpl-fake", "choices": [{"message": ', len_override=None)
        else:  # cutoff: promise 1000 bytes, send 40, close
            self._write(handler, 200, b'{"id": "chatcmpl-fake", "object": "chat.', len_override=1000)

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: dict,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._write(handler, status, json.dumps(payload).encode(), headers=headers)

    @staticmethod
    def _write(
        handler: BaseHTTPRequestHandler,
        status: int,
        data: bytes,
        len_override: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len_override or len(data)))
            for name, value in (headers or {}).items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
            handler.wfile.flush()
        except OSError:  # the client gave up (timeout); nothing to answer
            pass
        handler.close_connection = True
