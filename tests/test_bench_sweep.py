"""bench/sweep.py still fills its database and times the sweep's selects before and after 0011.

A tiny run (200 reports, 20,000 fetch events): both schemas find the same rows, the ones the filling
left waiting. The database is this suite's PostgreSQL URL with `_bench_sweep` appended; the bench
drops it.
"""

from __future__ import annotations

import pytest

from bench import sweep
from tests.conftest import POSTGRES_URL, require_server


@pytest.mark.postgres
def test_bench_times_each_select_on_both_schemas_and_they_find_the_same_rows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    require_server(POSTGRES_URL, 5432, "PostgreSQL")

    assert sweep.main(["--reports", "2000", "--events", "20000", "--database", POSTGRES_URL + "_bench_sweep"]) == 0

    out = capsys.readouterr().out
    table = [[cell.strip() for cell in line.split("│")] for line in out.splitlines() if line.startswith("│")]
    found = {(cells[1].split()[0], cells[2]): cells[4] for cells in table}
    for name in sweep.QUERIES:
        # 2 reports in 2,000 never fetched, 2 pages in 20,000 fetch events waiting (the count adds both)
        assert found[("0010", name)] == found[("head", name)] == ("4" if "counts" in name else "2"), out
