"""Walk a portal's list pages, newest first, to a bound; report each page fetched."""

from __future__ import annotations

from collections.abc import Callable, Collection, Container
from dataclasses import dataclass, field

from scrapers.discover import ArticleLink, parse_list_page
from scrapers.errors import CrawlError
from scrapers.fetcher import Fetcher, FetchResult
from scrapers.registry import Portal

PageCallback = Callable[[str, FetchResult | None, CrawlError | None], None]
LinksCallback = Callable[[list[ArticleLink]], None]


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
    owed: Collection[str] = frozenset(),
    full: bool = False,
    on_page: PageCallback | None = None,
    on_links: LinksCallback | None = None,
) -> Discovery:
    """Article links of every seed of `portal`.

    Pagination stops at `max_list_pages`, at a page without a next link, or (unless `full`) at the
    first page whose links are all `known` once every `owed` URL has been listed: an unchanged
    portal costs one list page.

    `owed` are the known reports due for a revisit. Lists are newest first, so a report slides to
    page 2 and beyond as others are published, and a walk stopping at the first page of known links
    would never list it again: it would never be revisited without `--full`. The walk goes on only
    while a report the crawl means to revisit is still unlisted, so it reads as many pages as the
    deepest due report needs (each report's own adaptive interval sets how often that is), and no
    more than one page when nothing is due. A due report gone from the list keeps the walk going to
    `max_list_pages`, the pages a `--full` walk reads. `owed` is shared by the seeds: one listed by
    any seed is owed no more.

    A failed list page is reported and ends that seed's walk; other seeds go on. `on_links` hears
    each page's new links as soon as the page is read, so that a caller can start on them while the
    walk goes on.
    """
    found = Discovery()
    seen: set[str] = set()
    unlisted = set(owed)
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
            if on_links and new:
                on_links(new)
            unlisted.difference_update(link.url for link in page.articles)
            if not full and not unlisted and page.articles and all(link.url in known for link in page.articles):
                break
            url = page.next_url
    return found
