"""Process-variable names of the CMS (11-BM) end station, as the real beamline spells them."""

from __future__ import annotations

MOTORS = {
    "smx": "XF:11BMB-ES{Chm:Smpl-Ax:X}Mtr",
    "smy": "XF:11BMB-ES{Chm:Smpl-Ax:Z}Mtr",
    "sth": "XF:11BMB-ES{Chm:Smpl-Ax:theta}Mtr",
    "srot": "XF:11BMB-ES{SM:1-Ax:Srot}Mtr",
    "bsx": "XF:11BMB-ES{BS-Ax:X}Mtr",
    "bsy": "XF:11BMB-ES{BS-Ax:Y}Mtr",
    "bsphi": "XF:11BMB-ES{BS-Ax:Phi}Mtr",
}

DETECTORS = {"pilatus2M": "XF:11BMB-ES{Det:PIL2M}:cam1:", "pilatus800": "XF:11BMB-ES{Det:PIL800K}:cam1:"}
CAM_FIELDS = ("AcquireTime", "AcquirePeriod", "NumImages", "Acquire")
READOUT = 0.1  # seconds the operator commands add to AcquireTime to get AcquirePeriod

LINKAM = "XF:11BM-ES:{LINKAM}:"
LINKAM_SETPOINT = LINKAM + "SETPOINT:SET"
LINKAM_RATE = LINKAM + "RAMPRATE:SET"
LINKAM_HEATER = LINKAM + "STARTHEAT"
LINKAM_TEMP = LINKAM + "TEMP"

# Not listed in the study's PV table; named in the beamline's style.
SHUTTER = "XF:11BMB-ES{Shutter}Pos"
TRANSMISSION = "XF:11BMB-OP{Attn}Trans"
ENERGY = "XF:11BMA-OP{Mono:DMM}Energy"
BEAM_INTENSITY = "XF:11BMB-BI{IM:2}Int"


def cam(detector: str, field: str) -> str:
    """The PV of one camera field of a detector, e.g. cam('pilatus2M', 'Acquire')."""
    return DETECTORS[detector] + field

# The environment of a Channel Access server or client of the twin: search, listen and beacon on loopback only.
LOOPBACK = {"EPICS_CA_ADDR_LIST": "127.0.0.1", "EPICS_CA_AUTO_ADDR_LIST": "NO",
            "EPICS_CAS_INTF_ADDR_LIST": "127.0.0.1", "EPICS_CAS_BEACON_ADDR_LIST": "127.0.0.1",
            "EPICS_CAS_AUTO_BEACON_ADDR_LIST": "NO"}
