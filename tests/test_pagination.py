"""A report a CMS splits over several pages (…_1.html, …_2.html) is read whole: its further pages are
found from the first (scrapers/pagination.py), fetched with it, and their bodies join its text."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select

from pipelines.store.models import Report, ReportVersion
from pipelines.store.reprocessing import attachment_text
from pipelines.store.versioning import PAGE_KIND, AttachmentRecord
from scrapers.pagination import Continuation, continuations, page_in_article, page_number
from seeds.demo import DemoServer, DemoSite
from tests.attachment_files import make_xlsx
from tests.conftest import RuntimeFactory
from tests.helpers import crawl_demo, reprocess_as_a_newer_deploy
from workers.runtime import Runtime

FIRST = "http://gov.example/zwgk/202301/t20230105_123.html"
TRS_BAR = '<div class="page"><script>createPageHTML(3, 0, "t20230105_123", "html");</script></div>'


def test_the_trs_page_bar_script_announces_the_further_pages_of_its_own_article() -> None:
    assert continuations(TRS_BAR, FIRST, FIRST, limit=30) == [
        Continuation(1, "http://gov.example/zwgk/202301/t20230105_123_1.html"),
        Continuation(2, "http://gov.example/zwgk/202301/t20230105_123_2.html"),
    ]


def test_links_to_the_article_file_numbered_are_its_further_pages() -> None:
    html = '<div class="page"><span>1</span> <a href="t20230105_123_1.html">2</a> <a href="./t20230105_123_2.html">3</a></div>'
    assert [c.number for c in continuations(html, FIRST, FIRST, limit=30)] == [1, 2]


def test_a_list_pages_bar_another_articles_pages_or_another_directory_are_no_further_pages() -> None:
    html = (
        '<script>createPageHTML(5, 0, "index", "html");</script>'
        '<a href="t20230105_124_1.html">相关</a> <a href="/other/t20230105_123_1.html">转载</a>'
        '<a href="t20230105_123_1.pdf">附件</a>'
    )
    assert continuations(html, FIRST, FIRST, limit=30) == []


def test_further_pages_are_bounded_by_the_limit() -> None:
    html = '<script>createPageHTML(500, 0, "t20230105_123", "html");</script>'
    assert len(continuations(html, FIRST, FIRST, limit=30)) == 30


def test_a_continuation_page_announces_the_others_of_the_first_pages_article() -> None:
    second = "http://gov.example/zwgk/202301/t20230105_123_1.html"
    html = '<a href="t20230105_123.html">1</a> <span>2</span> <a href="t20230105_123_2.html">3</a>'
    assert [c.number for c in continuations(html, second, FIRST, limit=30)] == [2]
    assert page_number(FIRST, FIRST) is None and page_number(second, FIRST) == 1


DYNAMIC = "http://gov.example/web/detail.jsp?channel=12&id=345"


def test_links_to_the_article_address_with_a_page_parameter_are_its_further_pages() -> None:
    html = (
        '<div class="page"><span>1</span> <a href="detail.jsp?channel=12&amp;id=345&amp;page=2">2</a>'
        ' <a href="/web/detail.jsp?id=345&channel=12&page=3">3</a> <a href="?channel=12&id=345&page=1">首页</a></div>'
    )
    assert continuations(html, DYNAMIC, DYNAMIC, limit=30) == [
        Continuation(1, "http://gov.example/web/detail.jsp?channel=12&id=345&page=2"),
        Continuation(2, "http://gov.example/web/detail.jsp?id=345&channel=12&page=3"),
    ]


def test_another_articles_address_or_a_list_pages_parameters_are_no_further_pages() -> None:
    html = (
        '<a href="detail.jsp?channel=12&id=346&page=2">下一篇</a> <a href="list.jsp?channel=12&page=2">2</a>'
        ' <a href="detail.jsp?channel=12&id=345&page=2&size=5">2</a> <a href="detail.jsp?channel=12&id=345&page=x">末页</a>'
    )
    assert continuations(html, DYNAMIC, DYNAMIC, limit=30) == []


def test_a_page_parameters_further_page_is_numbered_from_the_first_page() -> None:
    assert page_number(DYNAMIC + "&pageNo=2", DYNAMIC) == 1
    assert page_number(DYNAMIC + "&page=1", DYNAMIC) is None  # the first page itself
    assert page_number(DYNAMIC.replace("345", "3456") + "&page=2", DYNAMIC) is None


def test_a_stored_texts_tail_of_further_pages_and_attachments_is_told_apart_from_its_body() -> None:
    records = [
        AttachmentRecord("第2页", "u2", PAGE_KIND, 100, len("第二页正文。")),
        AttachmentRecord("统计表", "u3", "xlsx", 100, len("受理\t8件")),
    ]
    text = "第一页正文。\n第二页正文。\n附件：统计表\n受理\t8件"
    assert attachment_text(text, records) == "\n第二页正文。\n附件：统计表\n受理\t8件"


PAGINATED = (("hy", 1002, "_1002.html"), ("yj", 1001, "post_1001.html"))  # the TRS script bar, and linked pages


def stored_versions(rt: Runtime) -> Iterator[ReportVersion]:
    """After a crawl of the demo portals: the latest stored version of each paginated article."""
    with rt.sessions() as session:
        for _, _, suffix in PAGINATED:
            yield session.scalars(select(Report).where(Report.url.endswith(suffix))).one().versions[-1]


def test_a_report_split_over_pages_is_stored_whole_with_the_metrics_of_every_page(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    for prefix, article_id, _ in PAGINATED:
        demo_site.article(prefix, article_id).paragraphs.append("全年新增政务服务事项417项。")
        demo_site.paginate(prefix, article_id, 3)
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo()
    for version in stored_versions(rt):
        assert "全年新增政务服务事项417项" in version.clean_text
        assert (Decimal("417"), "项") in {(m.value, m.unit) for m in version.metrics}
        assert [(a.kind, a.name, a.text_chars > 0) for a in version.attachments] == [
            (PAGE_KIND, "第2页", True),
            (PAGE_KIND, "第3页", True),
        ]


def test_a_report_read_again_by_a_newer_reader_keeps_the_text_of_its_further_pages(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    demo_site.article("hy", 1002).paragraphs.append("全年新增政务服务事项417项。")
    demo_site.paginate("hy", 1002, 3)
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-heyuan",))

    summary = reprocess_as_a_newer_deploy(rt)

    assert summary.stale > 0 and summary.failed == 0  # no "stored text kept": the pages told apart
    with rt.sessions() as session:
        report = session.scalars(select(Report).where(Report.url.endswith("_1002.html"))).one()
        assert "全年新增政务服务事项417项" in report.versions[-1].clean_text


def test_a_file_linked_from_a_further_page_is_fetched_and_read_with_the_report(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    for prefix, article_id, _ in PAGINATED:  # the links at the body's end: on its last page
        table = make_xlsx([["受理业务", "8642件"]])
        demo_site.attach(prefix, article_id, "附表 业务统计", f"stats{article_id}.xlsx", table)
        demo_site.paginate(prefix, article_id, 3)
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo()
    for version in stored_versions(rt):
        assert "附件：附表 业务统计" in version.clean_text
        assert (Decimal("8642"), "件") in {(m.value, m.unit) for m in version.metrics}
        assert [(a.kind, a.text_chars > 0) for a in version.attachments] == [
            (PAGE_KIND, True),
            (PAGE_KIND, True),
            ("xlsx", True),
        ]


def test_a_trs_articles_page_n_is_numbered_n_minus_one_and_a_dede_articles_page_n_is_numbered_n() -> None:
    # TRS: t123.html, t123_1.html, t123_2.html; DedeCMS: 123.html, 123_2.html, 123_3.html
    assert [page_in_article(n, {1, 2}) for n in (1, 2)] == [2, 3]
    assert [page_in_article(n, {2, 3}) for n in (2, 3)] == [2, 3]
