"""Metric records as a Parquet file: one row a metric, each column with its type.

CSV and JSON Lines make a reader guess what each column holds; Parquet says it, so pandas, polars,
DuckDB or Spark read values as numbers and dates as dates without being told. pyarrow writes it and
is an optional extra (`pip install 'govreports[parquet]'`): the crawler and the other exports do
not need it, and it is a large wheel.

The columns are those of CSV and JSON Lines, in the same order (`MetricRecord`), so one export
reads like the other. `value` is float64: the stored Numeric(38, 10) values are figures as reports
print them (99.94, 1234500000), which float64 holds to their last printed digit, and analysts sum
and plot floats, not decimal objects.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from pipelines.store.queries import MetricRecord
from scrapers.errors import PermanentError

PARQUET_EXTRA = "pip install 'govreports[parquet]'"


class ParquetUnavailable(PermanentError):
    """pyarrow is not installed: the message is one line naming the extra that installs it."""


def require() -> ModuleType:
    """pyarrow, or ParquetUnavailable: checked before any work, so a missing extra costs no query."""
    try:
        importlib.import_module("pyarrow.parquet")
        return importlib.import_module("pyarrow")
    except ImportError as exc:
        raise ParquetUnavailable(f"Parquet export needs pyarrow: {PARQUET_EXTRA}") from exc


# Each column of a metric record (MetricRecord's fields, in order): its Arrow type and whether it may be null.
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("portal", "string", False),
    ("region", "string", False),
    ("agency", "string", False),
    ("url", "string", False),
    ("title", "string", False),
    ("published", "date32", True),
    ("period", "string", True),
    ("version", "int32", False),
    ("name", "string", False),
    ("value", "float64", False),
    ("unit", "string", False),
    ("qualifier", "string", False),
    ("target", "bool_", False),
    ("confidence", "float64", True),  # None: stored by an extractor before 1.3.0
    ("evidence", "string", False),
)


def write_metrics(
    path: Path, records: Sequence[MetricRecord], *, leading: Mapping[str, Sequence[str]] | None = None
) -> None:
    """Write `records` to `path` as Parquet; `leading` adds string columns first (one value a record),
    e.g. `series`' canonical indicator key. Raises ParquetUnavailable without pyarrow."""
    pa = require()
    pq = importlib.import_module("pyarrow.parquet")
    extra = leading or {}
    fields = [pa.field(name, pa.string(), nullable=False) for name in extra]
    fields += [pa.field(name, getattr(pa, kind)(), nullable=nullable) for name, kind, nullable in COLUMNS]
    columns: dict[str, list[Any]] = {name: list(values) for name, values in extra.items()}
    for name, _, _ in COLUMNS:
        columns[name] = [getattr(record, name) for record in records]
    columns["value"] = [float(value) for value in columns["value"]]  # Decimal → float64 (see above)
    pq.write_table(pa.Table.from_pydict(columns, schema=pa.schema(fields)), path)
