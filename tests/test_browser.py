"""The analyst's page in a real browser, used as a person would (issue 14).

A demo database is crawled in-process (one report edited upstream between two crawls, one hostile
report whose title and body carry `<script>`, `onerror=` and `javascript:`), `govreports serve`
runs on it as a subprocess, and Debian's Chromium, driven by Playwright, signs in and walks the
page: portals, reports, the diff of the edited report, a metric search, its series chart and a
point's evidence. Every page is checked for JavaScript errors, console errors, dialogs and
`<script>` elements; every step leaves a screenshot in the test's output folder and in
build/screenshots/ (gitignored, for CI to keep); the series page is also saved as docs/screenshots/series.png
for the README.

Locally the test is skipped when no Chromium (or no Playwright) is found; under CI (CI=true) it
fails instead: scripts/test installs Debian's `chromium` and `fonts-noto-cjk` when missing.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pipelines.store import migrate
from seeds.demo import build_demo_site, serve
from tests.conftest import IN_CI
from tests.helpers import crawl_demo
from workers import runtime
from workers.app import configure
from workers.config import Settings

try:
    from playwright.sync_api import expect, sync_playwright

    HAVE_PLAYWRIGHT = True
    expect.set_options(timeout=10_000)
except ImportError:  # the browser fixture skips (fails under CI) before any test needs them
    HAVE_PLAYWRIGHT = False

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Locator, Page, ViewportSize

REPO = Path(__file__).resolve().parent.parent
KEPT_SCREENSHOTS = REPO / "build" / "screenshots"
README_SCREENSHOT = REPO / "docs" / "screenshots" / "series.png"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Debian's wrapper passes these itself when /dev/shm is small; root in a container needs no sandbox.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
VIEWPORT: ViewportSize = {"width": 1200, "height": 800}
TOKEN = "browser-test-token"

HOSTILE_TITLE = "<script>alert(1)</script>恶意标题<img src=x onerror=alert(2)>"
HOSTILE_BODY = [
    "本段标题含有脚本<script>alert(1)</script>,应当原样显示为文字。",
    "图片<img src=x onerror=alert(2)>不应加载,链接javascript:alert(3)不应可点。",
    '<a href="javascript:alert(3)">javascript:alert(3)</a> 点击查看详情。',
]
EDITED = ("hy", 1002)  # 源城区政务服务数据管理局2023年工作总结和2024年工作计划
EDITED_TITLE = "源城区政务服务数据管理局2023年工作总结"
OLD_RATE, NEW_RATE = "办结率99.8%", "办结率99.9%"
ADDED_SENTENCE = "全年新增办理事项128项。"
INDICATOR = "好评率"  # 收到好评好评率: two places, one of them over two years
# Synthetic follow-up reports (marked as demo data in their titles), so the chart has places that
# differ and a place over four years: the seed reports state the same figure in both demo portals.
FOLLOW_UPS = {
    "hy": [
        ("源城区政务服务数据管理局2024年工作总结（演示数据）", "收到评价61200条;收到好评60588条,好评率99.0%。"),
        ("源城区政务服务数据管理局2025年工作总结（演示数据）", "收到评价64300条;收到好评63850条,好评率99.3%。"),
    ],
    "yj": [
        ("阳江市政务服务数据管理局2023年工作总结（演示数据）", "收到评价40100条;收到好评39699条,好评率99.0%。"),
        ("阳江市政务服务数据管理局2024年工作总结（演示数据）", "收到评价42800条;收到好评42543条,好评率99.4%。"),
    ],
}
# The page's font stack for Chinese (workers/web/static/style.css): one of them must draw the text.
CJK_FACES = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei")


def unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message + " (CI must install it: see scripts/test)")
    pytest.skip(message)


def find_chromium() -> str | None:
    """GOVREPORTS_TEST_CHROMIUM when set (and only it), else Debian's chromium."""
    named = os.environ.get("GOVREPORTS_TEST_CHROMIUM")
    candidates = (named,) if named else (*CHROMIUM_CANDIDATES, shutil.which("chromium"))
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# --- the demo database and `govreports serve` on it -------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A demo database: two crawls, with an upstream edit of one report in between, and a hostile report."""
    where = tmp_path_factory.mktemp("browser-data")
    site = build_demo_site()
    site.add("yj", HOSTILE_TITLE, HOSTILE_BODY)
    for prefix, reports in FOLLOW_UPS.items():
        for title, sentence in reports:
            site.add(prefix, title, ["本报告为演示数据，由测试生成。", sentence])
    with serve(site) as demo:
        settings = Settings(
            data_dir=where,
            demo_base_url=demo.base_url,
            broker_url=None,
            requests_per_second=1000.0,
            read_timeout=1.0,
            connect_timeout=1.0,
            max_retries=1,
            retry_backoff_max=1,
            revisit_after_hours=0,
        )
        migrate.upgrade(settings.effective_database_url)
        configure(settings)
        runtime.install(runtime.build_runtime(settings))
        try:
            crawl_demo()
            report = site.article(*EDITED)  # edited in place upstream, as portals silently do, and extended
            at = next(i for i, p in enumerate(report.paragraphs) if OLD_RATE in p)
            report.paragraphs[at] = report.paragraphs[at].replace(OLD_RATE, NEW_RATE)
            site.edit(*EDITED, ADDED_SENTENCE)
            crawl_demo()
        finally:
            runtime.install(None)
    yield where


