"""On real portal pages nobody here wrote, the reader meets issue 12's targets (scored by the official scorer).

The pages and the scorer live in ../shared (read there, never copied); without them this skips.
bench/cleaning.py prints the same figures beside the peers and leave-one-page-out.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipelines.article import extract_article
from scrapers.encoding import decode_body

SHARED = Path(__file__).resolve().parents[2] / "shared"
PAGES = SHARED / "corpus-html"
SCORER = SHARED / "tools" / "score_cleaning.py"

pytestmark = pytest.mark.skipif(not (PAGES.is_dir() and SCORER.is_file()), reason=f"{SHARED} is not there")


def _score_page() -> Callable[..., dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("score_cleaning", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score_page  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    score_page = _score_page()
    found = []
    for page in sorted(PAGES.glob("[0-9][0-9].html")):
        article = extract_article(decode_body(page.read_bytes())[0])
        result = {
            "text": article.body,
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "source": article.source,
        }
        body = page.with_name(f"{page.stem}.body.txt").read_text(encoding="utf-8").splitlines()
        meta = json.loads(page.with_name(f"{page.stem}.meta.json").read_text(encoding="utf-8"))
        found.append({"page": page.stem, **score_page(result, body, [], meta)})
    return found


def test_body_line_recall_is_at_least_099(rows: list[dict[str, Any]]) -> None:
    assert sum(r["kept"] for r in rows) / sum(r["body"] for r in rows) >= 0.99


def test_at_most_3_percent_of_output_lines_are_not_body(rows: list[dict[str, Any]]) -> None:
    assert sum(r["non_body"] for r in rows) / sum(r["out"] for r in rows) <= 0.03


def test_no_page_loses_its_body(rows: list[dict[str, Any]]) -> None:
    assert [r["page"] for r in rows if r["lost"]] == []


def test_no_page_prints_its_body_twice(rows: list[dict[str, Any]]) -> None:
    assert [r["page"] for r in rows if r["repeated"]] == []


def test_title_is_exact_on_95_percent_of_pages(rows: list[dict[str, Any]]) -> None:
    assert sum(r["title_ok"] for r in rows) / len(rows) >= 0.95


def test_published_date_is_exact_on_95_percent_of_pages(rows: list[dict[str, Any]]) -> None:
    dated = [r for r in rows if r["date_ok"] is not None]
    assert sum(r["date_ok"] for r in dated) / len(dated) >= 0.95


def test_no_real_page_is_flagged_with_a_cleaning_warning() -> None:
    flagged = {}
    for page in sorted(PAGES.glob("[0-9][0-9].html")):
        warnings = extract_article(decode_body(page.read_bytes())[0]).warnings
        if warnings:
            flagged[page.stem] = warnings
    assert flagged == {}
