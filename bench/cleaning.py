"""Page reading on real portal pages, govreports against trafilatura, readability-lxml and jusText.

    python bench/cleaning.py                  # real pages of ../shared/corpus-html, then the labelled set
    python bench/cleaning.py --per-page       # plus one row per real page for govreports
    python bench/cleaning.py --pages DIR      # another folder of NN.html + NN.body.txt (+ NN.meta.json)
    python bench/cleaning.py --no-peers       # govreports only (no peer needs to be installed)

Main table: the real pages (issue 12), scored page by page with `score_page` of the official
scorer (../shared/tools/score_cleaning.py, imported from its folder, never copied): body line
recall, share of output lines that are not body, pages lost (recall < 0.9), pages with the body
repeated, title / date exact, source match, median ms per page. Beside govreports' row, the
leave-one-page-out row: each page is read with the ReaderParams chosen on the other pages, so a
constant tuned on the set is reported as it would do on a page it never saw.

Second table: the synthetic labelled set of bench/cleaning_pages.py (demo portal and CMS
imitations), as before. Last, the median time to clean a 100 KB page on one core against a bare
lxml parse of it (target <= 10 ms). A peer that is not installed is skipped, saying so.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

from bench.cleaning_pages import LabelledPage, labelled_pages  # noqa: E402
from pipelines.article import GRID, Article, ReaderParams, clean_html, extract_article  # noqa: E402
from scrapers.encoding import decode_body  # noqa: E402

# What the official scorer reads from a cleaner: {"text", "title", "published", "source"}.
Result = dict[str, str | None]
Reader = Callable[[str], Result]
# One page's score, as score_cleaning.score_page returns it.
Row = dict[str, Any]
ScorePage = Callable[[Result, list[str], list[str], dict[str, Any] | None], Row]

LOST_WEIGHT = 0.5  # a lost page costs half a point of the objective, on top of its recall
MAX_PRODUCT = 200  # above this many combinations, the search goes one parameter at a time
TARGETS = "targets: recall >= 0.99, non-body <= 3%, 0 lost, 0 repeated, title >= 0.95, date >= 0.95, ahead of peers"
PAGE_MS_TARGET = 10.0


@dataclass(frozen=True)
class RealPage:
    """One saved page of the development set with its reference (body lines, metadata)."""

    name: str
    html: str
    body: list[str]
    furniture: list[str]
    meta: dict[str, Any] | None


@dataclass(frozen=True)
class Summary:
    """A cleaner's scores over a set of pages, aggregated the way score_cleaning.py prints them."""

    pages: int
    recall: float
    non_body: float
    lost: int
    repeated: int
    title: float | None
    date: float | None
    source: float | None

    @property
    def objective(self) -> float:
        """One number to tune on: recall, minus furniture share, minus a penalty per lost page."""
        return self.recall - self.non_body - LOST_WEIGHT * self.lost / max(1, self.pages)


# ---------------------------------------------------------------- pages and the official scorer


