"""A crawler portals can live with: polite, incremental, safe (issue: the crawler)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from pipelines.store.models import FetchEvent, Report, ReportVersion, utcnow
from scrapers.discover import canonical
from scrapers.errors import BlockedURL, HTTPStatusFailure, TooLarge, TransientFetchError
from scrapers.fetcher import Fetcher, FetchPolicy, make_client, parse_retry_after
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.helpers import crawl_demo, local_portal, versions

LIST = "/yj/zwgk/gzbg/index.html"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    policy = FetchPolicy(read_timeout=2, connect_timeout=2, max_body_bytes=1_000_000)
    with make_client(policy) as client:
        yield Fetcher(client, policy)


# --- polite -----------------------------------------------------------------


def test_a_robots_disallowed_report_is_recorded_as_skipped_and_never_fetched(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    portal = demo_site.portals["yj"]
    blocked = portal.article_path(portal.articles[0])
    demo_site.robots_txt = f"User-agent: *\nDisallow: {blocked}\n"
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-yangjiang",))
    assert blocked not in demo_site.requests
    with rt.sessions() as session:
        skipped = session.scalars(select(FetchEvent).where(FetchEvent.outcome == "skipped")).all()
    assert [e.url.endswith(blocked) for e in skipped] == [True]
    assert versions(rt) == len(portal.articles) - 1


def test_crawl_delay_in_robots_spaces_requests(fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer) -> None:
    demo_site.robots_txt = "User-agent: *\nCrawl-delay: 1\n"
    portal = local_portal(demo_server)
    fetcher.get(demo_server.base_url + LIST, portal)
    started = time.monotonic()
    fetcher.get(demo_server.base_url + LIST, portal)
    assert time.monotonic() - started >= 0.9


def test_a_429_carries_its_retry_after_and_pauses_the_host(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    demo_site.retry_after = 1
    demo_site.fail(LIST, "429", times=1)
    portal = local_portal(demo_server)
    with pytest.raises(TransientFetchError) as caught:
        fetcher.get(demo_server.base_url + LIST, portal)
    assert caught.value.status == 429 and caught.value.retry_after == 1.0
    started = time.monotonic()
    assert fetcher.get(demo_server.base_url + LIST, portal).status == 200
    assert time.monotonic() - started >= 0.9


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_is_read_as_seconds_or_a_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_every_request_names_govreports_in_its_user_agent(demo_server: DemoServer) -> None:
    policy = FetchPolicy(user_agent="govreports/9 (+https://example.org/contact)")
    with make_client(policy) as client:
        assert client.headers["User-Agent"] == "govreports/9 (+https://example.org/contact)"


# --- incremental ------------------------------------------------------------


def test_a_recrawl_of_an_unchanged_portal_fetches_list_page_one_and_nothing_else(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo()
    demo_site.requests.clear()
    crawl_demo()
    assert sorted(demo_site.requests) == ["/hy/zwgk/ghjh/index.html", "/yj/zwgk/gzbg/index.html"]


def test_an_incremental_crawl_revisits_a_report_listed_only_on_a_later_list_page(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, revisit_after_hours=24)
    crawl_demo(("demo-heyuan",))
    hy = demo_site.portals["hy"]
    deep = hy.articles[-1]  # the oldest report: listed on the last list page only
    assert hy.page_count == 2
    demo_site.edit("hy", deep.id, "全年新增网上办理事项321项。")
    with rt.sessions() as session, session.begin():  # its revisit falls due; page 1's reports are not due
        session.execute(
            update(Report)
            .where(Report.url.endswith(hy.article_path(deep)))
            .values(last_fetched_at=utcnow() - timedelta(hours=25))
        )
    demo_site.requests.clear()
    crawl_demo(("demo-heyuan",))
    assert hy.list_page_path(2) in demo_site.requests
    with rt.sessions() as session:
        stored = session.scalars(
            select(ReportVersion).join(Report).where(Report.url.endswith(hy.article_path(deep)))
        ).all()
    assert [v.version for v in stored] == [1, 2]
    assert "321项" in stored[-1].clean_text


def test_a_304_costs_no_body_and_creates_nothing(
    sqlite_url: str, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    rt = make_runtime(sqlite_url, demo_server.base_url, revisit_after_hours=0)
    crawl_demo(("demo-yangjiang",))
    before = versions(rt)
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        answers = session.scalars(select(FetchEvent).where(FetchEvent.kind == "article").order_by(FetchEvent.id)).all()
    second = answers[len(answers) // 2 :]
    assert {(e.status, e.outcome, e.size_bytes, e.body_z) for e in second} == {(304, "not_modified", 0, None)}
    assert versions(rt) == before


def test_pagination_stops_at_the_bound(fetcher: Fetcher, demo_server: DemoServer) -> None:
    from scrapers.crawl import discover

    portal = local_portal(demo_server, seeds=(demo_server.base_url + "/hy/zwgk/ghjh/index.html",), max_list_pages=1)
    assert discover(fetcher, portal).pages_fetched == 1


def test_a_full_walk_reads_every_list_page(fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer) -> None:
    from scrapers.crawl import discover

    portal = local_portal(demo_server, seeds=(demo_server.base_url + "/hy/zwgk/ghjh/index.html",))
    found = discover(fetcher, portal, full=True)
    assert found.pages_fetched == demo_site.portals["hy"].page_count == 2
    assert len(found.links) == len(demo_site.portals["hy"].articles)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Example.GOV.cn:80/a/b.html#top", "http://www.example.gov.cn/a/b.html"),
        ("https://x.gov.cn:443/zwgk/index.html", "https://x.gov.cn/zwgk/"),
        ("https://x.gov.cn/art/1.html?utm_source=wx&spm=a.b&id=7", "https://x.gov.cn/art/1.html?id=7"),
        ("https://x.gov.cn/a.html?from=timeline&isappinstalled=0", "https://x.gov.cn/a.html"),
        ("https://x.gov.cn/a.html?b=2&a=1", "https://x.gov.cn/a.html?a=1&b=2"),
        ("https://x.gov.cn/list.jsp?from=2023", "https://x.gov.cn/list.jsp?from=2023"),
    ],
)
def test_urls_are_canonicalised_so_one_report_is_one_row(url: str, expected: str) -> None:
    assert canonical(url) == expected


def test_redirects_are_followed_and_the_final_url_kept(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    demo_site.fail("/old/list.html", f"redirect:{LIST}")
    result = fetcher.get(demo_server.base_url + "/old/list.html", local_portal(demo_server))
    assert result.url == demo_server.base_url + LIST


# --- safe ---------------------------------------------------------------------


def test_a_redirect_to_a_private_address_is_refused_before_connecting(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    demo_site.fail("/jump.html", "redirect:http://10.20.30.40/admin")
    portal = local_portal(demo_server, allowed_hosts=("127.0.0.1", "10.20.30.40"))
    with pytest.raises(BlockedURL, match=r"refused address 10\.20\.30\.40"):
        fetcher.get(demo_server.base_url + "/jump.html", portal)


def test_a_redirect_to_the_metadata_service_is_refused(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    demo_site.fail("/jump.html", "redirect:http://169.254.169.254/latest/meta-data/")
    portal = local_portal(demo_server, allowed_hosts=("127.0.0.1", "169.254.169.254"))
    with pytest.raises(BlockedURL, match="refused address"):
        fetcher.get(demo_server.base_url + "/jump.html", portal)


def test_a_redirect_off_the_portal_is_refused(fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer) -> None:
    demo_site.fail("/jump.html", "redirect:https://evil.example.com/")
    with pytest.raises(BlockedURL, match="not one of the portal's hosts"):
        fetcher.get(demo_server.base_url + "/jump.html", local_portal(demo_server))


def test_a_redirect_loop_ends_at_the_bound(fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer) -> None:
    demo_site.fail("/loop.html", "redirect:/loop.html")
    with pytest.raises(BlockedURL, match="redirects"):
        fetcher.get(demo_server.base_url + "/loop.html", local_portal(demo_server))


def test_a_decompression_bomb_is_cut_off_at_the_size_limit(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    demo_site.fail("/bomb.html", "gzip-bomb")
    with pytest.raises(TooLarge):
        fetcher.get(demo_server.base_url + "/bomb.html", local_portal(demo_server))


def test_no_more_than_the_per_host_cap_of_requests_are_in_flight(demo_site: DemoSite, demo_server: DemoServer) -> None:
    import threading

    policy = FetchPolicy(read_timeout=5, max_connections_per_host=2, requests_per_second=1000)
    demo_site.answer_delay = 0.3
    paths = [f"/slow/{i}.html" for i in range(6)]
    with make_client(policy) as client:
        fetcher = Fetcher(client, policy)

        def get(path: str) -> None:
            with pytest.raises(HTTPStatusFailure):  # 404, after 0.3 s
                fetcher.get(demo_server.base_url + path, local_portal(demo_server))

        threads = [threading.Thread(target=get, args=(p,)) for p in paths]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert demo_site.peak_in_flight == 2


def test_robots_txt_is_asked_within_the_hosts_rate(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    portal = local_portal(demo_server, rate_limit_per_second=4)
    for path in (LIST, LIST):
        fetcher.get(demo_server.base_url + path, portal)
    arrivals = [t for t, _ in demo_site.request_times]
    assert [p for _, p in demo_site.request_times] == ["/robots.txt", LIST, LIST]
    assert min(b - a for a, b in itertools.pairwise(arrivals)) >= 0.25 - 0.02


def test_an_oversized_robots_txt_is_not_read(fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer) -> None:
    demo_site.robots_txt = "User-agent: *\nDisallow: /\n" + "# padding\n" * 60_000  # 600 KB
    result = fetcher.get(demo_server.base_url + LIST, local_portal(demo_server))
    assert result.status == 200  # the file was refused unread, as if unreachable: nothing disallowed


def test_a_long_retry_after_hands_requests_back_instead_of_sleeping(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    demo_site.retry_after = 120
    demo_site.fail("/busy.html", "503", times=1)
    portal = local_portal(demo_server)
    with pytest.raises(TransientFetchError):
        fetcher.get(demo_server.base_url + "/busy.html", portal)
    asked = time.monotonic()
    with pytest.raises(TransientFetchError) as handed_back:
        fetcher.get(demo_server.base_url + LIST, portal)
    assert time.monotonic() - asked < 1
    assert 100 < (handed_back.value.retry_after or 0) <= 120
    assert LIST not in demo_site.requests


def test_a_retry_after_longer_than_the_policy_allows_is_capped(demo_site: DemoSite, demo_server: DemoServer) -> None:
    policy = FetchPolicy(max_retry_after=60)
    demo_site.retry_after = 86_400
    demo_site.fail("/busy.html", "503", times=1)
    with make_client(policy) as client, pytest.raises(TransientFetchError) as refused:
        Fetcher(client, policy).get(demo_server.base_url + "/busy.html", local_portal(demo_server))
    assert refused.value.retry_after == 60


def test_a_body_that_decodes_only_to_mojibake_is_refused() -> None:
    from scrapers.encoding import decode_body
    from scrapers.errors import UndecodableBody

    noise = bytes(range(128, 256)) * 40
    with pytest.raises(UndecodableBody):
        decode_body(noise, "text/html; charset=utf-8")
