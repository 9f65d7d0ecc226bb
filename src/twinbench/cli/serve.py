"""`twinbench serve`: the beamline twin as an EPICS Channel Access server on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from twinbench.cli.app import app


@app.command()
def serve(
    speed: Annotated[float, typer.Option(min=0.001, help="twin seconds per wall-clock second")] = 100.0,
    state: Annotated[Path | None, typer.Option(help="initial state and limits (YAML or JSON), as for check")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="CA server port (default: "
                                             "EPICS_CA_SERVER_PORT, else 5064)")] = None,
    trace: Annotated[Path | None, typer.Option(help="write every PV change with its twin time here on exit "
                                               "(.json, .jsonl or .npz)")] = None,
) -> None:
    """Serve the beamline twin over Channel Access (loopback only) until interrupted.

    Motor records, Pilatus cam PVs, the Linkam stage, shutter and beam monitor answer under the beamline's
    real PV names, so ophyd EpicsMotor/EpicsSignal, pyepics and bluesky code run unmodified against it.
    """
    from twinbench.twins.beamline.pvs import LOOPBACK

    for name, value in LOOPBACK.items():  # never search or beacon beyond loopback
        os.environ.setdefault(name, value)
    if port is not None:
        os.environ["EPICS_CA_SERVER_PORT"] = str(port)
    import asyncio
    import signal

    from pydantic import ValidationError

    from twinbench.cli.check import _read_state
    from twinbench.errors import InputError
    from twinbench.tasks.schema import first_error
    from twinbench.trace.io import write_trace
    from twinbench.trace.model import Trace
    from twinbench.twins.beamline.epics_server import Twin, run_twin

    initial = _read_state(state)
    try:
        twin = Twin(initial, speed)
    except ValidationError as exc:
        message, where = first_error(exc)
        raise InputError(str(state), f"{'.'.join(where) or 'state'}: {message}") from None

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_twin(twin, stop)

    asyncio.run(main())
    if trace is not None:
        write_trace(Trace(twin.sim.events(), source="serve"), trace)
