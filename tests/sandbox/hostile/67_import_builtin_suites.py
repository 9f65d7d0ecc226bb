# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import importlib.util
import os

import twinbench

if importlib.util.find_spec("twinbench.tasks") is not None:
    raise SystemExit("the task package is importable")
here = os.path.dirname(twinbench.__file__)
if os.path.exists(os.path.join(here, "tasks")) or os.path.exists(os.path.join(here, "judge")):
    raise SystemExit(f"suites or judge data beside {here}")
