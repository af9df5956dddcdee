"""List-page discovery: article links (newest first, as listed) and the next page.

Selectors from the registry come first; without them, links are kept when their URL has an
article shape (`cms_shapes`), and the next page is the link labelled 下一页 or the next
`index_N.html`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError

from scrapers.cms_shapes import LIST_PAGE_NAME, NEXT_PAGE_WORDS, is_article_url
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
    """The URL without its fragment, scheme and host lower-cased."""
    url, _ = urldefrag(url)
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    if (parts.scheme == "http" and netloc.endswith(":80")) or (parts.scheme == "https" and netloc.endswith(":443")):
        netloc = netloc.rsplit(":", 1)[0]
    return parts._replace(scheme=parts.scheme.lower(), netloc=netloc).geturl()


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
        return canonical(urljoin(page_url, href)) if href else None
    for anchor in doc.iter("a"):
        label = anchor.text_content().strip()
        href = anchor.get("href")
        if href and label in NEXT_PAGE_WORDS and not href.startswith("javascript:"):
            return canonical(urljoin(page_url, href))
    return None


def list_page_number(url: str) -> int:
    """1 for index.html, N for index_N.html (the pagination shape of most CMSs)."""
    match = LIST_PAGE_NAME.search(urlsplit(url).path)
    return int(match.group(1)) if match and match.group(1) else 1
