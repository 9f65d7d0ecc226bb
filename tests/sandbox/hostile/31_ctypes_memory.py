# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import ctypes

ctypes.string_at(0, 10)
