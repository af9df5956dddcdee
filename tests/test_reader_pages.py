"""Specification: whole pages through `extract_article`: the body once, found wherever the CMS put
it, the right metadata as fields, and a warning when the result is not a report.

The pages are synthetic (made-up sentences for a made-up province and city, 青禾) in the shapes
real portal CMSs use: see ../shared/corpus-html/README.md, "Reference conventions".
Whitespace inside a line is not what these tests are about: lines are compared without it.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.article import Article, extract_article
from pipelines.page_meta import issuer_in_title
from scrapers.encoding import decode_body


def _squash(line: str) -> str:
    return "".join(line.split())


def body_lines(article: Article) -> list[str]:
    """The body's lines, whitespace removed, the headline left out (the body may or may not lead with it)."""
    title = _squash(article.title)
    return [line for line in map(_squash, article.body.splitlines()) if line and line != title]


def assert_body_once_in_order(article: Article, expected: list[str]) -> None:
    lines = body_lines(article)
    wanted = [_squash(line) for line in expected]
    missing = [line for line in wanted if line not in lines]
    assert missing == [], f"body lines lost: {missing}"
    repeated = [line for line in wanted if lines.count(line) > 1]
    assert repeated == [], f"body lines repeated: {repeated}"
    assert [line for line in lines if line in wanted] == wanted, "body lines out of order"


def paragraphs(lines: list[str], tag: str = "p") -> str:
    return "\n".join(f'<{tag} style="text-indent:2em;">{line}</{tag}>' for line in lines)


# ---------------------------------------------------------------------------------------------
# Shared pieces of synthetic pages
# ---------------------------------------------------------------------------------------------

NEWS_TITLE = "青禾省召开2024年全省春季农业生产工作会议"
NEWS_BODY = [
    "3月5日，全省春季农业生产工作会议在青禾召开，会议总结2023年农业农村工作，部署今年春季农业生产重点任务。",
    "会议指出，2023年全省粮食总产量达到512.6亿斤，连续五年稳定在500亿斤以上，农村居民人均可支配收入增长7.2%。",
    "会议要求，各地要压实粮食安全党政同责，确保春播粮食面积稳定在3200万亩以上，大豆油料扩种任务全面落实。",
    "会议强调，要抓好农资保供稳价，加强农田水利设施建设，全力防范倒春寒、春旱等灾害天气对农业生产的不利影响。",
    "各市、县（市、区）政府分管负责同志和农业农村部门主要负责同志在各地分会场参加会议。",
]

NOTICE_TITLE = "青禾市人民政府办公室关于做好2024年春季农业生产工作的通知"
NOTICE_BODY = [
    "各区、县（市）人民政府，市政府各部门、各直属单位：",
    "为切实抓好今年春季农业生产，确保粮食和重要农产品稳定安全供给，经市政府同意，现就有关事项通知如下：",
    "一、稳定粮食播种面积。各地要将春播粮食面积分解落实到乡镇和村组，全市春播粮食面积稳定在86.5万亩以上。",
    "二、加强农资供应保障。市农业农村局要会同市市场监管局开展农资打假专项行动，确保化肥、种子等农资质量可靠。",
    "三、做好防灾减灾准备。各地要密切关注天气变化，及时发布预警信息，落实各项防范措施。",
    "青禾市人民政府办公室",
    "2024年3月5日",
]

MENU = ["首页", "要闻动态", "政务公开", "政务服务", "互动交流", "走进青禾"]
NAV = (
    '<div class="nav"><ul>' + "".join(f'<li><a href="/m{i}/">{m}</a></li>' for i, m in enumerate(MENU)) + "</ul></div>"
)
FOOTER = (
    '<div class="footer"><p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a></p>'
    "<p>主办单位：青禾市人民政府办公室　网站标识码：3301000001　浙ICP备05012345号-1</p>"
    "<p>联系电话：0571-87001234</p></div>"
)


def article_page(
    *,
    title_tag: str = f"{NOTICE_TITLE}_青禾市人民政府",
    head: str = "",
    top: str = "",
    heading: str = f'<h1 class="article-title">{NOTICE_TITLE}</h1>',
    info: str = "",
    body: list[str] | None = None,
    after: str = "",
    footer: str = FOOTER,
) -> str:
    """A common article page: header and menu, the article (heading, info bar, content), footer."""
    content = paragraphs(NOTICE_BODY if body is None else body)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title_tag}</title>
{head}
</head>
<body>
<div class="header">{top}<div class="logo"><a href="/"><img src="/images/logo.png" alt="青禾市人民政府"></a></div>
{NAV}</div>
<div class="main">
  <div class="article">
    {heading}
    {info}
    <div class="article-content" id="zoom">
{content}
    </div>
  </div>
  {after}
