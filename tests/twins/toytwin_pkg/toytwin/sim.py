"""The trusted side: the lamp's level, a tick clock with a budget in ticks, and the recorder."""

from pydantic import BaseModel, ConfigDict, Field

from twinbench.twins import BudgetExceeded, CommandError, SafetyRefusal
from twinbench.twins.recorder import SAFETY_CHANNEL, Recorder

LEVEL = "lamp:level"


class LampState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: float = Field(0.0, ge=0)
    max_level: float = Field(10.0, gt=0)


class LampSimulator:
    def reset(self, state, budget):
        self.state = LampState.model_validate(dict(state or {}))
        self.budget, self.ticks = budget, 0
        self.rec = Recorder({LEVEL: self.state.level})

    @property
    def now(self):
        return float(self.ticks)

    def _tick(self, n):
        if self.ticks + n > self.budget:
            self.ticks = self.budget
            raise BudgetExceeded(f"budget of {self.budget:g} ticks exhausted")
        self.ticks += n

    def handle(self, op, args):
        if op == "set" and set(args) == {"level"} and isinstance(args["level"], int | float):
            self._tick(1)
            if not 0 <= args["level"] <= self.state.max_level:
                self.rec.safety(self.now, LEVEL, f"level {args['level']} outside [0, {self.state.max_level:g}]",
                                args["level"], [0, self.state.max_level])
                raise SafetyRefusal(f"level {args['level']} is too bright")
            self.rec.put(LEVEL, self.now, float(args["level"]))
            return float(args["level"])
        if op == "read" and not args:
            self._tick(1)
            return self.rec.values[LEVEL]
        if op == "wait" and set(args) == {"ticks"} and isinstance(args["ticks"], int) and args["ticks"] >= 0:
            return self._tick(args["ticks"])
        raise CommandError(f"unknown command {op!r} {args!r}")

    def finish(self):
        pass

    def events(self):
        return list(self.rec.events)

    def recorded(self):
        return len(self.rec.events), self.rec.size

    def safety_events(self):
        return [e for e in self.rec.events if e.channel == SAFETY_CHANNEL]

    def final_state(self):
        return dict(self.rec.values)
