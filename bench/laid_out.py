"""Report texts laid out as a PDF prints them: does extraction still read every figure with its name?

    python bench/laid_out.py                   # ../shared/corpus
    python bench/laid_out.py --corpus DIR      # another folder of NAME.txt + NAME.gold.jsonl
    python bench/laid_out.py --pages DIR       # another folder of NN.html + NN.gold.jsonl

A report attached as a PDF, or saved from one, reaches govreports as lines of the page's width: each
sentence runs on over several lines and each page adds its number. Every report text of the set is laid
out that way here (each paragraph's lines filled to a column of 30 or 38 Chinese characters, a digit or
Latin letter counting half; "— N —" after every 30 lines), then read the way `govreports extract
report.txt` reads a text (`pipelines.clean.clean_text`, which rejoins the lines, then
`pipelines.metrics.extract_metrics`), and scored with `score_doc` of the official
../shared/tools/score_metrics.py. The row "lines as laid out" extracts from the laid-out lines without
rejoining them, what a reader that takes a PDF's text as it comes would get. Held-out fold 0 rows as in
bench/extraction.py.

Pages: each real page of ../shared/corpus-html with gold, as saved and with every paragraph of plain text
pasted as laid-out lines (column 38, a <br> after each line: a report copied out of a PDF into the CMS
editor), read by `pipelines.article.extract_article` and extracted; the last row reads the same pages with
the reader's rejoining switched off.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import lxml.html
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

from bench.extraction import COUNT_KEYS, HELD_OUT_FOLD, SHARED, Document, documents, load_scorer  # noqa: E402
from pipelines import article  # noqa: E402
from pipelines.clean import clean_text  # noqa: E402
from pipelines.metrics import extract_metrics  # noqa: E402
from pipelines.wrapped import width  # noqa: E402
from scrapers.encoding import decode_body  # noqa: E402

COLUMNS = (30.0, 38.0)
PAGE_COLUMN = 38.0
PAGE_LINES = 30


def laid_out(text: str, column: float, page_lines: int = PAGE_LINES) -> str:
    """`text` as a layout prints it: each paragraph's lines filled to `column`, a page number every `page_lines`."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for character in paragraph.strip():
            size = width(character)
            if used + size > column and line:
                lines.append(line)
                line, used = "", 0.0
            line, used = line + character, used + size
        if line:
            lines.append(line)
    printed: list[str] = []
    for number, line in enumerate(lines, 1):
        printed.append(line)
        if number % page_lines == 0:
            printed.append(f"— {number // page_lines} —")
    return "\n".join(printed)


def report_text(doc: Document) -> str:
    return clean_text(decode_body(doc.path.read_bytes())[0])


Reading = Callable[[str], str]
READINGS: dict[str, Reading] = {
    "lines rejoined (clean_text)": clean_text,
    "lines as laid out": lambda text: text,
}


def scored(docs: Sequence[Document], scorer: object, column: float | None, reading: Reading) -> dict[str, float]:
    total: Counter[str] = Counter()
    for doc in docs:
        text = report_text(doc)
        text = reading(laid_out(text, column)) if column else text
        predictions = [m.as_json() for m in extract_metrics(text)]
        counts = scorer.score_doc(doc.golds, predictions)  # type: ignore[attr-defined]
        total.update({key: counts[key] for key in COUNT_KEYS})
    summary: dict[str, float] = scorer.summarise(total)  # type: ignore[attr-defined]
    return summary


def pasted_as_laid_out(html: str, column: float) -> str:
    """The page with each paragraph of plain text pasted as laid-out lines, one <br> after each line."""
    root = lxml.html.fromstring(html)
    for paragraph in root.iter("p"):
        text = (paragraph.text or "").strip()
        if len(paragraph) or width(text) <= column:
            continue  # markup inside, or one line already
        first, *rest = laid_out(text, column, page_lines=10**9).split("\n")
        paragraph.text = first
        for line in rest:
            br = lxml.html.Element("br")
            br.tail = line
            paragraph.append(br)
    return str(lxml.html.tostring(root, encoding="unicode"))


