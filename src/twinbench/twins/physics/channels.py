"""The channel scheme of the physics twin: what it records of a model and its simulation, and under which names.

Only named elements are recorded (the task names the elements it cares about), except the inputs and state
writes that could move them: those are recorded for every element, an unnamed one as `#<id>`.

    body/<name>/pos.x|y|z, body/<name>/quat.w|x|y|z      world position and orientation of a moving body (each
                                                         quaternion continuous in time, starting with w >= 0;
                                                         a ball's orientation is not recorded, see `is_ball`)
    joint/<name>/qpos, joint/<name>/qvel                 hinge and slide joints; ball and free joints add [i]
                                                         (a ball's free joint: qpos[0..2], its position)
    sensor/<name>, sensor/<name>[i]                      sensor readings (one-dimensional sensors without [i])
    actuator/<name>/ctrl                                 controls, from the first time they are non-zero
    joint/<name>/qfrc_applied, body/<name>/xfrc_applied[i]   applied forces, from the first time non-zero
                                                         (inputs: each sample is the mean since the last one)
    contact/<geom>|<geom>                                1 when two named geoms start touching, 0 when they part
    param/...                                            model parameters (see `params`) at the start and on change
    write/...                                            state written by the program after its first step
    edit/<field>[i]                                      a model element edited after the first step
    equality/<name>/active                               an equality constraint switched on or off
    warning/<kind>                                       the simulation became unstable (the run stops)
"""

from __future__ import annotations

from typing import Any

import mujoco
import numpy as np

OBJ = mujoco.mjtObj
XYZ = ("x", "y", "z")
WXYZ = ("w", "x", "y", "z")
GEOM_SIZES = {"sphere": 1, "capsule": 2, "cylinder": 2, "ellipsoid": 3, "box": 3}
TRANSMISSION_OBJECT = {"joint": OBJ.mjOBJ_JOINT, "jointinparent": OBJ.mjOBJ_JOINT, "tendon": OBJ.mjOBJ_TENDON,
                       "site": OBJ.mjOBJ_SITE, "slidercrank": OBJ.mjOBJ_SITE, "body": OBJ.mjOBJ_BODY}
JOINT_DIMS = {"free": (7, 6), "ball": (4, 3), "slide": (1, 1), "hinge": (1, 1)}


def kind(enum: type, value: int, prefix: str) -> str:
    """The lower-case name of an enum value: mjtJoint 3 -> "hinge"."""
    return enum(int(value)).name.removeprefix(prefix).lower()


def _vector(channel: str, values: Any, names: tuple[str, ...] = XYZ) -> dict[str, float]:
    return {f"{channel}.{n}": float(v) for n, v in zip(names, values, strict=True)}


def _indexed(channel: str, size: int) -> list[str]:
    return [channel] if size == 1 else [f"{channel}[{i}]" for i in range(size)]


def continuous_quaternions(values: np.ndarray, starts: np.ndarray, previous: np.ndarray | None = None) -> None:
    """Flip the quaternions at `starts` (w first) in place so that each stays on the side of its value in
    `previous` (the last sample; q and -q are the same rotation), or, without one, so that w >= 0. A body that
    turns through w = 0 then moves on continuously instead of jumping to the opposite sign."""
    index = starts[:, None] + np.arange(4)
    if previous is None:
        flip = values[starts] < 0
    else:
        flip = np.einsum("ij,ij->i", values[index], previous[index]) < 0
    if flip.any():
        values[index[flip]] *= -1


def is_ball(model: mujoco.MjModel, body: int) -> bool:
    """Whether a body is a ball: only sphere geoms, centred on its origin, with its centre of mass there and the
    same inertia about every axis. Its orientation shows in nothing (its spin shows in how it moves)."""
    geoms = np.flatnonzero(model.geom_bodyid == body)
    inertia = model.body_inertia[body]
    return bool(len(geoms) and (model.geom_type[geoms] == mujoco.mjtGeom.mjGEOM_SPHERE).all()
                and not model.geom_pos[geoms].any() and not model.body_ipos[body].any()
                and np.ptp(inertia) <= 1e-9 * inertia.max())


