"""The cam PVs of the beamline's Pilatus detectors, as an areaDetector IOC serves them (ADBase, NDArrayBase and
pilatus templates): every PV ophyd's `PilatusDetectorCam` connects to, with its record's Channel Access type,
states and initial value. A static table, so that the server starts without importing ophyd; a test derives
ophyd's PV names and checks the table covers them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

Kind = Literal["float", "int", "enum", "string", "chars"]


@dataclass(frozen=True)
class CamPV:
    """One PV, and with `rbv` its `_RBV` readback. `kind`: float (ai/ao), int (longin/longout), enum
    (bi/bo/mbbi/mbbo, `states` in order), string (stringin/stringout) or chars (a CHAR waveform of `length`)."""

    kind: Kind
    value: Any
    rbv: bool = False
    read_only: bool = False
    states: tuple[str, ...] = ()
    readback_states: tuple[str, ...] = ()  # the readback's states, where they differ from the setpoint's
    precision: int = 0
    units: str = ""
    length: int = 256
    readback_record: str | None = None  # the readback has that record's fields (ophyd reads DataType_RBV.DISA)


def number(value: float = 0.0, precision: int = 3, units: str = "", rbv: bool = False,
           read_only: bool = False) -> CamPV:
    return CamPV("float", float(value), rbv, read_only, precision=precision, units=units)


def integer(value: int = 0, rbv: bool = False, read_only: bool = False) -> CamPV:
    return CamPV("int", value, rbv, read_only)


def menu(states: tuple[str, ...], value: int = 0, rbv: bool = False, read_only: bool = False,
         readback_states: tuple[str, ...] = (), readback_record: str | None = None) -> CamPV:
    return CamPV("enum", value, rbv, read_only, states, readback_states, readback_record=readback_record)


def text(value: str, read_only: bool = True) -> CamPV:
    return CamPV("string", value, read_only=read_only)


def chars(value: str = "", length: int = 256, read_only: bool = False) -> CamPV:
    return CamPV("chars", value, read_only=read_only, length=length)


NO_YES = ("No", "Yes")
OPEN_STATES = ("Closed", "Open")
DETECTOR_STATES = ("Idle", "Acquire", "Readout", "Correct", "Saving", "Aborting", "Error", "Waiting",
                   "Initializing", "Disconnected", "Aborted")
DATA_TYPES = ("Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64", "Float32", "Float64")
COLOR_MODES = ("Mono", "Bayer", "RGB1", "RGB2", "RGB3", "YUV444", "YUV422", "YUV421")
TRIGGER_MODES = ("Internal", "Ext. Enable", "Ext. Trigger", "Mult. Trigger", "Alignment")  # Pilatus's own
GAIN_MENU = ("7-30KeV/Fast/LowG", "5-18KeV/Med/MedG", "3-6KeV/Slow/HighG", "2-5KeV/Slow/UltraG")

CAM: dict[str, CamPV] = {
    # NDArrayBase
    "PortName_RBV": text("PIL"),
    "Manufacturer_RBV": text("Dectris"),
    "Model_RBV": text("Pilatus"),
    "Acquire": menu(("Done", "Acquire"), rbv=True, readback_states=("Done", "Acquiring")),
    "ArraySizeX_RBV": integer(read_only=True),
    "ArraySizeY_RBV": integer(read_only=True),
    "ArraySizeZ_RBV": integer(read_only=True),
    "ArraySize_RBV": integer(read_only=True),
    "DataType": menu(DATA_TYPES, DATA_TYPES.index("Int32"), rbv=True, readback_record="mbbi"),
    "ColorMode": menu(COLOR_MODES, rbv=True),
    "ArrayCounter": integer(rbv=True),
    "ArrayRate_RBV": number(precision=2, units="Hz", read_only=True),
    "ArrayCallbacks": menu(("Disable", "Enable"), 1, rbv=True),
    "NDAttributesFile": chars(),
    "PoolMaxMem": number(precision=1, units="MB", read_only=True),
    "PoolUsedMem": number(precision=1, units="MB", read_only=True),
    "PoolMaxBuffers": integer(read_only=True),
    "PoolAllocBuffers": integer(read_only=True),
    "PoolFreeBuffers": integer(read_only=True),
    "PoolUsedBuffers": number(read_only=True),
    # ADBase
    "MaxSizeX_RBV": integer(read_only=True),
    "MaxSizeY_RBV": integer(read_only=True),
    "BinX": integer(1, rbv=True),
    "BinY": integer(1, rbv=True),
    "MinX": integer(0, rbv=True),
    "MinY": integer(0, rbv=True),
    "SizeX": integer(1, rbv=True),
    "SizeY": integer(1, rbv=True),
    "ReverseX": menu(NO_YES, rbv=True),
    "ReverseY": menu(NO_YES, rbv=True),
    "AcquireTime": number(rbv=True),
    "AcquirePeriod": number(rbv=True),
    "TimeRemaining_RBV": number(read_only=True),
    "Gain": number(1.0, rbv=True),
    "FrameType": menu(("Normal", "Background", "FlatField", "DblCorrelation"), rbv=True),
    "ImageMode": menu(("Single", "Multiple", "Continuous"), rbv=True),
    "TriggerMode": menu(TRIGGER_MODES, rbv=True),
    "NumExposures": integer(1, rbv=True),
    "NumExposuresCounter_RBV": integer(read_only=True),
    "NumImages": integer(1, rbv=True),
    "NumImagesCounter_RBV": integer(read_only=True),
    "DetectorState_RBV": menu(DETECTOR_STATES, read_only=True),
    "StatusMessage_RBV": chars(read_only=True),
    "StringToServer_RBV": chars(read_only=True),
    "StringFromServer_RBV": chars(read_only=True),
    "ReadStatus": integer(),  # a bo without state names (an enum without states; CA serves none such here)
    "ShutterMode": menu(("None", "EPICS PV", "Detector output"), rbv=True,
                        readback_states=("None", "EPICS PV", "Camera output")),
    "ShutterControl": menu(("Close", "Open"), rbv=True),
    "ShutterStatus_RBV": menu(OPEN_STATES, read_only=True),
    "ShutterOpenDelay": number(rbv=True),
    "ShutterCloseDelay": number(rbv=True),
    "ShutterControlEPICS": menu(OPEN_STATES),
    "ShutterFanout": integer(),
    "ShutterOpenEPICS": number(1.0),
    "ShutterCloseEPICS": number(0.0),
    "ShutterStatusEPICS_RBV": menu(OPEN_STATES, read_only=True),
    "Temperature": number(25.0, precision=1, units="C", rbv=True),
    "TemperatureActual": number(25.0, precision=1, units="C"),
    "AsynIO": integer(),
    # pilatus
    "FileFormat": menu(("TIFF", "Invalid"), rbv=True),
    "Armed": menu(("Unarmed", "Armed")),
    "DelayTime": number(precision=6, units="s", rbv=True),
    "ThresholdEnergy": number(10.0, units="keV", rbv=True),
    "ThresholdApply": menu(("Done", "Apply")),
    "ThresholdAutoApply": menu(NO_YES, 1, rbv=True),
    "GainMenu": menu(GAIN_MENU, 1),
    "ImageFileTmot": number(20.0, units="s"),
    "BadPixelFile": chars(),
    "NumBadPixels": integer(),
    "FlatFieldFile": chars(),
    "MinFlatField": integer(100, rbv=True),
    "FlatFieldValid": menu(NO_YES),
    "GapFill": menu(("N.A.", "0", "-1"), rbv=True),
    "CamserverAsyn": integer(),
    "Wavelength": number(1.54, precision=4, units="Angstrom"),  # CA units hold 8 characters
    "EnergyLow": number(units="eV"),
    "EnergyHigh": number(units="eV"),
    "DetDist": number(1000.0, units="mm"),
    "DetVOffset": number(units="mm"),
    "BeamX": number(units="pixels"),
    "BeamY": number(units="pixels"),
    "Flux": number(precision=4, units="ph/s"),
    "FilterTransm": number(1.0, precision=4),
    "StartAngle": number(precision=4, units="deg"),
    "AngleIncr": number(0.1, precision=4, units="deg"),
    "Det2theta": number(precision=4, units="deg"),
    "Polarization": number(0.99, precision=4),
    "Alpha": number(precision=4, units="deg"),
    "Kappa": number(precision=4, units="deg"),
    "Phi": number(precision=4, units="deg"),
    "Chi": number(precision=4, units="deg"),
    "OscillAxis": text("X, CW", read_only=False),
    "NumOscill": integer(1),
    "PixelCutOff_RBV": number(precision=0, units="counts", read_only=True),
    "Temp0_RBV": number(precision=1, units="C", read_only=True),
    "Temp1_RBV": number(precision=1, units="C", read_only=True),
    "Temp2_RBV": number(precision=1, units="C", read_only=True),
    "Humid0_RBV": number(precision=1, units="%", read_only=True),
    "Humid1_RBV": number(precision=1, units="%", read_only=True),
    "Humid2_RBV": number(precision=1, units="%", read_only=True),
    "TVXVersion_RBV": text("Unknown"),
    "CbfTemplateFile": chars(),
    "HeaderString": chars(length=68),
}


@dataclass(frozen=True)
class Model:
    """A detector's model name and sensor size in pixels (modules of 487 x 195 with 7 and 17 pixel gaps)."""

    name: str
    width: int
    height: int


MODELS = {"pilatus2M": Model("Pilatus 2M", 1475, 1679), "pilatus800": Model("Pilatus 800K", 981, 831)}
BYTES_PER_PIXEL = 4  # Int32 images


def table(detector: str) -> dict[str, CamPV]:
    """The cam PVs of one detector: the common table with its model, sensor and image size."""
    m = MODELS[detector]
    sizes = {"Model_RBV": m.name, "MaxSizeX_RBV": m.width, "MaxSizeY_RBV": m.height, "SizeX": m.width,
             "SizeY": m.height, "ArraySizeX_RBV": m.width, "ArraySizeY_RBV": m.height,
             "ArraySize_RBV": m.width * m.height * BYTES_PER_PIXEL}
    return {name: replace(pv, value=sizes[name]) if name in sizes else pv for name, pv in CAM.items()}


def names() -> set[str]:
    """Every PV name (after the cam prefix) the table serves, `_RBV` readbacks included."""
    return set(CAM) | {name + "_RBV" for name, pv in CAM.items() if pv.rbv}