@pytest.fixture(scope="module")
def server(data_dir: Path) -> Iterator[str]:
    """`govreports serve` on the demo database, as a subprocess on a free loopback port; its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVREPORTS_")}
    command = [sys.executable, "-m", "workers", "--data-dir", str(data_dir)]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port), "--token", TOKEN]
    log_path = data_dir / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=data_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"govreports serve exited {process.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"govreports serve did not answer /health in 30 s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, driven by Playwright (its bundled browsers are not used)."""
    chromium = find_chromium()
    if chromium is None:
        unavailable("no Chromium found (apt-get install chromium fonts-noto-cjk)")
    if not HAVE_PLAYWRIGHT:
        unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


class Visit:
    """One browser tab that fails the test on any page error, console error, dialog or <script> element."""

    def __init__(self, page: Page, screenshots: Path) -> None:
        self.page = page
        self.screenshots = screenshots
        self.problems: list[str] = []
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def _dialog(self, dialog: Dialog) -> None:
        self.problems.append(f"a {dialog.type} dialog opened on {self.page.url}: {dialog.message!r}")
        dialog.dismiss()

    def allow(self, expected: str) -> None:
        """Drop the problems containing `expected` (an error status the step asked for), failing when none came."""
        matching = [p for p in self.problems if expected in p]
        assert matching, f"expected a console error with {expected!r}; got {self.problems}"
        self.problems = [p for p in self.problems if expected not in p]

    def check(self) -> None:
        """No error so far, and no <script> element on this page (it has no JavaScript at all)."""
        problems, self.problems = self.problems, []  # each reported once
        assert problems == [], "\n".join(problems)
        scripts = self.page.locator("script").count()
        assert scripts == 0, f"{scripts} <script> element(s) in the DOM of {self.page.url}"

    def step(self, name: str) -> Path:
        """Check the page, then save its full-page screenshot here and in build/screenshots/."""
        self.check()
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        KEPT_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, KEPT_SCREENSHOTS / path.name)
        return path


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    expect.set_options(timeout=10_000)
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(10_000)
    return context


def sign_in(visit: Visit, token: str) -> None:
    page = visit.page
    page.goto("/login")
    page.locator("input#token").fill(token)
    page.locator("button#sign-in").click()
    page.wait_for_load_state()


@pytest.fixture(scope="module")
def signed_in(browser: Browser, server: str, screenshots: Path) -> Iterator[BrowserContext]:
    """A browser context signed in through the /login form (the page's cookie)."""
    context = new_context(browser, server)
    visit = Visit(context.new_page(), screenshots)
    sign_in(visit, TOKEN)
    assert visit.page.url == server + "/", f"signing in landed on {visit.page.url}"
    visit.check()
    visit.page.close()
    yield context
    context.close()


@pytest.fixture
def visit(signed_in: BrowserContext, screenshots: Path) -> Iterator[Visit]:
    tab = Visit(signed_in.new_page(), screenshots)
    yield tab
    tab.check()
    tab.page.close()


