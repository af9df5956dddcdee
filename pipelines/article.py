"""Reading an article page: the report body once, without site furniture, and its metadata.

(Interface in place; the reader itself is being rewritten for real portal pages.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import lxml.etree
import lxml.html

from pipelines.clean import clean_text
from pipelines.textnorm import shadow

DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "select",
    "button",
    "nav",
    "header",
    "footer",
    "aside",
    "template",
    "svg",
    "object",
    "embed",
    "map",
    "input",
    "textarea",
    "head",
    "title",
)
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "ul",
        "ol",
        "section",
        "article",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "hr",
        "center",
    }
)
CELL_TAGS = frozenset({"td", "th"})
CONTAINER_TAGS = frozenset({"div", "td", "article", "section", "main", "body", "center", "table", "tbody"})
_SENTENCE = re.compile(r"[，。；！？、,;]")
_FILE_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|csv)(?:$|[?#])", re.IGNORECASE)
_DATE = re.compile(r"(20\d\d|19\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_URL_DATE = re.compile(r"(?:/t|/art/|/)(20\d\d)[-/]?(\d{1,2})[-/]?(\d{1,2})(?:[_/]|\d)")
_TITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|bt|biaoti|tit|art-?title|detail-?title)(?:$|[\s_-])")
_SOURCE = re.compile(r"(?:信息来源|文章来源|稿件来源|来源)\s*[:：]\s*([^\s|｜]{2,40})")
_PUBLISHED_LABEL = re.compile(r"(?:发布时间|发布日期|发文日期|日期|时间)\s*[:：]\s*")


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str
    kind: str


@dataclass(frozen=True)
class Article:
    """A report page: its metadata as fields, its body as clean text (one paragraph a line).

    `warnings` name why the body may not be the report (e.g. "mostly link text"): the page is
    still stored, with the warnings on its version, instead of silently becoming the report.
    """

    title: str
    published: date | None
    source: str | None
    body: str
    attachments: tuple[Attachment, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ReaderParams:
    """The reader's few tunable constants (bench/cleaning.py tunes them leave-one-page-out)."""

    container_share: float = 0.85


