"""`twinbench serve`: the beamline twin as an EPICS Channel Access server on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from twinbench.cli.app import app

# Updates a server holds for a client that falls behind (caproto's defaults: 1,000 per subscription, 10,000 in
# all), beyond which it drops the oldest: a monitor that lags during a burst of puts catches up instead.
BACKLOG = {"CAPROTO_MAX_SUBSCRIPTION_BACKLOG": "50000", "CAPROTO_MAX_TOTAL_SUBSCRIPTION_BACKLOG": "200000"}


@app.command()
def serve(
    speed: Annotated[float, typer.Option(min=0.001, help="twin seconds per wall-clock second")] = 100.0,
    state: Annotated[Path | None, typer.Option(help="initial state and limits (YAML or JSON), as for check")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="CA server port (default: "
                                             "EPICS_CA_SERVER_PORT, else 5064)")] = None,
    trace: Annotated[Path | None, typer.Option(help="write every PV change with its twin time here on exit "
                                               "(.json, .jsonl or .npz)")] = None,
    monitor: Annotated[Path | None, typer.Option(help="also record the trace as a Channel Access monitor outside "
                                                 "the server sees it (like camonitor), written here on exit")] = None,
) -> None:
    """Serve the beamline twin over Channel Access (loopback only) until interrupted.

    Motor records, Pilatus cam PVs, the Linkam stage, shutter and beam monitor answer under the beamline's
    real PV names, so ophyd EpicsMotor/EpicsSignal, pyepics and bluesky code run unmodified against it.
    """
    from twinbench.twins.beamline.pvs import LOOPBACK

    for name, value in LOOPBACK.items():  # never search or beacon beyond loopback
        os.environ.setdefault(name, value)
    for name, value in BACKLOG.items():  # read by caproto when it is imported
        os.environ.setdefault(name, value)
    if port is not None:
        os.environ["EPICS_CA_SERVER_PORT"] = str(port)
    # beacons go to the clients' repeater port, as libca's servers send them (caproto's own default is 5065)
    beacons = int(os.environ.setdefault("EPICS_CAS_BEACON_PORT", os.environ.get("EPICS_CA_REPEATER_PORT", "5065")))
    import asyncio
    import signal

    from pydantic import ValidationError

    from twinbench.cli.check import _read_state
    from twinbench.errors import InputError
    from twinbench.tasks.schema import first_error
    from twinbench.trace.io import write_trace
    from twinbench.trace.model import Trace
    from twinbench.twins.beamline.epics_monitor import Monitor
    from twinbench.twins.beamline.epics_server import Twin, open_repeater, run_twin

    initial = _read_state(state)
    try:
        twin = Twin(initial, speed)
    except ValidationError as exc:
        message, where = first_error(exc)
        raise InputError(str(state), f"{'.'.join(where) or 'state'}: {message}") from None

    watcher = Monitor(twin.sim.rec.values, twin.clock.twin_time) if monitor is not None else None
    caught_up = True

    async def drain() -> None:
        nonlocal caught_up
        if watcher is not None:
            caught_up = await asyncio.to_thread(watcher.stop, dict(twin.sim.rec.values))

    async def main() -> None:
        stop, ready = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        repeater = await open_repeater(beacons)
        server = asyncio.create_task(run_twin(twin, stop, ready=ready.set, drain=drain))
        started = asyncio.create_task(ready.wait())
        try:
            await asyncio.wait([server, started], return_when=asyncio.FIRST_COMPLETED)
            if ready.is_set():
                if watcher is not None:
                    await asyncio.to_thread(watcher.start)
                where = f"127.0.0.1:{os.environ.get('EPICS_CA_SERVER_PORT', 5064)}"
                typer.echo(f"serving the beamline twin on {where} at {speed:g}x real time", err=True)
        except BaseException:
            stop.set()
            raise
        finally:
            started.cancel()
            await server
            if repeater is not None:
                repeater.close()

    asyncio.run(main())
    if trace is not None:
        write_trace(Trace(twin.sim.events(), source="serve"), trace)
    if watcher is not None and monitor is not None:
        write_trace(Trace(watcher.events(), source="serve --monitor"), monitor)
        if not caught_up:
            typer.echo("warning: the monitor had not received every last value when the server stopped", err=True)
