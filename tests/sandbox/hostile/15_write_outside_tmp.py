# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
open("/tmp/twinbench-escape.txt", "w").write("escaped")
