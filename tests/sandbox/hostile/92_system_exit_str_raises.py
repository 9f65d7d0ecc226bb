# expect: error
# ruff: noqa: F821  (runs with the twin namespace pre-loaded)


class Code:
    def __str__(self) -> str:
        raise ValueError("no")


raise SystemExit(Code())