</div>
{footer}
</body>
</html>"""


# ---------------------------------------------------------------------------------------------
# A body appears once
# ---------------------------------------------------------------------------------------------

RELATED = [
    "青禾省一季度经济运行情况新闻发布会召开",
    "省政府常务会议研究部署春耕备耕工作",
    "全省高标准农田建设现场推进会召开",
]
TOOLBAR = ["无障碍", "长者模式", "English"]
ELDERLY_MENU = [*MENU, "退出长者模式"]


def _menu(items: list[str], cls: str) -> str:
    return f'<ul class="{cls}">' + "".join(f'<li><a href="/c{i}/">{m}</a></li>' for i, m in enumerate(items)) + "</ul>"


DESKTOP_VIEW = f"""<div class="pc-mode">
  <div class="header">{_menu(MENU, "nav")}</div>
  <div class="position">您所在的位置：<a href="/">首页</a> &gt; <a href="/ywdt/">要闻动态</a></div>
  <div class="article">
    <h1 class="art-title">{NEWS_TITLE}</h1>
    <div class="art-info"><span>来源：青禾省农业农村厅</span><span>发布时间：2024-03-05 18:30</span></div>
    <div class="TRS_Editor" id="zoom">
{paragraphs(NEWS_BODY)}
    </div>
  </div>
  <div class="related"><h3>相关推荐</h3>{_menu(RELATED, "related-list")}</div>
  <div class="footer"><p>主办单位：青禾省人民政府办公厅</p><p>网站标识码：6300000001　青ICP备05001234号</p></div>
</div>"""

ELDERLY_VIEW = f"""<div class="ga-mode" id="older-version">
  <div class="ga-header">{_menu(ELDERLY_MENU, "ga-nav")}</div>
  <div class="ga-article">
    <div class="ga-title">{NEWS_TITLE}</div>
    <div class="ga-info">发布时间：2024-03-05 18:30</div>
    <div class="ga-content" style="font-size:24px;line-height:2;">
{paragraphs(NEWS_BODY)}
    </div>
  </div>
</div>"""

READ_ALOUD_COPY = f"""<div id="readContent" class="tts-text" style="display:none">
<p>{NEWS_TITLE}</p>
{paragraphs(NEWS_BODY)}
</div>"""

VIEWS = {"desktop": DESKTOP_VIEW, "elderly": ELDERLY_VIEW, "read_aloud": READ_ALOUD_COPY}


def triple_page(order: tuple[str, ...]) -> str:
    views = "\n".join(VIEWS[name] for name in order)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>{NEWS_TITLE}_青禾省人民政府</title>
<style>.ga-mode{{display:none}} body.older .pc-mode{{display:none}} body.older .ga-mode{{display:block}}</style>
</head>
<body>
<div id="toolbar" class="wza-toolbar">{_menu(TOOLBAR, "wza")}</div>
{views}
<script src="/js/older-switch.js"></script>
</body></html>"""


@pytest.mark.parametrize(
    "order",
    [("desktop", "elderly", "read_aloud"), ("read_aloud", "desktop", "elderly")],
    ids=["desktop-first", "hidden-copy-first"],
)
def test_an_article_held_three_times_in_the_dom_is_read_once_without_menus(order: tuple[str, ...]) -> None:
    article = extract_article(triple_page(order))
    assert_body_once_in_order(article, NEWS_BODY)
    menus = {_squash(m) for m in [*ELDERLY_MENU, *TOOLBAR, *RELATED, "相关推荐"]}
    assert [line for line in body_lines(article) if line in menus] == []
    assert article.body.count(NEWS_TITLE) <= 1


def test_a_copy_cut_into_paragraphs_differently_is_still_one_copy() -> None:
    """The read-aloud copy holds the body as one block with <br>s, the elderly view two paragraphs in one."""
    merged = "".join(f"<p>{a}{b}</p>" for a, b in zip(NEWS_BODY[::2], NEWS_BODY[1::2], strict=False))
    if len(NEWS_BODY) % 2:
        merged += f"<p>{NEWS_BODY[-1]}</p>"
    elderly = ELDERLY_VIEW.replace(paragraphs(NEWS_BODY), merged)
    read_aloud = f'<div class="tts-text" style="display:none">{"<br>".join(NEWS_BODY)}</div>'
    page = triple_page(("desktop",)).replace(DESKTOP_VIEW, DESKTOP_VIEW + elderly + read_aloud)
    assert_body_once_in_order(extract_article(page), NEWS_BODY)


LOT_CLAUSE = "竞得人须在出让合同签订后6个月内开工建设，并在开工建设后2年内竣工。"
LOTS_BODY = [
    "一、出让地块的基本情况和规划指标要求见附表。",
    "QH2024-01号地块竞得人须按规划条件同步建设一所幼儿园。",
    LOT_CLAUSE,
    "QH2024-02号地块竞得人须按规划条件建设社区服务用房。",
    LOT_CLAUSE,
    "二、竞买人应当在公告规定的时间内提交竞买申请。",
]


def test_a_paragraph_the_document_repeats_among_new_ones_is_kept_each_time() -> None:
    """A land notice states the same clause for each lot: two paragraphs, not a second copy of the body."""
    lines = body_lines(extract_article(article_page(body=LOTS_BODY)))
    assert lines.count(_squash(LOT_CLAUSE)) == 2


