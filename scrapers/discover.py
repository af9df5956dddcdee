"""List-page discovery: article links (newest first, as listed) and the next page.

Selectors from the registry come first. Without them the list is found by its shape, because
no two portals share a template: links are grouped by the DOM path of the item holding them
(li / tr / dd / div …), and a group is a list of articles when its items carry title-like
texts, dates or article URL shapes (`cms_shapes`) and it does not sit in navigation, header,
footer or pagination furniture. The strongest group is kept, with any group of similar
strength (a column page may show two lists). Column (directory) links, pagination and "more"
links never count as articles. Hanweb (大汉) pages that ship their list as XML records inside
a script are read too. The next page is the link labelled 下一页, or the page TRS's script pager
(`createPageHTML(…)`) would link as next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml.etree import ParserError, XMLSyntaxError
from lxml.html import HtmlElement

from scrapers.cms_shapes import (
    DIRECTORY_INDEX,
    DOCUMENT_PATH,
    LIST_DATE,
    LIST_PAGE_NAME,
    LISTING_PATH,
    NAVIGATION_AFFIXES,
    NAVIGATION_TAGS,
    NAVIGATION_TOKENS,
    NEXT_PAGE_WORDS,
    PAGE_NUMBER,
    PAGINATION_WORDS,
    has_record_number,
    is_article_url,
    is_tracking_param,
)
from scrapers.guard import host_allowed
from scrapers.registry import Portal

# A title-like link text holds at least this many CJK characters (a menu entry rarely does).
MIN_TITLE_CJK = 6
# An item (one list entry) holds at most this many links: title plus category, 解读 or "详情".
MAX_LINKS_PER_ITEM = 3
# How far above a link its item may start.
MAX_ITEM_DEPTH = 6
# A second list is kept when it scores at least this share of the strongest one.
KEEP_SHARE = 0.5
# A container holding this share of the page's links is the page, not a menu, whatever its class.
WRAPPER_SHARE = 0.5

_ITEM_TAGS = frozenset({"li", "tr", "dd", "dt", "article"})
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_TRUNCATED = ("...", "…", "..", "。。。")
# TRS pagers: createPageHTML(pages, current, name, ext) counts from 0 (page 0 is index.html); the
# newer createPageHTML('div_id', pages, current, name, ext, …) counts from 1. Page k > first is name_k.ext.
_TRS_PAGER = re.compile(
    r"createPageHTML\(\s*(?P<div>[\"'][^\"']*[\"']\s*,\s*)?(?P<pages>\d+)\s*,\s*(?P<current>\d+)\s*,"
    r"\s*[\"'](?P<name>\w+)[\"']\s*,\s*[\"'](?P<ext>\w+)[\"']"
)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class ArticleLink:
    url: str
    title: str


@dataclass(frozen=True)
class ListPage:
    articles: tuple[ArticleLink, ...]
    next_url: str | None


def _parse(html: str) -> HtmlElement | None:
    if not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (ParserError, XMLSyntaxError, ValueError):
        return None


def canonical(url: str) -> str:
    """One spelling per page: no fragment, lower-case scheme and host, no default port, no
    tracking parameters (utm_*, spm, WeChat share marks), remaining parameters sorted, and a
    directory index (`index.html`) reduced to its directory."""
    url, _ = urldefrag(url.strip())
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme == "http" and netloc.endswith(":80")) or (scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    path = parts.path or "/"
    if DIRECTORY_INDEX.search(path):
        path = DIRECTORY_INDEX.sub("/", path)
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k, v))
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def parse_list_page(html: str, page_url: str, portal: Portal) -> ListPage:
    """Article links and the next list page of one list page of `portal`."""
    doc = _parse(html)
    if doc is None:
        return ListPage((), None)
    base = _base_url(doc, page_url)
    if portal.selectors.list_item:
        articles = _selected_links(doc, portal.selectors.list_item, base, portal.allowed_hosts)
    else:
        articles = find_article_links(doc, base, portal.allowed_hosts)
    return ListPage(articles, _next_page(doc, base, portal))


def article_links(html: str, page_url: str, allowed_hosts: tuple[str, ...] = ()) -> tuple[ArticleLink, ...]:
    """The article links the crawler would follow on one list page with no registry selectors
    (`govreports links`); `allowed_hosts` defaults to the page's own host."""
    doc = _parse(html)
    if doc is None:
        return ()
    hosts = allowed_hosts or (urlsplit(page_url).hostname or "",)
    return find_article_links(doc, _base_url(doc, page_url), hosts)


