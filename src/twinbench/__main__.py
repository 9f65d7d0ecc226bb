"""`python -m twinbench` runs the command-line interface."""

from twinbench.cli import main

main()
