# expect: killed|error|timeout
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)
import sys

sys.setrecursionlimit(10**8)


def f(n):
    return f(n + 1) + 1


f(0)
