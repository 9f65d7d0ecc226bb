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

from caproto import ChannelType, SkipWrite
from caproto.server import PVGroup, SubGroup, pvproperty

from twinbench.twins.beamline import cam_pvs, pvs
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
        self.epoch = time.time()  # the wall time of twin time 0

    def now(self) -> float:
        return (time.monotonic() - self._start) * self.speed

    def stamp(self, t: float) -> float:
        """The CA timestamp of twin time `t`: the wall time at which the twin reaches it."""
        return self.epoch + t / self.speed

    def twin_time(self, stamp: float) -> float:
        """The twin time of a CA timestamp (the inverse of `stamp`)."""
        return (stamp - self.epoch) * self.speed

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

    async def post(self, instance: Any, value: Any, t: float) -> Any:
        """A putter's result: `value` written stamped with the twin time `t` of the change (caproto's own write,
        stamped when the putter returns, is skipped)."""
        await instance.write(value, verify_value=False, timestamp=self.clock.stamp(t))
        return SkipWrite

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
        return await twin.post(instance, value, t)

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
        await self.motor.write(here, verify_value=False, timestamp=self.twin.clock.stamp(t))
        await self._readback(here)
        await self.fields.motor_is_moving.write(0)
        await self.fields.done_moving_to_value.write(1)


def _plain(value: Any) -> Any:
    """A value as the simulator takes it: numpy scalars from the CA layer become Python numbers."""
    return value.item() if hasattr(value, "item") else value


def _refusal(exc: Exception) -> Exception:
    """A refused put reaches the client as a Channel Access put error carrying the twin's message."""
    return ValueError(str(exc))


