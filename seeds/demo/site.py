"""The demo site's content model and the knobs tests turn (edit, add, inject faults).

Two portals with different CMS templates: `yj` (Traditional characters, UTF-8 declared in the
HTTP header, selectors in the registry) and `hy` (GBK with the charset only in a <meta> tag,
no selectors: the crawler's fallbacks must find everything).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

REPORTS_DIR = Path(__file__).resolve().parent / "reports"
PAGE_SIZE = 20
CHAOS_KINDS = ("500", "reset", "timeout", "truncated")


@dataclass
class DemoArticle:
    """One report page; `revision` grows with each upstream edit."""

    id: int
    title: str
    published: date
    paragraphs: list[str]
    revision: int = 1
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (link text, file name, bytes)
    furniture: frozenset[str] = frozenset()  # lines of the source text that are site furniture, not body
    pages: int = 1  # the CMS splits the paragraphs over this many pages (…_1.html or …_2.html for the second)
    embedded: bool = False  # the attachments are shown in frames (a PDF viewer), not linked

    def paragraphs_of_page(self, page: int) -> list[str]:
        """The paragraphs page `page` (0 for the first) shows, the pages sharing them evenly in order."""
        size = -(-len(self.paragraphs) // self.pages)
        return self.paragraphs[page * size : (page + 1) * size]

    @property
    def body_lines(self) -> list[str]:
        """The report's own lines: what a cleaner must keep, every one of them."""
        return [" ".join(p.split()) for p in self.paragraphs if p not in self.furniture]


