# expect: timeout
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)


class Slow(Exception):
    def __str__(self) -> str:
        while True:
            pass


raise Slow()