class CameraBehaviour(PVGroup):
    """The acting part of one Pilatus's cam PVs: the settings the simulator knows (`pvs.CAM_FIELDS`) go to it
    (limits, trace); Acquire is 1 while exposing, then 0; every other setpoint is stored, and its `_RBV`
    mirrors it, untraced."""

    def __init__(self, *args: Any, twin: Twin, detector: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.twin, self.detector = twin, detector

    async def group_write(self, instance: Any, value: Any) -> Any:
        """A stored setting: an enum takes only its states; the `_RBV` readback, if any, follows."""
        states = getattr(instance, "enum_strings", ())
        if states and value not in states:
            raise ValueError(f"{instance.pvspec.attr} takes one of {', '.join(states)}")
        readback = getattr(self, instance.pvspec.attr + "_RBV", None)
        if readback is not None:
            await readback.write(_index(instance, value))
        return value

    async def _setting(self, instance: Any, value: Any) -> Any:
        field = instance.pvspec.attr
        t = await self.twin.sync()
        try:
            result = self.twin.sim._put_cam(self.detector, field, _plain(value))
        except (SafetyRefusal, CommandError) as exc:
            raise _refusal(exc) from None
        await getattr(self, field + "_RBV").write(result, timestamp=self.twin.clock.stamp(t))
        return await self.twin.post(instance, result, t)

    async def _acquire(self, instance: Any, value: Any) -> Any:
        value = _index(instance, value)
        if value not in (0, 1):
            raise ValueError("Acquire takes 0 or 1")
        if not value or _index(instance, instance.value):  # the frames always complete: 0, or 1 while
            return instance.value  # exposing, changes nothing
        twin = self.twin
        t = await twin.sync()
        v = twin.sim.rec.values
        exposure = v[pvs.cam(self.detector, "AcquireTime")]
        period = v[pvs.cam(self.detector, "AcquirePeriod")]
        frames = v[pvs.cam(self.detector, "NumImages")]
        duration = exposure + (frames - 1) * max(exposure, period)
        twin.sim.rec.put(pvs.cam(self.detector, "Acquire"), t, 1, always=True)
        stamp = twin.clock.stamp(t)
        await self.Acquire_RBV.write(1, timestamp=stamp)
        await self.DetectorState_RBV.write(cam_pvs.DETECTOR_STATES.index("Acquire"), timestamp=stamp)
        twin.at(t + duration, self._done(frames))
        return await twin.post(instance, instance.enum_strings[1], t)

    def _done(self, frames: int) -> Callable[[], Awaitable[None]]:
        async def done() -> None:
            t = self.twin.sim.t
            self.twin.sim.rec.put(pvs.cam(self.detector, "Acquire"), t, 0, always=True)
            stamp = self.twin.clock.stamp(t)
            await self.ArrayCounter_RBV.write(self.ArrayCounter_RBV.value + frames, timestamp=stamp)
            await self.NumImagesCounter_RBV.write(frames, timestamp=stamp)
            await self.DetectorState_RBV.write(cam_pvs.DETECTOR_STATES.index("Idle"), timestamp=stamp)
            await self.Acquire_RBV.write(0, timestamp=stamp)
            await self.Acquire.write(self.Acquire.enum_strings[0], verify_value=False, timestamp=stamp)
        return done


def _index(instance: Any, value: Any) -> Any:
    """An enum PV's value as its state number (the CA layer hands states over as their names)."""
    states = getattr(instance, "enum_strings", ())
    return states.index(value) if value in states else value


def _pvproperty(spec: cam_pvs.CamPV, readback: bool = False, put: Any = None) -> pvproperty:
    """The pvproperty of one table entry (`readback`: its `_RBV`)."""
    kwargs: dict[str, Any] = {"read_only": spec.read_only or readback, "put": put,
                              "record": spec.readback_record if readback else None}
    if spec.kind == "enum":
        states = (spec.readback_states if readback else ()) or spec.states
        kwargs.update(dtype=ChannelType.ENUM, enum_strings=states, value=states[spec.value])
    elif spec.kind == "chars":
        kwargs.update(dtype=ChannelType.CHAR, value=spec.value, max_length=spec.length)
    elif spec.kind == "string":
        kwargs.update(dtype=ChannelType.STRING, value=spec.value)
    elif spec.kind == "float":
        kwargs.update(dtype=ChannelType.DOUBLE, value=spec.value, precision=spec.precision, units=spec.units)
    else:
        kwargs.update(dtype=ChannelType.LONG, value=spec.value)
    return pvproperty(**kwargs)


def camera_group(detector: str) -> type[PVGroup]:
    """The cam PVs of one detector (`cam_pvs.table`) over `CameraBehaviour`."""
    namespace: dict[str, Any] = {"__doc__": f"The cam PVs of {detector}.", "__module__": __name__}
    for name, spec in cam_pvs.table(detector).items():
        put = (CameraBehaviour._acquire if name == "Acquire" else
               CameraBehaviour._setting if name in pvs.CAM_FIELDS else None)
        namespace[name] = _pvproperty(spec, put=put)
        if spec.rbv:
            namespace[name + "_RBV"] = _pvproperty(spec, readback=True)
    return type(PVGroup)(f"Camera_{detector}", (CameraBehaviour,), namespace)


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
        self._seen = 0  # the simulator's events already looked at for TEMP samples

    async def _put(self, instance: Any, pv: str, value: Any) -> Any:
        t = await self.twin.sync()
        try:
            result = self.twin.sim._put_other(pv, _plain(value))
        except (SafetyRefusal, CommandError) as exc:
            raise _refusal(exc) from None
        return await self.twin.post(instance, result, t)

    @setpoint.putter
    async def setpoint(self, instance: Any, value: float) -> float:
        return await self._put(instance, pvs.LINKAM_SETPOINT, value)

    @rate.putter
    async def rate(self, instance: Any, value: float) -> float:
        return await self._put(instance, pvs.LINKAM_RATE, value)

    @heater.putter
    async def heater(self, instance: Any, value: int) -> int:
        return await self._put(instance, pvs.LINKAM_HEATER, value)

    @shutter.putter
    async def shutter(self, instance: Any, value: int) -> int:
        return await self._put(instance, pvs.SHUTTER, value)

    @transmission.putter
    async def transmission(self, instance: Any, value: float) -> float:
        return await self._put(instance, pvs.TRANSMISSION, value)

    @temperature.startup
    async def temperature(self, instance: Any, async_lib: Any) -> None:
        values = self.twin.sim.rec.values
        for prop, pv in ((self.setpoint, pvs.LINKAM_SETPOINT), (self.rate, pvs.LINKAM_RATE),
                         (self.heater, pvs.LINKAM_HEATER), (self.shutter, pvs.SHUTTER),
                         (self.transmission, pvs.TRANSMISSION), (self.energy, pvs.ENERGY)):
            await prop.write(values[pv], verify_value=False)
        await self.temperature.write(values[pvs.LINKAM_TEMP], verify_value=False)
        await self.tick()
        self.started = True

    async def tick(self) -> None:
        """Post each TEMP sample the simulator took since the last tick, stamped with its twin time."""
        sim = self.twin.sim
        start, self._seen = self._seen, len(sim.rec.events)  # a put may record more while this one awaits
        for event in sim.rec.events[start:self._seen]:  # the new ones only, not the whole record each tick
            if event.channel == pvs.LINKAM_TEMP:
                await self.temperature.write(event.value, verify_value=False,
                                             timestamp=self.twin.clock.stamp(event.t))
        intensity = sim._intensity()
        if intensity != self.intensity.value:
            await self.intensity.write(intensity, verify_value=False)


def beamline_ioc(twin: Twin) -> tuple[PVGroup, list[Motor], Scalars]:
    """The PV groups of the whole end station, with initial values taken from the simulator's state."""

    namespace: dict[str, Any] = {"__doc__": "The end station's PVs.", "__module__": __name__}
    for axis, pv in pvs.MOTORS.items():
        namespace[axis] = SubGroup(Motor, prefix=_literal(pv), twin=twin, axis=axis)
    for det, prefix in pvs.DETECTORS.items():
        namespace[det] = SubGroup(camera_group(det), prefix=_literal(prefix), twin=twin, detector=det)
    namespace["scalars"] = SubGroup(Scalars, prefix="", twin=twin)
    Beamline = type(PVGroup)("Beamline", (PVGroup,), namespace)
    ioc = Beamline(prefix="")
    motors = [getattr(ioc, axis) for axis in pvs.MOTORS]
    return ioc, motors, ioc.scalars


async def run_twin(twin: Twin, stop: asyncio.Event, port: int | None = None,
                   ready: Callable[[], None] | None = None,
                   drain: Callable[[], Awaitable[None]] | None = None) -> None:
    """Serve the twin on 127.0.0.1 (port: `port`, else EPICS_CA_SERVER_PORT) until `stop` is set, ticking
    readbacks and due actions; `ready` is called once searches are answered and every PV has its initial
    value. Once stopped, the twin's time stands still and every change is posted; `drain` is awaited before
    the server closes (a monitor's last updates are still sent meanwhile)."""
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
        for motor in motors:
            await motor.tick(twin.sim.t)
        await scalars.tick()
        if drain is not None:
            await drain()
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
    """A CA repeater on loopback, as the twin's server runs it (a sandbox's, or `twinbench serve`'s when none
    runs there): confirms each client's registration
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


async def open_repeater(port: int) -> asyncio.DatagramTransport | None:
    """A `Repeater` on 127.0.0.1:`port`, where the server sends its beacons (caproto logs a traceback for each
    beacon nobody receives); None when a repeater is already there."""
    try:
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            Repeater, local_addr=("127.0.0.1", port))
    except OSError:
        return None
    return transport


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
        repeater = await open_repeater(self.repeater_port)
        try:
            await run_twin(self.twin, stop, self.port, ready)
        finally:
            if repeater is not None:
                repeater.close()
