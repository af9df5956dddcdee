"""HTML of the demo portals, in two CMS styles with the furniture real portals carry."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from seeds.demo.site import DemoArticle, DemoPortal, DemoSite, to_script

_MODERN_HEAD = """<!DOCTYPE html>
<html lang="zh-Hant"><head><meta charset="utf-8">
<title>{title}_{site}</title>
<meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date}">
<link rel="stylesheet" href="/static/site.css"><script>var _hmt = _hmt || [];</script>
</head><body>
<div class="header"><div class="logo">{site}</div>
<ul class="nav"><li><a href="/{prefix}/">首頁</a></li><li><a href="#">機構概況</a></li>
<li><a href="/{prefix}/{list_path}/index.html">政務公開</a></li><li><a href="#">政務服務</a></li>
<li><a href="#">互動交流</a></li></ul></div>
<div class="crumb">您當前所在位置：<a href="/{prefix}/">首頁</a> &gt; <a href="#">政務公開</a> &gt; 工作報告</div>
"""

_MODERN_FOOT = """<div class="footer"><p><a href="#">關於我們</a> | <a href="#">網站地圖</a> | <a href="#">聯繫我們</a></p>
<p>主辦單位：{site}　地址：陽江市江城區東風三路</p>
<p><a href="https://beian.miit.gov.cn/">粵ICP備16010311號-3</a>　<img src="/static/ga.png">粵公網安備 44170202000121號</p>
<p>網站標識碼：4417000001　聯繫電話：0662-3388123</p></div>
</body></html>"""

_TRS_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{title}-{site}</title>
<style>.zoom p{{line-height:2em}}</style>
</head><body>
<table width="1000" align="center" class="top"><tr><td><img src="/images/logo.png" alt="{site}"></td></tr>
<tr><td class="menu"><a href="/{prefix}/">网站首页</a> <a href="#">政务公开</a> <a href="#">政务服务</a>
<a href="#">数据开放</a> <a href="#">互动交流</a></td></tr></table>
<table width="1000" align="center"><tr><td class="position">当前位置：<a href="/{prefix}/">首页</a> &gt;&gt; 政务公开 &gt;&gt; 规划计划</td></tr></table>
"""

_TRS_FOOT = """<table width="1000" align="center" class="bottom"><tr><td>
<a href="#">网站帮助</a> | <a href="#">网站地图</a> | <a href="#">隐私申明</a> | <a href="#">联系我们</a><br>
主办单位：{site}　承办：河源市源城区政务服务数据管理局<br>
版权所有 © 2023 {site} 粤ICP备05077896号 粤公网安备 44160202000032号<br>
网站标识码：4416020001　网站报障电话：0762-3133110
</td></tr></table></body></html>"""


def _paragraphs(article: DemoArticle, portal: DemoPortal, page: int) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs_of_page(page))
    shown = article.attachments if page == article.pages - 1 else []  # a body's last lines, on its last page
    if article.embedded:
        links = "".join(
            f'<iframe src="/pdfjs/web/viewer.html?file={quote(portal.attachment_path(filename), safe="")}" '
            f'title="{escape(name)}" width="100%" height="800"></iframe>'
            for name, filename, _ in shown
        )
    else:
        links = "".join(
            f'<p>附件：<a href="{portal.attachment_path(filename)}">{escape(name)}</a></p>'
            for name, filename, _ in shown
        )
    return body + links + _page_bar(article, portal, page)


def _page_bar(article: DemoArticle, portal: DemoPortal, page: int) -> str:
    """The bar of a paginated article: TRS draws it with its createPageHTML script, others link each page."""
    if article.pages < 2:
        return ""
    if portal.template == "trs":
        stem = portal.article_path(article).rsplit("/", 1)[1].removesuffix(".html")
        return f'<div class="page"><script>createPageHTML({article.pages}, {page}, "{stem}", "html");</script></div>'
    links = " ".join(
        f'<a href="{portal.article_path(article, k).rsplit("/", 1)[1]}">{k + 1}</a>'
        if k != page
        else f"<span>{k + 1}</span>"
        for k in range(article.pages)
    )
    return f'<div class="page">{links}</div>'


