"""Reading an article page: the report body once, without site furniture, and its metadata.

One pass per concern, on one parse: scripts and styles out (never text); title, date and
source read from the page as shown (`pipelines.page_meta`); the container found by what the
text is (`pipelines.main_content`), or taken from the portal's body selector; its lines through
the text layer (`pipelines.clean`: breadcrumbs, metadata rows, toolbars, footers). Then the
result is checked for what furniture looks like, and a doubt becomes a warning on the Article
instead of a silent report made of menus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import lxml.etree
import lxml.html

from pipelines.clean import clean_lines
from pipelines.main_content import (
    Content,
    ContentParams,
    block_lines,
    block_text,
    content_of,
    is_widget,
    main_content,
    own_hidden,
)
from pipelines.page_meta import (
    PageText,
    date_alone,
    heading_candidates,
    issuer_in_title,
    published_of,
    source_of,
    title_of,
)
from pipelines.table_grid import expand_spans
from pipelines.wrapped import unwrap

# Stored on each version (report_versions.reader_version): bump it whenever a change here or in
# pipelines.clean / main_content / page_meta / wrapped can change what is read from a page (its text,
# date or source), so that `govreports reprocess` reads the stored pages again.
READER_VERSION = "2.3.0"
# Never text: their content is code, styling or form state.
_CODE_TAGS = ("script", "style", "noscript", "template", "svg", "object", "embed", "map")
# Controls and landmarks around the article: toolbars, menus, headers and footers.
_CHROME_TAGS = ("iframe", "select", "button", "input", "textarea", "nav", "header", "footer", "aside")
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SENTENCE = re.compile(r"[，。；！？,;]")
_FIGURE_ROW = re.compile(r"^[^\n]*\t[^\n]*\d", re.MULTILINE)  # a data table: cells with figures
# In the zone between headline and body, a bare timestamp or a short `label：` line is the page header's.
_HEADER_ONLY = re.compile(r"^(?:\S{1,8}[:：].{0,30}|[\d\s:：/.年月日时分-]+)$")
# A template field filled by a script (来源：<script>var s='';if(s==''){s="…";}document.write(s)</script>):
# one document.write of a string, or of a variable given a string.
_WRITE = re.compile(
    r"document\.write(?:ln)?\(\s*(?:(?P<quote>['\"])(?P<literal>[^'\"<>\n]{1,60})(?P=quote)|(?P<variable>[A-Za-z_$][\w$]*))\s*\)"
)


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

    link_penalty: float = 1.0
    plain_penalty: float = 0.3
    tighten: float = 0.85


# The values bench/cleaning.py searches for each parameter of ReaderParams.
GRID: dict[str, tuple[float, ...]] = {
    "link_penalty": (0.5, 1.0, 2.0),
    "plain_penalty": (0.1, 0.3, 0.6, 1.0),  # at 0 plain text is free and the container grows to the page
    "tighten": (0.6, 0.75, 0.85, 0.95),
}


def parse(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree, or None when there is no markup to read (never raises on bad HTML)."""
    if not html or not html.strip():
        return None
    # lxml refuses control characters and lone surrogates in text it is handed back.
    html = _NOT_XML.sub("", html.encode("utf-8", "replace").decode("utf-8"))
    html = _XML_PROLOG.sub("", html, count=1)  # lxml refuses a decoded string that declares its encoding
    parser = lxml.html.HTMLParser(recover=True, huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        return None


def _render_written_fields(root: lxml.html.HtmlElement) -> None:
    """Put the short plain text a script writes in its place, as a browser shows it. CMS templates
    write fields such as 来源 this way; a script that writes markup, or writes more than once, stays code."""
    for script in root.iter("script"):
        code = script.text or ""
        if "document.write" not in code or code.count("document.write") > 1:
            continue
        written = _WRITE.search(code)
        if written is None:
            continue
        value = written.group("literal")
        if written.group("variable"):  # the first string the variable is given that is not empty
            given = re.search(rf"\b{re.escape(written.group('variable'))}\s*=\s*(['\"])([^'\"<>\n]{{1,60}})\1", code)
            value = given.group(2) if given else None
        if value and value.strip():
            script.tail = value + (script.tail or "")


def _drop(root: lxml.html.HtmlElement, tags: tuple[str, ...]) -> None:
    for element in list(root.iter(*tags)):
        if element.getparent() is not None:
            element.drop_tree()


def clean_html(html: str, *, body_selector: str | None = None) -> str:
    """The report body of an HTML page as text, one block a line ("" when there is none)."""
    return extract_article(html, body_selector=body_selector).body


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
    params = params or ReaderParams()
    root = parse(html)
    if root is None:
        return Article("", None, None, "", warnings=("no HTML to read",))
    _render_written_fields(root)
    _drop(root, _CODE_TAGS)
    expand_spans(root)  # each table row holds a cell per column: figures stay under their headers
    elements = list(root.iter())  # document order, kept alive so positions stay valid
    position = {id(e): i for i, e in enumerate(elements)}
    headings = heading_candidates(elements)
    body_element = root.find("body")
    page_text = block_text(body_element if body_element is not None else root)
    page = PageText.of(page_text)
    published = published_of(root, page, date_selector, base_url)
    source = source_of(root, page)
    _drop(root, _CHROME_TAGS)
    content = _content(root, body_selector, params)
    headline = title_of(root, headings, title_selector, position.get(id(content.container)), page_text)
    lines = _between(headline.element, content.container, elements, position) + content.lines
    body = _body(lines, headline.text)
    source = source or issuer_in_title(headline.text)  # no 来源 line: the issuer a document's title names
    published = published or _closing_date(content.lines, page_text)
    return Article(headline.text, published, source, body, warnings=_warnings(content, body))


def _closing_date(lines: list[str], page_text: str) -> date | None:
    """For a page that labels no date: the date its text closes on, a line of the date alone among the
    body's last lines (a notice's signature date is its 成文日期) or right under the body (a press
    release's date)."""
    for line in [*reversed(lines[-3:]), *_lines_after(lines, page_text)]:
        if found := date_alone(line):
            return found
    return None


def _lines_after(lines: list[str], page_text: str, count: int = 2) -> list[str]:
    """The first `count` lines the page shows after the body's last line."""
    if not lines:
        return []
    shown = [line for line in (" ".join(raw.split()) for raw in page_text.split("\n")) if line]
    last = "".join(lines[-1].split())
    at = next((i for i in range(len(shown) - 1, -1, -1) if "".join(shown[i].split()) == last), None)
    return [] if at is None else shown[at + 1 : at + 1 + count]


def _between(
    heading: lxml.html.HtmlElement | None,
    container: lxml.html.HtmlElement,
    elements: list[lxml.html.HtmlElement],
    position: dict[int, int],
) -> list[str]:
    """Lines shown between the headline and the body: subtitles and document numbers (文号).

    Taken only when few and short (a subtitle zone, not a page region); the text layer then drops
    the date, source and toolbar lines that sit there too.
    """
    if heading is None or heading.getroottree().getroot() is not container.getroottree().getroot():
        return []
    if heading in container.iterancestors() or container in heading.iterancestors():
        return []
    start = position.get(id(heading))
    end = position.get(id(container))
    if start is None or end is None or start >= end:
        return []
    last_of_heading = max((position.get(id(d), start) for d in heading.iterdescendants()), default=start)
    ancestors = {id(a) for a in container.iterancestors()}
    chosen: list[lxml.html.HtmlElement] = []
    for element in elements[last_of_heading + 1 : end]:
        if id(element) in ancestors or element.getparent() is None or not isinstance(element.tag, str):
            continue
        if chosen and (element is chosen[-1] or chosen[-1] in element.iterancestors()):
            continue
        chosen.append(element)
    root = container.getroottree().getroot()
    raw = [
        line
        for element in chosen
        if element.getroottree().getroot() is root and not _not_shown(element)
        for line in block_lines(element, skip=_not_shown)
    ]
    lines = [line for line in clean_lines(raw) if not _HEADER_ONLY.match(line)]
    if len(lines) > 4 or any(len(line) > 100 for line in lines):
        return []
    return lines


def _not_shown(element: lxml.html.HtmlElement) -> bool:
    """Not subtitle material: hidden, a link, or a toolbar widget."""
    return element.tag == "a" or own_hidden(element) or is_widget(element)


def _content(root: lxml.html.HtmlElement, body_selector: str | None, params: ReaderParams) -> Content:
    if body_selector:
        try:
            found = root.cssselect(body_selector)
        except Exception:  # a malformed registry selector: `portals validate` names it; detection takes over
            found = []
        if found:
            return content_of(found[0])
    return main_content(root, ContentParams(params.link_penalty, params.plain_penalty, params.tighten))


def _body(lines: list[str], title: str) -> str:
    folded_title = "".join(title.split())
    start = 0
    while start < len(lines) and folded_title and "".join(lines[start].split()) == folded_title:
        start += 1  # the headline is metadata, not body
    # a body pasted as laid out (a line break ending every line of a PDF's column): its sentences joined
    return "\n".join(clean_lines(unwrap("\n".join(lines[start:])).split("\n")))


def _warnings(content: Content, body: str) -> tuple[str, ...]:
    """What furniture looks like, said out loud: the page is kept, flagged for a look."""
    found = []
    if not body.strip():
        found.append("no body found")
        return tuple(found)
    if content.link_chars > 2 * max(1, content.sentence_chars):
        found.append("mostly link text")
    if not _SENTENCE.search(body) and not _FIGURE_ROW.search(body):
        found.append("no sentence punctuation")
    if content.page_sentence_chars >= 400 and content.sentence_chars < 0.25 * content.page_sentence_chars:
        found.append("very short against the page's text")
    if _repeated_share(body) >= 0.15:
        found.append("body repeated")
    return tuple(found)


def _repeated_share(body: str) -> float:
    """Share of the body's sentence text that is a second copy of a line (a field repeated once is not)."""
    seen: set[str] = set()
    total = repeated = 0
    for line in body.splitlines():
        folded = "".join(line.split())
        if len(folded) < 20 or not _SENTENCE.search(folded):
            continue
        total += len(folded)
        if folded in seen:
            repeated += len(folded)
        seen.add(folded)
    return repeated / total if total else 0.0