def test_a_whole_body_repeated_in_the_same_container_is_still_read_once() -> None:
    """The same paragraphs printed again one after another in the article box: a copy, read once."""
    page = article_page(body=NOTICE_BODY[2:5] + NOTICE_BODY[2:5])
    assert_body_once_in_order(extract_article(page), NOTICE_BODY[2:5])


def test_a_body_only_in_a_hidden_container_filled_by_script_is_found() -> None:
    hidden = "\n".join(f"<div>　　{line}</div>" for line in NOTICE_BODY)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>青禾市人民政府</title>
<script>$(function(){{ document.title = "{NOTICE_TITLE}_青禾市人民政府"; }});</script></head>
<body>
<div class="header">{NAV}<div style="display: none;"><iframe src="/inc/login.htm"></iframe></div></div>
<div class="contents"><div class="xxgk">
  <div class="location">当前位置:&nbsp;<span>首页</span>&nbsp;&gt;&nbsp;<span>政务公开</span>&nbsp;&gt;&nbsp;<span>市政府办公室文件</span></div>
  <div class="article-box">
    <h2>{NOTICE_TITLE}</h2>
    <h3>青政办发〔2024〕5号</h3>
    <div class="pages-date"><span class="font">【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</span></div>
    <div id="Zoom" class="PrintArea">
      <div id="DOCHTMLCON" style=" display:none;"><div class=TRS_Editor>
{hidden}
      </div></div>
      <script>
        var str = document.getElementById("DOCHTMLCON").innerHTML;
        document.write(str.replace(/&(lt|gt|nbsp|amp|quot);/ig, function (all, t) {{ return {{lt: "<", gt: ">"}}[t] || " "; }}));
      </script>
    </div>
    <div class="font" style="text-align: right;">时间：2024-03-05 10:00&nbsp;&nbsp;来源：青禾市人民政府办公室</div>
    <div id="bsWXBox" class="bsBox" style="display: none;"><span>分享到</span><span>&nbsp;-&nbsp;微信</span></div>
  </div>
</div></div>
{FOOTER}
</body></html>"""
    assert_body_once_in_order(extract_article(page), NOTICE_BODY)


def news_box_summary(i: int) -> str:
    return f"会议强调，要抓住春耕关键时节，第{i + 1}片区落实早稻种植面积较上年增加{i + 12}万亩。"


NEWS_BOXES = {  # a box of other news as CMSs build it: its list, and one entry (headline link, summary)
    "list-items": ("ul", '<li><a href="/news/{i}.html">{headline}</a><p class="summary">{summary}</p></li>'),
    "divs": (
        "div",
        '<div class="item"><h4><a href="/news/{i}.html">{headline}</a></h4><p>{summary}</p><span>2024-03-0{i}</span></div>',
    ),
    "definition-lists": ("div", '<dl><dt><a href="/news/{i}.html">{headline}</a></dt><dd>{summary}</dd></dl>'),
}


@pytest.mark.parametrize("shape", NEWS_BOXES)
def test_a_box_of_other_news_with_summaries_beside_the_article_is_not_read_as_its_text(shape: str) -> None:
    tag, entry = NEWS_BOXES[shape]
    entries = "".join(
        entry.format(i=i + 1, headline=headline, summary=news_box_summary(i)) for i, headline in enumerate(RELATED * 2)
    )
    box = f'<div class="side"><h3>热点新闻</h3><{tag} class="news-box">{entries}</{tag}></div>'
    article = extract_article(article_page(body=NEWS_BODY, after=box))
    assert_body_once_in_order(article, NEWS_BODY)
    assert not any("早稻种植面积" in line or "热点新闻" in line for line in body_lines(article))


def test_readers_comments_under_the_article_are_not_read_as_its_text() -> None:
    comments = "".join(
        f'<div class="comment-item"><span class="user">网友{i}</span><span class="time">2024-03-0{i}</span>'
        f"<p>希望各地抓好第{i}批春播物资供应，农资价格要稳定，点赞！</p></div>"
        for i in range(1, 7)
    )
    box = f'<div class="comments"><h3>网友评论</h3>{comments}</div>'
    article = extract_article(article_page(body=NEWS_BODY, after=box))
    assert_body_once_in_order(article, NEWS_BODY)
    assert not any("点赞" in line or "网友评论" in line for line in body_lines(article))


def press_release(release_date: str = "2024年3月5日（星期二）") -> str:
    """A press release as some governments publish them: the headline and the text in <span>s of the
    page body, the text's lines broken by <br> (its class names the font-size control that resizes it),
    the release date and time after it."""
    lines = "<br>\n".join(f"　　{line}" for line in NEWS_BODY)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{NEWS_TITLE}</title></head>
<body>
<table width="100%"><tr><td><a href="/">青禾政府新闻网</a> | <a href="/press">新闻公报</a> | <a href="/en">English</a></td></tr></table>
<span id="PRHeadlineSpan" class="PRHeadline">{NEWS_TITLE}</span><br><br>
<span id="pressrelease" class="fontSize1">{lines}<br><br>完<br></span>
<p class="PRDate">{release_date}<br>青禾时间16时30分</p>
{FOOTER}
</body></html>"""


