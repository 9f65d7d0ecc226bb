# expect: error|forbidden
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import multiprocessing

multiprocessing.Pool(4).map(abs, range(100))
