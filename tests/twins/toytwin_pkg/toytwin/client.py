"""What a program sees: `lamp`, bound to the trusted side over the sandbox's channel."""

from twinbench.twins.link import Link


class TooBright(Exception):
    """The lamp refused a level above its maximum."""


class Lamp:
    def __init__(self, link):
        self._link = link

    def set(self, level):
        """Set the brightness (0 to the lamp's maximum); costs one tick."""
        return self._link.call("set", level=level)

    def level(self):
        """The brightness now; costs one tick."""
        return self._link.call("read")

    def wait(self, ticks):
        """Let `ticks` ticks pass."""
        self._link.call("wait", ticks=ticks)


def namespace(channel):
    return {"__name__": "__main__", "lamp": Lamp(Link(channel, {"safety": TooBright}))}