def test_a_body_of_lines_broken_by_br_in_a_span_is_read() -> None:
    assert_body_once_in_order(extract_article(press_release()), NEWS_BODY)


# ---------------------------------------------------------------------------------------------
# GBK pages
# ---------------------------------------------------------------------------------------------

GBK_TITLE = "青禾市召开2024年春季农业生产工作推进会"
GBK_BODY = [
    "3月5日，青禾市召开2024年春季农业生产工作推进会，部署春耕备耕、农资保供和防灾减灾等重点工作。",
    "市农业农村局局长王喆通报了全市春播准备情况：已储备化肥3.2万吨、种子1860吨，检修农机具1.5万台（套）。",
    "会议要求，各地要落实好《青禾市2024年粮食生产工作方案》（青政办发〔2024〕5号），确保春播粮食面积稳定在86.5万亩以上。",
]
CHARSET_DECLARATIONS = {
    "meta-charset-gbk": '<meta charset="gbk">',
    "http-equiv-gb2312": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
    "xhtml-xml-declaration-gb2312": (
        '<?xml version="1.0" encoding="gb2312"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
    ),
}


def _gbk_page(declaration: str) -> bytes:
    xml_prolog, _, meta = declaration.rpartition("\n") if declaration.startswith("<?xml") else ("", "", declaration)
    html = f"""{xml_prolog}
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{meta}
<title>{GBK_TITLE}_青禾市人民政府</title>
</head>
<body>
{NAV}
<div class="article"><h1>{GBK_TITLE}</h1>
<div class="info">发布时间：2024-03-05 16:20　来源：青禾市农业农村局</div>
<div class="content">
{paragraphs(GBK_BODY)}
</div></div>
{FOOTER}
</body></html>"""
    return html.lstrip().encode("gbk")  # 喆 is in GBK, not in GB2312: labelled gb2312, written as GBK, like real pages


@pytest.mark.parametrize("declaration", CHARSET_DECLARATIONS)
def test_a_gbk_page_declared_only_in_its_markup_gives_the_right_title_and_body(declaration: str) -> None:
    raw = _gbk_page(CHARSET_DECLARATIONS[declaration])
    text, _encoding = decode_body(raw)
    article = extract_article(text)
    assert article.title == GBK_TITLE
    assert_body_once_in_order(article, GBK_BODY)


# ---------------------------------------------------------------------------------------------
# Title
# ---------------------------------------------------------------------------------------------


def test_title_comes_from_the_article_title_meta_when_the_visible_title_is_script_filled() -> None:
    page = article_page(
        title_tag="青禾市人民政府",
        head=f'<meta name="SiteName" content="青禾市人民政府">\n<meta name="ArticleTitle" content="{NOTICE_TITLE}">',
        heading='<h1 class="article-title" id="artTitle"></h1>',
    )
    assert extract_article(page).title == NOTICE_TITLE


PLAN_TITLE = "关于印发青禾市城乡供水一体化行动方案（2024-2026年）的通知"


@pytest.mark.parametrize(
    "title_tag",
    [
        f"{PLAN_TITLE}_青禾市人民政府",
        f"{PLAN_TITLE}-青禾市人民政府网",
        f"{PLAN_TITLE} - 青禾市人民政府门户网站",
        f"{PLAN_TITLE}_政策文件_青禾市人民政府",
    ],
)
def test_title_is_the_title_tag_without_the_site_name(title_tag: str) -> None:
    page = article_page(title_tag=title_tag, heading="")
    assert extract_article(page).title == PLAN_TITLE


@pytest.mark.parametrize(
    ("logo", "heading"),
    [
        ('<h1 class="logo-text"><a href="/">青禾市人民政府</a></h1>', f'<h2 class="art-title">{NOTICE_TITLE}</h2>'),
        ('<h1 class="logo"><img src="/logo.png">青禾市人民政府</h1>', f'<div class="tit">{NOTICE_TITLE}</div>'),
        ('<div id="sitename"><span>青禾市人民政府</span></div>', f'<div class="tit">{NOTICE_TITLE}</div>'),
    ],
    ids=["linked-logo", "logo-heading-with-text", "site-name-block"],
)
def test_title_is_the_heading_above_the_body_when_the_title_tag_and_logo_are_the_site_name(
    logo: str, heading: str
) -> None:
    page = article_page(
        title_tag="青禾市人民政府",
        top=logo,
        heading=heading,
        info='<div class="info"><span>发布时间：2024-03-05 10:00</span></div>',
    )
    assert extract_article(page).title == NOTICE_TITLE


def _link_box(heading: str) -> str:
    return f'<div class="box"><h2 class="box-title">{heading}</h2>{_menu(RELATED, "box-list")}</div>'