class Catalog:
    """Names and index arrays of one model, computed once: what `sample`, `params` and `contacts` read."""

    def __init__(self, model: mujoco.MjModel):
        self.model = model
        self.names = {obj: [mujoco.mj_id2name(model, obj, i) for i in range(count)] for obj, count in (
            (OBJ.mjOBJ_BODY, model.nbody), (OBJ.mjOBJ_JOINT, model.njnt), (OBJ.mjOBJ_GEOM, model.ngeom),
            (OBJ.mjOBJ_SENSOR, model.nsensor), (OBJ.mjOBJ_ACTUATOR, model.nu), (OBJ.mjOBJ_EQUALITY, model.neq),
            (OBJ.mjOBJ_TENDON, model.ntendon), (OBJ.mjOBJ_SITE, model.nsite))}
        self.joint_types = [kind(mujoco.mjtJoint, t, "mjJNT_") for t in model.jnt_type]
        self._sampled(model)
        self._inputs(model)
        self.qpos_labels = self._labels(model.nq, model.jnt_qposadr, 0)
        self.qvel_labels = self._labels(model.nv, model.jnt_dofadr, 1)

    def label(self, obj: Any, i: int) -> str:
        """The element's name, or `#<id>` when it has none."""
        return self.names[obj][i] or f"#{i}"

    def _sampled(self, model: mujoco.MjModel) -> None:
        """The continuous channels and where their values come from. A ball's orientation (a body that is only
        spheres centred on its origin, see `is_ball`) is not recorded: nothing shows it, and it drifts with
        the timestep and the integrator while the ball rolls or bounces the same way."""
        bodies = self.names[OBJ.mjOBJ_BODY]
        self.bodies = np.array([i for i, name in enumerate(bodies) if name and i > 0 and (
            model.body_weldid[i] != 0 or model.body_mocapid[i] >= 0)], dtype=np.int64)
        balls = {int(b) for b in self.bodies if is_ball(model, int(b))}
        self.turning = np.array([b for b in self.bodies if b not in balls], dtype=np.int64)
        channels = [c for i in self.bodies for c in _vector(f"body/{bodies[i]}/pos", (0, 0, 0))]
        channels += [c for i in self.turning for c in _vector(f"body/{bodies[i]}/quat", (0, 0, 0, 0), WXYZ)]
        qpos, qvel, quats = [], [], []
        for j, name in enumerate(self.names[OBJ.mjOBJ_JOINT]):
            if not name:
                continue
            nq, nv = JOINT_DIMS[self.joint_types[j]]
            if nq == 7 and int(model.jnt_bodyid[j]) in balls:
                nq = 3  # a ball's free joint: its position only
            elif nq > 1:
                quats.append(len(qpos) + nq - 4)
            qpos += range(model.jnt_qposadr[j], model.jnt_qposadr[j] + nq)
            qvel += range(model.jnt_dofadr[j], model.jnt_dofadr[j] + nv)
            channels += _indexed(f"joint/{name}/qpos", nq)
        for j, name in enumerate(self.names[OBJ.mjOBJ_JOINT]):
            if name:
                channels += _indexed(f"joint/{name}/qvel", JOINT_DIMS[self.joint_types[j]][1])
        sensordata = []
        for s, name in enumerate(self.names[OBJ.mjOBJ_SENSOR]):
            if name:
                sensordata += range(model.sensor_adr[s], model.sensor_adr[s] + model.sensor_dim[s])
                channels += _indexed(f"sensor/{name}", int(model.sensor_dim[s]))
        self.qpos = np.array(qpos, dtype=np.int64)
        self.qvel = np.array(qvel, dtype=np.int64)
        self.sensordata = np.array(sensordata, dtype=np.int64)
        positions = 3 * len(self.bodies)
        body_quats = positions + 4 * np.arange(len(self.turning), dtype=np.int64)
        self.quats = np.concatenate((body_quats, np.array(quats, dtype=np.int64) + positions + 4 * len(self.turning)))
        self.channels = channels

    def sample(self, data: mujoco.MjData, previous: np.ndarray | None = None) -> np.ndarray:
        """The values of `self.channels` now (run mj_forward first); quaternions continue from the `previous`
        sample's."""
        values = np.concatenate((data.xpos[self.bodies].ravel(), data.xquat[self.turning].ravel(),
                                 data.qpos[self.qpos], data.qvel[self.qvel], data.sensordata[self.sensordata]))
        continuous_quaternions(values, self.quats, previous)
        return values

    def _inputs(self, model: mujoco.MjModel) -> None:
        """Channel names of every input element: controls, then generalized forces, then body wrenches."""
        dof_joint = model.dof_jntid
        names = [f"actuator/{self.label(OBJ.mjOBJ_ACTUATOR, i)}/ctrl" for i in range(model.nu)]
        for dof in range(model.nv):
            j = int(dof_joint[dof])
            nv = JOINT_DIMS[self.joint_types[j]][1]
            suffix = f"[{dof - model.jnt_dofadr[j]}]" if nv > 1 else ""
            names.append(f"joint/{self.label(OBJ.mjOBJ_JOINT, j)}/qfrc_applied{suffix}")
        names += [f"body/{self.label(OBJ.mjOBJ_BODY, b)}/xfrc_applied[{k}]" for b in range(model.nbody)
                  for k in range(6)]
        self.input_channels = names

    @staticmethod
    def inputs(data: mujoco.MjData) -> np.ndarray:
        """The input values in the order of `input_channels`."""
        return np.concatenate((data.ctrl, data.qfrc_applied, data.xfrc_applied.ravel()))

    def _labels(self, size: int, addresses: np.ndarray, column: int) -> list[str]:
        """`joint/<label>/qpos[k]` (or qvel) of every position (velocity) index."""
        out = [""] * size
        part = ("qpos", "qvel")[column]
        for j, address in enumerate(addresses):
            n = JOINT_DIMS[self.joint_types[j]][column]
            for k, channel in enumerate(_indexed(f"joint/{self.label(OBJ.mjOBJ_JOINT, j)}/{part}", n)):
                out[address + k] = channel
        return out

    def write_channel(self, part: str, i: int) -> str:
        """The channel of a state write to element `i` of a state part."""
        if part == "time":
            return "write/time"
        if part in ("qpos", "qvel"):
            return "write/" + (self.qpos_labels if part == "qpos" else self.qvel_labels)[i]
        return f"write/{part}[{i}]"

    def contacts(self, data: mujoco.MjData) -> set[str]:
        """`contact/<a>|<b>` of every pair of named geoms in contact now (run mj_forward first)."""
        geoms = self.names[OBJ.mjOBJ_GEOM]
        found = set()
        contact = data.contact
        for g1, g2, excluded in zip(contact.geom1.tolist(), contact.geom2.tolist(), contact.exclude.tolist(),
                                    strict=True):
            if not excluded and g1 >= 0 and g2 >= 0 and geoms[g1] and geoms[g2]:
                found.add("contact/" + "|".join(sorted((geoms[g1], geoms[g2]))))
        return found

    def params(self) -> dict[str, Any]:
        """`param/...`: the model's options and the parameters of its named elements."""
        m = self.model
        out: dict[str, Any] = {
            "param/opt/timestep": float(m.opt.timestep),
            "param/opt/integrator": kind(mujoco.mjtIntegrator, m.opt.integrator, "mjINT_"),
            "param/opt/density": float(m.opt.density),
            "param/opt/viscosity": float(m.opt.viscosity),
        }
        out |= _vector("param/opt/gravity", m.opt.gravity) | _vector("param/opt/wind", m.opt.wind)
        out |= self._body_params() | self._joint_params() | self._geom_params() | self._actuator_params()
        for s, p in self._named(OBJ.mjOBJ_SENSOR, "sensor"):
            out[f"{p}/type"] = kind(mujoco.mjtSensor, m.sensor_type[s], "mjSENS_")
            obj = OBJ(int(m.sensor_objtype[s]))
            obj = OBJ.mjOBJ_BODY if obj == OBJ.mjOBJ_XBODY else obj
            out[f"{p}/object"] = self.label(obj, int(m.sensor_objid[s])) if obj in self.names else ""
        for e, p in self._named(OBJ.mjOBJ_EQUALITY, "equality"):
            out[f"{p}/type"] = kind(mujoco.mjtEq, m.eq_type[e], "mjEQ_")
        return out

    def _named(self, obj: Any, what: str) -> list[tuple[int, str]]:
        """(id, `param/<what>/<name>`) of every named element of a type (the world body excluded)."""
        return [(i, f"param/{what}/{name}") for i, name in enumerate(self.names[obj])
                if name and not (obj == OBJ.mjOBJ_BODY and i == 0)]

    def _body_params(self) -> dict[str, Any]:
        m, out = self.model, {}
        for b, p in self._named(OBJ.mjOBJ_BODY, "body"):
            out[f"{p}/mass"] = float(m.body_mass[b])
            out[f"{p}/parent"] = self.label(OBJ.mjOBJ_BODY, int(m.body_parentid[b]))
            out |= _vector(f"{p}/pos", m.body_pos[b])
        return out

    def _joint_params(self) -> dict[str, Any]:
        m, out = self.model, {}
        for j, p in self._named(OBJ.mjOBJ_JOINT, "joint"):
            dof, jtype = int(m.jnt_dofadr[j]), self.joint_types[j]
            out[f"{p}/type"] = jtype
            out[f"{p}/body"] = self.label(OBJ.mjOBJ_BODY, int(m.jnt_bodyid[j]))
            if jtype in ("hinge", "slide"):
                out |= _vector(f"{p}/axis", m.jnt_axis[j])
            if jtype != "free":
                out |= _vector(f"{p}/pos", m.jnt_pos[j])
            out[f"{p}/stiffness"] = float(m.jnt_stiffness[j])
            for field in ("damping", "armature", "frictionloss"):
                out[f"{p}/{field}"] = float(getattr(m, f"dof_{field}")[dof])
            if m.jnt_limited[j]:
                out[f"{p}/range.min"], out[f"{p}/range.max"] = map(float, m.jnt_range[j])
        return out

    def _geom_params(self) -> dict[str, Any]:
        m, out = self.model, {}
        for g, p in self._named(OBJ.mjOBJ_GEOM, "geom"):
            gtype = kind(mujoco.mjtGeom, m.geom_type[g], "mjGEOM_")
            out[f"{p}/type"] = gtype
            out[f"{p}/body"] = self.label(OBJ.mjOBJ_BODY, int(m.geom_bodyid[g]))
            out |= {f"{p}/size[{i}]": float(m.geom_size[g][i]) for i in range(GEOM_SIZES.get(gtype, 0))}
            out |= _vector(f"{p}/pos", m.geom_pos[g])
            out[f"{p}/friction"] = float(m.geom_friction[g][0])
        return out

    def _actuator_params(self) -> dict[str, Any]:
        m, out = self.model, {}
        for a, p in self._named(OBJ.mjOBJ_ACTUATOR, "actuator"):
            out[f"{p}/gain"] = float(m.actuator_gainprm[a][0])
            out |= {f"{p}/bias[{i}]": float(m.actuator_biasprm[a][i]) for i in range(3)}
            out[f"{p}/gear"] = float(m.actuator_gear[a][0])
            trn = kind(mujoco.mjtTrn, m.actuator_trntype[a], "mjTRN_")
            obj = TRANSMISSION_OBJECT.get(trn)
            out[f"{p}/target"] = self.label(obj, int(m.actuator_trnid[a][0])) if obj in self.names else ""
            if m.actuator_ctrllimited[a]:
                out[f"{p}/ctrlrange.min"], out[f"{p}/ctrlrange.max"] = map(float, m.actuator_ctrlrange[a])
        return out
