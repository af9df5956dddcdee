"""Specification: every kind of site furniture leaves the body, every body line stays.

Each furniture kind is checked on both paths a page takes:
- the text path: `clean_text(page_text)`, for pages given as text (one block per line);
- the HTML path: `clean_html(page_html)`, with the furniture where CMSs put it, inside or next to
  the article container.
Each test runs in Simplified and in Traditional script (converted with opencc s2t).

The pages are synthetic (made-up sentences for a made-up city, 青禾市) in the shapes real portal
CMSs use: see ../shared/corpus-html/README.md, "Reference conventions".
Whitespace inside a line is not what these tests are about: lines are compared without it.
"""

from __future__ import annotations

from functools import cache

import opencc
import pytest

from pipelines.article import clean_html
from pipelines.clean import clean_text

TITLE = "青禾市人民政府办公室关于做好2024年春季农业生产工作的通知"
BODY = [
    "各区、县（市）人民政府，市政府各部门、各直属单位：",
    "为切实抓好今年春季农业生产，确保粮食和重要农产品稳定安全供给，经市政府同意，现就有关事项通知如下：",
    "一、稳定粮食播种面积",
    "各地要将春播粮食面积分解落实到乡镇和村组，全市春播粮食面积稳定在86.5万亩以上。",
    "二、加强农资供应保障",
    "市农业农村局要会同市市场监管局开展农资打假专项行动，确保化肥、种子等农资质量可靠、价格稳定。",
    "青禾市人民政府办公室",
    "2024年3月5日",
]


# ---------------------------------------------------------------------------------------------
# Scripts, pages and the one assertion every test makes
# ---------------------------------------------------------------------------------------------


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


@pytest.fixture(params=["simplified", "traditional"])
def script(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def in_script(text: str, script: str) -> str:
    return text if script == "simplified" else _s2t().convert(text)


def _squash(line: str) -> str:
    return "".join(line.split())


def assert_only_body(output: str, body: list[str], *, title: str | None = None) -> None:
    """`output` holds every body line, in order, once, and nothing else (the title may lead it)."""
    lines = [_squash(line) for line in output.splitlines() if line.strip()]
    if title is not None and lines and lines[0] == _squash(title):
        lines = lines[1:]  # clean_html may or may not print the headline; body lines are what count
    expected = [_squash(line) for line in body]
    not_body = [line for line in lines if line not in expected]
    assert not_body == [], f"furniture kept: {not_body}"
    assert lines == expected, "body lines lost, repeated or out of order"


def text_page(script: str, furniture: list[str], where: str, body: list[str] | None = None) -> tuple[str, list[str]]:
    """A page given as text: title, body, furniture lines at `where` (top / under_title / bottom)."""
    body = [TITLE, *(BODY if body is None else body)]
    slots = {"top": 0, "under_title": 1, "bottom": len(body)}
    lines = body[: slots[where]] + furniture + body[slots[where] :]
    return in_script("\n".join(lines), script), [in_script(line, script) for line in body]


def html_page(
    script: str,
    *,
    header: str = "",
    before: str = "",
    meta: str = "",
    content: str | None = None,
    content_start: str = "",
    content_end: str = "",
    tail: str = "",
    footer: str = "",
    body: list[str] | None = None,
) -> tuple[str, list[str]]:
    """An article page in the common CMS shape, with furniture HTML in the named slots.

    header: the page's top bar; before: between the header and the article (breadcrumbs, tabs);
    meta: inside the article, between its title and its content; content_start / content_end:
    inside the content container, before the first / after the last paragraph; tail: inside the
    article after the content; footer: the site footer. Returns the page and the body lines
    expected back (the title aside).
    """
    body = BODY if body is None else body
    tr = [in_script(line, script) for line in body]
    if content is None:
        content = "\n".join(f'      <p style="text-indent:2em;">{line}</p>' for line in tr)
    else:
        content = in_script(content, script)
    title = in_script(TITLE, script)
    site = in_script("青禾市人民政府", script)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}_{site}</title>