def rows(page: Page, table: str) -> Locator:
    return page.locator(f"table#{table} tbody tr")


def open_report_titled(visit: Visit, words: str) -> str:
    """Search the reports list by title, as a person would, and open the first hit; its title link text."""
    page = visit.page
    page.goto("/reports")
    page.locator("form.filters input[name=q]").fill(words)
    page.locator("form.filters button[type=submit]").click()
    link = page.locator("table#reports a.report-link").first
    expect(link).to_be_visible()
    title: str = link.inner_text()
    link.click()
    expect(page.locator("h1#report-title")).to_have_text(title)
    return title


# --- the walk ---------------------------------------------------------------------------------


def test_signing_in_with_the_token(browser: Browser, server: str, screenshots: Path) -> None:
    context = new_context(browser, server)
    try:
        visit = Visit(context.new_page(), screenshots)
        page = visit.page
        page.goto("/reports")
        assert re.search(r"/login\?next=/reports$", page.url), f"not sent to sign in: {page.url}"
        visit.step("01-login")
        page.locator("input#token").fill("not-the-token")
        page.locator("button#sign-in").click()
        expect(page.locator("#login-failed")).to_be_visible()
        visit.allow("status of 401")  # the refused sign-in answers 401: the one error this walk expects
        visit.step("02-login-refused")
        page.locator("input#token").fill(TOKEN)
        page.locator("button#sign-in").click()
        expect(page.locator("table#reports")).to_be_visible()
        assert page.url == server + "/reports"
        visit.check()
    finally:
        context.close()


def test_the_portal_list_shows_both_demo_portals_and_their_crawls(visit: Visit) -> None:
    page = visit.page
    page.goto("/")
    portals = rows(page, "portals")
    expect(portals).to_have_count(2)
    text = page.locator("table#portals").inner_text()
    assert "demo-yangjiang" in text and "demo-heyuan" in text
    assert "never" not in text, "a demo portal shows no crawl"
    visit.step("03-portals")
    portals.first.locator("a").first.click()
    expect(rows(page, "reports").first).to_be_visible()
    assert "portal=" in page.url


def test_a_report_from_the_list_shows_its_versions_and_its_text(visit: Visit) -> None:
    page = visit.page
    page.goto("/")
    page.locator("header nav a", has_text="Reports").click()
    expect(page.locator("table#reports")).to_be_visible()
    assert rows(page, "reports").count() >= 20
    visit.step("04-reports")
    link = page.locator("table#reports a.report-link").filter(has_not_text=EDITED_TITLE).nth(2)
    title = link.inner_text()
    link.click()
    expect(page.locator("h1#report-title")).to_have_text(title)
    expect(rows(page, "versions")).to_have_count(1)
    visit.step("05-report")
    page.locator("table#versions a", has_text="v1").click()
    expect(page.locator("article#version-text")).to_be_visible()
    assert len(page.locator("article#version-text").inner_text()) > 100
    visit.check()


def test_the_edited_report_shows_what_changed(visit: Visit) -> None:
    page = visit.page
    open_report_titled(visit, EDITED_TITLE)
    versions = rows(page, "versions")
    expect(versions).to_have_count(2)
    expect(versions.nth(1)).to_contain_text("upstream edit")
    diff = page.locator("section#diff")
    expect(diff).to_be_visible()
    expect(diff.locator(".line.removed del")).to_contain_text(["99.8"])
    expect(diff.locator(".line.added ins")).to_contain_text(["99.9"])
    expect(diff.locator(".line.added", has_text=ADDED_SENTENCE.rstrip("。"))).to_have_count(1)
    deltas = page.locator("table#metric-deltas")
    expect(deltas.locator("tr.changed", has_text="99.9")).to_have_count(1)
    expect(deltas.locator("tr.added", has_text="128")).to_have_count(1)
    visit.step("06-diff")


