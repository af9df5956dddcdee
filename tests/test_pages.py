"""The analyst's page as HTML: sign-in, untrusted portal text escaped, links only to http(s), the CSP.

What a person sees in a real browser is tested in test_browser.py; these pin the rules one by one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.helpers import crawl_demo
from workers.config import Settings
from workers.web.app import COOKIE, create_app
from workers.web.chart import nice_ticks
from workers.web.pages import href

TOKEN = "page-token-81d0"
HOSTILE_TITLE = '<script>alert(1)</script>年度报告<img src=x onerror="alert(2)">'


@pytest.fixture
def page(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> Iterator[TestClient]:
    demo_site.add("yj", HOSTILE_TITLE, ["全年办理事项1200项，办结率99.5%。", "详见 javascript:alert(3) 链接。"])
    make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-yangjiang",))
    with TestClient(create_app(Settings(database_url=sqlite_url, api_token=TOKEN))) as client:
        yield client


def signed_in(client: TestClient) -> TestClient:
    response = client.post("/login", content=f"token={TOKEN}&next=/reports", follow_redirects=False)
    assert response.status_code == 303
    return client


def test_a_page_without_sign_in_sends_a_person_to_the_login_form(page: TestClient) -> None:
    response = page.get("/reports", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/reports"


def test_signing_in_sets_an_httponly_strict_cookie_that_is_not_the_token(page: TestClient) -> None:
    response = page.post("/login", content=f"token={TOKEN}&next=/metrics", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/metrics"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and TOKEN not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert page.get("/reports").status_code == 200


def test_a_wrong_token_is_refused_on_the_form(page: TestClient) -> None:
    response = page.post("/login", content="token=guess&next=/", follow_redirects=False)
    assert response.status_code == 401 and COOKIE not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_sign_in_never_redirects_off_the_site(page: TestClient, target: str) -> None:
    response = page.post("/login", content=f"token={TOKEN}&next={target}", follow_redirects=False)
    assert response.headers["location"] == "/"


def test_portal_text_is_escaped_on_every_page_that_shows_it(page: TestClient) -> None:
    client = signed_in(page)
    listing = client.get("/reports").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing and "<script>alert" not in listing
    assert "<img src=x" not in listing and "onerror=&#34;alert(2)&#34;" in listing
    hostile = next(
        part.split('"', 1)[0]
        for part in listing.split('class="report-link" href="')[1:]
        if "&lt;script&gt;" in part.split("</a>", 1)[0]
    )
    for path in (hostile, hostile + "/versions/1"):
        shown = client.get(path).text
        assert "<script>" not in shown and "<img src=x" not in shown
        assert "&lt;script&gt;" in shown


def test_pages_carry_a_csp_without_any_script_source(page: TestClient) -> None:
    response = signed_in(page).get("/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    ("url", "drawn"),
    [
        ("http://www.gd.gov.cn/a.html", "http://www.gd.gov.cn/a.html"),
        ("https://www.gd.gov.cn/a.html", "https://www.gd.gov.cn/a.html"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/", None),
        ("/relative", None),
        ("", None),
    ],
)
def test_links_are_drawn_only_for_http_and_https(url: str, drawn: str | None) -> None:
    assert href(url) == drawn


def test_the_series_page_draws_a_chart_whose_points_link_to_their_evidence(page: TestClient) -> None:
    shown = signed_in(page).get("/series", params={"indicator": "办结率"}).text
    assert '<svg id="series-chart"' in shown
    assert '<a href="/reports/' in shown and "#m" in shown


@pytest.mark.parametrize(("low", "high"), [(98.75, 99.99), (0, 1234), (99.99, 99.99 + 1e-9), (-3, 7)])
def test_chart_axes_are_round_numbers_covering_the_values(low: float, high: float) -> None:
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high and len(ticks) <= 8
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and all(len(f"{t:g}") <= 6 for t in ticks)
