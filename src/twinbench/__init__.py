"""twinbench: judge LLM-written control code by what it does in a digital twin."""

__version__ = "0.1.0"
