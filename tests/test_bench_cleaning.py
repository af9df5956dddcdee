"""bench/cleaning.py still runs end to end on real pages and prints govreports' row.

Two pages of ../shared/corpus-html, linked (never copied) into a temporary folder, keep it fast;
`--no-peers` keeps it independent of trafilatura, readability-lxml and jusText.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import cleaning

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus-html"
PAGES = ("11", "16")  # small pages: 16 has a BOM and upper-case tags


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not there")
def test_bench_prints_a_govreports_row_for_real_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for page in PAGES:
        for suffix in (".html", ".body.txt", ".meta.json"):
            (tmp_path / f"{page}{suffix}").symlink_to(CORPUS / f"{page}{suffix}")

    assert cleaning.main(["--pages", str(tmp_path), "--no-peers", "--per-page"]) == 0

    out = capsys.readouterr().out
    assert "real pages: 2 from" in out
    rows = [line for line in out.splitlines() if line.strip("│ ").startswith("govreports")]
    assert any("leave-one-page-out" in row for row in rows)
    assert any("leave-one-page-out" not in row for row in rows)  # the full-set row
    assert "trafilatura" not in out  # --no-peers
    for page in PAGES:
        assert f"│ {page} " in out  # the per-page table
