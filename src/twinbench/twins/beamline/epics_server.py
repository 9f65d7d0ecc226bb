"""The beamline twin as an EPICS Channel Access server (caproto): the in-process simulator behind real PV names.

One model, two front ends: every put goes to `BeamlineSimulator` (limits, physics, trace recorder); this module
only runs its clock at `speed` times real time, schedules the ends of moves and exposures in twin time, and
posts the values clients monitor (motor readbacks, DMOV/MOVN, Acquire, TEMP).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from caproto import ChannelType
from caproto.server import PVGroup, SubGroup, pvproperty

from twinbench.twins.beamline import pvs
from twinbench.twins.beamline.pvs import LOOPBACK
from twinbench.twins.beamline.twin import TEMP_DIGITS, BeamlineSimulator
from twinbench.twins.protocol import CommandError, SafetyRefusal

TICK = 0.02  # wall seconds between readback updates


def _literal(pv: str) -> str:
    """A PV name caproto takes as it is (it expands `{macros}`, and the beamline's names hold braces)."""
    return pv.replace("{", "{{").replace("}", "}}")


class TwinClock:
    """Twin time: `speed` twin seconds per wall second, from zero at start."""

    def __init__(self, speed: float):
        self.speed = speed
        self._start = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._start) * self.speed

    def wall_until(self, t: float) -> float:
        return max(0.0, t / self.speed - (time.monotonic() - self._start))


class Twin:
    """The simulator, its clock and the actions due at future twin times (ends of moves and exposures)."""

    def __init__(self, state: Mapping[str, Any] | None, speed: float):
        self.sim = BeamlineSimulator()
        self.sim.reset(state, float("inf"))
        self.clock = TwinClock(speed)
        self._due: list[tuple[float, int, Callable[[], Awaitable[None]]]] = []
        self._order = itertools.count()
        self.scheduled = asyncio.Event()  # set by `at`: the serving loop wakes to meet the new action in time

    def at(self, t: float, action: Callable[[], Awaitable[None]]) -> None:
        heapq.heappush(self._due, (t, next(self._order), action))
        self.scheduled.set()

    def next_due(self) -> float | None:
        return self._due[0][0] if self._due else None

    async def sync(self) -> float:
        """Run every action due by now at its own twin time, then bring the simulator to now."""
        now = self.clock.now()
        while self._due and self._due[0][0] <= now:
            t, _, action = heapq.heappop(self._due)
            self.sim._advance(max(t, self.sim.t))
            await action()
        self.sim._advance(max(now, self.sim.t))
        return self.sim.t


