"""List-page discovery: article links (newest first, as listed) and the next page.

Selectors from the registry come first; without them, links are kept when their URL has an
article shape (`cms_shapes`), and the next page is the link labelled 下一页 or the next
`index_N.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml.etree import ParserError

from scrapers.cms_shapes import DIRECTORY_INDEX, LIST_PAGE_NAME, NEXT_PAGE_WORDS, is_article_url, is_tracking_param
from scrapers.guard import host_allowed
from scrapers.registry import Portal


@dataclass(frozen=True)
class ArticleLink:
    url: str
    title: str


@dataclass(frozen=True)
class ListPage:
    articles: tuple[ArticleLink, ...]
    next_url: str | None


def _parse(html: str) -> lxml.html.HtmlElement | None:
    if not html.strip():
        return None
    try:
        return lxml.html.fromstring(html)
    except (ParserError, ValueError):
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
    selector = portal.selectors.list_item
    anchors = doc.cssselect(selector) if selector else doc.iter("a")
    seen: set[str] = set()
    links: list[ArticleLink] = []
    for anchor in anchors:
        href = anchor.get("href")
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = canonical(urljoin(page_url, href))
        parts = urlsplit(url)
        if not host_allowed(parts.hostname or "", portal.allowed_hosts):
            continue
        if not selector and not is_article_url(parts.path):
            continue
        if url not in seen:
            seen.add(url)
            links.append(ArticleLink(url, " ".join(anchor.text_content().split())))
    return ListPage(tuple(links), _next_page(doc, page_url, portal))


def _next_page(doc: lxml.html.HtmlElement, page_url: str, portal: Portal) -> str | None:
    if portal.selectors.next_page:
        found = doc.cssselect(portal.selectors.next_page)
        href = found[0].get("href") if found else None
        return urldefrag(urljoin(page_url, href))[0] if href else None
    for anchor in doc.iter("a"):
        label = anchor.text_content().strip()
        href = anchor.get("href")
        if href and label in NEXT_PAGE_WORDS and not href.startswith("javascript:"):
            return str(urldefrag(urljoin(page_url, str(href)))[0])
    return None


def list_page_number(url: str) -> int:
    """1 for index.html (or its directory), N for index_N.html (the pagination shape of most CMSs)."""
    match = LIST_PAGE_NAME.search(urlsplit(url).path)
    return int(match.group(1)) if match and match.group(1) else 1
