"""The read API, on SQLite and PostgreSQL: access, filters, pages, limits, problems, no writes.

Each test crawls the demo portal into a real database (one report edited upstream, so one report
has two versions) and asks the app in-process over ASGI (the browser test drives a real server).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from pipelines.store.limits import QueryTooSlow, statement_deadline
from pipelines.store.session import make_engine, make_sessionmaker
from seeds.demo import DemoServer, DemoSite
from tests.conftest import RuntimeFactory
from tests.helpers import crawl_demo
from tests.test_diff import edit_upstream
from workers.config import Settings
from workers.web.app import create_app

TOKEN = "test-token-5f2c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def crawled(
    database_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> dict[str, str]:
    """The demo portal crawled twice, with report hy/1002 edited between the crawls."""
    make_runtime(database_url, demo_server.base_url, revisit_after_hours=0)
    crawl_demo()
    edited = demo_server.base_url + edit_upstream(demo_site)
    crawl_demo(("demo-heyuan",))
    return {"database_url": database_url, "edited": edited}


def client_for(database_url: str, **settings: Any) -> TestClient:
    values: dict[str, Any] = {"database_url": database_url, "api_token": TOKEN, **settings}
    return TestClient(create_app(Settings(**values)))


@pytest.fixture
def api(crawled: dict[str, str]) -> Iterator[TestClient]:
    with client_for(crawled["database_url"]) as client:
        yield client


def report_id(api: TestClient, url: str) -> int:
    items = api.get("/api/reports", params={"limit": 500}, headers=AUTH).json()["items"]
    return next(r["id"] for r in items if r["url"] == url)


def problem_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# --- access -----------------------------------------------------------------------------------


def test_a_request_without_the_token_is_refused_with_how_to_send_it(api: TestClient) -> None:
    response = api.get("/api/metrics")
    body = problem_of(response, 401)
    assert "Authorization: Bearer" in body["detail"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_wrong_token_is_refused(api: TestClient) -> None:
    problem_of(api.get("/api/reports", headers={"Authorization": "Bearer nope"}), 401)


def test_a_server_without_a_token_refuses_everything_and_names_the_setting(sqlite_url: str) -> None:
    with client_for(sqlite_url, api_token=None) as client:
        body = problem_of(client.get("/api/portals", headers=AUTH), 503)
    assert "GOVREPORTS_API_TOKEN" in body["detail"] and "GOVREPORTS_API_PUBLIC" in body["detail"]


def test_a_public_api_answers_without_a_token(sqlite_url: str) -> None:
    with client_for(sqlite_url, api_token=None, api_public=True) as client:
        assert client.get("/api/portals").status_code == 200


def test_health_needs_no_token_and_names_the_schema_revision(api: TestClient) -> None:
    from pipelines.store.migrate import head_revision

    assert api.get("/health").json() == {"status": "ok", "database": "ok", "schema_revision": head_revision()}


def test_there_is_no_write_method_anywhere_in_the_api(api: TestClient) -> None:
    methods = {m for path in api.get("/openapi.json").json()["paths"].values() for m in path}
    assert methods == {"get"}
    assert api.post("/api/reports", headers=AUTH).status_code == 405
    assert api.delete("/api/reports/1", headers=AUTH).status_code == 405


def test_cors_is_off_unless_origins_are_configured(crawled: dict[str, str]) -> None:
    origin = {"Origin": "https://analysts.example.org", **AUTH}
    with client_for(crawled["database_url"]) as closed:
        assert "access-control-allow-origin" not in closed.get("/api/portals", headers=origin).headers
    with client_for(crawled["database_url"], api_cors_origins=["https://analysts.example.org"]) as opened:
        allowed = opened.get("/api/portals", headers=origin).headers
        assert allowed["access-control-allow-origin"] == "https://analysts.example.org"


# --- reading ----------------------------------------------------------------------------------


def test_portals_carry_their_last_crawl_and_what_is_stored(api: TestClient) -> None:
    portals = {p["slug"]: p for p in api.get("/api/portals", headers=AUTH).json()}
    heyuan = portals["demo-heyuan"]
    assert heyuan["region"] and heyuan["last_crawl_at"] and heyuan["last_crawl_outcome"]
    assert heyuan["reports"] > 0 and heyuan["versions"] == heyuan["reports"] + 1  # one report edited


def test_reports_are_paged_by_cursor_each_once_newest_first(api: TestClient) -> None:
    everything = api.get("/api/reports", params={"limit": 500}, headers=AUTH).json()
    assert everything["next_cursor"] is None
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/reports", params=params, headers=AUTH).json()
        assert len(page["items"]) <= 3
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [r["id"] for r in seen] == [r["id"] for r in everything["items"]]
    assert len({r["id"] for r in seen}) == len(seen) > 3
    dates = [r["published"] for r in seen if r["published"]]
    assert dates == sorted(dates, reverse=True)


def test_reports_filter_by_portal_region_year_and_title(api: TestClient) -> None:
    def ids(**params: Any) -> set[int]:
        return {r["id"] for r in api.get("/api/reports", params={"limit": 500, **params}, headers=AUTH).json()["items"]}

    every = api.get("/api/reports", params={"limit": 500}, headers=AUTH).json()["items"]
    assert ids(portal="demo-yangjiang") == {r["id"] for r in every if r["portal"] == "demo-yangjiang"}
    assert ids(region="阳江") == ids(portal="demo-yangjiang")
    in_2022 = [r for r in every if r["period"] and r["period"].startswith("2022")]
    assert in_2022 and ids(year=2022) >= {r["id"] for r in in_2022}
    assert ids(q="法治政府") == {r["id"] for r in every if "法治政府" in r["title"]} != set()


def test_a_report_lists_its_versions_and_how_many_indicators_each_changed(
    api: TestClient, crawled: dict[str, str]
) -> None:
    report = api.get(f"/api/reports/{report_id(api, crawled['edited'])}", headers=AUTH).json()
    assert [v["version"] for v in report["history"]] == [1, 2]
    assert [v["metric_changes"] for v in report["history"]] == [None, 2]
    assert [v["origin"] for v in report["history"]] == ["fetch", "fetch"]


def test_a_version_has_its_text_and_each_metric_points_at_its_evidence(
    api: TestClient, crawled: dict[str, str]
) -> None:
    content = api.get(f"/api/reports/{report_id(api, crawled['edited'])}/versions/2", headers=AUTH).json()
    assert content["metrics"]
    for metric in content["metrics"]:
        assert content["clean_text"][metric["start"] : metric["end"]] in metric["evidence"]


def test_the_diff_of_an_edited_report_shows_the_changed_line_and_the_metric_deltas(
    api: TestClient, crawled: dict[str, str]
) -> None:
    diff = api.get(f"/api/reports/{report_id(api, crawled['edited'])}/diff", headers=AUTH).json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    [changed] = [line for line in diff["lines"] if line["op"] == "changed"]
    assert "办结率99.8%" in changed["old"] and "办结率99.9%" in changed["new"]
    assert [(c["old"]["value"], c["new"]["value"]) for c in diff["metrics"]["changed"]] == [(99.8, 99.9)]
    assert [(m["value"], m["unit"]) for m in diff["metrics"]["added"]] == [(128, "项")]


def test_metric_values_are_json_numbers_not_strings(api: TestClient) -> None:
    items = api.get("/api/metrics", params={"limit": 200}, headers=AUTH).json()["items"]
    assert items and all(isinstance(m["value"], int | float) for m in items)
    assert any(isinstance(m["value"], float) for m in items) and any(isinstance(m["value"], int) for m in items)


def test_metrics_filter_like_the_cli(api: TestClient) -> None:
    def fetch(**params: Any) -> list[dict[str, Any]]:
        response = api.get("/api/metrics", params={"limit": 500, **params}, headers=AUTH)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    assert {m["portal"] for m in fetch(region="阳江")} == {"demo-yangjiang"}
    assert {m["target"] for m in fetch(kind="target")} == {True}
    assert {m["target"] for m in fetch(kind="result")} == {False}
    assert all("办结率" in m["name"] for m in fetch(name="办结率")) and fetch(name="办结率")
    assert all(m["confidence"] >= 0.8 for m in fetch(min_confidence=0.8))
    assert all(m["period"] and m["period"].startswith("2023") for m in fetch(year=2023, portal="demo-heyuan"))


def test_metrics_are_paged_by_cursor_each_once(api: TestClient) -> None:
    everything = api.get("/api/metrics", params={"limit": 500, "portal": "demo-yangjiang"}, headers=AUTH).json()
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 40, "portal": "demo-yangjiang", **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/metrics", params=params, headers=AUTH).json()
        seen.extend(m["id"] for m in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [m["id"] for m in everything["items"]] and len(seen) > 40


def test_a_series_lines_up_one_indicator_over_periods_and_places(api: TestClient) -> None:
    series = api.get("/api/series", params={"indicator": "网上可办率"}, headers=AUTH).json()
    points = series["points"]
    assert series["canonical"] == "网上可办率" and not series["truncated"]
    assert len({p["region"] for p in points}) >= 2 or len({p["period"] for p in points}) >= 2
    assert all("可办率" in p["metric"]["name"] or "可辦率" in p["metric"]["name"] for p in points)
    assert len({(p["period"], p["region"]) for p in points}) == len(points)


# --- limits and problems ----------------------------------------------------------------------


def test_a_page_over_the_limit_is_refused_with_what_to_do(api: TestClient) -> None:
    body = problem_of(api.get("/api/metrics", params={"limit": 501}, headers=AUTH), 400)
    assert "500" in body["detail"] and "cursor" in body["detail"]


def test_a_query_past_the_deadline_is_stopped_and_answered_503(crawled: dict[str, str]) -> None:
    with client_for(crawled["database_url"], api_query_timeout=1e-9) as client:
        # A name no metric has: every metric row is read and compared, the scan a deadline is for.
        response = client.get("/api/metrics", params={"name": "没有这个指标", "limit": 500}, headers=AUTH)
    if crawled["database_url"].startswith("postgresql") and response.status_code == 200:
        pytest.skip("PostgreSQL answered within its 1 ms floor; the deadline is shown by the pg_sleep test")
    assert "narrow" in problem_of(response, 503)["detail"]


def test_postgresql_cancels_a_statement_past_the_deadline(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        session = make_sessionmaker(engine)()
        with session, pytest.raises(QueryTooSlow), statement_deadline(session, 0.05):
            session.execute(text("SELECT pg_sleep(2)"))
    finally:
        engine.dispose()


def test_an_unknown_report_or_version_is_a_404_naming_what_exists(api: TestClient, crawled: dict[str, str]) -> None:
    assert "/api/reports" in problem_of(api.get("/api/reports/999999", headers=AUTH), 404)["detail"]
    rid = report_id(api, crawled["edited"])
    assert "[1, 2]" in problem_of(api.get(f"/api/reports/{rid}/diff?to=7", headers=AUTH), 404)["detail"]


def test_a_bad_cursor_or_parameter_is_a_problem_not_a_crash(api: TestClient) -> None:
    problem_of(api.get("/api/reports", params={"cursor": "not-a-cursor"}, headers=AUTH), 400)
    problem_of(api.get("/api/metrics", params={"cursor": "WzFd" + "x"}, headers=AUTH), 400)
    assert "year" in problem_of(api.get("/api/reports", params={"year": "soon"}, headers=AUTH), 422)["detail"]