@pytest.mark.parametrize("decoy", ["相关推荐", "友情链接"])
@pytest.mark.parametrize("where", ["before", "after"])
def test_title_is_not_a_link_box_heading(decoy: str, where: str) -> None:
    """Table-layout page: the article title is a styled cell, the link box has a real <h2>."""
    box = _link_box(decoy)
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>青禾市人民政府</title></head>
<body>
{NAV}
<table width="1200" align="center"><tr>
<td class="left" width="280">{box if where == "before" else ""}</td>
<td class="right">
  <table width="100%">
    <tr><td class="xxbt" style="font-size:26px;font-weight:600;text-align:center;color:#2d66a5;">{NOTICE_TITLE}</td></tr>
    <tr><td class="xxbtxbq"><div>发布时间：2024-03-05 10:00</div></td></tr>
    <tr><td class="xxnr">{paragraphs(NOTICE_BODY)}</td></tr>
  </table>
</td></tr></table>
{box if where == "after" else ""}
{FOOTER}
</body></html>"""
    assert extract_article(page).title == NOTICE_TITLE


BREADCRUMB_SHAPES = {
    "heading": '<div class="lm"><h2>您所在的位置：<a href="/">首页</a> &gt; <a href="/xwdt/">新闻动态</a></h2></div>',
    "title-class": (
        '<div class="crumb-title"><span>当前位置：</span><a href="/">首页</a> &gt; '
        '<a href="/xwdt/">新闻动态</a> &gt; 正文</div>'
    ),
}


@pytest.mark.parametrize("shape", BREADCRUMB_SHAPES)
def test_title_is_not_the_breadcrumb(shape: str) -> None:
    page = article_page(
        title_tag="青禾市人民政府",
        top=BREADCRUMB_SHAPES[shape],
        heading=f'<div class="detail-title">{NOTICE_TITLE}</div>',
        info='<div class="detail-info">发布时间：2024-03-05 10:00</div>',
    )
    assert extract_article(page).title == NOTICE_TITLE


# ---------------------------------------------------------------------------------------------
# Published date
# ---------------------------------------------------------------------------------------------

BODY_WITH_OTHER_DATES = [
    *NOTICE_BODY[:2],
    "四、本通知自2024年4月1日起施行，各地要在2024年3月31日前将春播进展情况报市农业农村局。",
    *NOTICE_BODY[2:],
]


def test_published_comes_from_the_pubdate_meta() -> None:
    page = article_page(head='<meta name="PubDate" content="2024-03-06 09:15">', body=BODY_WITH_OTHER_DATES)
    assert extract_article(page).published == date(2024, 3, 6)


@pytest.mark.parametrize(
    "info",
    [
        '<div class="info"><span>发布时间：2024-03-06 10:00</span></div>',
        '<div class="info"><span>发布日期：2024年03月06日</span></div>',
        '<div class="info">来源：青禾市人民政府办公室&nbsp;&nbsp;发布时间：2024-03-06 10:00&nbsp;&nbsp;浏览次数：123</div>',
    ],
    ids=["published-time", "published-date-chinese", "in-an-info-line"],
)
def test_published_comes_from_the_labelled_date_line(info: str) -> None:
    page = article_page(info=info, body=BODY_WITH_OTHER_DATES)
    assert extract_article(page).published == date(2024, 3, 6)


TODAY_BAR = '<div class="top-bar"><span id="today">今天是：2024年6月18日 星期二 农历五月十三</span></div>'
FOOTER_WITH_YEARS = (
    '<div class="footer"><p>Copyright © 2003-2024 青禾市人民政府 版权所有</p>'
    "<p>网站标识码：3301000001　浙ICP备05012345号-1</p></div>"
)


def test_published_is_not_the_date_of_today_line_above_the_article() -> None:
    page = article_page(
        top=TODAY_BAR, info='<div class="info">发布时间：2024-03-06 10:00</div>', footer=FOOTER_WITH_YEARS
    )
    assert extract_article(page).published == date(2024, 3, 6)


def test_published_is_none_when_only_the_today_line_and_the_footer_show_dates() -> None:
    undated = [line for line in NOTICE_BODY if not line.startswith("2024")]
    page = article_page(top=TODAY_BAR, body=undated, footer=FOOTER_WITH_YEARS)
    assert extract_article(page).published is None


@pytest.mark.parametrize(
    "label",
    [
        "發文日期：中華民國109年5月20日",
        "發布日期：民國109年5月20日",
        "發文日期：中華民國 109 年 5 月 20 日",
        "發布日期：109年5月20日",
        "發布日期：109-05-20",
        "發布日期：109/5/20",
    ],
)
def test_published_reads_a_republic_of_china_date(label: str) -> None:
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>臺灣青禾地方法院公告</title></head>
<body>
<div class="content">
<div>臺灣青禾地方法院公告（第二次拍賣）</div>
<div>{label}</div>
<div>發文字號：禾院民109司執字第12345號</div>
<div>主旨：公告以投標方法拍賣本院108年度司執字第12345號債務人所有之不動產。</div>
<div>五、投標日期：中華民國109年6月18日上午10時，逾期不予受理。</div>
</div>
</body></html>"""
    assert extract_article(page).published == date(2020, 5, 20)