def test_a_metric_search_leads_to_its_series_and_a_point_to_its_evidence(visit: Visit) -> None:
    page = visit.page
    page.goto("/")
    page.locator("header nav a", has_text="Metrics").click()
    page.locator("form#metric-search input#metric-name").fill(INDICATOR)
    page.locator("button#metric-submit").click()
    found = rows(page, "metrics")
    expect(found.first).to_be_visible()
    assert all(INDICATOR in name for name in found.locator("td:first-child").all_inner_texts())
    visit.step("07-metric-search")

    found.first.locator("a.series-link").click()
    chart = page.locator("svg#series-chart")
    expect(chart).to_be_visible()
    points = chart.locator("a.point")
    assert points.count() >= 2, "one point per region at least"
    assert rows(page, "series").count() == points.count()
    colours = chart.evaluate(
        """svg => [...svg.querySelectorAll('path.series-line')].map((line, i) =>
             [getComputedStyle(line).stroke, getComputedStyle(svg.querySelectorAll('text.legend')[i]).fill])"""
    )
    assert len(colours) >= 2 and all(stroke == fill for stroke, fill in colours), f"legend unlike its lines: {colours}"
    visit.step("08-series")
    README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(README_SCREENSHOT))  # the viewport only: small enough to commit

    point = points.last  # drawn last, so on top: points of two places in one period may overlap
    target, label = point.get_attribute("href"), point.locator("title").text_content() or ""
    point.click()
    page.wait_for_url(re.compile(r"/reports/\d+/versions/\d+#m\d+$"))
    assert target and page.url.endswith(target), f"the point links to {target}, the browser went to {page.url}"
    evidence = page.locator("mark#" + target.rsplit("#", 1)[1])
    expect(evidence).to_be_visible()
    expect(evidence).to_have_attribute("title", re.compile(INDICATOR))
    value = re.search(r"\d+(\.\d+)?", evidence.inner_text())
    assert value and value.group() in label, f"the evidence {evidence.inner_text()!r} is not the point's {label!r}"
    expect(page.locator("article#version-text mark").first).to_be_visible()
    visit.step("09-evidence")


def test_a_hostile_report_shows_its_markup_as_text(visit: Visit) -> None:
    page = visit.page
    page.goto("/reports")
    listed = page.locator("table#reports a.report-link", has_text="onerror=")
    expect(listed).to_have_count(1)
    assert listed.inner_text() == HOSTILE_TITLE

    open_report_titled(visit, "onerror")
    title = page.locator("h1#report-title").inner_text()
    assert title == HOSTILE_TITLE, f"the title is not shown as text: {title!r}"
    assert page.locator("img").count() == 0, "an <img> from the report's title reached the DOM"
    visit.step("10-hostile-report")

    page.locator("table#versions a", has_text="v1").click()
    body = page.locator("article#version-text")
    expect(body).to_be_visible()
    text = body.inner_text()
    for shown in ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "javascript:alert(3)"):
        assert shown in text, f"{shown!r} is not shown as text in the report's body"
    assert page.locator("img").count() == 0, "an <img> from the report's body reached the DOM"
    assert page.locator("a[href^='javascript:' i]").count() == 0, "a javascript: link reached the DOM"
    visit.step("11-hostile-version")


def test_chinese_text_is_drawn_with_a_cjk_font(visit: Visit) -> None:
    """The font Chromium really drew the title with (DevTools' platform fonts), not just the CSS asked for."""
    page = visit.page
    open_report_titled(visit, EDITED_TITLE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1#report-title"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    drawn = {f["familyName"]: f["glyphCount"] for f in fonts}
    cjk = {name: n for name, n in drawn.items() if name in CJK_FACES}
    assert cjk, f"the Chinese title was drawn with {drawn}, none of {CJK_FACES} (apt-get install fonts-noto-cjk)"
    assert sum(cjk.values()) >= len(re.findall(r"[\u4e00-\u9fff]", EDITED_TITLE))
    visit.step("12-cjk-title")


def test_the_api_docs_render_from_vendored_files_without_errors(visit: Visit) -> None:
    """/docs is the one page with JavaScript (Swagger UI, served from our own files under a CSP)."""
    page = visit.page
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("govreports")
    expect(page.locator(".opblock-summary-path", has_text="/api/metrics").first).to_be_visible()
    problems, visit.problems = visit.problems, []
    assert problems == [], "\n".join(problems)
    page.screenshot(path=str(visit.screenshots / "13-api-docs.png"), full_page=False)
    page.goto("/")  # back to a page without scripts for the visit's closing check
