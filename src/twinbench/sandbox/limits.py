"""Resource limits of one sandboxed run (applied inside the program's process by `rlimits`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from twinbench.errors import InputError


class Limits(BaseModel):
    """What one program may use. Memory is counted on top of the pre-loaded interpreter."""

    model_config = ConfigDict(extra="forbid")

    wall_seconds: float = Field(20.0, gt=0, description="wall-clock timeout")
    wall_seconds_per_hour: float = Field(0.0, ge=0, description="wall-clock seconds added for each hour of the twin's "
                                         "clock the program reaches (a long plan gets more time)")
    cpu_seconds: int = Field(10, gt=0, description="CPU time (RLIMIT_CPU)")
    budget: float | None = Field(None, gt=0, description="the twin's budget, in its own unit (virtual seconds, "
                                 "simulation steps...); None: the twin's default")
    memory_mb: int = Field(512, gt=0, description="address space beyond the pre-loaded interpreter")
    file_mb: int = Field(16, gt=0, description="largest file the program may write (RLIMIT_FSIZE)")
    processes: int = Field(32, gt=0, description="processes and threads of the sandbox uid (RLIMIT_NPROC)")
    output_bytes: int = Field(64 * 1024, gt=0, description="stdout+stderr kept in the result")
    output_kill_bytes: int = Field(8 << 20, gt=0, description="output after which the program is killed")
    events: int = Field(100_000, gt=0, description="events the trusted side records (trace length)")
    recorded_bytes: int = Field(16 << 20, gt=0, description="approximate size of the recorded trace")
    command_bytes: int = Field(64 * 1024, gt=0, le=1 << 20, description="largest command frame (call arguments)")
    harness_cpu_seconds: float = Field(10.0, gt=0, description="harness CPU spent serving the program's commands")

    @classmethod
    def from_pairs(cls, pairs: list[str], source: str = "--limit") -> Limits:
        """Limits from `NAME=VALUE` strings (the rest at their defaults); InputError names the bad one."""
        values: dict[str, str] = {}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep or name.strip() not in cls.model_fields:
                known = ", ".join(cls.model_fields)
                raise InputError(source, f"{pair!r} is not NAME=VALUE with NAME one of: {known}")
            values[name.strip()] = value.strip()
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InputError(source, err["msg"], field=".".join(map(str, err["loc"]))) from None

    def overrides(self) -> dict[str, float]:
        """The limits that differ from the defaults."""
        return self.model_dump(exclude_defaults=True)

