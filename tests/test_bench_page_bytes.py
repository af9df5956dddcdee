"""bench/page_bytes.py runs end to end on real pages and reads every variant of their bytes right.

Two pages of ../shared/corpus-html, linked (never copied) into a temporary folder, keep it fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import page_bytes

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus-html"
PAGES = ("11", "16")


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not there")
def test_every_variant_of_a_real_pages_bytes_is_read_right(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for page in PAGES:
        for suffix in (".html", ".body.txt"):
            (tmp_path / f"{page}{suffix}").symlink_to(CORPUS / f"{page}{suffix}")

    assert page_bytes.main(["--pages", str(tmp_path)]) == 0

    rows = [line.split("│") for line in capsys.readouterr().out.splitlines() if "│ govreports " in line]
    assert len(rows) == len(page_bytes.variants("<html><head></head><body></body></html>"))
    for row in rows:
        right, garbled, refused = (cell.strip() for cell in row[3:6])
        assert (right, garbled, refused) == (str(len(PAGES)), "0", "0"), row


def test_a_cut_that_drops_a_whole_character_is_garbled_not_right() -> None:
    variant = page_bytes.Variant(b"", "abcdefgh", cut=True)
    assert page_bytes.verdict("abcdefgh", variant) == "right"
    assert page_bytes.verdict("abcdefg", variant) == "right"
    assert page_bytes.verdict("abcd", variant) == "garbled"
    assert page_bytes.verdict(None, variant) == "refused"
