"""The fetcher against real HTTP on 127.0.0.1: limits, guard, statuses, encodings."""

from __future__ import annotations

import codecs
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scrapers.encoding import decode_body
from scrapers.errors import BlockedURL, HTTPStatusFailure, RobotsDisallowed, TooLarge, TransientFetchError
from scrapers.fetcher import Fetcher, FetchPolicy, make_client
from scrapers.guard import check_url
from seeds.demo import DemoServer, DemoSite
from tests.helpers import local_portal


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    policy = FetchPolicy(read_timeout=0.5, connect_timeout=0.5, max_body_bytes=200_000)
    with make_client(policy) as client:
        yield Fetcher(client, policy)


def test_a_page_is_fetched_with_its_validators(fetcher: Fetcher, demo_server: DemoServer) -> None:
    result = fetcher.get(demo_server.base_url + "/yj/zwgk/gzbg/index.html", local_portal(demo_server))
    assert result.status == 200 and result.etag and "news-list" in result.text


def test_a_matching_etag_costs_no_body(fetcher: Fetcher, demo_server: DemoServer) -> None:
    url = demo_server.base_url + "/yj/zwgk/gzbg/index.html"
    first = fetcher.get(url, local_portal(demo_server))
    second = fetcher.get(url, local_portal(demo_server), etag=first.etag)
    assert second.not_modified and second.body == b""


def test_loopback_is_refused_unless_the_portal_allows_private_addresses(
    fetcher: Fetcher, demo_server: DemoServer
) -> None:
    with pytest.raises(BlockedURL, match=r"refused address 127\.0\.0\.1"):
        fetcher.get(demo_server.base_url + "/", local_portal(demo_server, private_networks=()))


def test_a_host_outside_the_portal_is_refused(fetcher: Fetcher, demo_server: DemoServer) -> None:
    with pytest.raises(BlockedURL, match="not one of the portal's hosts"):
        fetcher.get("http://localhost:1/x.html", local_portal(demo_server))


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.8/", "http://[::1]/", "http://0.0.0.0/"],
)
def test_private_and_metadata_addresses_are_refused(url: str) -> None:
    host = httpx.URL(url).host
    with pytest.raises(BlockedURL):
        check_url(url, allowed_hosts=(host,))


class RebindingDNS:
    """Answers `name` with `first` on the first lookup and `then` on every later one (DNS rebinding)."""

    def __init__(self, name: str, first: str, then: str) -> None:
        self.name, self.first, self.then = name, first, then
        self.lookups = 0
        self._real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != self.name:
            return self._real(host, port, *args, **kwargs)
        self.lookups += 1
        address = self.first if self.lookups == 1 else self.then
        return self._real(address, port, *args, **kwargs)


