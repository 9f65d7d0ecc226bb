"""Resumable results store: runs, manifests, per-cell results, blobs; export to CSV/JSONL/Parquet."""

from twinbench.store.export import ExportFormat, export_run
from twinbench.store.records import Cell, CellResult, ErrorRecord, ExecutionRecord, RunSummary, ScoreRecord
from twinbench.store.schema import SCHEMA_VERSION
from twinbench.store.sqlite_store import AlreadyFinishedError, Store, blob_sha, check_blob

__all__ = [
    "SCHEMA_VERSION",
    "AlreadyFinishedError",
    "Cell",
    "CellResult",
    "ErrorRecord",
    "ExecutionRecord",
    "ExportFormat",
    "RunSummary",
    "ScoreRecord",
    "Store",
    "blob_sha",
    "check_blob",
    "export_run",
]
