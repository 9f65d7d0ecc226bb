# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
__import__("os").system("id")
