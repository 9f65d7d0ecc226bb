"""Ahead-of-time build of the aligner's core: `_kernel`'s entry points, with the exact argument types
`twinbench.trace.align` passes, compiled by numba into the extension `twinbench.trace._kernel_aot`.

Used by setup.py when the package is installed (it needs numba and a C compiler then, never at run time).
By hand: `python -m twinbench.trace._kernel_build` writes the extension beside this file.
"""

from __future__ import annotations

from numba.pycc import CC

from twinbench.trace import _kernel
from twinbench.trace.kernel import source_stamp

ARRAYS = "i4[::1], f8[::1], i8[::1], f8[::1], i8[::1], i1[::1], f8[::1], f8[::1]"  # ach..rtol (Encoded.values)
TABLES = "u8[:, ::1], i8[::1], i8[::1], i8[::1], i8[::1], i4[::1], i8[::1], i8[::1]"  # Encoded.tables()
ROWS = "Tuple((i4[::1], i4[::1], i1[::1]))"  # gt index, pred index, kind
SIGNATURES = {
    "matching_tokens": "Tuple((i8[::1], i8[::1]))(i4[::1], i8[::1], f8[::1], i8[::1], i8[::1], i8[::1], i8[::1], "
                       "i4[::1], f8[::1], i8[::1], i1[::1], f8[::1], f8[::1])",
    "forward": f"Tuple((i8, u8[::1], i8[::1], i8[:, ::1]))(i8, i8, i8, i8, i8, {TABLES})",
    "traceback": f"{ROWS}(i8, i8, i8, i8, i8, u8[::1], i8[::1], i8[:, ::1], {TABLES}, {ARRAYS})",
    "most_matches": f"{ROWS}(i8, i8, i8, i4[::1], {ARRAYS})",
    "numbers_agree": "b1(f8, f8, i8, f8, f8)",
}
STAMP = source_stamp()


def _stamp() -> int:
    return STAMP


def compiler() -> CC:
    """The numba ahead-of-time compiler for `_kernel_aot`, every entry point exported."""
    cc = CC("_kernel_aot", source_module=_kernel)
    for name, signature in SIGNATURES.items():
        cc.export(name, signature)(getattr(_kernel, name).py_func)
    cc.export("source_stamp", "i8()")(_stamp)
    return cc


if __name__ == "__main__":
    compiler().compile()