# The values bench/cleaning.py searches for each parameter of ReaderParams.
GRID: dict[str, tuple[float, ...]] = {"container_share": (0.6, 0.7, 0.8, 0.85, 0.9)}


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _parse(html: str) -> lxml.html.HtmlElement | None:
    if not html or not html.strip():
        return None
    # lxml refuses control characters and lone surrogates in text it is handed back.
    html = _NOT_XML.sub("", html.encode("utf-8", "replace").decode("utf-8"))
    parser = lxml.html.HTMLParser(recover=True, huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        return None
    return root


def _strip(root: lxml.html.HtmlElement) -> None:
    for element in list(root.iter(*DROP_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()


def _punct(text: str | None) -> int:
    return len(_SENTENCE.findall(text)) if text else 0


def _main_container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The tightest container holding most of the page's sentence punctuation outside links."""
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    score: dict[int, int] = {}
    for element in reversed(elements):  # children before parents
        own = 0 if element.tag == "a" else _punct(element.text)
        for child in element:
            if isinstance(child.tag, str):
                own += score.get(id(child), 0)
            own += _punct(child.tail)
        score[id(element)] = own
    best_total = max((score[id(e)] for e in elements if e.tag in CONTAINER_TAGS), default=0)
    if best_total == 0:
        return root
    threshold = best_total * 0.85
    chosen = root
    for element in elements:  # document order: the last qualifying one is the deepest
        if element.tag in CONTAINER_TAGS and score[id(element)] >= threshold:
            chosen = element
    return chosen


def _drop_link_blocks(container: lxml.html.HtmlElement) -> None:
    """Lists of links inside the body (related articles, share bars, pagers) are not report text."""
    for element in list(container.iter("ul", "ol", "div", "p", "table", "span", "dl")):
        if element is container or element.getparent() is None:
            continue
        text = element.text_content().strip()
        if not text or len(text) > 300:
            continue
        links = list(element.iter("a"))
        if not links or any(_FILE_LINK.search(a.get("href") or "") for a in links):
            continue
        link_text = sum(len(a.text_content().strip()) for a in links)
        if link_text / max(1, len(text)) > 0.6 and _punct(text.replace(link_text * " ", "")) <= 2:
            element.drop_tree()


def _lines(container: lxml.html.HtmlElement) -> list[str]:
    for element in container.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in CELL_TAGS:
            element.tail = "\t" + (element.tail or "")
        elif element.tag in BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    text = container.text_content()
    return ["\t".join(" ".join(cell.split()) for cell in line.split("\t")).strip() for line in text.split("\n")]


def clean_html(html: str, *, body_selector: str | None = None) -> str:
    """The report body of an HTML page as text, one block a line ("" when there is none)."""
    root = _parse(html)
    if root is None:
        return ""
    return _body_text(root, body_selector)


def _body_text(root: lxml.html.HtmlElement, body_selector: str | None, title: str | None = None) -> str:
    title = title if title is not None else _title(root, None)
    _strip(root)
    container: lxml.html.HtmlElement | None = None
    if body_selector:
        try:
            found = root.cssselect(body_selector)
        except Exception:  # a malformed selector from the registry: fall back to detection
            found = []
        container = found[0] if found else None
    if container is None:
        container = _main_container(root)
        _drop_link_blocks(container)
    lines = [line for line in _lines(container) if line]
    while lines and title and "".join(lines[0].split()) == "".join(title.split()):
        lines.pop(0)  # the headline is metadata, not body
    return clean_text("\n".join(lines))


def _meta(root: lxml.html.HtmlElement, *names: str) -> str | None:
    for name in names:
        for element in root.iter("meta"):
            if (element.get("name") or element.get("property") or "").lower() == name.lower():
                content = (element.get("content") or "").strip()
                if content:
                    return content
    return None


def _select_text(root: lxml.html.HtmlElement, selector: str | None) -> str | None:
    if not selector:
        return None
    try:
        found = root.cssselect(selector)
    except Exception:
        return None
    return " ".join(found[0].text_content().split()) if found else None


def _title(root: lxml.html.HtmlElement, selector: str | None) -> str:
    chosen = _select_text(root, selector) or _meta(root, "ArticleTitle", "og:title", "title")
    if chosen:
        return chosen
    for tag in ("h1", "h2", "h3"):
        for element in root.iter(tag):
            text = " ".join(element.text_content().split())
            if 4 <= len(text) <= 120:
                return text
    for element in root.iter("div", "td", "p", "span"):
        marker = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if _TITLE_CLASS.search(marker):
            text = " ".join(element.text_content().split())
            if 4 <= len(text) <= 120:
                return text
    page_title = root.findtext(".//title") or ""
    parts = [p.strip() for p in re.split(r"[_|｜]|\s-\s|-(?=[^-]*$)", page_title) if p.strip()]
    return max(parts[:1] or [""], key=len)


def _to_date(text: str | None) -> date | None:
    if not text:
        return None
    match = _DATE.search(text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _published(root: lxml.html.HtmlElement, selector: str | None, base_url: str | None) -> date | None:
    found = _to_date(_select_text(root, selector)) or _to_date(
        _meta(root, "PubDate", "publishdate", "pubdate", "article:published_time", "firstpublishedtime", "Maketime")
    )
    if found:
        return found
    text = root.text_content()
    label = _PUBLISHED_LABEL.search(text)
    if label:
        found = _to_date(text[label.end() : label.end() + 30])
        if found:
            return found
    if base_url:
        match = _URL_DATE.search(base_url)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


def extract_article(
    html: str,
    *,
    body_selector: str | None = None,
    title_selector: str | None = None,
    date_selector: str | None = None,
    base_url: str | None = None,
    params: ReaderParams | None = None,
) -> Article:
    """Title, publish date, source and clean body of one report page. Never raises on bad HTML."""
    root = _parse(html)
    if root is None:
        return Article("", None, None, "")
    title = _title(root, title_selector)
    published = _published(root, date_selector, base_url)
    page_text = root.text_content()[:20000]
    source_match = _SOURCE.search(shadow(page_text))  # same offsets: the source as written
    source = page_text[source_match.start(1) : source_match.end(1)] if source_match else None
    return Article(title, published, source, _body_text(root, body_selector, title))
