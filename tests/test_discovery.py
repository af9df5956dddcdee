"""List pages: the article links the crawler follows, as `govreports links` prints them (issue 12, part 7).

Real list pages come from ../shared/corpus-html (skipped when it is absent); the synthetic pages
below imitate government CMS templates, one behaviour each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest

from scrapers.discover import article_links, canonical, parse_list_page
from scrapers.registry import Portal, Selectors

SHARED_PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus-html"
BASE = "https://www.example.gov.cn/zwgk/tzgg/index.html"

TITLES = (
    "关于做好2024年春季农业生产工作的通知",
    "市人民政府关于印发优化营商环境行动方案的通知",
    "关于公布第一批市级非物质文化遗产代表性项目名录的公告",
    "某某市2023年国民经济和社会发展统计公报",
    "关于开展安全生产大检查工作的通知",
    "关于征求城市更新条例草案意见的公告",
)


def govreports(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from workers.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
    )


def page(body: str) -> str:
    """A list page of a typical portal: header menu, breadcrumb, `body`, footer with on-host links."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<div class="header"><a href="/"><img src="/logo.png" alt="某某市人民政府"></a>
<ul class="mainNav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/zwgk/zcjd/">政策解读与新闻发布专栏</a></li></ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="./">通知公告</a></div>
{body}
<div class="footer"><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/about/sm.html">网站声明与隐私保护说明</a>
<p>主办单位：某某市人民政府办公室 <a href="https://beian.miit.gov.cn/">京ICP备12345678号</a></p></div></body></html>"""


def items(hrefs: list[str], *, dated: bool = True) -> str:
    return "".join(
        f'<li><a href="{href}" target="_blank">{TITLES[i % len(TITLES)]}</a>'
        + (f"<span>2024-03-{20 - i:02d}</span>" if dated else "")
        + "</li>"
        for i, href in enumerate(hrefs)
    )


def absolute(hrefs: list[str], base: str = BASE) -> list[str]:
    return [canonical(urljoin(base, href)) for href in hrefs]


def found(html: str, base: str = BASE) -> list[str]:
    return [link.url for link in article_links(html, base)]


# --- the real list pages of the development set ---------------------------------------------


def real_list_pages() -> list[str]:
    return sorted(p.stem for p in SHARED_PAGES.glob("list-*.html")) if SHARED_PAGES.is_dir() else []


@pytest.mark.parametrize("name", real_list_pages() or ["list-01"])
def test_real_list_pages_precision_and_recall_at_least_095(name: str) -> None:
    if not (SHARED_PAGES / f"{name}.html").exists():
        pytest.skip(f"no real list pages in {SHARED_PAGES}")
    url = (SHARED_PAGES / f"{name}.url").read_text(encoding="utf-8").splitlines()[0].strip()
    expected = absolute((SHARED_PAGES / f"{name}.links.txt").read_text(encoding="utf-8").split(), url)
    run = govreports("links", str(SHARED_PAGES / f"{name}.html"), "--base-url", url)
    assert run.returncode == 0, run.stderr
    printed = run.stdout.split()
    correct = len(set(printed) & set(expected))
    assert correct / max(1, len(printed)) >= 0.95, f"precision: {sorted(set(printed) - set(expected))}"
    assert correct / len(expected) >= 0.95, f"recall: missing {sorted(set(expected) - set(printed))}"


# --- synthetic list pages, one behaviour each -------------------------------------------------


def test_header_ticker_sidebar_breadcrumb_and_footer_links_are_not_articles() -> None:
    """Furniture that looks like articles: a scrolling notice bar in the header and an <aside>
    of hot articles, both dated and article-shaped, beside the real list."""
    ticker = items([f"/xwzx/202402/t2024020{i}_{700 + i}.html" for i in range(1, 5)])
    hot = items([f"/xwzx/202401/t2024011{i}_{600 + i}.html" for i in range(1, 5)])
    listed = [f"./202403/t202403{20 - i:02d}_{900 + i}.html" for i in range(6)]
    html = page(
        f'<div class="top-notice"><div class="header-scroll"><ul>{ticker}</ul></div></div>'
        f'<div class="main"><ul class="list">{items(listed)}</ul></div><aside><h3>热点</h3><ul>{hot}</ul></aside>'
    )
    assert found(html) == absolute(listed)


def test_a_pager_inside_the_list_table_is_not_an_article() -> None:
    """Some CMSs put the pager in the last row of the list table: 下一页 and page numbers there
    have the list's DOM path, so only their labels tell them apart."""
    base = "https://www.example.gov.cn/web/notice.do?cid=12"
    rows = "".join(
        f'<tr><td><a href="detail.do?id={5000 + i}">{title}</a></td><td>2024-03-{10 + i}</td></tr>'
        for i, title in enumerate(TITLES)
    )
    pager = (
        '<tr><td colspan="2"><a href="notice.do?cid=12&amp;page=2">2</a> '
        '<a href="notice.do?cid=12&amp;page=2">下一页</a> <a href="notice.do?cid=12&amp;page=9">尾页</a></td></tr>'
    )
    html = page(f'<table class="tab"><tbody>{rows}{pager}</tbody></table>')
    assert found(html, base) == absolute([f"detail.do?id={5000 + i}" for i in range(len(TITLES))], base)