def _base_url(doc: HtmlElement, page_url: str) -> str:
    """The page URL, or the page's own `<base href>`: relative links resolve as a browser would."""
    for base in doc.iter("base"):
        href = str(base.get("href") or "").strip()
        if href:
            return urljoin(page_url, href)
    return page_url


def _resolve(href: str | None, base: str, allowed_hosts: tuple[str, ...]) -> str | None:
    """The canonical absolute URL of an http(s) link on an allowed host, else None."""
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    url = canonical(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not host_allowed(parts.hostname or "", allowed_hosts):
        return None
    return url


def _selected_links(
    doc: HtmlElement, selector: str, base: str, allowed_hosts: tuple[str, ...]
) -> tuple[ArticleLink, ...]:
    """Every link the registry's list-item selector picks: the operator knows the portal best."""
    seen: set[str] = set()
    links: list[ArticleLink] = []
    for anchor in doc.cssselect(selector):
        url = _resolve(anchor.get("href"), base, allowed_hosts)
        if url and url not in seen:
            seen.add(url)
            links.append(ArticleLink(url, _squash(anchor.text_content())))
    return tuple(links)


# --- the list found by its shape ----------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    """One followable link of the page and what it looks like."""

    anchor: HtmlElement
    url: str
    title: str
    shaped: bool  # an article URL shape of a known CMS
    numbered: bool  # a record number in the URL (any CMS), or shaped
    listing: bool  # a column, list page or file: never an article


@dataclass
class _Group:
    """Links whose items share one DOM path: one list, possibly split over several blocks."""

    items: dict[HtmlElement, list[_Link]] = field(default_factory=dict)

    def articles(self) -> Iterator[tuple[HtmlElement, list[_Link]]]:
        for item, links in self.items.items():
            kept = [link for link in links if not link.listing]
            if kept:
                yield item, kept


@dataclass(frozen=True)
class _Score:
    items: int
    shaped: float
    numbered: float
    titled: float
    dated: float

    @property
    def value(self) -> float:
        """Items times how article-like they are: a long dated list of titles beats a menu."""
        return self.items * (1 + self.shaped + 0.5 * self.numbered + self.titled + self.dated)

    @property
    def is_list(self) -> bool:
        """Enough evidence that these are articles, not menu entries."""
        if self.items == 0:
            return False
        return (
            self.shaped >= 0.5
            or (self.dated >= 0.5 and self.items >= 2)
            or (self.items >= 3 and (self.titled >= 0.6 or self.numbered >= 0.8))
        )


def find_article_links(doc: HtmlElement, base: str, allowed_hosts: tuple[str, ...]) -> tuple[ArticleLink, ...]:
    """Article links of a list page in page order, found by the shape of the list."""
    _expand_datastores(doc)
    links = _links(doc, base, allowed_hosts)
    if not links:
        return ()
    counts = _link_counts(links)
    scored = [(group, _score(group)) for group in _groups(links, counts)]
    lists = [(group, score) for group, score in scored if score.is_list]
    if not lists:
        return ()
    best = max((score for _, score in lists), key=lambda score: score.value)
    kept: set[int] = set()
    for group, score in lists:
        if _is_peer(score, best):
            kept.update(id(link) for _, item_links in group.articles() for link in item_links)
    return _in_page_order(link for link in links if id(link) in kept)


def _is_peer(score: _Score, best: _Score) -> bool:
    """A second list worth following beside the strongest one (a column page showing two lists);
    when the strongest list is dated, an undated one is a sidebar of hot or recommended links."""
    return score.value >= KEEP_SHARE * best.value and (score.dated >= 0.5 or best.dated < 0.5)


def _in_page_order(links: Iterable[_Link]) -> tuple[ArticleLink, ...]:
    seen: set[str] = set()
    found: list[ArticleLink] = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            found.append(ArticleLink(link.url, link.title))
    return tuple(found)


def _links(doc: HtmlElement, base: str, allowed_hosts: tuple[str, ...]) -> list[_Link]:
    """Every link of the page a crawler could follow, pagination and self-links left out."""
    own = canonical(base)
    found: list[_Link] = []
    for anchor in doc.iter("a"):
        url = _resolve(anchor.get("href"), base, allowed_hosts)
        if url is None or url == own:
            continue
        text = _squash(anchor.text_content())
        if _is_pagination(text):
            continue
        parts = urlsplit(url)
        listing = bool(LISTING_PATH.search(parts.path) or DOCUMENT_PATH.search(parts.path))
        shaped = is_article_url(parts.path, parts.query)
        numbered = shaped or has_record_number(parts.path, parts.query)
        found.append(_Link(anchor, url, _title(anchor, text), shaped, numbered, listing and not shaped))
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


def _title(anchor: HtmlElement, text: str) -> str:
    """The link text, or its `title` attribute when the text is cut short (`…`) or missing:
    lists truncate long titles and keep the whole one in the attribute."""
    full = _squash(anchor.get("title") or "")
    if full and (not text or text.endswith(_TRUNCATED) or (len(full) > len(text) and full.startswith(text[:4]))):
        return full
    return text


def _is_pagination(text: str) -> bool:
    return text.lower() in PAGINATION_WORDS or bool(PAGE_NUMBER.match(text))


def _link_counts(links: list[_Link]) -> dict[HtmlElement, int]:
    """How many followable links each element holds (an item holds one or a few)."""
    counts: dict[HtmlElement, int] = {}
    for link in links:
        for element in link.anchor.iterancestors():
            counts[element] = counts.get(element, 0) + 1
    return counts


def _item_of(anchor: HtmlElement, counts: dict[HtmlElement, int]) -> HtmlElement:
    """The list entry holding `anchor`: the nearest li/tr/dd/dt/article above it that holds only
    a few links, else the highest element above it that holds this link alone."""
    single = anchor
    for depth, element in enumerate(anchor.iterancestors()):
        if depth >= MAX_ITEM_DEPTH or element.tag in ("body", "html") or counts.get(element, 0) > MAX_LINKS_PER_ITEM:
            break
        if element.tag in _ITEM_TAGS:
            return element
        if counts.get(element, 0) == 1:
            single = element
    return single


def _signature(item: HtmlElement) -> str:
    """The item's DOM path with its ancestors' classes (no ids, no item class): items of one list
    share it even when the list is split over several blocks or rows alternate classes."""
    parts = [str(item.tag)]
    for element in item.iterancestors():
        classes = ".".join(sorted((element.get("class") or "").split()))
        parts.append(f"{element.tag}.{classes}" if classes else str(element.tag))
    return "/".join(reversed(parts))


def _groups(links: list[_Link], counts: dict[HtmlElement, int]) -> list[_Group]:
    """Links grouped by their item's DOM path, links in site furniture left out."""
    groups: dict[str, _Group] = {}
    furniture: dict[HtmlElement, bool] = {}
    for link in links:
        item = _item_of(link.anchor, counts)
        if item not in furniture:
            furniture[item] = _in_navigation(item, counts, len(links))
        if furniture[item]:
            continue
        group = groups.setdefault(_signature(item), _Group())
        group.items.setdefault(item, []).append(link)
    return list(groups.values())


def _score(group: _Group) -> _Score:
    items = list(group.articles())
    if not items:
        return _Score(0, 0.0, 0.0, 0.0, 0.0)
    shaped = sum(any(link.shaped for link in links) for _, links in items)
    numbered = sum(any(link.numbered for link in links) for _, links in items)
    titled = sum(max(_cjk(link.title) for link in links) >= MIN_TITLE_CJK for _, links in items)
    dated = sum(bool(LIST_DATE.search(item.text_content() + (item.tail or ""))) for item, _ in items)
    n = len(items)
    return _Score(n, shaped / n, numbered / n, titled / n, dated / n)


def _cjk(text: str) -> int:
    return len(_CJK.findall(text))


def _in_navigation(item: HtmlElement, counts: dict[HtmlElement, int], total: int) -> bool:
    """True when the item sits in site furniture (nav, header, footer, breadcrumb, pagination,
    sidebar, related links), judged by tag or class/id token. A container holding most of the
    page's links is a page wrapper, whatever its name (an unclosed header div swallows a page)."""
    for element in (item, *item.iterancestors()):
        if element.tag in ("body", "html"):
            return False
        if counts.get(element, 0) >= WRAPPER_SHARE * total:
            continue
        if element.tag in NAVIGATION_TAGS or _has_navigation_name(element):
            return True
    return False


def _has_navigation_name(element: HtmlElement) -> bool:
    """Class or id says furniture: a token like `breadcrumb`, or one like `mainNav` / `leftmenu`."""
    name = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return any(
        token in NAVIGATION_TOKENS or token.startswith(NAVIGATION_AFFIXES) or token.endswith(NAVIGATION_AFFIXES)
        for token in _TOKEN_SPLIT.split(name)
        if token
    )


def _expand_datastores(doc: HtmlElement) -> None:
    """Hanweb (大汉) list pages ship their entries as `<record><![CDATA[<li>…</li>]]></record>` inside
    a `<script type="text/xml">` datastore that a script renders: put the entries in the page."""
    for script in list(doc.iter("script")):
        text = script.text or ""
        if "<recordset" not in text.lower():
            continue
        holder = lxml.html.Element("div")
        for record in _RECORD.findall(text):
            markup = record.strip()
            if markup.lower().startswith("<tr"):
                markup = f"<table>{markup}</table>"
            try:
                holder.extend(list(lxml.html.fragment_fromstring(markup, create_parent="div")))
            except (ParserError, XMLSyntaxError, ValueError):
                continue
        holder.tail = script.tail
        parent = script.getparent()
        if parent is not None:
            parent.replace(script, holder)


# --- pagination ---------------------------------------------------------------------------


def _next_page(doc: HtmlElement, page_url: str, portal: Portal) -> str | None:
    if portal.selectors.next_page:
        found = doc.cssselect(portal.selectors.next_page)
        href = found[0].get("href") if found else None
        return urldefrag(urljoin(page_url, href))[0] if href else None
    for anchor in doc.iter("a"):
        label = anchor.text_content().strip()
        href = anchor.get("href")
        if href and label in NEXT_PAGE_WORDS and not href.startswith("javascript:"):
            return str(urldefrag(urljoin(page_url, str(href)))[0])
    return _trs_next_page(doc, page_url)


def _trs_next_page(doc: HtmlElement, page_url: str) -> str | None:
    """TRS writes its pager from `createPageHTML(…)` at load time, so the saved page holds no
    下一页 link: the next page is name_{current+1}.ext while there is one."""
    for script in doc.iter("script"):
        match = _TRS_PAGER.search(script.text or "")
        if match:
            pages, current = int(match["pages"]), int(match["current"])
            last = pages if match["div"] else pages - 1
            return urljoin(page_url, f"{match['name']}_{current + 1}.{match['ext']}") if current < last else None
    return None


def list_page_number(url: str) -> int:
    """1 for index.html (or its directory), N for index_N.html (the pagination shape of most CMSs)."""
    match = LIST_PAGE_NAME.search(urlsplit(url).path)
    return int(match.group(1)) if match and match.group(1) else 1
