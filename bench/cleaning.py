"""Cleaning quality and speed on a labelled set, govreports against trafilatura, readability, jusText.

    python bench/cleaning.py

Line-level scores over bench/cleaning_pages.py (the demo portal's pages plus 10 more templates
imitating government CMSs, body lines known exactly): body recall (share of body lines kept, as
a line or inside an output line), furniture leaked (output lines that are no body line, count and
share), ms per page. Then the median time to clean a ~100 KB page and its ratio to a bare lxml
parse of the same page. A peer that is not installed is skipped, saying so.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cleaning_pages import LabelledPage, labelled_pages
from pipelines.article import clean_html
from scrapers.encoding import decode_body

Cleaner = Callable[[str], str]


def _fold(text: str) -> str:
    return "".join(text.split())


def peers(console: Console) -> list[tuple[str, Cleaner]]:
    found: list[tuple[str, Cleaner]] = [("govreports", clean_html)]
    try:
        import trafilatura

        found.append(("trafilatura", lambda html: trafilatura.extract(html) or ""))
        found.append(
            ("trafilatura favor_precision", lambda html: trafilatura.extract(html, favor_precision=True) or "")
        )
    except ImportError:
        console.print("skipped: trafilatura (pip install trafilatura)")
    try:
        from readability import Document

        def readability(html: str) -> str:
            summary = Document(html).summary(html_partial=True)
            return clean_html_text(summary)

        found.append(("readability-lxml", readability))
    except ImportError:
        console.print("skipped: readability-lxml")
    try:
        import justext

        def jus(html: str) -> str:
            # jusText ships no Chinese stoplist: with none, only its length and link-density rules judge.
            paragraphs = justext.justext(
                html.encode("utf-8"), frozenset(), stopwords_low=0, stopwords_high=0, length_low=10, length_high=40
            )
            return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

        found.append(("jusText (no stoplist)", jus))
    except ImportError:
        console.print("skipped: jusText")
    return found


def clean_html_text(fragment: str) -> str:
    """Plain lines of an HTML fragment, without any furniture rules (for peers that return HTML)."""
    root = lxml.html.fromstring(fragment or "<div></div>")
    for element in root.iter("p", "div", "br", "li", "tr", "h1", "h2", "h3"):
        element.tail = "\n" + (element.tail or "")
    return "\n".join(line.strip() for line in root.text_content().splitlines() if line.strip())


def score(pages: list[tuple[LabelledPage, str]], cleaner: Cleaner) -> dict[str, float]:
    body_total = body_kept = out_total = leaked = 0
    times = []
    for page, html in pages:
        started = time.perf_counter()
        output = cleaner(html)
        times.append((time.perf_counter() - started) * 1000)
        out_lines = [_fold(line) for line in output.splitlines() if line.strip()]
        body = [_fold(line) for line in page.body]
        joined = "\n".join(out_lines)
        body_total += len(body)
        body_kept += sum(1 for line in body if line and line in joined)
        out_total += len(out_lines)
        leaked += sum(1 for line in out_lines if not any(line in b or b in line for b in body))
    return {
        "recall": body_kept / max(1, body_total),
        "leaked": leaked,
        "leak_share": leaked / max(1, out_total),
        "ms": statistics.median(times),
    }


def big_page() -> str:
    pages = [p for p in labelled_pages() if p.template == "demo-trs"]
    html = decode_body(pages[0].html, pages[0].content_type)[0]
    head, _, tail = html.partition('<div id="zoom" class="zoom">')
    body = "".join(f"<p>{line}</p>" for page in pages for line in page.body)
    while len((head + body + tail).encode()) < 100_000:
        body += body
    return head + '<div id="zoom" class="zoom">' + body[: 100_000 - len(head) - len(tail)] + tail


def timed(fn: Callable[[], object], runs: int = 30) -> float:
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    console = Console(width=150)
    pages = [(p, decode_body(p.html, p.content_type)[0]) for p in labelled_pages()]
    demo = [item for item in pages if item[0].demo]
    table = Table(title=f"cleaning: {len(pages)} labelled pages ({len(demo)} demo portal), line-level")
    for column in (
        "cleaner",
        "demo body recall",
        "demo furniture lines",
        "all body recall",
        "all furniture leaked",
        "leak share",
        "ms/page",
    ):
        table.add_column(column, justify="right")
    for label, cleaner in peers(console):
        d = score(demo, cleaner)
        a = score(pages, cleaner)
        table.add_row(
            label,
            f"{d['recall']:.3f}",
            f"{d['leaked']:.0f}",
            f"{a['recall']:.3f}",
            f"{a['leaked']:.0f}",
            f"{a['leak_share']:.2%}",
            f"{a['ms']:.2f}",
        )
    console.print(table)
    html = big_page()
    clean_ms = timed(lambda: clean_html(html))
    parse_ms = timed(lambda: lxml.html.fromstring(html))
    console.print(
        f"100 KB page ({len(html.encode()) // 1024} KiB): clean_html {clean_ms:.2f} ms median, "
        f"bare lxml parse {parse_ms:.2f} ms, ratio {clean_ms / parse_ms:.1f}x"
    )


if __name__ == "__main__":
    main()