def test_published_is_the_date_a_press_release_prints_under_its_text() -> None:
    assert extract_article(press_release("2024年3月5日（星期二）")).published == date(2024, 3, 5)


def test_published_of_a_notice_labelling_no_date_is_its_signature_date() -> None:
    signed = date(2024, 3, 5)  # NOTICE_BODY's last line
    assert extract_article(article_page(footer=FOOTER_WITH_YEARS)).published == signed


def test_a_date_inside_a_closing_sentence_is_no_published_date() -> None:
    body = [*NOTICE_BODY[:-2], "本通知自2024年4月1日起施行。"]
    assert extract_article(article_page(body=body, footer=FOOTER_WITH_YEARS)).published is None


DISCLOSURE_TABLE = """<table class="govinfo">
<tr><td><span>索引号：</span>11330100MB1234567X/2024-00012</td><td><span>主题分类：</span>农业、林业、水利</td></tr>
<tr><td><span>发布机构：</span>青禾市人民政府办公室</td><td><span>成文日期：</span>2024-03-01</td></tr>
<tr><td><span>文号：</span>青政办发〔2024〕5号</td><td><span>发布日期：</span>2024-03-06</td></tr>
</table>"""


def test_published_is_the_publication_date_not_the_written_date_of_a_disclosure_table() -> None:
    page = article_page(top=DISCLOSURE_TABLE)
    assert extract_article(page).published == date(2024, 3, 6)


# ---------------------------------------------------------------------------------------------
# Source agency
# ---------------------------------------------------------------------------------------------

# The notice is signed by 青禾市人民政府办公室 (its last lines): a reader that took the signature
# for the source would not pass these.
SOURCE_INFO = {
    "adjacent-spans": (
        '<div class="info"><span class="source">来源：青禾市农业农村局</span>'
        '<span class="time">发布时间：2024-03-05 10:00</span></div>'
    ),
    "one-line": (
        '<div class="info">信息来源：青禾市农业农村局&nbsp;&nbsp;发布日期：2024-03-05&nbsp;&nbsp;浏览次数：123</div>'
    ),
    "alone": '<p class="source">来源：青禾市农业农村局</p>',
    "after-the-date-span": (
        '<div class="info"><span class="time">发布时间：2024-03-05 10:00</span>'
        '<span class="source">来源：<a href="/">青禾市农业农村局</a></span><span>浏览次数：<b>12</b></span></div>'
    ),
}


@pytest.mark.parametrize("shape", SOURCE_INFO)
def test_source_comes_from_the_source_line(shape: str) -> None:
    page = article_page(info=SOURCE_INFO[shape])
    assert extract_article(page).source == "青禾市农业农村局"


def test_a_source_line_in_parentheses_closing_the_body_is_the_source_and_no_body_line() -> None:
    article = extract_article(news_page([*NEWS_BODY, "（来源：青禾日报）"], info=""))
    assert article.source == "青禾日报"
    assert not any("来源" in line for line in body_lines(article))


def test_source_comes_from_the_content_source_meta() -> None:
    page = article_page(head='<meta name="ContentSource" content="青禾市农业农村局">')
    assert extract_article(page).source == "青禾市农业农村局"


PUBLISHER_TABLES = {
    "label-spans": DISCLOSURE_TABLE,
    "label-cells": """<div class="classify"><table>
<tr><td class="first">索 引 号：</td><td><span>11330100MB1234567X/2024-00012</span></td>
<td class="second">分类：</td><td><span></span></td></tr>
<tr><td class="first">发布机构：</td><td><span>青禾市人民政府办公室</span></td>
<td class="second">成文日期：</td><td><span>2024-03-01</span></td></tr>
</table></div>""",
}
UNSIGNED_NOTICE = NOTICE_BODY[:-2]  # without the signature, so the agency can only come from the table


@pytest.mark.parametrize("shape", PUBLISHER_TABLES)
def test_source_comes_from_the_publishing_agency_of_a_disclosure_table(shape: str) -> None:
    page = article_page(top=PUBLISHER_TABLES[shape], body=UNSIGNED_NOTICE)
    assert extract_article(page).source == "青禾市人民政府办公室"


def test_a_placeholder_content_source_meta_gives_way_to_the_publishing_agency() -> None:
    page = article_page(
        head='<meta name="ContentSource" content="本网">', top=PUBLISHER_TABLES["label-cells"], body=UNSIGNED_NOTICE
    )
    assert extract_article(page).source == "青禾市人民政府办公室"


NEWS_TITLE = "我市部署春季农业生产工作"  # a news headline names no issuer


def news_page(body: list[str] | None = None, info: str = '<div class="info">发布时间：2024-03-05 10:00</div>') -> str:
    return article_page(
        title_tag=f"{NEWS_TITLE}_青禾市人民政府",
        heading=f'<h1 class="article-title">{NEWS_TITLE}</h1>',
        body=body,
        info=info,
    )


def test_source_is_none_when_the_page_states_none() -> None:
    body = [*NOTICE_BODY[:2], "今年以来，来源于群众的意见建议共386条，均已按时办结。", *NOTICE_BODY[2:]]
    assert extract_article(news_page(body)).source is None


