"""Attachments: recorded with the report; PDF, DOCX and XLSX text joins the version."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from pipelines.attachments import AttachmentUnreadable, extract_attachment_text
from pipelines.store.models import Report
from scrapers.attachments import attachment_kind, find_attachment_links
from seeds.demo import DemoServer, DemoSite
from tests.attachment_files import make_docx, make_pdf, make_xlsx
from tests.conftest import RuntimeFactory
from tests.helpers import crawl_demo, reprocess_as_a_newer_deploy
from tests.test_wrapped import PARAGRAPHS, laid_out
from workers.runtime import Runtime


def test_pdf_text_is_extracted() -> None:
    assert "办结率99.8%" in extract_attachment_text("pdf", make_pdf(["全年办结率99.8%。"]))


def test_a_pdfs_lines_are_joined_into_the_sentences_its_layout_broke_and_its_page_numbers_left_out() -> None:
    pdf = make_pdf(laid_out(PARAGRAPHS, page_lines=4).split("\n"))
    assert extract_attachment_text("pdf", pdf).split("\n") == PARAGRAPHS


def test_docx_paragraphs_and_table_cells_are_extracted() -> None:
    text = extract_attachment_text("docx", make_docx(["一、总体情况"], [["指标", "数值"], ["受理量", "1,234件"]]))
    assert "一、总体情况" in text and "受理量\t1,234件" in text


def test_xlsx_rows_are_extracted_as_tab_separated_lines() -> None:
    assert "网上可办率\t98.5%" in extract_attachment_text(
        "xlsx", make_xlsx([["指标", "数值"], ["网上可办率", "98.5%"]])
    )


@pytest.mark.parametrize("kind", ["pdf", "docx", "xlsx"])
def test_a_damaged_file_is_unreadable_not_a_crash(kind: str) -> None:
    with pytest.raises(AttachmentUnreadable):
        extract_attachment_text(kind, b"this is not a real file")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://x.gov.cn/files/report.PDF", "pdf"),
        ("https://x.gov.cn/attach/a.docx", "docx"),
        ("https://x.gov.cn/download.jsp?filename=%E8%A1%A8.xlsx", "xlsx"),
        ("https://x.gov.cn/a/b.wps", "wps"),
        ("https://x.gov.cn/a/t20230105_1.html", None),
    ],
)
def test_attachment_kinds_are_known_by_extension(url: str, kind: str | None) -> None:
    assert attachment_kind(url) == kind


@pytest.mark.parametrize(
    "href",
    [
        "/files/REPORT.PDF",
        "/download.jsp?filename=%E8%A1%A8%2Exlsx",  # the dot itself percent-encoded
        "/download.jsp?filename=%E8%A1%A8.docx&id=7",
        "/a/b.7z",
    ],
)
def test_an_attachment_link_is_found_however_its_kind_is_spelled(href: str) -> None:
    html = f'<p>正文</p><a href="{href}">附件</a>'
    assert [a.name for a in find_attachment_links(html, "https://x.gov.cn/zwgk/t1.html")] == ["附件"]


def test_a_page_that_names_no_attachment_kind_has_no_attachment_links() -> None:
    html = '<a href="/a/t20230105_1.html">下一篇</a><a href="https://x.gov.cn/etc/pdfs/">pdf 下载中心</a>'
    assert find_attachment_links(html, "https://x.gov.cn/zwgk/t1.html") == []


def test_attachment_links_are_found_with_their_names() -> None:
    html = '<div><a href="/f/a.pdf">2023年统计表</a><a href="/f/a.pdf">again</a><a href="b.ofd"></a></div>'
    links = find_attachment_links(html, "https://x.gov.cn/zwgk/t1.html")
    assert [(a.name, a.url, a.kind) for a in links] == [
        ("2023年统计表", "https://x.gov.cn/f/a.pdf", "pdf"),
        ("b.ofd", "https://x.gov.cn/zwgk/b.ofd", "ofd"),
    ]


def test_a_file_a_page_shows_in_a_frame_or_a_pdf_viewer_is_an_attachment() -> None:
    html = (
        '<iframe src="/pdfjs/web/viewer.html?file=%2Fupload%2Fbulletin.pdf" title="统计公报"></iframe>'
        '<embed src="files/plan.pdf" type="application/pdf"><object data="table.xlsx"></object>'
        '<iframe src="/inc/login.htm"></iframe>'
    )
    links = find_attachment_links(html, "http://gov.example/tjj/tjgb/index.html")
    assert [(link.name, link.url, link.kind) for link in links] == [
        ("统计公报", "http://gov.example/upload/bulletin.pdf", "pdf"),
        ("plan.pdf", "http://gov.example/tjj/tjgb/files/plan.pdf", "pdf"),
        ("table.xlsx", "http://gov.example/tjj/tjgb/table.xlsx", "xlsx"),
    ]


@pytest.fixture
def embedded_report(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> Runtime:
    """The demo crawled with one report published only as a PDF shown in a viewer frame."""
    demo_site.embed("hy", 1002, "bulletin.pdf", make_pdf(["全区12345热线办结率97.3%。"]))
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-heyuan",))
    return rt


def test_a_report_published_only_as_a_pdf_in_a_viewer_frame_is_stored_by_the_files_text(
    embedded_report: Runtime,
) -> None:
    with embedded_report.sessions() as session:
        report = session.scalars(select(Report).where(Report.url.endswith("_1002.html"))).one()
        version = report.versions[-1]
        assert "办结率97.3%" in version.clean_text
        assert (Decimal("97.3"), "%") in {(m.value, m.unit) for m in version.metrics}


def test_a_report_stored_by_its_embedded_files_text_is_read_again_without_a_failure(
    embedded_report: Runtime,
) -> None:
    summary = reprocess_as_a_newer_deploy(embedded_report)
    assert summary.stale > 0 and summary.failed == 0


def test_metrics_in_attached_files_are_found_and_each_attachment_recorded(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    demo_site.attach("hy", 1002, "附表1 业务统计", "stats.xlsx", make_xlsx([["受理业务", "8642件"]]))
    demo_site.attach("hy", 1002, "附件2 说明", "note.docx", make_docx(["新增电子证照种类73类。"], [["a", "b"]]))
    demo_site.attach("hy", 1002, "附件3 公告", "notice.pdf", make_pdf(["全区12345热线办结率97.3%。"]))
    demo_site.attach("hy", 1002, "附件4 旧格式", "old.doc", b"\xd0\xcf\x11\xe0 legacy word")
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-heyuan",))
    with rt.sessions() as session:
        report = session.scalars(select(Report).where(Report.url.endswith("_1002.html"))).one()
        version = report.versions[-1]
        recorded = {(a.kind, a.text_chars > 0, a.error) for a in version.attachments}
        values = {(m.value, m.unit) for m in version.metrics}
        text = version.clean_text
    assert recorded == {
        ("xlsx", True, None),
        ("docx", True, None),
        ("pdf", True, None),
        ("doc", False, "no text reader for .doc"),
    }
    assert "附件：附表1 业务统计" in text
    assert {(Decimal("8642"), "件"), (Decimal("97.3"), "%")} <= values


def test_a_damaged_attachment_is_recorded_and_the_report_still_stored(
    sqlite_url: str, demo_site: DemoSite, demo_server: DemoServer, make_runtime: RuntimeFactory
) -> None:
    demo_site.attach("yj", 1001, "壞檔", "broken.pdf", b"%PDF-1.4 truncated")
    rt = make_runtime(sqlite_url, demo_server.base_url)
    crawl_demo(("demo-yangjiang",))
    with rt.sessions() as session:
        report = session.scalars(select(Report).where(Report.url.endswith("post_1001.html"))).one()
        [attachment] = report.versions[-1].attachments
    assert attachment.kind == "pdf" and attachment.text_chars == 0 and attachment.error
