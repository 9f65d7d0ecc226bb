"""The aligner's core compiled ahead of time (see twinbench.trace.kernel); everything else is in pyproject.toml.

The extension is optional: without numba's ahead-of-time compiler or a C compiler the package installs
without it, and the aligner compiles itself just in time on first use instead.
"""

import sys
from pathlib import Path

from setuptools import setup


def kernel_extension() -> list:
    sys.path.insert(0, str(Path(__file__).parent / "src"))
    try:
        from twinbench.trace._kernel_build import compiler
    except ImportError as exc:  # no numba (or a numba without pycc) at build time
        print(f"twinbench: not compiling the aligner ahead of time ({exc})", file=sys.stderr)
        return []
    finally:
        sys.path.pop(0)
    extension = compiler().distutils_extension()
    extension.optional = True
    return [extension]


setup(ext_modules=kernel_extension())
