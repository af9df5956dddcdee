"""Walk a portal's list pages, newest first, to a bound; report each page fetched."""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field

from scrapers.discover import ArticleLink, parse_list_page
from scrapers.errors import CrawlError
from scrapers.fetcher import Fetcher, FetchResult
from scrapers.registry import Portal

PageCallback = Callable[[str, FetchResult | None, CrawlError | None], None]


@dataclass
class Discovery:
    links: list[ArticleLink] = field(default_factory=list)
    pages_fetched: int = 0
    errors: list[CrawlError] = field(default_factory=list)


def discover(
    fetcher: Fetcher,
    portal: Portal,
    *,
    known: Container[str] = frozenset(),
    full: bool = False,
    on_page: PageCallback | None = None,
) -> Discovery:
    """Article links of every seed of `portal`.

    Pagination stops at `max_list_pages`, at a page without a next link, or (unless `full`)
    at the first page whose links are all `known`: an unchanged portal costs one list page.
    A failed list page is reported and ends that seed's walk; other seeds go on.
    """
    found = Discovery()
    seen: set[str] = set()
    for seed in portal.seeds:
        url: str | None = seed
        visited: set[str] = set()
        while url and url not in visited and len(visited) < portal.max_list_pages:
            visited.add(url)
            try:
                result = fetcher.get(url, portal)
            except CrawlError as exc:
                found.errors.append(exc)
                if on_page:
                    on_page(url, None, exc)
                break
            found.pages_fetched += 1
            if on_page:
                on_page(url, result, None)
            page = parse_list_page(result.text, result.url, portal)
            new = [link for link in page.articles if link.url not in seen]
            seen.update(link.url for link in new)
            found.links.extend(new)
            if not full and page.articles and all(link.url in known for link in page.articles):
                break
            url = page.next_url
    return found
