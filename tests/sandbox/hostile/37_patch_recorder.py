# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.twins import recorder
from twinbench.twins.beamline.twin import BeamlineSimulator

recorder.Recorder.put = lambda self, *a, **k: None
twin = BeamlineSimulator()
twin.handle("call", {"name": "sam.setOrigin", "args": {"FORGED": True}})
sam.xabs(1)