def test_a_name_that_rebinds_to_loopback_after_the_check_is_refused_at_connect(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = demo_server.base_url.rsplit(":", 1)[1]
    dns = RebindingDNS("rebind.example.gov.cn", first="93.184.216.34", then="127.0.0.1")
    monkeypatch.setattr(socket, "getaddrinfo", dns)
    portal = local_portal(demo_server, allowed_hosts=("example.gov.cn",), private_networks=())
    with pytest.raises(BlockedURL, match=r"127\.0\.0\.1"):
        fetcher.get(f"http://rebind.example.gov.cn:{port}/yj/zwgk/gzbg/index.html", portal)
    assert dns.lookups >= 2  # checked, then resolved again at connect: and refused there
    assert demo_site.requests == []


def test_a_resolver_that_cannot_answer_now_is_transient_and_a_missing_name_permanent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def lookup(code: int) -> Any:
        def fail(*_: Any, **__: Any) -> Any:
            raise socket.gaierror(code, "scripted")

        return fail

    monkeypatch.setattr(socket, "getaddrinfo", lookup(socket.EAI_AGAIN))
    with pytest.raises(TransientFetchError):
        check_url("https://www.example.gov.cn/", allowed_hosts=("example.gov.cn",))
    monkeypatch.setattr(socket, "getaddrinfo", lookup(socket.EAI_NONAME))
    with pytest.raises(BlockedURL):
        check_url("https://www.example.gov.cn/", allowed_hosts=("example.gov.cn",))


def test_the_client_alone_never_connects_to_a_private_address(demo_server: DemoServer) -> None:
    with make_client(FetchPolicy()) as client, pytest.raises(BlockedURL):
        client.get(demo_server.base_url + "/")


def test_a_500_is_transient(fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer) -> None:
    demo_site.fail("/yj/zwgk/gzbg/index.html", "500")
    with pytest.raises(TransientFetchError) as caught:
        fetcher.get(demo_server.base_url + "/yj/zwgk/gzbg/index.html", local_portal(demo_server))
    assert caught.value.status == 500 and caught.value.url.endswith("index.html")


def test_a_404_is_permanent(fetcher: Fetcher, demo_server: DemoServer) -> None:
    with pytest.raises(HTTPStatusFailure):
        fetcher.get(demo_server.base_url + "/yj/nothing.html", local_portal(demo_server))


def test_a_stalled_answer_times_out_as_transient(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    demo_site.stall_seconds = 1.5
    demo_site.fail("/yj/zwgk/gzbg/index.html", "timeout")
    with pytest.raises(TransientFetchError, match="timed out"):
        fetcher.get(demo_server.base_url + "/yj/zwgk/gzbg/index.html", local_portal(demo_server))


def test_a_body_over_the_limit_is_refused(demo_server: DemoServer) -> None:
    policy = FetchPolicy(max_body_bytes=1000)
    with make_client(policy) as client, pytest.raises(TooLarge):
        Fetcher(client, policy).get(demo_server.base_url + "/yj/zwgk/gzbg/index.html", local_portal(demo_server))


def test_robots_disallowed_urls_are_never_fetched(
    fetcher: Fetcher, demo_site: DemoSite, demo_server: DemoServer
) -> None:
    with pytest.raises(RobotsDisallowed):
        fetcher.get(demo_server.base_url + "/admin/secret.html", local_portal(demo_server))
    assert "/admin/secret.html" not in demo_site.requests


def test_gbk_with_charset_only_in_meta_decodes_as_gb18030() -> None:
    body = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head>'
        "<body>政务服务数据管理局</body></html>"
    )
    text, encoding = decode_body(body.encode("gbk"), "text/html")
    assert encoding == "gb18030" and "政务服务数据管理局" in text


def test_a_bom_wins_over_a_wrong_meta_charset() -> None:
    body = codecs.BOM_UTF8 + '<meta charset="gbk"><p>數據</p>'.encode()
    text, encoding = decode_body(body, "text/html")
    assert encoding == "utf-8-sig" and "數據" in text


def test_utf8_without_any_declaration_decodes() -> None:
    assert decode_body("<p>办结率99.8%</p>".encode(), None)[0] == "<p>办结率99.8%</p>"


# A page of invented text long enough to be read as a portal page: its charset is the page's own.
_PAGE = "<html><head>{meta}<title>某区政务服务中心年度工作情况</title></head><body>{body}</body></html>"
_SENTENCES = "".join(
    f"<p>第{i}项：全区政务服务事项网上可办率达到百分之九十以上，群众满意度持续提升。</p>" for i in range(60)
)


def _gbk_page(meta: str = '<meta charset="gbk">') -> bytes:
    return _PAGE.format(meta=meta, body=_SENTENCES).encode("gb18030")


def _cut_inside_last_character(body: bytes) -> bytes:
    """The body cut off after the first byte of a two-byte character past its middle (a download cut short)."""
    at = len(body) // 2
    while body[at] < 0x81:
        at += 1
    return body[: at + 1]


def test_a_gbk_page_cut_off_inside_a_character_is_read_as_gbk_without_that_character() -> None:
    text, encoding = decode_body(_cut_inside_last_character(_gbk_page()), "text/html")
    assert encoding == "gb18030" and "全区政务服务事项" in text and "\ufffd" not in text


def test_an_undeclared_gbk_page_cut_off_inside_a_character_is_not_read_in_a_single_byte_charset() -> None:
    text, encoding = decode_body(_cut_inside_last_character(_gbk_page(meta="")), "text/html")
    assert encoding == "gb18030" and "群众满意度" in text


def test_one_stray_byte_in_a_declared_gbk_page_costs_one_character_not_the_page() -> None:
    body = _gbk_page()
    damaged = body[: len(body) // 3] + b"\x80" + body[len(body) // 3 :]
    text, encoding = decode_body(damaged, "text/html")
    assert encoding == "gb18030" and text.count("\ufffd") == 1 and "群众满意度持续提升" in text


def test_a_servers_default_latin_charset_gives_way_to_the_charset_the_page_declares() -> None:
    text, encoding = decode_body(_gbk_page(), "text/html;charset=ISO-8859-1")
    assert encoding == "gb18030" and "群众满意度持续提升" in text


def test_a_latin_page_served_with_its_latin_charset_is_still_read_in_it() -> None:
    page = ("<p>" + "plain text in a western language " * 30 + "café crème</p>").encode("latin-1")
    assert decode_body(page, "text/html;charset=ISO-8859-1") == (page.decode("latin-1"), "iso8859-1")
