"""bench/laid_out.py runs end to end: report texts laid out as a PDF prints them, and pages whose paragraphs
were pasted as laid-out lines, read back as well as written, and worse when the lines are taken as they come.

Two report texts of ../shared/corpus and two pages of ../shared/corpus-html (none in the held-out fold 0)
are linked, never copied, into temporary folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import laid_out
from pipelines.wrapped import width

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
PAGES = CORPUS.parent / "corpus-html"
TEXTS = ("webB-05", "webA-02")
PAGE_NAMES = ("11", "13")


def _link(folder: Path, source: Path, names: tuple[str, ...], suffix: str) -> Path:
    folder.mkdir()
    for name in names:
        for ext in (suffix, ".gold.jsonl"):
            (folder / f"{name}{ext}").symlink_to(source / f"{name}{ext}")
    return folder


def _f1(out: str, layout: str, reading: str) -> float:
    row = next(line for line in out.splitlines() if line.startswith("│ " + layout) and reading in line)
    return float(row.split("│")[6])


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} is not there")
def test_laid_out_texts_are_read_back_as_well_as_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = _link(tmp_path / "texts", CORPUS, TEXTS, ".txt")
    pages = _link(tmp_path / "pages", PAGES, PAGE_NAMES, ".html")

    assert laid_out.main(["--corpus", str(texts), "--pages", str(pages)]) == 0

    out = capsys.readouterr().out
    written = _f1(out, "as written", "clean_text")
    for column in laid_out.COLUMNS:
        assert _f1(out, f"column {column:g}", "lines rejoined") == written
        assert _f1(out, f"column {column:g}", "lines as laid out") < written
    saved = _f1(out, "as saved", "extract_article")
    assert _f1(out, "pasted as laid out", "extract_article") == saved
    assert _f1(out, "pasted as laid out", "lines as they come") < saved


def test_a_layout_fills_each_line_to_its_column_and_numbers_its_pages() -> None:
    text = laid_out.laid_out("今年以来全区新增市场主体3215户同比增长12.4%" * 3, column=10, page_lines=2)
    lines = text.split("\n")
    assert lines[2] == "— 1 —" and all(width(line) <= 10 for line in lines)
    assert (
        "".join(line for line in lines if not line.startswith("—")) == "今年以来全区新增市场主体3215户同比增长12.4%" * 3
    )
