# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
raise type("E" * 5000, (Exception,), {})("long name")
