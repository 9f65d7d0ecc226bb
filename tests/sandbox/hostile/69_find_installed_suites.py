# expect: ok
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import glob
import site
import sys

found = []
for folder in {*site.getsitepackages(), *sys.path}:
    found += glob.glob(f"{folder}/twinbench*/**/*.yaml", recursive=True)
    found += glob.glob(f"{folder}/*/tasks/suites")
if found:
    raise SystemExit(f"suites visible: {found[:5]}")