def test_source_is_not_a_funding_source_line_of_the_body() -> None:
    body = [*NOTICE_BODY[:2], "资金来源：市级财政专项资金。", *NOTICE_BODY[2:]]
    assert extract_article(news_page(body)).source is None


def test_without_a_source_line_the_source_is_the_issuer_the_documents_title_opens_with() -> None:
    page = article_page(
        info='<div class="info">发布时间：2024-03-05 10:00</div>'
    )  # NOTICE_TITLE: 青禾市人民政府办公室关于…
    assert extract_article(page).source == "青禾市人民政府办公室"


def test_a_source_line_outranks_the_issuer_in_the_title() -> None:
    page = article_page(info='<div class="info">来源：青禾市农业农村局　发布时间：2024-03-05 10:00</div>')
    assert extract_article(page).source == "青禾市农业农村局"


@pytest.mark.parametrize(
    ("title", "issuer"),
    [
        ("青禾市人民政府办公厅关于印发某某办法的通知", "青禾市人民政府办公厅"),
        ("某某區地方法院公告（第一次拍賣）", "某某區地方法院"),
        ("青禾市财政局 青禾市人力资源和社会保障局关于做好就业补贴工作的通知", "青禾市财政局"),
        ("关于做好春季农业生产工作的通知", None),
        ("2024年某某项目中标公告", None),
        ("我市召开春季农业生产工作会议", None),
    ],
)
def test_the_issuer_of_an_official_title(title: str, issuer: str | None) -> None:
    assert issuer_in_title(title) == issuer


# ---------------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------------

COLUMN_MENU = [
    "政府信息公开指南",
    "政府信息公开制度",
    "法定主动公开内容",
    "政府信息公开年报",
    "机构职能",
    "政策文件",
    "政策解读",
    "规划计划",
    "财政预决算",
    "重点领域信息公开",
    "人事信息",
    "统计数据",
    "建议提案办理",
    "政府会议",
    "应急管理",
    "行政执法公示",
    "双随机一公开",
    "公共资源配置",
    "政府采购",
    "重大建设项目",
    "社会公益事业",
    "依申请公开",
    "政府信息公开目录",
    "政务服务事项",
]
MENU_ONLY_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>政务公开_青禾市人民政府</title></head>
<body>
{NAV}
<div class="column-nav">{_menu(COLUMN_MENU, "zwgk-menu")}</div>
{FOOTER}
</body></html>"""

HEADLINES = [
    "青禾市人民政府办公室关于做好2024年春季农业生产工作的通知",
    "关于公布2024年第一批市级农业产业化龙头企业名单的通知",
    "青禾市2023年国民经济和社会发展统计公报",
    "关于开展2024年春季植树造林活动的通知",
    "关于印发青禾市2024年政务公开工作要点的通知",
    "关于调整青禾市城乡居民基本医疗保险缴费标准的通知",
    "青禾市人民政府关于公布规范性文件清理结果的决定",
    "关于2024年清明节期间加强森林防火工作的通告",
]
LIST_ITEMS = "".join(
    f'<li><a href="./202403/t202403{day:02d}_1000{day}.html">{headline}</a><span>2024-03-{day:02d}</span></li>'
    for day, headline in enumerate(HEADLINES, start=1)
)
LIST_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>通知公告_青禾市人民政府</title></head>
<body>
{NAV}
<div class="list"><ul>{LIST_ITEMS}</ul></div>
<div class="page">共8条 首页 上一页 1 下一页 尾页</div>
{FOOTER}
</body></html>"""


@pytest.mark.parametrize("page", [MENU_ONLY_PAGE, LIST_PAGE], ids=["menu-only", "column-list"])
def test_a_page_of_links_only_gets_a_warning(page: str) -> None:
    warnings = extract_article(page).warnings
    assert warnings != ()
    assert all(isinstance(w, str) and w for w in warnings)


def test_a_normal_article_page_gets_no_warning() -> None:
    page = article_page(
        info='<div class="info"><span>来源：青禾市人民政府办公室</span><span>发布时间：2024-03-05 10:00</span></div>'
    )
    assert extract_article(page).warnings == ()


# ---------------------------------------------------------------------------------------------
# ASP.NET: the whole page inside one <form>
# ---------------------------------------------------------------------------------------------


def test_a_page_held_in_one_aspnet_form_still_yields_its_body() -> None:
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>{NOTICE_TITLE}</title></head>
<body>
<form name="form1" method="post" action="./ShowNews.aspx?id=2381" id="form1">
<div>
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1MmRkZ7b3Q2u0" />
</div>
<div class="top">{NAV}<input name="txtKey" type="text" id="txtKey" /><input type="submit" name="btnSearch" value="搜索" id="btnSearch" /></div>
<table width="1000" align="center" class="main">
  <tr><td class="title"><span id="lblTitle">{NOTICE_TITLE}</span></td></tr>
  <tr><td class="info">发布时间：<span id="lblTime">2024-03-05</span>　来源：<span id="lblSource">青禾市人民政府办公室</span></td></tr>
  <tr><td id="content"><span id="lblContent">{paragraphs(NOTICE_BODY)}</span></td></tr>
