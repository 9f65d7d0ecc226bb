"""The `twinbench` command (also `python -m twinbench`)."""

import sys


def main() -> None:
    try:
        from twinbench.cli import main as cli_main

        cli_main()
    except KeyboardInterrupt:  # Ctrl-C while the command line interface itself was loading
        from twinbench.errors import resume_hint

        sys.stderr.write(resume_hint() + "\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
