"""The `twinbench` command (also `python -m twinbench`)."""

import sys

from twinbench import help_cache


def main() -> None:
    argv = sys.argv[1:]
    try:
        if help_cache.is_help_request(argv) and help_cache.replay(argv):
            return
        from twinbench.cli import main as cli_main

        with help_cache.recording(argv):
            cli_main()
    except KeyboardInterrupt:  # Ctrl-C while the command line interface itself was loading
        from twinbench.errors import resume_hint

        sys.stderr.write(resume_hint() + "\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