def test_links_are_absolute_once_each_in_page_order() -> None:
    """A pinned (置顶) item repeats a later one; newest-first order is the page's, not sorted."""
    listed = [
        "./202403/t20240301_3.html",
        "/zwgk/tzgg/202403/t20240318_9.html",
        "https://www.example.gov.cn/zwgk/tzgg/202402/t20240227_1.html",
        "../tzgg/202402/t20240205_7.html",
        "./202403/t20240301_3.html",
    ]
    urls = found(page(f'<ul class="list">{items(listed)}</ul>'))
    assert all(url.startswith("https://www.example.gov.cn/zwgk/tzgg/") for url in urls)
    assert urls == absolute(listed[:4])


def test_relative_links_resolve_against_base_url(tmp_path: Path) -> None:
    saved = tmp_path / "list.html"
    listed = ["./202403/t20240320_11.html", "../gsgg/202403/t20240319_12.html", "202403/t20240318_13.html"]
    saved.write_text(page(f'<div class="list"><ul>{items(listed)}</ul></div>'), encoding="utf-8")
    base = "https://www.other.gov.cn/xxgk/tzgg/"
    run = govreports("links", str(saved), "--base-url", base)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "https://www.other.gov.cn/xxgk/tzgg/202403/t20240320_11.html",
        "https://www.other.gov.cn/xxgk/gsgg/202403/t20240319_12.html",
        "https://www.other.gov.cn/xxgk/tzgg/202403/t20240318_13.html",
    ]


def test_a_list_in_a_table_layout_is_found_by_its_rows() -> None:
    """An old table-layout portal: short project names, no known URL shape, no record number;
    only the date cell beside each link tells a list row from a menu."""
    names = ["璞映花园", "揽山府", "云璟乐府", "丹若淮府", "樾湾嘉园"]
    hrefs = [f"/ggzy/zbgg/xm-{chr(97 + i)}.html" for i in range(len(names))]
    rows = "".join(
        f'<tr><td class="bt"><a href="{href}">{name}</a></td><td class="date">2024-03-{15 - i}</td></tr>'
        for i, (href, name) in enumerate(zip(hrefs, names, strict=True))
    )
    menu = (
        '<table width="1000"><tr><td class="lm"><a href="/about.html">机构</a> <a href="/news.html">新闻</a> '
        '<a href="/open.html">公开</a> <a href="/serve.html">服务</a> <a href="/talk.html">互动</a></td></tr></table>'
    )
    html = page(f'{menu}<table width="760"><tr><th>项目名称</th><th>发布日期</th></tr>{rows}</table>')
    assert found(html) == absolute(hrefs)


def test_hanweb_records_in_a_script_datastore_are_listed() -> None:
    """大汉 (Hanweb) ships the list as XML records in a script that renders them in the browser."""
    hrefs = [f"/art/2024/3/{20 - i}/art_1229_{5870 + i}.html" for i in range(5)]
    records = "".join(f"<record><![CDATA[{items([href])}]]></record>" for href in hrefs)
    datastore = f'<script type="text/xml"><datastore><recordset>{records}</recordset></datastore></script>'
    html = page(f'<div id="col1229"><ul class="list">{datastore}</ul></div>')
    assert found(html) == absolute(hrefs)


@pytest.mark.parametrize(
    ("pager", "next_name"),
    [
        ('createPageHTML(5, 1, "index", "html")', "index_2.html"),  # classic: page 0 is index.html
        ('createPageHTML(5, 4, "index", "html")', None),
        ("createPageHTML('page_div', 10, 1, 'index', 'shtml', 149)", "index_2.shtml"),  # newer: counts from 1
        ("createPageHTML('page_div', 10, 9, 'index', 'shtml', 149)", "index_10.shtml"),
        ("createPageHTML('page_div', 10, 10, 'index', 'shtml', 149)", None),
    ],
)
def test_trs_script_pager_gives_the_next_list_page(pager: str, next_name: str | None) -> None:
    """TRS writes 下一页 at load time from createPageHTML(…): the saved page has no such link."""
    portal = Portal(slug="example", name="example", seeds=(BASE,))
    listed = [f"./202403/t202403{20 - i:02d}_{900 + i}.html" for i in range(3)]
    html = page(f'<ul class="list">{items(listed)}</ul><script>{pager}</script>')
    expected = urljoin(BASE, next_name) if next_name else None
    assert parse_list_page(html, BASE, portal).next_url == expected


def test_registry_selectors_take_precedence_over_detection() -> None:
    portal = Portal(slug="example", name="example", seeds=(BASE,), selectors=Selectors(list_item="div.picked a"))
    listed = [f"./202403/t202403{20 - i:02d}_{900 + i}.html" for i in range(4)]
    html = page(f'<ul class="list">{items(listed)}</ul><div class="picked"><a href="/zwgk/zt/">专题</a></div>')
    assert [link.url for link in parse_list_page(html, BASE, portal).articles] == [
        "https://www.example.gov.cn/zwgk/zt/"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read"), (b"", "is empty"), (b"just some words, no markup", "is not HTML")],
    ids=["missing", "empty", "not-html"],
)
def test_links_refuses_a_file_it_cannot_use_in_one_line_naming_it(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    saved = tmp_path / "list.html"
    if content is not None:
        saved.write_bytes(content)
    run = govreports("links", str(saved), "--base-url", BASE)
    assert run.returncode != 0
    assert run.stdout == ""
    assert message in run.stderr and str(saved) in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
