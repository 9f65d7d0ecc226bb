"""Export a run's per-cell rows as CSV, JSONL or Parquet."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Literal

from twinbench.store.sqlite_store import Store

ExportFormat = Literal["csv", "jsonl", "parquet"]


def export_run(store: Store, run_id: str, fmt: ExportFormat, out: Path) -> int:
    """Write every manifest cell of `run_id` to `out`; returns the number of rows."""
    rows = store.result_rows(run_id)
    if fmt == "csv":
        with out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["run_id"])
            writer.writeheader()
            writer.writerows(rows)
    elif fmt == "jsonl":
        with out.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), out)
    return len(rows)
