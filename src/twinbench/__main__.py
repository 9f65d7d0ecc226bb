"""The `twinbench` command (also `python -m twinbench`)."""

import shlex
import sys


def main() -> None:
    try:
        from twinbench.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:  # Ctrl-C before a command took over its signals (imports, start-up)
        sys.stderr.write("interrupted. Run the same command to resume: twinbench " + shlex.join(sys.argv[1:]) + "\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
