# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no")


raise Unprintable()
