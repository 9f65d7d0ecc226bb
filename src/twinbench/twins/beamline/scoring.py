"""Default scoring for every beamline task: the Linkam's measured temperature is a continuous channel."""

from __future__ import annotations

from typing import Any

from twinbench.twins.beamline import pvs

DEFAULTS: dict[str, Any] = {"continuous_channels": {pvs.LINKAM_TEMP: {}}}