def render_article(portal: DemoPortal, article: DemoArticle, page: int = 0) -> str:
    common = {
        "title": escape(article.title),
        "site": escape(portal.site_name),
        "prefix": portal.prefix,
        "list_path": portal.list_path,
        "date": article.published.isoformat(),
    }
    if portal.template == "trs":
        return (
            _TRS_HEAD.format(**common)
            + f"""<table width="1000" align="center" class="main"><tr><td>
<div class="title">{common["title"]}</div>
<div class="info">信息来源：{common["site"]}　发布日期：{article.published:%Y-%m-%d}　点击数：<span id="hits">386</span>
【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div id="zoom" class="zoom">{_paragraphs(article, portal, page)}</div>
<div class="tools">【<a href="javascript:window.print()">打印</a>】【<a href="javascript:window.close()">关闭</a>】</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="related">相关文章：<ul><li><a href="#">关于印发政务服务事项目录的通知</a></li>
<li><a href="#">源城区数字政府建设工作动态</a></li></ul></div>
</td></tr></table>
"""
            + _TRS_FOOT.format(**common)
        )
    t = portal.traditional
    return (
        _MODERN_HEAD.format(**common)
        + f"""<div class="article">
<h1 class="article-title">{common["title"]}</h1>
<div class="article-meta"><span>{to_script("来源", t)}：{common["site"]}</span>
<span>{to_script("发布时间", t)}：{article.published:%Y-%m-%d} 10:30</span>
<span>{to_script("浏览次数", t)}：1234</span>
<span class="font">{to_script("字体大小", t)}：<a>大</a> <a>中</a> <a>小</a></span></div>
<div class="TRS_Editor">{_paragraphs(article, portal, page)}</div>
<div class="article-tools"><a href="javascript:print()">{to_script("打印本页", t)}</a>
<a href="javascript:close()">{to_script("关闭窗口", t)}</a></div>
<div class="bdshare">{to_script("分享到", t)}：<a class="weixin">{to_script("微信", t)}</a>
<a class="weibo">{to_script("微博", t)}</a></div>
<div class="related"><h3>{to_script("相关链接", t)}</h3><ul><li><a href="#">{to_script("广东政务服务网", t)}</a></li></ul></div>
</div>
"""
        + _MODERN_FOOT.format(**common)
    )


def render_list(site: DemoSite, portal: DemoPortal, page: int) -> str:
    start = (page - 1) * 20
    items = portal.articles[start : start + 20]
    common = {
        "title": "工作報告" if portal.traditional else "规划计划",
        "site": escape(portal.site_name),
        "prefix": portal.prefix,
        "list_path": portal.list_path,
        "date": "",
    }
    next_link = ""
    if page < portal.page_count:
        label = to_script("下一页", portal.traditional)
        next_link = f'<a class="next" href="{portal.list_page_path(page + 1).rsplit("/", 1)[1]}">{label}</a>'
    pages = f'<div class="pages">{next_link} <span>{page}/{portal.page_count}</span></div>'
    if portal.template == "trs":
        rows = "\n".join(
            f'<tr><td class="bt"><a href="{portal.article_path(a)}" target="_blank">{escape(a.title)}</a></td>'
            f"<td>{a.published:%Y-%m-%d}</td></tr>"
            for a in items
        )
        body = f'<table class="list">{rows}</table>{pages}'
        return _TRS_HEAD.format(**common) + body + _TRS_FOOT.format(**common)
    rows = "\n".join(
        f'<li><a href="{portal.article_path(a)}">{escape(a.title)}</a><span>{a.published:%Y-%m-%d}</span></li>'
        for a in items
    )
    body = f'<ul class="news-list">{rows}</ul>{pages}'
    return _MODERN_HEAD.format(**common) + body + _MODERN_FOOT.format(**common)


def render_home(site: DemoSite) -> str:
    links = "".join(
        f'<li><a href="{p.list_page_path(1)}">{escape(p.site_name)}</a></li>' for p in site.portals.values()
    )
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>演示门户</title></head><body><ul>{links}</ul></body></html>"
