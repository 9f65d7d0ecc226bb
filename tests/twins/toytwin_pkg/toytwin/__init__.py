"""A toy twin from outside twinbench: one dimmable lamp on a clock that counts ticks, not seconds."""

from twinbench.twins import BaseTwin, Budget


class Toy(BaseTwin):
    """The plugin: everything below is imported only when asked for."""

    name = "toy"
    description = "a dimmable lamp on a tick clock (plugin test)"
    package = __name__
    budget = Budget(default=100, unit="ticks")
    prompt_version = "toy-v1"

    def simulator(self):
        from toytwin.sim import LampSimulator

        return LampSimulator()

    def state_schema(self):
        from toytwin.sim import LampState

        return LampState

    def api_reference(self):
        from toytwin.client import Lamp

        return "\n".join(f"- `lamp.{n}`: {f.__doc__}" for n, f in vars(Lamp).items() if not n.startswith("_"))

    def scoring_defaults(self):
        return {"comparators": {"by_channel": {"lamp:level": {"abs_tol": 0.01}}}}

    def variants(self):
        from toytwin.variants import VARIANTS

        return VARIANTS
