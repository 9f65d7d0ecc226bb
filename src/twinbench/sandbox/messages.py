"""What the program's process may say to the trusted side, checked field by field.

A frame that is not one of these is a protocol violation: the trusted side ends the run as `forbidden`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from twinbench.sandbox.frames import ProtocolError

MAX_OP = 64


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Done(_Strict):
    """The program's own report of how its code ended (it decides only between ok, error and oom)."""

    status: Literal["ok", "error", "oom"]
    type: str | None = Field(None, max_length=200)
    message: str | None = Field(None, max_length=4000)
    line: int | None = Field(None, ge=0, lt=1 << 31)

    @model_validator(mode="after")
    def _named(self) -> Done:
        failed = self.status != "ok"
        if (self.type is not None, self.message is not None) != (failed, failed):
            raise ValueError("an error report names its exception type and message, an ok report neither")
        return self


class Audit(_Strict):
    """An operation the in-program audit hook refused: information only, never an outcome."""

    event: str = Field(max_length=MAX_OP)
    detail: str = Field("", max_length=400)


def _validated(model: type[_Strict], args: dict[str, Any]) -> Any:
    try:
        return model.model_validate(args)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(map(str, err["loc"])) or "frame"
        raise ProtocolError(f"bad {model.__name__.lower()} report: {where}: {err['msg']}") from None


def parse(msg: Any) -> tuple[str, Any]:
    """(op, args) of a command, or ("done", Done) / ("audit", Audit); ProtocolError otherwise. A command may
    carry the program `line` it comes from."""
    if not isinstance(msg, dict) or set(msg) - {"line"} != {"op", "args"}:
        raise ProtocolError("a frame is an object with exactly `op` and `args` (and a command's `line`)")
    line = msg.get("line")
    if line is not None and (type(line) is not int or not 0 < line < 1 << 31):
        raise ProtocolError("`line` must be a line number of the program")
    op, args = msg["op"], msg["args"]
    if not isinstance(op, str) or not 0 < len(op) <= MAX_OP or not isinstance(args, dict):
        raise ProtocolError("`op` must be a short string and `args` an object")
    if op == "done":
        return op, _validated(Done, args)
    if op == "audit":
        return op, _validated(Audit, args)
    return op, args

