# expect: error (audit)
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import ctypes

ctypes.CDLL(None).system(b"id")
