"""The CMS-like SAXS/GISAXS beamline twin."""

from twinbench.twins.beamline.twin import BeamlineTwin

__all__ = ["BeamlineTwin"]