class Motor(PVGroup):
    """A motor record (the fields ophyd's EpicsMotor uses); moves and limits are the simulator's."""

    motor = pvproperty(value=0.0, name="", record="motor", precision=4)

    def __init__(self, *args: Any, twin: Twin, axis: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.twin, self.axis = twin, axis
        self.pv = pvs.MOTORS[axis]
        self.started = False  # its startup has given every field its initial value
        self._move: tuple[float, float, float, float] | None = None  # start t, start x, end t, target
        self._generation = 0

    @property
    def fields(self) -> Any:
        return self.motor.field_inst

    def position(self, t: float) -> float:
        if self._move is None:
            return self.motor.value
        t0, x0, t1, x1 = self._move
        return x1 if t >= t1 or t1 <= t0 else x0 + (x1 - x0) * (t - t0) / (t1 - t0)

    @motor.startup
    async def motor(self, instance: Any, async_lib: Any) -> None:
        m = self.twin.sim.cfg.motors[self.axis]
        f = self.fields
        await instance.write(m.position, verify_value=False)
        await instance.write_metadata(lower_ctrl_limit=m.low, upper_ctrl_limit=m.high)  # what ophyd checks
        checked = instance.verify_value

        async def verify_value(value: Any) -> Any:  # the motor record, not the CA layer, refuses a move
            low, high = instance.lower_ctrl_limit, instance.upper_ctrl_limit
            return await checked(value) if low <= _plain(value) <= high else await self._refused(_plain(value))

        instance.verify_value = verify_value
        await f.velocity.write(m.velocity)
        await f.seconds_to_velocity.write(0.0)
        await f.motor_step_size.write(1e-6)
        await f.user_low_limit.write(m.low)
        await f.user_high_limit.write(m.high)
        await f.engineering_units.write("deg" if self.axis in ("sth", "srot", "bsphi") else "mm")
        await self._readback(m.position)
        await f.done_moving_to_value.write(1)
        self.started = True

    async def _readback(self, x: float) -> None:
        f = self.fields
        await f.user_readback_value.write(x)
        await f.dial_readback_value.write(x)
        await f.raw_readback_value.write(round(x / 1e-6))

    async def tick(self, t: float) -> None:
        if self.fields.stop.value:
            await self.fields.stop.write(0)
            await self.stop()
        if self._move is not None:
            await self._readback(self.position(t))

    @motor.putter
    async def motor(self, instance: Any, value: float) -> float:
        twin, f = self.twin, self.fields
        value = float(value)
        t = await twin.sync()
        m = twin.sim.cfg.motors[self.axis]
        if f.velocity.value > 0:  # VELO, as set by the client, is the simulator's velocity
            m.velocity = float(f.velocity.value)
        if not m.low <= value <= m.high:
            return await self._refused(value)
        await f.limit_violation.write(0)
        start = self.position(t)
        end = t + abs(value - start) / m.velocity
        twin.sim.rec.put(self.pv, t, value)
        self._move = (t, start, end, value)
        self._generation += 1
        await f.direction_of_travel.write(int(value >= start))
        await f.motor_is_moving.write(1)
        await f.done_moving_to_value.write(0)
        twin.at(end, self._arrive(self._generation))
        return value

    async def _refused(self, value: float) -> float:
        """As a motor record: LVIO set, VAL kept, DMOV pulses so waiting clients finish; the trace notes it."""
        await self.twin.sync()
        m = self.twin.sim.cfg.motors[self.axis]
        try:
            self.twin.sim._check(self.pv, float(value), (m.low, m.high), f"{self.axis} soft limit: position")
        except SafetyRefusal:
            pass
        f = self.fields
        await f.limit_violation.write(1)
        await f.done_moving_to_value.write(0)
        await f.done_moving_to_value.write(1)
        return self.motor.value

    def _arrive(self, generation: int) -> Callable[[], Awaitable[None]]:
        async def arrive() -> None:
            if generation != self._generation or self._move is None:
                return  # a later put or a STOP took over
            await self._readback(self._move[3])
            self._move = None
            await self.fields.motor_is_moving.write(0)
            await self.fields.done_moving_to_value.write(1)
        return arrive

    async def stop(self) -> None:
        """STOP: halt where the motor is now; the motor PV takes that position."""
        if self._move is None:
            return
        t = await self.twin.sync()
        if self._move is None:
            return
        here = self.position(t)
        self._generation += 1
        self._move = None
        self.twin.sim.rec.put(self.pv, t, here)
        await self.motor.write(here, verify_value=False)
        await self._readback(here)
        await self.fields.motor_is_moving.write(0)
        await self.fields.done_moving_to_value.write(1)


def _plain(value: Any) -> Any:
    """A value as the simulator takes it: numpy scalars from the CA layer become Python numbers."""
    return value.item() if hasattr(value, "item") else value


def _refusal(exc: Exception) -> Exception:
    """A refused put reaches the client as a Channel Access put error carrying the twin's message."""
    return ValueError(str(exc))


class Camera(PVGroup):
    """The area-detector cam PVs of one Pilatus: exposure settings and Acquire (1 while exposing, then 0)."""

    AcquireTime = pvproperty(value=0.0, precision=4)
    AcquireTime_RBV = pvproperty(value=0.0, precision=4, read_only=True)
    AcquirePeriod = pvproperty(value=0.0, precision=4)
    AcquirePeriod_RBV = pvproperty(value=0.0, precision=4, read_only=True)
    NumImages = pvproperty(value=1)
    NumImages_RBV = pvproperty(value=1, read_only=True)
    Acquire = pvproperty(value=0)
    Acquire_RBV = pvproperty(value=0, read_only=True)
    DetectorState_RBV = pvproperty(value=0, read_only=True)
    ArrayCounter_RBV = pvproperty(value=0, read_only=True)
    ImageMode = pvproperty(value=0)
    TriggerMode = pvproperty(value=0)

    def __init__(self, *args: Any, twin: Twin, detector: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.twin, self.detector = twin, detector

    async def _setting(self, field: str, value: Any) -> Any:
        await self.twin.sync()
        try:
            result = self.twin.sim._put_cam(self.detector, field, _plain(value))
        except (SafetyRefusal, CommandError) as exc:
            raise _refusal(exc) from None
        await getattr(self, field + "_RBV").write(result)
        return result

    @AcquireTime.putter
    async def AcquireTime(self, instance: Any, value: float) -> float:
        return await self._setting("AcquireTime", value)

    @AcquirePeriod.putter
    async def AcquirePeriod(self, instance: Any, value: float) -> float:
        return await self._setting("AcquirePeriod", value)

    @NumImages.putter
    async def NumImages(self, instance: Any, value: int) -> int:
        return await self._setting("NumImages", value)

    @Acquire.putter
    async def Acquire(self, instance: Any, value: int) -> int:
        if value not in (0, 1):
            raise ValueError("Acquire takes 0 or 1")
        if not value or instance.value:  # the frames always complete: 0, or 1 while exposing, changes nothing
            return instance.value
        twin = self.twin
        t = await twin.sync()
        v = twin.sim.rec.values
        exposure = v[pvs.cam(self.detector, "AcquireTime")]
        period = v[pvs.cam(self.detector, "AcquirePeriod")]
        duration = exposure + (v[pvs.cam(self.detector, "NumImages")] - 1) * max(exposure, period)
        twin.sim.rec.put(pvs.cam(self.detector, "Acquire"), t, 1, always=True)
        await self.Acquire_RBV.write(1)
        await self.DetectorState_RBV.write(1)
        twin.at(t + duration, self._done)
        return 1

    async def _done(self) -> None:
        self.twin.sim.rec.put(pvs.cam(self.detector, "Acquire"), self.twin.sim.t, 0, always=True)
        await self.ArrayCounter_RBV.write(self.ArrayCounter_RBV.value + 1)
        await self.DetectorState_RBV.write(0)
        await self.Acquire_RBV.write(0)
        await self.Acquire.write(0, verify_value=False)


class Scalars(PVGroup):
    """Linkam stage, shutter, transmission, energy and beam intensity, each under its full PV name."""

    setpoint = pvproperty(value=25.0, name=_literal(pvs.LINKAM_SETPOINT), precision=3)
    rate = pvproperty(value=10.0, name=_literal(pvs.LINKAM_RATE), precision=3)
    heater = pvproperty(value=0, name=_literal(pvs.LINKAM_HEATER))
    temperature = pvproperty(value=25.0, name=_literal(pvs.LINKAM_TEMP), precision=TEMP_DIGITS, read_only=True)
    shutter = pvproperty(value=0, name=_literal(pvs.SHUTTER))
    transmission = pvproperty(value=1.0, name=_literal(pvs.TRANSMISSION), precision=4)
    energy = pvproperty(value=13.5, name=_literal(pvs.ENERGY), precision=4, read_only=True)
    intensity = pvproperty(value=0.0, name=_literal(pvs.BEAM_INTENSITY), precision=3, read_only=True,
                           dtype=ChannelType.DOUBLE)

    def __init__(self, *args: Any, twin: Twin, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.twin = twin
        self.started = False  # its startup has given every PV its initial value

    async def _put(self, pv: str, value: Any) -> Any:
        await self.twin.sync()
        try:
            return self.twin.sim._put_other(pv, _plain(value))
        except (SafetyRefusal, CommandError) as exc:
            raise _refusal(exc) from None

    @setpoint.putter
    async def setpoint(self, instance: Any, value: float) -> float:
        return await self._put(pvs.LINKAM_SETPOINT, value)

    @rate.putter
    async def rate(self, instance: Any, value: float) -> float:
        return await self._put(pvs.LINKAM_RATE, value)

    @heater.putter
    async def heater(self, instance: Any, value: int) -> int:
        return await self._put(pvs.LINKAM_HEATER, value)

    @shutter.putter
    async def shutter(self, instance: Any, value: int) -> int:
        return await self._put(pvs.SHUTTER, value)

    @transmission.putter
    async def transmission(self, instance: Any, value: float) -> float:
        return await self._put(pvs.TRANSMISSION, value)

    @temperature.startup
    async def temperature(self, instance: Any, async_lib: Any) -> None:
        values = self.twin.sim.rec.values
        for prop, pv in ((self.setpoint, pvs.LINKAM_SETPOINT), (self.rate, pvs.LINKAM_RATE),
                         (self.heater, pvs.LINKAM_HEATER), (self.shutter, pvs.SHUTTER),
                         (self.transmission, pvs.TRANSMISSION), (self.energy, pvs.ENERGY)):
            await prop.write(values[pv], verify_value=False)
        await self.tick()
        self.started = True

    async def tick(self) -> None:
        sim = self.twin.sim
        temperature = round(sim.linkam.temperature, TEMP_DIGITS)
        if temperature != self.temperature.value:
            await self.temperature.write(temperature, verify_value=False)
        intensity = sim._intensity()
        if intensity != self.intensity.value:
            await self.intensity.write(intensity, verify_value=False)


def beamline_ioc(twin: Twin) -> tuple[PVGroup, list[Motor], Scalars]:
    """The PV groups of the whole end station, with initial values taken from the simulator's state."""

    namespace: dict[str, Any] = {"__doc__": "The end station's PVs.", "__module__": __name__}
    for axis, pv in pvs.MOTORS.items():
        namespace[axis] = SubGroup(Motor, prefix=_literal(pv), twin=twin, axis=axis)
    for det, prefix in pvs.DETECTORS.items():
        namespace[det] = SubGroup(Camera, prefix=_literal(prefix), twin=twin, detector=det)
    namespace["scalars"] = SubGroup(Scalars, prefix="", twin=twin)
    Beamline = type(PVGroup)("Beamline", (PVGroup,), namespace)
    ioc = Beamline(prefix="")
    motors = [getattr(ioc, axis) for axis in pvs.MOTORS]
    return ioc, motors, ioc.scalars


async def run_twin(twin: Twin, stop: asyncio.Event, port: int | None = None,
                   ready: Callable[[], None] | None = None) -> None:
    """Serve the twin on 127.0.0.1 (port: `port`, else EPICS_CA_SERVER_PORT) until `stop` is set, ticking
    readbacks and due actions; `ready` is called once searches are answered and every PV has its initial
    value."""
    from caproto.asyncio.server import Context

    ioc, motors, scalars = beamline_ioc(twin)
    ctx = Context(ioc.pvdb, interfaces=["127.0.0.1"])
    if port is not None:
        ctx.ca_server_port = port
    started = asyncio.Event()

    async def startup_hook(async_lib: Any) -> None:  # TCP and UDP (search) sockets are bound by now
        started.set()

    server = asyncio.create_task(ctx.run(log_pv_names=False, startup_hook=startup_hook))
    try:
        while not stop.is_set():
            t = await twin.sync()
            for motor in motors:
                await motor.tick(t)
            await scalars.tick()
            if ready is not None and started.is_set() and all(m.started for m in motors) and scalars.started:
                ready()
                ready = None
            due = twin.next_due()
            await _pause(twin, stop, TICK if due is None else min(TICK, twin.clock.wall_until(due)))
    finally:
        server.cancel()
        await asyncio.gather(server, return_exceptions=True)
        twin.sim.finish()


async def _pause(twin: Twin, stop: asyncio.Event, seconds: float) -> None:
    """Wait `seconds` of wall time, or less when the server is stopped or a put schedules an action (a move's or
    an exposure's end is then posted when it is due, not up to a tick later)."""
    waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(twin.scheduled.wait())]
    await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for waiting in waits:
        waiting.cancel()
    twin.scheduled.clear()


class Repeater(asyncio.DatagramProtocol):
    """The CA repeater of a sandbox's loopback, as the harness runs it: confirms each client's registration
    (libca then starts no caRepeater process of its own) and takes the server's beacons (one server: nothing
    to forward)."""

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        import caproto

        try:
            commands = caproto.Broadcaster(our_role=caproto.SERVER).recv(data, addr)
        except caproto.CaprotoError:
            return
        if not commands or any(isinstance(c, caproto.RepeaterRegisterRequest) for c in commands):
            confirm = caproto.Broadcaster(our_role=caproto.SERVER).send(caproto.RepeaterConfirmResponse(addr[0]))
            self.transport.sendto(confirm, addr)


class SandboxServer:
    """A fresh twin served to one sandboxed program in its own network namespace (`Sandbox(network="epics")`,
    the twin's `Network.server`): on the default ports, searched and beaconed on the namespace's loopback (the only
    interface there)."""

    port = 5064  # the CA server port a client searches by default
    repeater_port = 5065

    def __init__(self, state: Mapping[str, Any] | None, speed: float):
        self.twin = Twin(state, speed)
        self.sim = self.twin.sim

    async def serve(self, stop: asyncio.Event, ready: Callable[[], None]) -> None:
        os.environ.update(LOOPBACK)  # the caproto server reads its beacon addresses from the environment
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(Repeater, local_addr=("127.0.0.1", self.repeater_port))
        try:
            await run_twin(self.twin, stop, self.port, ready)
        finally:
            transport.close()