</table>
{FOOTER}
<div>
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="/wEWAgLm7p3qCgKln/PuCg==" />
</div>
</form>
</body>
</html>"""
    assert_body_once_in_order(extract_article(page), NOTICE_BODY)


# ---------------------------------------------------------------------------------------------
# A body that is mostly a data table
# ---------------------------------------------------------------------------------------------

FEE_ROWS = [(f"{d}区", "住宅", f"{100 + i * 7}元/平方米", f"{2 + i % 3}年") for i, d in enumerate("东西南北中湖山海")]


def test_a_body_that_is_mostly_a_data_table_keeps_every_row_and_its_header() -> None:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in FEE_ROWS)
    table = f"<table><tr><th>区域</th><th>类型</th><th>收费标准</th><th>有效期</th></tr>{rows}</table>"
    related = "".join(
        f'<li><a href="/a{i}.html">青禾市召开第{i}次物业管理工作会议</a><span>2024-03-0{i + 1}</span></li>'
        for i in range(8)
    )
    page = article_page(
        heading="<h1>青禾市物业服务收费标准公示</h1>",
        body=["现将各区物业服务收费标准公示如下："],
        after=f'<div class="list"><ul>{related}</ul></div>',
    ).replace("</p>\n    </div>", f"</p>{table}\n    </div>", 1)
    article = extract_article(page)
    lines = [_squash(line) for line in article.body.splitlines()]
    assert lines[0] == _squash("现将各区物业服务收费标准公示如下：")
    assert lines[1:] == [_squash("".join(row)) for row in [("区域", "类型", "收费标准", "有效期"), *FEE_ROWS]]
    assert article.warnings == ()


def test_line_breaks_of_the_page_source_inside_a_paragraph_do_not_split_it() -> None:
    page = article_page(body=[]).replace(
        '<div class="article-content" id="zoom">',
        '<div class="article-content" id="zoom"><p>全年受理政务服务事项\n12.6万件，\n按时办结率99.8%。</p>'
        "<p>网上可办率达到98%，比上年提高3个百分点。</p>",
    )
    assert extract_article(page).body.splitlines()[0] == "全年受理政务服务事项 12.6万件， 按时办结率99.8%。"


def test_a_data_table_row_stays_one_line_when_a_cell_holds_several_paragraphs() -> None:
    table = (
        "<table><tr><td><p>序</p><p>号</p></td><td><p>土地</p><p>面积（亩）</p></td><td>容积率</td></tr>"
        "<tr><td>1</td><td>75.62</td><td>≤2.2</td></tr></table>"
    )
    page = article_page(body=["现将出让地块的基本情况公告如下："]).replace(
        "</p>\n    </div>", f"</p>{table}\n    </div>", 1
    )
    lines = extract_article(page).body.splitlines()
    assert lines[1:] == ["序 号\t土地 面积（亩）\t容积率", "1\t75.62\t≤2.2"]


def test_a_layout_table_cell_holding_the_article_keeps_its_paragraphs_as_lines() -> None:
    content = paragraphs(NOTICE_BODY)
    page = f"""<html><head><title>{NOTICE_TITLE}_青禾市人民政府</title></head><body>{NAV}
<table width="1000"><tr><td width="200">{_menu(RELATED, "left")}</td>
<td class="content"><h1>{NOTICE_TITLE}</h1>{content}</td></tr></table>{FOOTER}</body></html>"""
    assert_body_once_in_order(extract_article(page), NOTICE_BODY)


def test_a_table_row_keeps_its_empty_cells_so_its_figures_stay_under_their_columns() -> None:
    table = (
        "<table><tr><th>供应商名称</th><th>数量</th><th>单价</th><th>下浮率</th><th>优惠价</th></tr>"
        "<tr><td>青禾某某科技有限公司</td><td>120</td><td>4500.00</td><td></td><td> </td></tr></table>"
    )
    page = article_page().replace(paragraphs(NOTICE_BODY), paragraphs(NOTICE_BODY) + table)
    article = extract_article(page)
    row = next(line for line in article.body.splitlines() if line.startswith("青禾某某"))
    assert row.split("\t") == ["青禾某某科技有限公司", "120", "4500.00", "", ""]


SCRIPTED_SOURCE = """<div class="info">时间：2024-03-05 10:00&nbsp;&nbsp;来源：
<script>var origin = '';
if (origin == '') {origin = "青禾市农业农村局";}
document.write(origin);</script></div>"""


def test_a_source_written_by_the_templates_script_is_read_as_the_browser_shows_it() -> None:
    page = news_page(info=SCRIPTED_SOURCE)
    assert extract_article(page).source == "青禾市农业农村局"


def test_a_script_that_writes_markup_stays_code() -> None:
    info = '<div class="info">来源：<script>document.write("<a href=\\"/\\">青禾市农业农村局</a>")</script></div>'
    assert extract_article(news_page(info=info)).source is None
