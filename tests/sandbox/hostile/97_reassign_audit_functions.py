# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
from twinbench.sandbox import audit

audit._outside = lambda *args: False
audit.safe_text = None
with open("/tmp/twinbench-escape.txt", "w") as f:
    f.write("escaped")
