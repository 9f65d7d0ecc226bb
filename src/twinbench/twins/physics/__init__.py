"""The MuJoCo physics twin: programs are plain MuJoCo Python; the trusted side re-simulates what they did.

`PhysicsTwin` is imported on first use, so the sandbox (which imports only `client`) never loads the trusted side.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "PhysicsTwin":
        from twinbench.twins.physics.twin import PhysicsTwin

        return PhysicsTwin
    raise AttributeError(name)
