"""Report texts laid out as a PDF prints them: does extraction still read every figure with its name?

    python bench/laid_out.py                   # ../shared/corpus
    python bench/laid_out.py --corpus DIR      # another folder of NAME.txt + NAME.gold.jsonl

A report attached as a PDF, or saved from one, reaches govreports as lines of the page's width: each
sentence runs on over several lines and each page adds its number. Every report text of the set is laid
out that way here (each paragraph's lines filled to a column of 30 or 38 Chinese characters, a digit or
Latin letter counting half; "— N —" after every 30 lines), then read the way `govreports extract
report.txt` reads a text (`pipelines.clean.clean_text`, which rejoins the lines, then
`pipelines.metrics.extract_metrics`), and scored with `score_doc` of the official
../shared/tools/score_metrics.py. The row "lines as laid out" extracts from the laid-out lines without
rejoining them, what a reader that takes a PDF's text as it comes would get. Held-out fold 0 rows as in
bench/extraction.py.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

from bench.extraction import COUNT_KEYS, HELD_OUT_FOLD, SHARED, Document, documents, load_scorer  # noqa: E402
from pipelines.clean import clean_text  # noqa: E402
from pipelines.metrics import extract_metrics  # noqa: E402
from pipelines.wrapped import width  # noqa: E402
from scrapers.encoding import decode_body  # noqa: E402

COLUMNS = (30.0, 38.0)
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
