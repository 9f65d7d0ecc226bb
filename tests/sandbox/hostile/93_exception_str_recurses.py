# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)


class Loop(Exception):
    def __str__(self) -> str:
        return str(self)


raise Loop()
