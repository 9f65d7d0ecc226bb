"""The `twinbench` command (also `python -m twinbench`).

It first re-executes itself once with PYTHONHASHSEED=0, before anything heavy is imported: CodeBLEU's
data-flow match orders sets of variable names, so without a fixed hash seed the same pair of programs
scores differently from one process to the next, and a resumed run would not equal an uninterrupted one.
"""

import os
import shlex
import sys


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, "-m", "twinbench", *sys.argv[1:]],
                  {**os.environ, "PYTHONHASHSEED": "0"})
    try:
        from twinbench.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:  # Ctrl-C before a command took over its signals (imports, start-up)
        sys.stderr.write("interrupted. Run the same command to resume: twinbench " + shlex.join(sys.argv[1:]) + "\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
