"""Continuation pages: the further pages a CMS splits one long article into.

TRS WCM publishes an article with page breaks as t20230105_123.html, t20230105_123_1.html,
t20230105_123_2.html …: the first page draws its page bar with
`createPageHTML(3, 0, "t20230105_123", "html")`, the script every TRS template calls for paging
(list pages call it for index.html, index_1.html …). Other CMSs, and TRS templates that print the
bar, link the pages: `<a href="post_123_1.html">2</a>`. Read from its first page alone, such a report
loses the rest of its body.

The continuations of a page are the files of its own directory named as it is, plus _N (TRS counts
the second page _1, DedeCMS _2), with its extension: those the script counts and those the page links. A page a
program serves (detail.jsp?channel=12&id=345) is paged by a parameter instead
(…&id=345&page=2, pageNo, curPage …, counted from 1): its continuations are the links to its own
address with its own parameters and one page parameter more. Nothing else is one: another article's
pages, a list page, a page of another directory.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(?P<count>\d+)\s*,\s*\d+\s*,\s*[\"'](?P<stem>[^\"']+)[\"']\s*,\s*[\"'](?P<ext>[^\"']+)[\"']"
)
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_FILE = re.compile(r"(?P<stem>[^/]+)\.(?P<ext>[A-Za-z]{3,5})\Z")
MAX_NUMBERED_PAGES = 1000  # a continuation number past this is no page number (an id, a date)
# The names programs give the parameter that pages an article (page, pageNo, page_num, curPage, pn …).
_PAGE_PARAMETER = re.compile(r"(?:page|page_?(?:no|num|index)|cur(?:rent)?_?page|pn|pg)\Z", re.IGNORECASE)


@dataclass(frozen=True)
class Continuation:
    """Page `number` + 1 of an article (number 1 is its second page), at `url`."""

    number: int
    url: str


def _file(url: str) -> tuple[str, str, str] | None:
    """(directory URL, stem, extension) of the file a page URL names; None for a directory or a query."""
    parts = urlsplit(url)
    directory, _, name = parts.path.rpartition("/")
    found = _FILE.match(name)
    if found is None or parts.query:
        return None
    return urlunsplit((parts.scheme, parts.netloc, directory + "/", "", "")), found["stem"], found["ext"]


def page_number(url: str, first: str) -> int | None:
    """N when `url` is continuation N of the article whose first page is `first`, else None."""
    if urlsplit(first).query:
        return _parameter_page(url, first)
    mine, theirs = _file(url), _file(first)
    if mine is None or theirs is None or mine[0] != theirs[0] or mine[2] != theirs[2]:
        return None
    prefix = theirs[1] + "_"
    number = mine[1][len(prefix) :] if mine[1].startswith(prefix) else ""
    return int(number) if number.isdecimal() and 0 < int(number) < MAX_NUMBERED_PAGES else None


def page_in_article(number: int, numbers: Collection[int]) -> int:
    """Which page of its article (the first is page 1) continuation `number` is, among the numbers of
    the article's continuations. TRS names the second page _1 (_N is page N + 1); DedeCMS and other
    CMSs name it _2 (_N is page N): continuations that do not start at _1 are counted that way."""
    return number + 1 if 1 in numbers else number


def _parameter_page(url: str, first: str) -> int | None:
    """N when `url` is `first`'s address with its parameters and a page parameter naming page N + 1."""
    mine, theirs = urlsplit(url), urlsplit(first)
    if (mine.netloc, mine.path) != (theirs.netloc, theirs.path) or not mine.query:
        return None
    parameters = parse_qsl(mine.query, keep_blank_values=True)
    paging = [(key, value) for key, value in parameters if _PAGE_PARAMETER.match(key)]
    if len(paging) != 1 or not paging[0][1].isdecimal():
        return None
    key, value = paging[0]
    own = sorted((k, v) for k, v in parse_qsl(theirs.query, keep_blank_values=True) if k != key)
    if sorted((k, v) for k, v in parameters if k != key) != own:
        return None
    number = int(value) - 1
    return number if 0 < number < MAX_NUMBERED_PAGES else None


def _linked_by_parameter(html: str, url: str, first: str, limit: int) -> list[Continuation]:
    """The continuations of a page a program serves that the page at `url` links, in page order."""
    found: dict[int, str] = {}
    for href in _HREF.findall(html):
        link = urljoin(url, unescape(href).split("#")[0])
        number = _parameter_page(link, first)
        if number is not None:
            found.setdefault(number, link)
    return [Continuation(n, found[n]) for n in sorted(found)[:limit]]


def continuations(html: str, url: str, first: str, limit: int) -> list[Continuation]:
    """The continuation pages of the article whose first page is `first` that the page at `url` (its
    first page or a continuation) announces, in page order, at most `limit`."""
    if limit <= 0:
        return []
    if urlsplit(first).query:
        return _linked_by_parameter(html, url, first, limit)
    page = _file(first)
    if page is None:
        return []
    directory, stem, ext = page
    numbers: set[int] = set()
    if "createPageHTML" in html:
        for call in _CREATE_PAGE.finditer(html):
            if call["stem"] == stem and call["ext"] == ext:
                numbers.update(range(1, min(int(call["count"]), limit + 1)))
    if stem + "_" in html:  # no link can name a continuation otherwise (hrefs are the stem, relative or whole)
        for href in _HREF.findall(html):
            number = page_number(urljoin(url, href.split("#")[0]), first)
            if number is not None:
                numbers.add(number)
    return [Continuation(n, f"{directory}{stem}_{n}.{ext}") for n in sorted(numbers)[:limit]]
