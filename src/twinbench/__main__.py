"""The `twinbench` command (also `python -m twinbench`)."""

from twinbench.cli import main

if __name__ == "__main__":
    main()
