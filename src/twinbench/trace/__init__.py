"""Execution traces: the model, file formats, canonicalisation, alignment and metrics."""

from twinbench.trace.model import Event, Trace

__all__ = ["Event", "Trace"]