@dataclass
class DemoPortal:
    """One portal of the demo site, addressed under `/{prefix}/`."""

    prefix: str
    template: str
    site_name: str
    encoding: str
    traditional: bool
    list_path: str
    articles: list[DemoArticle] = field(default_factory=list)  # newest first

    def attachment_path(self, filename: str) -> str:
        return f"/{self.prefix}/{self.list_path}/files/{filename}"

    def article_path(self, article: DemoArticle, page: int = 0) -> str:
        """The path of the article's page `page` (0: its first page, the one lists link). TRS names the
        second page …_1.html; the other template, as DedeCMS does, …_2.html."""
        if self.template == "trs":
            d = article.published
            more = f"_{page}" if page else ""
            return f"/{self.prefix}/{self.list_path}/{d:%Y%m}/t{d:%Y%m%d}_{article.id}{more}.html"
        more = f"_{page + 1}" if page else ""
        return f"/{self.prefix}/{self.list_path}/content/post_{article.id}{more}.html"

    def list_page_path(self, page: int) -> str:
        name = "index.html" if page == 1 else f"index_{page}.html"
        return f"/{self.prefix}/{self.list_path}/{name}"

    @property
    def page_count(self) -> int:
        return max(1, -(-len(self.articles) // PAGE_SIZE))


@dataclass
class Fault:
    """An injected failure for one path: an HTTP status, or 'timeout' (a stalled answer)."""

    kind: str
    remaining: int | None = None  # None: for ever


class DemoSite:
    """All demo portals plus the knobs; thread-safe, since the server answers from threads."""

    def __init__(self, portals: list[DemoPortal]) -> None:
        self.portals = {p.prefix: p for p in portals}
        self.faults: dict[str, Fault] = {}
        self.requests: list[str] = []
        self.request_times: list[tuple[float, str]] = []  # (time.monotonic() on arrival, path)
        self.stall_seconds = 3.0
        self.answer_delay = 0.0  # seconds every answer is held: lets overlapping requests show
        self.in_flight = 0
        self.peak_in_flight = 0  # the most requests the server was answering at once
        self.retry_after = 1
        self._chaos_rate = 0.0
        self._chaos_rng = random.Random(0)
        self.robots_txt = "User-agent: *\nDisallow: /admin/\n"
        self._lock = threading.Lock()
        self._next_id = 1 + max((a.id for p in portals for a in p.articles), default=1000)

    def article(self, prefix: str, article_id: int) -> DemoArticle:
        for article in self.portals[prefix].articles:
            if article.id == article_id:
                return article
        raise KeyError(f"no article {article_id} on demo portal {prefix!r}")

    def edit(self, prefix: str, article_id: int, sentence: str = "本报告于发布后修订，新增办理事项128项。") -> None:
        """Change a report upstream, as portals silently do: a new paragraph at the end."""
        with self._lock:
            article = self.article(prefix, article_id)
            article.paragraphs.append(to_script(sentence, self.portals[prefix].traditional))
            article.revision += 1

    def attach(self, prefix: str, article_id: int, name: str, filename: str, data: bytes) -> str:
        """Link a file from an article (an upstream edit of the page); the file's path."""
        with self._lock:
            article = self.article(prefix, article_id)
            article.attachments.append((name, filename, data))
            article.revision += 1
            return self.portals[prefix].attachment_path(filename)

    def embed(self, prefix: str, article_id: int, filename: str, data: bytes) -> None:
        """Publish a report as a file shown in a PDF viewer frame, the page holding no text of its own."""
        with self._lock:
            article = self.article(prefix, article_id)
            article.paragraphs = []
            article.attachments = [(article.title, filename, data)]
            article.embedded = True
            article.revision += 1

    def paginate(self, prefix: str, article_id: int, pages: int) -> list[str]:
        """Split a report over `pages` pages, as a CMS does with page breaks; the paths of its pages."""
        with self._lock:
            article = self.article(prefix, article_id)
            article.pages = pages
            article.revision += 1
            return [self.portals[prefix].article_path(article, page) for page in range(pages)]

    def add(self, prefix: str, title: str, paragraphs: list[str]) -> DemoArticle:
        """Publish a new report at the top of the list."""
        with self._lock:
            portal = self.portals[prefix]
            newest = portal.articles[0].published if portal.articles else date(2023, 1, 1)
            article = DemoArticle(self._next_id, title, newest + timedelta(days=1), list(paragraphs))
            self._next_id += 1
            portal.articles.insert(0, article)
            return article

    def fail(self, path: str, kind: str, times: int | None = None) -> None:
        """Make `path` answer with `kind`, `times` times (None: for ever).

        Kinds: an HTTP status ('500', '404'; '429' and '503' carry Retry-After), 'timeout' (a
        stalled answer), 'reset' (connection closed unanswered), 'truncated' (half the body),
        'redirect:URL', 'gzip-bomb' (64 MiB of zeros, gzip-encoded).
        """
        with self._lock:
            self.faults[path] = Fault(kind, times)

    def chaos(self, rate: float, seed: int = 0) -> None:
        """Answer a share `rate` of requests (robots.txt aside) with a random fault: a 500, a reset
        connection, a stall past the client's timeout or a truncated body. Seeded, so runs repeat."""
        with self._lock:
            self._chaos_rate = rate
            self._chaos_rng = random.Random(seed)

    def answered(self) -> None:
        """The server finished answering a request that `take_fault` saw arrive."""
        with self._lock:
            self.in_flight -= 1

    def take_fault(self, path: str) -> str | None:
        """Count the request's arrival (call `answered` when done); the fault to answer it with."""
        with self._lock:
            self.requests.append(path)
            self.request_times.append((time.monotonic(), path))
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            fault = self.faults.get(path)
            if fault is None:
                if path != "/robots.txt" and self._chaos_rate and self._chaos_rng.random() < self._chaos_rate:
                    return self._chaos_rng.choice(CHAOS_KINDS)
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self.faults[path]
            return fault.kind

    def all_articles(self) -> list[tuple[DemoPortal, DemoArticle]]:
        return [(p, a) for p in self.portals.values() for a in p.articles]


@lru_cache(maxsize=2)
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC(config)


def to_script(text: str, traditional: bool) -> str:
    return _converter("s2t").convert(text) if traditional else text


# The bundled report texts were saved from their portals with the page footer at the end: the
# labelled truth of what is furniture in them, for tests and the cleaning benchmark.
SOURCE_FURNITURE_PREFIXES = ("|", "關於我們", "關于我們", "網站幫助", "網站地圖", "隱私申明", "主辦單位:", "粵公網安備")


def report_paragraphs(name: str) -> list[str]:
    text = (REPORTS_DIR / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def source_furniture(paragraphs: list[str]) -> frozenset[str]:
    return frozenset(p for p in paragraphs if p.startswith(SOURCE_FURNITURE_PREFIXES))


def _paragraph_pool() -> list[str]:
    paragraphs = [p for f in sorted(REPORTS_DIR.glob("*.txt")) for p in report_paragraphs(f.name)]
    furniture = source_furniture(paragraphs)
    return [p for p in paragraphs if len(p) > 30 and p not in furniture]


def synthetic_articles(count: int, *, start_id: int, newest: date, seed: int) -> list[DemoArticle]:
    """`count` work bulletins assembled from real report paragraphs, deterministic by `seed`."""
    rng = random.Random(seed)
    pool = _paragraph_pool()
    out = []
    for n in range(count):
        paragraphs = rng.sample(pool, k=min(len(pool), rng.randint(3, 7)))
        when = newest - timedelta(days=3 * (n + 1))
        title = f"{when.year}年第{n + 1}期政务服务数据管理工作简报"
        out.append(DemoArticle(start_id + n, title, when, paragraphs))
    return out


def build_demo_site(*, extra_reports: int = 25) -> DemoSite:
    """The default demo: 3 real reports plus `extra_reports` bulletins, spread over two portals.

    `hy` gets most bulletins so that its list paginates (20 items a page).
    """
    yj_extra = min(4, extra_reports)
    hy_extra = extra_reports - yj_extra
    yj = DemoPortal("yj", "modern", "陽江市政務服務數據管理局", "utf-8", True, "zwgk/gzbg")
    yj.articles = [
        DemoArticle(
            1001,
            "陽江市政務服務數據管理局2022年法治政府建設年度報告",
            date(2023, 1, 5),
            report_paragraphs("000_7b2ae09d6d14897e.txt"),
            furniture=source_furniture(report_paragraphs("000_7b2ae09d6d14897e.txt")),
        )
    ] + [
        DemoArticle(a.id, to_script(a.title, True), a.published, [to_script(p, True) for p in a.paragraphs])
        for a in synthetic_articles(yj_extra, start_id=2001, newest=date(2023, 1, 5), seed=1)
    ]
    hy = DemoPortal("hy", "trs", "河源市源城区政务服务数据管理局", "gbk", False, "zwgk/ghjh")
    huadu = report_paragraphs("002_77e5e177b521e10d.txt")
    hy.articles = [
        DemoArticle(
            1002,
            "源城区政务服务数据管理局2023年工作总结和2024年工作计划",
            date(2023, 12, 20),
            report_paragraphs("001_abba2be8b8122291.txt"),
        ),
        DemoArticle(1003, huadu[0], date(2023, 2, 10), huadu[1:]),
        *synthetic_articles(hy_extra, start_id=3001, newest=date(2023, 2, 10), seed=2),
    ]
    hy.articles.sort(key=lambda a: a.published, reverse=True)
    yj.articles.sort(key=lambda a: a.published, reverse=True)
    return DemoSite([yj, hy])