@contextmanager
def lines_kept_as_laid_out() -> Iterator[None]:
    """The page reader with its rejoining switched off: what the lines give as they come."""
    rejoin = vars(article)["unwrap"]  # the reader's own name for pipelines.wrapped.unwrap
    setattr(article, "unwrap", lambda text: text)  # noqa: B010
    try:
        yield
    finally:
        setattr(article, "unwrap", rejoin)  # noqa: B010


def scored_pages(docs: Sequence[Document], scorer: object, column: float | None) -> dict[str, float]:
    total: Counter[str] = Counter()
    for doc in docs:
        html = decode_body(doc.path.read_bytes())[0]
        read = article.extract_article(pasted_as_laid_out(html, column) if column else html)
        predictions = [m.as_json() for m in extract_metrics(read.body, title=read.title)]
        counts = scorer.score_doc(doc.golds, predictions)  # type: ignore[attr-defined]
        total.update({key: counts[key] for key in COUNT_KEYS})
    summary: dict[str, float] = scorer.summarise(total)  # type: ignore[attr-defined]
    return summary


def pages_table(folder: Path, scorer: object, console: Console) -> None:
    docs = [doc for doc in documents(folder, scorer) if doc.is_page] if folder.is_dir() else []  # type: ignore[arg-type]
    if not docs:
        console.print(f"skipped the pages: no NN.html with gold in {folder}")
        return
    table = Table(
        title=f"{folder}: {len(docs)} pages, paragraphs pasted as lines laid out in a column of {PAGE_COLUMN:g}"
    )
    for heading in ("page", "reading", "docs", "micro P", "micro R", "micro F1", "names", "qualifier", "target"):
        table.add_column(heading, justify="left" if heading in ("page", "reading") else "right")
    held_out = [doc for doc in docs if doc.fold == HELD_OUT_FOLD]
    for label, column, keep in (
        ("as saved", None, False),
        ("pasted as laid out", PAGE_COLUMN, False),
        ("pasted as laid out", PAGE_COLUMN, True),
    ):
        reading = "lines as they come" if keep else "extract_article"
        for group, chosen in (("", docs), (f"  held-out fold {HELD_OUT_FOLD}", held_out)):
            if not chosen:
                continue
            if keep:
                with lines_kept_as_laid_out():
                    s = scored_pages(chosen, scorer, column)
            else:
                s = scored_pages(chosen, scorer, column)
            table.add_row(
                group or label,
                "" if group else reading,
                str(len(chosen)),
                *(f"{s[key]:.3f}" for key in ("precision", "recall", "f1", "name_acc", "qualifier_acc", "target_acc")),
            )
    console.print(table)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--pages", type=Path, default=SHARED / "corpus-html", help="folder of NN.html + NN.gold.jsonl")
    parser.add_argument("--scorer", type=Path, default=SHARED / "tools" / "score_metrics.py")
    args = parser.parse_args(argv)
    console = Console(width=140)
    scorer = load_scorer(args.scorer)
    if scorer is None or not args.corpus.is_dir():
        console.print(f"skipped: no official scorer at {args.scorer} or no set at {args.corpus}")
        return 0
    docs = [doc for doc in documents(args.corpus, scorer) if not doc.is_page]
    if not docs:
        console.print(f"skipped: no report texts with gold in {args.corpus}")
        return 0
    table = Table(title=f"{args.corpus}: {len(docs)} report texts laid out as a PDF prints them")
    for heading in ("layout", "reading", "docs", "micro P", "micro R", "micro F1", "names", "qualifier", "target"):
        table.add_column(heading, justify="left" if heading in ("layout", "reading") else "right")
    rows: list[tuple[str, str, float | None, Reading]] = [("as written", "clean_text", None, clean_text)]
    rows += [(f"column {c:g}", label, c, reading) for c in COLUMNS for label, reading in READINGS.items()]
    held_out = [doc for doc in docs if doc.fold == HELD_OUT_FOLD]
    for layout, label, column, reading in rows:
        for group, chosen in (("", docs), (f"  held-out fold {HELD_OUT_FOLD}", held_out)):
            if not chosen:
                continue
            s = scored(chosen, scorer, column, reading)
            table.add_row(
                group or layout,
                label if not group else "",
                str(len(chosen)),
                *(f"{s[key]:.3f}" for key in ("precision", "recall", "f1", "name_acc", "qualifier_acc", "target_acc")),
            )
    console.print(table)
    pages_table(args.pages, scorer, console)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