<link rel="stylesheet" href="/css/article.css">
</head>
<body>
<div class="header">
  <div class="top-bar">{in_script(header, script)}</div>
  <div class="logo"><a href="/"><img src="/images/logo.png" alt="{site}"></a></div>
</div>
<div class="main-wrap">
  {in_script(before, script)}
  <div class="article">
    <h1 class="article-title">{title}</h1>
    {in_script(meta, script)}
    <div class="article-content" id="zoom">
      {in_script(content_start, script)}
{content}
      {in_script(content_end, script)}
    </div>
    {in_script(tail, script)}
  </div>
</div>
<div class="footer">{in_script(footer, script)}</div>
</body>
</html>"""
    return page, tr


def check_text(script: str, furniture: list[str], where: str) -> None:
    page, body = text_page(script, furniture, where)
    assert_only_body(clean_text(page), body)


# Where furniture sits against the container of the body paragraphs:
# - "next_to": in its own slot, a sibling of the content container (or further out);
# - "inside": in the content container itself, above or below the paragraphs, as on table-layout
#   pages, flat templates that put title, info bar, body and share bar in one element, and pages
#   whose unclosed content <div> swallows what follows it.
LAYOUTS = ["next_to", "inside"]
_INSIDE = {"header": "content_start", "before": "content_start", "meta": "content_start", "tail": "content_end"}
_INSIDE |= {"footer": "content_end", "content_start": "content_start", "content_end": "content_end"}


def check_html(script: str, slot: str, furniture_html: str, layout: str = "next_to") -> None:
    if layout == "inside":
        slot = _INSIDE[slot]
    page, body = html_page(script, **{slot: furniture_html})
    assert_only_body(clean_html(page), body, title=in_script(TITLE, script))


# ---------------------------------------------------------------------------------------------
# Baseline: the page template itself, without furniture, gives the body and nothing else
# ---------------------------------------------------------------------------------------------


def test_text_page_without_furniture_keeps_every_line(script: str) -> None:
    check_text(script, [], "bottom")


def test_html_page_without_furniture_gives_exactly_the_body(script: str) -> None:
    page, body = html_page(script)
    assert_only_body(clean_html(page), body, title=in_script(TITLE, script))


# ---------------------------------------------------------------------------------------------
# Breadcrumbs
# ---------------------------------------------------------------------------------------------

BREADCRUMB_LINES = [
    "您所在的位置：首页 > 新闻动态",
    "当前位置: 首页 > 政务公开 >",
    "首页 > 信息公开 > 通知公告",
    "首页 » 政务公开 » 政策文件",
    "首页 → 新闻中心 → 部门动态",
    "当前位置：首页 >> 政务公开 >> 规划计划 >> 正文",
    "您现在的位置：首页>政务公开>政府信息公开目录",
]


@pytest.mark.parametrize("line", BREADCRUMB_LINES)
def test_text_drops_breadcrumb_lines(script: str, line: str) -> None:
    check_text(script, [line], "top")


BREADCRUMB_HTML = {
    "label-gt": '<div class="position">您所在的位置：<a href="/">首页</a> &gt; <a href="/xwdt/">新闻动态</a></div>',
    "label-trailing-gt": (
        '<div class="breadcrumb"><span>当前位置:</span> <a href="/">首页</a> &gt; '
        '<a href="/zwgk/">政务公开</a> &gt;</div>'
    ),
    "no-label": (
        '<div class="crumbs"><a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; '
        '<a href="/xxgk/tzgg/">通知公告</a></div>'
    ),
    "guillemets": (
        '<div class="location"><a href="/">首页</a> » <a href="/zwgk/">政务公开</a> » <span>政策文件</span></div>'
    ),
    "arrows": (
        '<div class="dqwz"><a href="/">首页</a> → <a href="/xwzx/">新闻中心</a> → '
        '<a href="/xwzx/bmdt/">部门动态</a></div>'
    ),
    "list-items": (
        '<div class="breadcrumb"><span><i class="icon-weizhi"></i>当前位置：</span><ul>'
        '<li><a href="../../" title="首页">首页</a></li>'
        '<li><a href="../" title="政务公开">政务公开</a></li>'
        '<li><a href="./" title="通知公告">通知公告</a></li></ul></div>'
    ),
    "table-cell": (
        '<table width="100%"><tr><td class="wzdh">您当前的位置：<a href="/">首页</a> &gt;&gt; '
        '<a href="/zwgk/">政务公开</a> &gt;&gt; 正文</td></tr></table>'
    ),
}


@pytest.mark.parametrize("shape", BREADCRUMB_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_breadcrumbs(script: str, shape: str, layout: str) -> None:
    check_html(script, "before", BREADCRUMB_HTML[shape], layout)


# ---------------------------------------------------------------------------------------------
# Date-of-today lines
# ---------------------------------------------------------------------------------------------

TODAY_LINES = [
    "今天是：2024年3月5日 星期二 农历正月廿五",
    "今天是2024年3月5日 星期二",
    "今天是：2024年03月05日　星期二　农历甲辰年正月廿五",
]


@pytest.mark.parametrize("line", TODAY_LINES)
def test_text_drops_date_of_today_lines(script: str, line: str) -> None:
    check_text(script, [line], "top")


TODAY_HTML = {
    "one-span": '<span id="today">今天是：2024年3月5日 星期二 农历正月廿五</span>',
    "split-spans": (
        '<div class="date">今天是：<span>2024年3月5日</span>&nbsp;&nbsp;<span>星期二</span>&nbsp;&nbsp;'
        "<span>农历正月廿五</span></div>"
    ),
}


@pytest.mark.parametrize("shape", TODAY_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_date_of_today_lines(script: str, shape: str, layout: str) -> None:
    check_html(script, "header", TODAY_HTML[shape], layout)


# ---------------------------------------------------------------------------------------------
# 信息公开 metadata tables
# ---------------------------------------------------------------------------------------------

METADATA_TEXT = {
    "pipes": [
        "索 引 号 | 11330100MB1234567X/2024-00012 | 主题分类 | 城乡建设 |",
        "发文单位 | 青禾市人民政府办公室 | 发布机构 | 青禾市人民政府办公室 |",
        "文 号 | 青政办发〔2024〕5号 | 发布日期 | 2024-03-05 |",
        "成文日期 | 2024-03-01 | 公开方式 | 主动公开 |",
        "公开时限 | 长期公开 | 公开范围 | 面向社会 |",
    ],
    "tabs": [
        "索引号\t11330100MB1234567X/2024-00012\t主题分类\t城乡建设",
        "发布机构\t青禾市人民政府办公室\t成文日期\t2024-03-01",
        "发文字号\t青政办发〔2024〕5号\t发布日期\t2024-03-05",
        "公开方式\t主动公开\t公开时限\t长期公开",
    ],
    "colons": [
        "索 引 号：11330100MB1234567X/2024-00012　　主题分类：城乡建设",
        "发布机构：青禾市人民政府办公室　　成文日期：2024-03-01",
        "文　　号：青政办发〔2024〕5号　　发布日期：2024-03-05",
        "公开方式：主动公开　　公开时限：长期公开",
    ],
    "brackets": [
        "[主题分类] 城乡建设/住房",
        "[发文机构] 青禾市人民政府办公室",
        "[成文日期] 2024-03-01",
        "[发文字号] 青政办发〔2024〕5号",
        "[发布日期] 2024-03-05",
    ],
}


@pytest.mark.parametrize("shape", METADATA_TEXT)
def test_text_drops_disclosure_metadata_tables(script: str, shape: str) -> None:
    check_text(script, METADATA_TEXT[shape], "top")


METADATA_HTML = {
    # label and value in one cell (label in a span)
    "label-spans": (
        '<table class="govinfo" width="100%">'
        '<tr><td><span class="govinfo_title">索引号：</span>11330100MB1234567X/2024-00012</td>'
        '<td><span class="govinfo_title">主题分类：</span>城乡建设</td></tr>'
        '<tr><td><span class="govinfo_title">发布机构：</span>青禾市人民政府办公室</td>'
        '<td><span class="govinfo_title">成文日期：</span>2024-03-01</td></tr>'
        '<tr><td><span class="govinfo_title">文号：</span>青政办发〔2024〕5号</td>'
        '<td><span class="govinfo_title">发布日期：</span>2024-03-05</td></tr>'
        '<tr><td><span class="govinfo_title">公开方式：</span>主动公开</td>'
        '<td><span class="govinfo_title">公开时限：</span>长期公开</td></tr></table>'
    ),
    # label cell, value cell
    "label-cells": (
        '<div class="classify"><table>'
        '<tr><td class="first">索 引 号：</td><td><span>11330100MB1234567X/2024-00012</span></td>'
        '<td class="second">主题分类：</td><td><span>城乡建设</span></td></tr>'
        '<tr><td class="first">发布机构：</td><td><span>青禾市人民政府办公室</span></td>'
        '<td class="second">成文日期：</td><td><span>2024-03-01</span></td></tr>'
        '<tr><td class="first">发文字号：</td><td><span>青政办发〔2024〕5号</span></td>'
        '<td class="second">发布日期：</td><td><span>2024-03-05</span></td></tr>'
        '<tr><td class="first">公开方式：</td><td><span>主动公开</span></td>'
        '<td class="second">公开时限：</td><td><span>长期公开</span></td></tr>'
        "</table></div>"
    ),
    # th labels without colons
    "th-labels": (
        '<table class="xxgk-table">'
        "<tr><th>索引号</th><td>11330100MB1234567X/2024-00012</td><th>主题分类</th><td>城乡建设</td></tr>"
        "<tr><th>发布机构</th><td>青禾市人民政府办公室</td><th>成文日期</th><td>2024年03月01日</td></tr>"
        "<tr><th>文号</th><td>青政办发〔2024〕5号</td><th>发布日期</th><td>2024年03月05日</td></tr>"
        "</table>"
    ),
    # flex divs, label in <strong>
    "divs": (
        '<div class="xxgk-info" style="border: 1px solid #cdcdcd;">'
        '<div style="display: flex; float: left; width: 33.3%;"><strong>索引号：</strong>'
        "<div>11330100MB1234567X/2024-00012</div></div>"
        '<div style="display: flex; float: left; width: 33.3%;"><strong>主题分类：</strong><div>城乡建设</div></div>'
        '<div style="display: flex; float: left; width: 33.3%;"><strong>发布机构：</strong>'
        "<div>青禾市人民政府办公室</div></div>"
        '<div style="display: flex; float: left; width: 33.3%;"><strong>成文日期：</strong><div>2024-03-01</div></div>'
        '<div style="display: flex; float: left; width: 33.3%;"><strong>文号：</strong>'
        "<div>青政办发〔2024〕5号</div></div>"
        '<div style="display: flex; float: left; width: 33.3%;"><strong>公开方式：</strong><div>主动公开</div></div>'
        "</div>"
    ),
    # bracketed labels in a list
    "bracket-list": (
        '<ol class="doc-info clearfix">'
        '<li>[主题分类] <span class="ztflx">城乡建设/住房</span></li>'
        '<li>[发文机构] <span class="fwdw">青禾市人民政府办公室</span></li>'
        "<li>[成文日期] <span>2024-03-01</span></li>"
        '<li class="fwzh">[发文字号] <span>青政办发</span><span>〔2024〕</span><span>5号</span></li>'
        "<li>[发布日期] <span>2024-03-05</span></li>"
        "</ol>"
    ),
}


@pytest.mark.parametrize("shape", METADATA_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_disclosure_metadata_tables(script: str, shape: str, layout: str) -> None:
    check_html(script, "before", METADATA_HTML[shape], layout)


# ---------------------------------------------------------------------------------------------
# Language, font-size, print and close bars
# ---------------------------------------------------------------------------------------------

TOOLBAR_LINES = [
    "选择语言",
    "选择语言：简体中文 | 繁體中文 | English",
    "字体大小: 大 中 小",
    "【打印】【关闭】",
    "[ 大 中 小 ]",
    "【字体：大 中 小】【打印本页】【关闭窗口】",
    "字号：大 中 小 | 打印 | 关闭",
]


@pytest.mark.parametrize("line", TOOLBAR_LINES)
def test_text_drops_language_font_print_and_close_bars(script: str, line: str) -> None:
    check_text(script, [line], "under_title")


TOOLBAR_HTML = {
    "language": (
        "header",
        '<div class="language"><a href="javascript:void(0);">选择语言</a><ul class="lang-list">'
        '<li><a href="/">简体中文</a></li><li><a href="/big5/">繁體中文</a></li>'
        '<li><a href="/en/">English</a></li></ul></div>',
    ),
    "font-size": (
        "meta",
        '<div class="font-size">字体大小: <a href="javascript:doZoom(18)">大</a> '
        '<a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></div>',
    ),
    "print-close": (
        "tail",
        '<div class="tools"><a href="javascript:window.print()">【打印】</a>'
        '<a href="javascript:window.close()">【关闭】</a></div>',
    ),
    "bracketed-sizes": (
        "meta",
        '<div class="zh">[ <a href="javascript:void(0)">大</a> <a href="javascript:void(0)">中</a> '
        '<a href="javascript:void(0)">小</a> ]</div>',
    ),
    "print-and-size-spans": (
        "meta",
        '<div class="op-row"><span class="print">【打印】</span><span>【字体：'
        '<span class="font-size" data-val="16px">大</span>&nbsp;&nbsp;'
        '<span class="font-size" data-val="14px">中</span>&nbsp;&nbsp;'
        '<span class="font-size" data-val="12px">小</span>】</span></div>',
    ),
}


@pytest.mark.parametrize("shape", TOOLBAR_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_language_font_print_and_close_bars(script: str, shape: str, layout: str) -> None:
    slot, furniture = TOOLBAR_HTML[shape]
    check_html(script, slot, furniture, layout)


# ---------------------------------------------------------------------------------------------
# Link bars of • items
# ---------------------------------------------------------------------------------------------

BULLET_BAR_TEXT = {
    "one-line": ["• 政策原文>  • 政策解读>"],
    "one-per-line": ["• 政策原文>", "• 政策解读>"],
    "three-items": ["• 图文解读>  • 视频解读>  • 新闻发布会>"],
}


@pytest.mark.parametrize("shape", BULLET_BAR_TEXT)
def test_text_drops_bullet_link_bars(script: str, shape: str) -> None:
    check_text(script, BULLET_BAR_TEXT[shape], "bottom")


BULLET_BAR_HTML = {
    "after-content": (
        "tail",
        '<div class="zcjd"><a href="../../zcwj/202403/t20240305_100231.html">• 政策原文&gt;</a>&nbsp;&nbsp;'
        '<a href="../../zcjd/202403/t20240306_100245.html">• 政策解读&gt;</a></div>',
    ),
    "inside-content": (
        "content_end",
        '<ul class="related-links"><li><a href="../../zcwj/202403/t20240305_100231.html">• 政策原文&gt;</a></li>'
        '<li><a href="../../zcjd/202403/t20240306_100245.html">• 政策解读&gt;</a></li></ul>',
    ),
}


@pytest.mark.parametrize("shape", BULLET_BAR_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_bullet_link_bars(script: str, shape: str, layout: str) -> None:
    slot, furniture = BULLET_BAR_HTML[shape]
    check_html(script, slot, furniture, layout)


# ---------------------------------------------------------------------------------------------
# 归档时间
# ---------------------------------------------------------------------------------------------

ARCHIVED_LINES = [
    "归档时间：2024-03-05",
    "归档时间: 2024年03月05日",
    "发布时间：2024-03-05 10:00　归档时间：2024-03-05",
]


@pytest.mark.parametrize("line", ARCHIVED_LINES)
def test_text_drops_archive_date_lines(script: str, line: str) -> None:
    check_text(script, [line], "under_title")


ARCHIVED_HTML = {
    "alone": '<div class="info"><span>归档时间：2024-03-05</span></div>',
    "paragraph": '<p class="gdsj" style="text-align:right">归档时间: 2024年03月05日</p>',
}


@pytest.mark.parametrize("shape", ARCHIVED_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_archive_date_lines(script: str, shape: str, layout: str) -> None:
    check_html(script, "meta", ARCHIVED_HTML[shape], layout)


# ---------------------------------------------------------------------------------------------
# 浏览次数 / 访问量
# ---------------------------------------------------------------------------------------------

VIEWS_LINES = ["浏览次数：123", "访问量：", "总访问量：1234567", "【访问量：2345】", "阅读次数：56"]


@pytest.mark.parametrize("line", VIEWS_LINES)
def test_text_drops_view_counter_lines(script: str, line: str) -> None:
    check_text(script, [line], "under_title")


VIEWS_HTML = {
    "article-counter": ("meta", '<div class="info">浏览次数：<span id="count">123</span></div>'),
    "empty-counter": ("meta", '<div>浏览次数： <label id="artcount"></label></div>'),
    "site-counter": (
        "footer",
        '<p class="fwl">访问量：<span style="color:#bd1111"><span id="site-visit">-</span></span></p>',
    ),
}


@pytest.mark.parametrize("shape", VIEWS_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_view_counters(script: str, shape: str, layout: str) -> None:
    slot, furniture = VIEWS_HTML[shape]
    check_html(script, slot, furniture, layout)


# ---------------------------------------------------------------------------------------------
# 来源 lines
# ---------------------------------------------------------------------------------------------

SOURCE_LINES = [
    "来源：青禾市人民政府办公室",
    "信息来源：青禾市农业农村局",
    "文章来源: 青禾日报",
    "来源：青禾市人民政府办公室　发布时间：2024-03-05 10:00　浏览次数：123",
]


@pytest.mark.parametrize("line", SOURCE_LINES)
def test_text_drops_source_lines(script: str, line: str) -> None:
    check_text(script, [line], "under_title")


SOURCE_HTML = {
    "span": '<div class="info"><span class="source">来源：青禾市人民政府办公室</span></div>',
    "with-date-spans": (
        '<div class="info"><span class="source">来源：青禾市人民政府办公室</span>'
        '<span class="time">发布时间：2024-03-05 10:00</span></div>'
    ),
    "paragraph": '<p class="ly">信息来源：青禾市农业农村局</p>',
}


@pytest.mark.parametrize("shape", SOURCE_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_source_lines(script: str, shape: str, layout: str) -> None:
    check_html(script, "meta", SOURCE_HTML[shape], layout)


# ---------------------------------------------------------------------------------------------
# 详细信息 alone
# ---------------------------------------------------------------------------------------------


def test_text_drops_a_lone_details_label(script: str) -> None:
    check_text(script, ["详细信息"], "top")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_a_lone_details_tab(script: str, layout: str) -> None:
    check_html(script, "before", '<div class="tab-title"><span class="on">详细信息</span></div>', layout)


# ---------------------------------------------------------------------------------------------
# Share bars
# ---------------------------------------------------------------------------------------------

SHARE_LINES = ["分享到：", "分享到：微信 微博 QQ空间", "分享到 微信 新浪微博 QQ空间", "分享："]


@pytest.mark.parametrize("line", SHARE_LINES)
def test_text_drops_share_bars(script: str, line: str) -> None:
    check_text(script, [line], "bottom")


SHARE_HTML = {
    "named-links": (
        '<div class="share">分享到：<a href="javascript:void(0);" title="分享到微信">微信</a>'
        '<a href="javascript:void(0);" title="分享到新浪微博">微博</a>'
        '<a href="javascript:void(0);" title="分享到QQ空间">QQ空间</a></div>'
    ),
    "icon-links": (
        '<div class="bdsharebuttonbox"><span class="text">分享到</span>：'
        '<a href="#" class="bds_weixin" data-cmd="weixin" title="分享到微信"></a>'
        '<a href="#" class="bds_tsina" data-cmd="tsina" title="分享到新浪微博"></a></div>'
    ),
}


@pytest.mark.parametrize("shape", SHARE_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_share_bars(script: str, shape: str, layout: str) -> None:
    check_html(script, "tail", SHARE_HTML[shape], layout)


# ---------------------------------------------------------------------------------------------
# 上一篇 / 下一篇
# ---------------------------------------------------------------------------------------------

PREV_NEXT_TEXT = {
    "titles": ["上一篇：关于开展2024年春季植树造林活动的通知", "下一篇：青禾市2023年国民经济和社会发展统计公报"],
    "none-left": ["上一篇：没有了", "下一篇：关于印发青禾市2024年政务公开工作要点的通知"],
    "entries": ["上一条：青禾市召开春季农业生产工作推进会", "下一条：没有了"],
}


@pytest.mark.parametrize("shape", PREV_NEXT_TEXT)
def test_text_drops_previous_and_next_links(script: str, shape: str) -> None:
    check_text(script, PREV_NEXT_TEXT[shape], "bottom")


PREV_NEXT_HTML = {
    "labels-with-links": (
        '<div class="pager"><p>上一篇：<a href="./t20240301_100198.html">关于开展2024年春季植树造林活动的通知</a></p>'
        '<p>下一篇：<a href="./t20240308_100263.html">青禾市2023年国民经济和社会发展统计公报</a></p></div>'
    ),
    "none-left": (
        '<div class="last_next"><p class="last">上一篇：没有了</p>'
        '<p class="next">下一篇：<a href="./t20240308_100263.html">关于印发青禾市2024年政务公开工作要点的通知</a></p></div>'
    ),
    # the linked title on its own line, away from its label
    "label-apart": (
        '<div class="prev-next"><span>上一篇：</span><br>'
        '<a href="./t20240301_100198.html">关于开展2024年春季植树造林活动的通知</a><br>'
        '<span>下一篇：</span><br><a href="./t20240308_100263.html">青禾市2023年国民经济和社会发展统计公报</a></div>'
    ),
}


@pytest.mark.parametrize("shape", PREV_NEXT_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_previous_and_next_links(script: str, shape: str, layout: str) -> None:
    check_html(script, "tail", PREV_NEXT_HTML[shape], layout)


# ---------------------------------------------------------------------------------------------
# Site footers
# ---------------------------------------------------------------------------------------------

FOOTER_TEXT = {
    "lines": [
        "网站地图 | 联系我们 | 网站声明",
        "主办单位：青禾市人民政府办公室　承办单位：青禾市大数据发展管理局",
        "网站标识码：3301000001　浙ICP备05012345号-1　浙公网安备 33010202000123号",
        "联系电话：0571-87001234　地址：青禾市人民大道1号",
    ],
    "one-line": [
        "主办：青禾市人民政府办公室 网站标识码：3301000001 浙ICP备05012345号-1 联系电话：0571-87001234",
    ],
    "copyright": ["Copyright © 2003-2024 青禾市人民政府 版权所有", "浙公网安备 33010202000123号"],
}


@pytest.mark.parametrize("shape", FOOTER_TEXT)
def test_text_drops_site_footers(script: str, shape: str) -> None:
    check_text(script, FOOTER_TEXT[shape], "bottom")


FOOTER_HTML = {
    "paragraphs": (
        '<div class="foot-links"><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | '
        '<a href="/wzsm/">网站声明</a></div>'
        '<div class="foot-info"><p>主办单位：青禾市人民政府办公室　承办单位：青禾市大数据发展管理局</p>'
        '<p>网站标识码：3301000001　<a href="https://beian.miit.gov.cn/">浙ICP备05012345号-1</a>　'
        '<a href="http://www.beian.gov.cn/">浙公网安备 33010202000123号</a></p>'
        "<p>联系电话：0571-87001234　地址：青禾市人民大道1号</p></div>"
    ),
    "one-block": (
        '<div class="copyright">主办：青禾市人民政府办公室&nbsp;&nbsp;网站标识码：3301000001&nbsp;&nbsp;'
        '<a href="https://beian.miit.gov.cn/">浙ICP备05012345号-1</a><br>'
        "联系电话：0571-87001234&nbsp;&nbsp;传真：0571-87001235</div>"
    ),
    "spans": (
        '<div class="wzxx"><span>主办单位：青禾市人民政府办公室</span><span>技术支持：青禾市信息中心</span>'
        "<span>联系电话：0571-87001234</span></div>"
    ),
}


@pytest.mark.parametrize("shape", FOOTER_HTML)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_html_drops_site_footers(script: str, shape: str, layout: str) -> None:
    check_html(script, "footer", FOOTER_HTML[shape], layout)


# ---------------------------------------------------------------------------------------------
# Hard negatives: body lines that look like furniture are kept
# ---------------------------------------------------------------------------------------------

BODY_LOOKALIKES = [
    "全年网站访问量达到120万人次，同比增长15%。",
    "门户网站全年总浏览次数为356.7万次。",
    "来源于群众的意见建议共386条。",
    "今天是全国第34个“安全生产月”的第一天，全市各地同步开展安全生产宣传咨询活动。",
    "2024年3月1日，市政府召开常务会议，研究部署春季农业生产工作。",
    "各单位要规范填写索引号、主题分类、发布机构等要素，确保公开信息完整准确。",
    "档案室全年接收归档文件2315件，归档时间均符合规定要求。",
    "详细信息请登录市政府门户网站“通知公告”栏目查询。",
    "请广大市民将防范电信诈骗知识分享到家庭群、朋友圈，共同筑牢防骗防线。",
    "在政务公开专栏首页设置“通知公告”入口，方便群众查询。",
    "推出大字版、关怀版页面，字体大小可一键调整。",
    "• 全市新增城镇就业2.1万人，城镇调查失业率控制在5.5%以内。",
    "一、主办单位：青禾市农业农村局",
]


def _with_lookalike(line: str) -> list[str]:
    return [*BODY[:4], line, *BODY[4:]]


@pytest.mark.parametrize("line", BODY_LOOKALIKES)
def test_text_keeps_body_lines_that_mention_furniture_words(script: str, line: str) -> None:
    page, body = text_page(script, [], "bottom", body=_with_lookalike(line))
    assert_only_body(clean_text(page), body)


@pytest.mark.parametrize("line", BODY_LOOKALIKES)
def test_html_keeps_body_lines_that_mention_furniture_words(script: str, line: str) -> None:
    page, body = html_page(script, body=_with_lookalike(line))
    assert_only_body(clean_html(page), body, title=in_script(TITLE, script))


def test_text_keeps_a_data_table_given_as_tab_lines(script: str) -> None:
    table = [
        "指标\t2023年\t2024年",
        "春播粮食面积（万亩）\t85.2\t86.5",
        "化肥供应量（万吨）\t12.4\t12.9",
    ]
    page, body = text_page(script, [], "bottom", body=[*BODY[:4], *table, *BODY[4:]])
    assert_only_body(clean_text(page), body)


def test_text_keeps_the_reports_own_signature_and_date_under_a_source_line_naming_the_same_office(
    script: str,
) -> None:
    # BODY ends with the signature 青禾市人民政府办公室 and the date 2024年3月5日
    check_text(script, ["来源：青禾市人民政府办公室　发布时间：2024-03-05"], "under_title")


def test_html_keeps_the_reports_own_right_aligned_signature_and_date(script: str) -> None:
    content = "\n".join(f"<p>{line}</p>" for line in BODY[:-2]) + (
        '\n<div style="text-align: right">青禾市人民政府办公室</div>\n<p align="right">2024年3月5日</p>'
    )
    page, body = html_page(
        script, meta='<div class="info"><span>来源：青禾市人民政府办公室</span></div>', content=content
    )
    assert_only_body(clean_html(page), body, title=in_script(TITLE, script))


NOTICE_WITH_CONTACT = [
    *BODY[:-2],
    "联系人：王丽",
    "联系电话：0571-12345678",
    *BODY[-2:],
]


def test_html_keeps_a_notices_own_contact_phone_and_drops_the_footer_phone(script: str) -> None:
    page, body = html_page(
        script,
        body=NOTICE_WITH_CONTACT,
        footer="<p>主办单位：青禾市人民政府办公室</p><p>联系电话：0571-87001234　地址：青禾市人民大道1号</p>",
    )
    assert_only_body(clean_html(page), body, title=in_script(TITLE, script))
