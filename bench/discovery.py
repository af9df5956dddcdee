"""Article-link discovery on list pages: govreports against a naive spider, link by link.

    python bench/discovery.py                      # ../shared/corpus-html/list-*.html
    python bench/discovery.py --pages DIR

For each real list page `list-NN.html` (its URL on line 1 of `list-NN.url`, the expected hrefs
in `list-NN.links.txt`): links expected, found, precision, recall, and whether the found
articles keep the page order, for govreports (scrapers/discover.py, as the crawler runs it for a
portal without selectors), for govreports with the URL-shape table switched off (what it does on
a CMS whose article URLs it does not know), and for a naive peer: every same-host link whose
anchor text has at least 6 characters, as a first Scrapy spider would do. A second table does
the same on the bundled demo portal's list pages. URLs are compared in canonical form.

No constant of the detection is fit to these pages, so leave-one-page-out equals the table;
the script says so under it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scrapers.discover as discover
from scrapers.discover import article_links, canonical
from scrapers.encoding import decode_body

DEFAULT_PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus-html"
NAIVE_MIN_TEXT = 6

Finder = Callable[[str, str], list[str]]


@dataclass(frozen=True)
class ListCase:
    name: str
    url: str
    html: str
    expected: list[str]  # canonical absolute URLs, page order


@dataclass(frozen=True)
class Score:
    expected: int
    found: int
    correct: int
    in_order: bool
    ms: float

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 0.0


def govreports(html: str, url: str) -> list[str]:
    return [link.url for link in article_links(html, url)]


def govreports_without_shapes(html: str, url: str) -> list[str]:
    """The detection with no known article URL shape: structure, titles and dates alone."""
    with _no_url_shapes():
        return govreports(html, url)


@contextmanager
def _no_url_shapes() -> Iterator[None]:
    original = discover.is_article_url
    discover.is_article_url = lambda path, query="": False
    try:
        yield
    finally:
        discover.is_article_url = original


def naive(html: str, url: str) -> list[str]:
    """Every link on the page's host whose text has >= 6 characters, deduplicated, page order."""
    host = urlsplit(url).hostname
    found: list[str] = []
    for anchor in lxml.html.fromstring(html).iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or len(anchor.text_content().strip()) < NAIVE_MIN_TEXT:
            continue
        absolute = canonical(urljoin(url, href))
        if urlsplit(absolute).hostname == host and absolute not in found:
            found.append(absolute)
    return found


FINDERS: tuple[tuple[str, Finder], ...] = (
    ("govreports", govreports),
    ("govreports, URL shapes off", govreports_without_shapes),
    (f"naive (same host, text >= {NAIVE_MIN_TEXT})", naive),
)


def real_cases(folder: Path) -> list[ListCase]:
    cases = []
    for page in sorted(folder.glob("list-*.html")):
        url = page.with_suffix(".url").read_text(encoding="utf-8").splitlines()[0].strip()
        hrefs = page.with_suffix(".links.txt").read_text(encoding="utf-8").split()
        html = decode_body(page.read_bytes())[0]
        cases.append(ListCase(page.stem, url, html, [canonical(urljoin(url, href)) for href in hrefs]))
    return cases


def demo_cases() -> list[ListCase]:
    """Every list page of the bundled demo portal (two templates), with the articles it lists."""
    from seeds.demo import build_demo_site
    from seeds.demo.site import PAGE_SIZE
    from seeds.demo.templates import render_list

    site = build_demo_site()
    base = "http://127.0.0.1:8391"
    cases = []
    for prefix, portal in site.portals.items():
        for page in range(1, portal.page_count + 1):
            listed = portal.articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            url = base + portal.list_page_path(page)
            expected = [canonical(base + portal.article_path(article)) for article in listed]
            cases.append(ListCase(f"{prefix} page {page}", url, render_list(site, portal, page), expected))
    return cases


def score(finder: Finder, case: ListCase) -> Score:
    started = time.perf_counter()
    found = finder(case.html, case.url)
    ms = (time.perf_counter() - started) * 1000
    expected = set(case.expected)
    hits = [url for url in found if url in expected]
    return Score(len(case.expected), len(found), len(hits), hits == [u for u in case.expected if u in hits], ms)


def table(title: str, cases: list[ListCase]) -> Table:
    out = Table(title=title)
    for column in ("page", "finder", "expected", "found", "precision", "recall", "page order", "ms"):
        out.add_column(column, justify="left" if column in ("page", "finder") else "right")
    for name, finder in FINDERS:
        scores = [score(finder, case) for case in cases]
        for case, s in zip(cases, scores, strict=True):
            out.add_row(case.name, name, *_cells(s))
        total = Score(
            sum(s.expected for s in scores),
            sum(s.found for s in scores),
            sum(s.correct for s in scores),
            all(s.in_order for s in scores),
            statistics.median(s.ms for s in scores),
        )
        out.add_row("total", name, *_cells(total), end_section=True)
    return out


def _cells(s: Score) -> list[str]:
    return [
        str(s.expected),
        str(s.found),
        f"{s.precision:.3f}",
        f"{s.recall:.3f}",
        "yes" if s.in_order else "no",
        f"{s.ms:.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder of list-NN.html/.url/.links.txt")
    args = parser.parse_args()
    console = Console()
    cases = real_cases(args.pages) if args.pages.is_dir() else []
    if cases:
        console.print(table(f"article links on {len(cases)} real list pages ({args.pages})", cases))
        console.print(
            "leave-one-page-out: identical to the table; no constant of scrapers/discover.py is fit to these pages"
        )
    else:
        console.print(f"skipped the real list pages: no list-*.html in {args.pages} (give --pages DIR)")
    console.print(table("article links on the demo portal's list pages", demo_cases()))
    console.print("ms: median per page (total row); total precision and recall are over all links of all pages")


if __name__ == "__main__":
    main()
