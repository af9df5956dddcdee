"""Boilerplate out, every body line kept: each furniture kind, in Simplified and Traditional."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.article import clean_html, extract_article
from pipelines.clean import clean_text
from seeds.demo import build_demo_site
from seeds.demo.templates import render_article

BODY = "2023年全区受理业务159524宗，办结率99.8%。"


@pytest.mark.parametrize(
    "furniture",
    [
        "粤ICP备16010311号-3",
        "粵ICP備16010311號-3",
        "京ICP证030173号",
        "粤公网安备 44170202000121号",
        "粵公網安備 44170202000121號",
        "网站标识码：4417000001",
        "網站標識碼：4417000001",
        "主办单位：阳江市政务服务数据管理局",
        "主辦單位：陽江市政務服務數據管理局",
        "承办：河源市源城区政务服务数据管理局",
        "管理维护：市政务服务数据管理局",
        "版权所有 © 2023 阳江市人民政府",
        "来源：阳江市政务服务数据管理局 发布时间：2023-01-05 10:30 浏览次数：1234",
        "來源：陽江市政務服務數據管理局　發布時間：2023-01-05",
        "信息来源：区政府办　发布日期：2023-02-10　点击数：386",
        "字体大小：大 中 小",
        "【字体：大 中 小】",
        "打印本页 关闭窗口",
        "【打印】【关闭】",
        "分享到：微信 微博 QQ空间",
        "分享到：微信 微博",
        "您当前所在位置：首页 > 政务公开 > 工作报告",
        "您當前所在位置：首頁 > 政務公開",
        "当前位置：首页 >> 政务公开 >> 规划计划",
        "关于我们 | 网站地图 | 联系我们",
        "網站幫助 | 網站地圖 | 隱私申明 | 聯繫我們",
        "首页 机构概况 政务公开 政务服务 互动交流",
        "网站报障电话：0762-3133110",
        "相关链接：广东政务服务网",
        "上一篇：关于印发通知的通知",
        "扫一扫在手机打开当前页",
        "无标题文档",
        "索 引 号：H001/2020-37819 成文日期：2020-12-24",
    ],
)
def test_each_furniture_line_is_removed(furniture: str) -> None:
    assert clean_text(f"{BODY}\n{furniture}\n{BODY}") == f"{BODY}\n{BODY}"


def test_a_contact_line_beside_the_site_footer_is_furniture() -> None:
    assert clean_text(f"{BODY}\n联系电话：0662-3388123\n版权所有 © 2023 阳江市人民政府") == BODY


def test_a_contact_line_between_report_lines_is_the_reports_own() -> None:
    text = f"{BODY}\n联系电话：0662-3388123\n{BODY}"
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "body_line",
    [
        "推动全市ICP备案审核提速，办理时间压缩50%。",
        "一、总体情况",
        "（二）加快推进政务服务标准化规范化便利化",
        "3.持续深化“放管服”改革。",
        "全年接听12345热线来电30万宗，按时办结率99.9%。",
        "主办方为市政务服务数据管理局的培训班共举办12期，参训人员860人次。",
        "來源於各部門的數據共匯聚2億條。",
    ],
)
def test_body_lines_are_kept(body_line: str) -> None:
    assert clean_text(f"{body_line}\n粤ICP备16010311号-3") == body_line


@pytest.mark.parametrize("prefix", ["yj", "hy"])
def test_demo_pages_keep_every_body_line_and_no_furniture(prefix: str) -> None:
    site = build_demo_site()
    portal = site.portals[prefix]
    for article in portal.articles:
        body = extract_article(render_article(portal, article)).body.splitlines()
        assert body == article.body_lines


def test_article_metadata_comes_out_as_fields() -> None:
    site = build_demo_site()
    portal = site.portals["hy"]
    [article] = [a for a in portal.articles if a.id == 1002]
    page = extract_article(render_article(portal, article), base_url="http://x" + portal.article_path(article))
    assert page.title == article.title
    assert page.published == date(2023, 12, 20)
    assert page.source == "河源市源城区政务服务数据管理局"


def test_the_date_falls_back_to_the_url_shape() -> None:
    page = extract_article("<html><body><p>正文内容，共计5项。</p></body></html>", base_url="http://x/t20230105_1.html")
    assert page.published == date(2023, 1, 5)


def test_the_title_is_not_the_site_suffix_of_the_title_tag() -> None:
    html = (
        "<html><head><title>关于2023年工作的总结_某某市人民政府</title></head><body><p>正文，内容。</p></body></html>"
    )
    assert extract_article(html).title == "关于2023年工作的总结"


def test_a_body_selector_wins_over_detection() -> None:
    html = "<div id='a'><p>导航，链接，更多，文字。</p></div><div id='b'><p>正文一。</p></div>"
    assert clean_html(html, body_selector="#b") == "正文一。"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html></html>",
        "<<<>>>",
        "</div>",
        "<div>" * 10_000 + "正文，共5项。" + "</div>" * 10_000,
        "<p>\x00\x08控制字符</p>",
        "<script>var a='正文，内容。';</script><style>p{}</style>",
    ],
)
def test_bad_html_gives_a_string_never_an_exception(html: str) -> None:
    assert isinstance(clean_html(html), str)


def test_script_and_style_content_never_reaches_the_text() -> None:
    html = "<div><script>alert('脚本，内容。')</script><style>.a{}</style><p>正文，内容。</p></div>"
    assert clean_html(html) == "正文，内容。"


def test_a_page_of_only_furniture_has_no_body() -> None:
    html = "<div>关于我们 | 网站地图 | 联系我们</div><div>粤ICP备16010311号-3</div><div>网站标识码：4417000001</div>"
    assert clean_html(html) == ""