def load_score_page(scorer: Path) -> ScorePage | None:
    """The official scorer's own score_page, imported from its folder (None when it is not there)."""
    if not scorer.is_file():
        return None
    folder = str(scorer.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module = importlib.import_module(scorer.stem)
    score_page: ScorePage = module.score_page
    return score_page


def real_pages(folder: Path) -> list[RealPage]:
    """NN.html with NN.body.txt (list pages skipped), decoded as the crawler decodes bytes."""
    pages = []
    for path in sorted(folder.glob("*.html")):
        reference = path.with_suffix(".body.txt")
        if path.name.startswith("list-") or not reference.exists():
            continue
        furniture = path.with_suffix(".boilerplate.txt")
        meta = path.with_suffix(".meta.json")
        pages.append(
            RealPage(
                name=path.stem,
                html=decode_body(path.read_bytes())[0],
                body=reference.read_text(encoding="utf-8").splitlines(),
                furniture=furniture.read_text(encoding="utf-8").splitlines() if furniture.exists() else [],
                meta=_json(meta) if meta.exists() else None,
            )
        )
    return pages


def _json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def summarise(rows: Sequence[Row]) -> Summary:
    """Micro recall and non-body share over all lines; accuracies over pages that state the field."""

    def share(part: str, whole: str) -> float:
        total = sum(row[whole] for row in rows)
        return sum(row[part] for row in rows) / total if total else 0.0

    def accuracy(key: str) -> float | None:
        known = [row[key] for row in rows if row.get(key) is not None]
        return sum(known) / len(known) if known else None

    return Summary(
        pages=len(rows),
        recall=share("kept", "body"),
        non_body=share("non_body", "out"),
        lost=sum(bool(row["lost"]) for row in rows),
        repeated=sum(bool(row["repeated"]) for row in rows),
        title=accuracy("title_ok"),
        date=accuracy("date_ok"),
        source=accuracy("source_ok"),
    )


# ---------------------------------------------------------------- cleaners


def article_result(article: Article) -> Result:
    """An Article as the scorer reads it (warnings ride along for the per-page table)."""
    return {
        "text": article.body,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "source": article.source,
        "warnings": "; ".join(article.warnings),
    }


def govreports(html: str) -> Result:
    """The reader as the crawler runs it: defaults, no portal selectors."""
    return article_result(extract_article(html))


# Elements a browser starts on a new line (cells too: the reference gives each cell its own line).
_BLOCK_TAGS = frozenset({"p", "div", "li", "tr", "td", "th", "br", "pre", "table", "section", "article"}) | frozenset(
    {"blockquote", "ul", "ol", "dl", "dt", "dd", "center", "h1", "h2", "h3", "h4", "h5", "h6"}
)


def block_lines(fragment: str) -> str:
    """Plain text of an HTML fragment, one block a line, no furniture rules (peers that return HTML).

    Cells and list items get their own line, as in the reference, so a peer is not
    penalised for our line convention, only for what it keeps.
    """
    if not fragment or not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag != "br":
                element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _field(document: Any, name: str) -> str | None:
    """trafilatura 1.x returns a dict, 2.x a Document: read a field from either."""
    value = document.get(name) if isinstance(document, dict) else getattr(document, name, None)
    return str(value) if value else None


def trafilatura_reader(favor_precision: bool) -> Reader:
    import trafilatura

    def read(html: str) -> Result:
        # The page as it is: trafilatura does its own tree cleaning and metadata (htmldate).
        document = trafilatura.bare_extraction(html, with_metadata=True, favor_precision=favor_precision)
        if document is None:
            return {"text": ""}
        # trafilatura has no "source agency"; its site name is the nearest field.
        return {
            "text": _field(document, "text") or "",
            "title": _field(document, "title"),
            "published": _field(document, "date"),
            "source": _field(document, "sitename"),
        }

    return read


def readability_reader() -> Reader:
    from readability import Document

    def read(html: str) -> Result:
        document = Document(html)
        return {"text": block_lines(document.summary()), "title": document.short_title()}

    return read


def justext_reader() -> Reader:
    import justext

    def read(html: str) -> Result:
        # No Chinese stoplist: jusText's own language-independent mode (what its CLI does for
        # `-s None`) is an empty stoplist with both stopword thresholds at 0, other settings default.
        paragraphs = justext.justext(html, frozenset(), stopwords_low=0, stopwords_high=0)
        return {"text": "\n".join(p.text for p in paragraphs if not p.is_boilerplate)}

    return read


def peer_readers(console: Console) -> list[tuple[str, Reader]]:
    """Each installed peer; a missing one is named, not fatal."""
    peers: list[tuple[str, Callable[[], Reader], str]] = [
        ("trafilatura", lambda: trafilatura_reader(False), "trafilatura"),
        ("trafilatura favor_precision", lambda: trafilatura_reader(True), "trafilatura"),
        ("readability-lxml", readability_reader, "readability-lxml"),
        ("jusText (no stoplist)", justext_reader, "jusText"),
    ]
    found = []
    for label, make, package in peers:
        try:
            found.append((label, tolerant(make())))
        except ImportError:
            console.print(f"skipped: {label} (not installed: pip install {package})")
    return found


def tolerant(reader: Reader) -> Reader:
    """A peer that raises on a page gives an empty output there (a lost page), not a crashed bench.

    govreports is not wrapped: its crash is a bug to see, not a score.
    """

    def read(html: str) -> Result:
        try:
            return reader(html)
        except Exception as error:
            return {"text": "", "warnings": f"raised {type(error).__name__}"}

    return read


# ---------------------------------------------------------------- the real pages


def run(reader: Reader, pages: Sequence[RealPage], score_page: ScorePage) -> tuple[list[Result], list[Row], float]:
    """Each page read once (timed) and scored with the official score_page."""
    results: list[Result] = []
    rows: list[Row] = []
    times: list[float] = []
    for page in pages:
        started = time.perf_counter()
        result = reader(page.html)
        times.append((time.perf_counter() - started) * 1000)
        results.append(result)
        rows.append(score_page(result, page.body, page.furniture, page.meta))
    return results, rows, statistics.median(times)


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def summary_cells(summary: Summary) -> list[str]:
    return [
        f"{summary.recall:.3f}",
        f"{summary.non_body:.1%}",
        str(summary.lost),
        str(summary.repeated),
        _ratio(summary.title),
        _ratio(summary.date),
        _ratio(summary.source),
    ]


def main_table(title: str) -> Table:
    table = Table(title=title, caption=TARGETS)
    table.add_column("cleaner", justify="left")
    for column in (
        "body recall",
        "non-body",
        "pages lost",
        "repeated",
        "title exact",
        "date exact",
        "source match",
        "ms/page",
    ):
        table.add_column(column, justify="right")
    return table


def per_page_table(pages: Sequence[RealPage], results: Sequence[Result], rows: Sequence[Row]) -> Table:
    """govreports page by page, so a regression shows which page moved."""
    table = Table(title="govreports page by page (defaults)")
    table.add_column("page")
    for column in ("body kept", "recall", "non-body lines", "lost", "repeated", "title", "date", "source"):
        table.add_column(column, justify="right")
    table.add_column("warnings", justify="left")
    for page, result, row in zip(pages, results, rows, strict=True):
        table.add_row(
            page.name,
            f"{row['kept']}/{row['body']}",
            f"{row['kept'] / max(1, row['body']):.3f}",
            f"{row['non_body']}/{row['out']}",
            "LOST" if row["lost"] else "",
            "REPEATED" if row["repeated"] else "",
            *(_ok(row.get(key)) for key in ("title_ok", "date_ok", "source_ok")),
            result.get("warnings") or "",
        )
    return table


def _ok(value: bool | None) -> str:
    return "–" if value is None else ("ok" if value else "NO")


# ---------------------------------------------------------------- leave-one-page-out


class ParamRuns:
    """Each page's score under each ReaderParams, computed once: every fold reuses the runs."""

    def __init__(self, pages: Sequence[RealPage], score_page: ScorePage) -> None:
        self._pages = {page.name: page for page in pages}
        self._score_page = score_page
        self._rows: dict[tuple[str, ReaderParams], Row] = {}

    def row(self, name: str, params: ReaderParams) -> Row:
        key = (name, params)
        if key not in self._rows:
            page = self._pages[name]
            result = article_result(extract_article(page.html, params=params))
            self._rows[key] = self._score_page(result, page.body, page.furniture, page.meta)
        return self._rows[key]

    def summary(self, names: Iterable[str], params: ReaderParams) -> Summary:
        return summarise([self.row(name, params) for name in names])

    @property
    def runs(self) -> int:
        return len(self._rows)


def usable_grid(console: Console) -> dict[str, tuple[Any, ...]]:
    """GRID restricted to ReaderParams' fields (a stale key is named and left out)."""
    names = {field.name for field in dataclasses.fields(ReaderParams)}
    for key in GRID.keys() - names:
        console.print(f"note: GRID key {key!r} is no ReaderParams field, not searched")
    return {key: values for key, values in GRID.items() if key in names}


def grid_product(grid: dict[str, tuple[Any, ...]]) -> list[ReaderParams]:
    """Every combination, defaults first so that a tie keeps the defaults."""
    combos = [ReaderParams(**dict(zip(grid, values, strict=True))) for values in itertools.product(*grid.values())]
    return list(dict.fromkeys([ReaderParams(), *combos]))


def choose(runs: ParamRuns, names: Sequence[str], grid: dict[str, tuple[Any, ...]]) -> ReaderParams:
    """The params with the best objective on `names`: the whole grid when small, else coordinate-wise."""
    size = 1
    for values in grid.values():
        size *= len(values)
    if size <= MAX_PRODUCT:
        return max(grid_product(grid), key=lambda params: runs.summary(names, params).objective)
    current = ReaderParams()
    best = runs.summary(names, current).objective
    for _ in range(3):  # a few sweeps; each only moves on a strict gain
        moved = False
        for key, values in grid.items():
            for value in values:
                candidate = dataclasses.replace(current, **{key: value})
                score = runs.summary(names, candidate).objective
                if score > best:
                    current, best, moved = candidate, score, True
        if not moved:
            break
    return current


def changed(params: ReaderParams) -> str:
    """The fields that differ from the defaults, as `name default→chosen`."""
    default = ReaderParams()
    return ", ".join(
        f"{field.name} {getattr(default, field.name)}→{getattr(params, field.name)}"
        for field in dataclasses.fields(ReaderParams)
        if getattr(params, field.name) != getattr(default, field.name)
    )


def leave_one_out(
    pages: Sequence[RealPage], score_page: ScorePage, grid: dict[str, tuple[Any, ...]]
) -> tuple[Summary, list[tuple[str, ReaderParams]], ParamRuns]:
    """Each page scored with the params chosen on the other pages (what a tuned constant does unseen)."""
    runs = ParamRuns(pages, score_page)
    names = [page.name for page in pages]
    held_out, folds = [], []
    for name in names:
        params = choose(runs, [other for other in names if other != name], grid)
        folds.append((name, params))
        held_out.append(runs.row(name, params))
    return summarise(held_out), folds, runs


def print_folds(
    folds: Sequence[tuple[str, ReaderParams]], runs: ParamRuns, grid: dict[str, tuple[Any, ...]], console: Console
) -> None:
    """Which params the folds chose (grouped), and what the grid could do in-sample, for comparison."""
    chosen: dict[ReaderParams, list[str]] = {}
    for name, params in folds:
        chosen.setdefault(params, []).append(name)
    for params, names in chosen.items():
        what = changed(params) or "the defaults"
        console.print(f"leave-one-page-out: {what} chosen for {len(names)} held-out page(s): {' '.join(names)}")
    everything = [name for name, _ in folds]
    best = choose(runs, everything, grid)
    console.print(
        f"objective (recall - non-body - {LOST_WEIGHT} x lost/pages) on all pages: "
        f"defaults {runs.summary(everything, ReaderParams()).objective:.4f}, "
        f"best in grid {runs.summary(everything, best).objective:.4f} ({changed(best) or 'the defaults'})"
    )
    console.print(f"grid: {', '.join(f'{k}={v}' for k, v in grid.items())}; {runs.runs} page runs")


def real_page_tables(
    folder: Path, score_page: ScorePage, peers: Sequence[tuple[str, Reader]], per_page: bool, console: Console
) -> None:
    """The main table (govreports, its leave-one-page-out row, the peers), then the folds."""
    pages = real_pages(folder)
    if not pages:
        console.print(f"no NN.html with NN.body.txt in {folder}: real-page table skipped")
        return
    table = main_table(f"real pages: {len(pages)} from {folder} (score_page of score_cleaning.py)")
    results, rows, ms = run(govreports, pages, score_page)
    table.add_row("govreports", *summary_cells(summarise(rows)), f"{ms:.1f}")
    grid = usable_grid(console)
    loo, folds, runs = leave_one_out(pages, score_page, grid)
    table.add_row("govreports leave-one-page-out", *summary_cells(loo), "")
    for label, reader in peers:
        _, peer_rows, peer_ms = run(reader, pages, score_page)
        table.add_row(label, *summary_cells(summarise(peer_rows)), f"{peer_ms:.1f}")
    console.print(table)
    print_folds(folds, runs, grid, console)
    if per_page:
        console.print(per_page_table(pages, results, rows))


# ---------------------------------------------------------------- the synthetic labelled set


def _fold(text: str) -> str:
    return "".join(text.split())


def score(pages: list[tuple[LabelledPage, str]], reader: Reader) -> dict[str, float]:
    """Line scores on the labelled set (body lines known exactly), as this bench always scored it."""
    body_total = body_kept = out_total = leaked = 0
    times = []
    for page, html in pages:
        started = time.perf_counter()
        output = reader(html).get("text") or ""
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


def labelled_table(found: Sequence[tuple[str, Reader]], console: Console) -> None:
    pages = [(p, decode_body(p.html, p.content_type)[0]) for p in labelled_pages()]
    demo = [item for item in pages if item[0].demo]
    table = Table(title=f"synthetic: {len(pages)} labelled pages ({len(demo)} demo portal), line-level")
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
    for label, reader in found:
        d = score(demo, reader)
        a = score(pages, reader)
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


# ---------------------------------------------------------------- one 100 KB page


def big_page(size: int = 100_000) -> str:
    """A demo article page grown to `size` bytes (UTF-8) with whole body paragraphs."""
    pages = [p for p in labelled_pages() if p.template == "demo-trs"]
    html = decode_body(pages[0].html, pages[0].content_type)[0]
    marker = '<div id="zoom" class="zoom">'
    head, _, tail = html.partition(marker)
    paragraphs = [f"<p>{line}</p>" for page in pages for line in page.body]
    budget = size - len((head + marker + tail).encode())
    body: list[str] = []
    for paragraph in itertools.cycle(paragraphs):
        budget -= len(paragraph.encode())
        if budget < 0:
            break
        body.append(paragraph)
    return head + marker + "".join(body) + tail


def timed(fn: Callable[[], object], runs: int = 30) -> float:
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def page_timing(console: Console) -> None:
    html = big_page()
    clean_ms = timed(lambda: clean_html(html))
    parse_ms = timed(lambda: lxml.html.fromstring(html))
    verdict = "met" if clean_ms <= PAGE_MS_TARGET else "NOT met"
    console.print(
        f"100 KB page ({len(html.encode()) / 1000:.1f} kB): clean_html {clean_ms:.2f} ms median "
        f"(target <= {PAGE_MS_TARGET:.0f} ms: {verdict}), bare lxml parse {parse_ms:.2f} ms, "
        f"ratio {clean_ms / parse_ms:.1f}x"
    )


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, default=SHARED / "corpus-html", help="NN.html + NN.body.txt folder")
    parser.add_argument("--scorer", type=Path, default=SHARED / "tools" / "score_cleaning.py")
    parser.add_argument("--per-page", action="store_true", help="one row per real page for govreports")
    parser.add_argument("--no-peers", action="store_true", help="govreports only")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=160)
    peers = [] if args.no_peers else peer_readers(console)
    score_page = load_score_page(args.scorer)
    if not args.pages.is_dir():
        console.print(f"no real pages: {args.pages} is not there (main table skipped; see bench/README.md)")
    elif score_page is None:
        console.print(f"no official scorer at {args.scorer} (main table skipped)")
    else:
        real_page_tables(args.pages, score_page, peers, args.per_page, console)
    labelled_table([("govreports", govreports), *peers], console)
    page_timing(console)
    return 0


if __name__ == "__main__":
    sys.exit(main())
