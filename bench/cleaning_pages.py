"""A labelled set of government portal pages: 12 templates imitating Chinese government CMSs,
filled with body lines from the bundled reports, so every page's body lines are known exactly.

Templates differ in furniture (breadcrumbs, meta lines, font-size and print bars, share widgets,
related links, footers with 备案/公网安备/网站标识码/phone), in nesting and layout (tables,
div soup, sidebars, <br>-separated text, inline styles, links inside sentences), in script
(Traditional) and in encoding (GBK with the charset only in <meta>).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape

from seeds.demo import build_demo_site
from seeds.demo.site import to_script
from seeds.demo.templates import render_article


@dataclass(frozen=True)
class LabelledPage:
    template: str
    html: bytes
    content_type: str
    body: list[str]
    demo: bool = False


FOOTER_S = (
    "<div class='foot'><p><a>关于我们</a> | <a>网站地图</a> | <a>联系我们</a> | <a>隐私申明</a></p>"
    "<p>主办单位：{site} 承办单位：{site}办公室</p><p>粤ICP备05077896号-2 <img src='ga.png'>粤公网安备 44010402001234号</p>"
    "<p>网站标识码：4401000001 网站报障电话：020-83331234</p></div>"
)
FOOTER_T = (
    "<div class='foot'><p><a>關於我們</a> | <a>網站地圖</a> | <a>私隱政策</a> | <a>聯絡我們</a></p>"
    "<p>主辦單位：{site}</p><p>版權所有 © 2024 {site}</p><p>聯繫電話：(02)2720-8889</p></div>"
)


def _p(lines: list[str], style: str = "") -> str:
    attr = f" style='{style}'" if style else ""
    return "".join(f"<p{attr}>{escape(line)}</p>" for line in lines)


def gkmlpt(title: str, site: str, lines: list[str]) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}-{site}</title></head><body>"
        f"<div class='header'><ul><li><a>首页</a></li><li><a>政务公开</a></li><li><a>政务服务</a></li><li><a>互动交流</a></li></ul></div>"
        f"<div class='crumb'>当前位置：<a>首页</a> &gt; <a>政府信息公开</a> &gt; <a>工作报告</a></div>"
        f"<table class='meta'><tr><td>索引号：</td><td>11441700MB2C12345X/2023-00012</td><td>分类：</td><td>综合政务</td></tr>"
        f"<tr><td>发布机构：</td><td>{site}</td><td>成文日期：</td><td>2023-01-05</td></tr></table>"
        f"<h1>{title}</h1><div class='article-content'>{_p(lines)}</div>"
        f"<div class='print'><a>【打印】</a><a>【关闭】</a></div>" + FOOTER_S.format(site=site) + "</body></html>"
    )


def hanweb(title: str, site: str, lines: list[str]) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title><script>var webid=1;</script></head><body>"
        f"<table width='100%'><tr><td><table><tr><td class='nav'><a>网站首页</a>&nbsp;<a>信息公开</a>&nbsp;<a>办事服务</a>&nbsp;<a>政民互动</a></td></tr></table>"
        f"<table><tr><td>您的位置：<a>首页</a> &gt; <a>工作动态</a></td></tr></table>"
        f"<table><tr><td class='title'>{title}</td></tr><tr><td>发布日期：2024-01-19 来源：{site} 浏览次数：<script>document.write(12)</script>"
        f" 字号：[ <a>大</a> <a>中</a> <a>小</a> ]</td></tr>"
        f"<tr><td id='zoom'>{_p(lines, 'text-indent:2em;line-height:1.8')}</td></tr>"
        f"<tr><td>【<a>打印本页</a>】【<a>关闭窗口</a>】</td></tr></table></td></tr></table>"
        + FOOTER_S.format(site=site)
        + "</body></html>"
    )


def govcn(title: str, site: str, lines: list[str]) -> str:
    return (
        f"<html><head><meta charset='utf-8'><meta name='ArticleTitle' content='{title}'></head><body>"
        f"<div class='top'><a>首页</a> | <a>简</a> | <a>繁</a> | <a>EN</a> | <a>登录</a></div>"
        f"<div class='pages-title'>{title}</div><div class='pages-date'>2023-02-10 15:30 来源：{site}"
        f"<span class='font'>【字体：<a>大</a> <a>中</a> <a>小</a>】</span></div>"
        f"<div class='pages_content' id='UCAP-CONTENT'>{_p(lines, 'text-indent: 2em; font-family: 仿宋')}</div>"
        f"<div class='share'>分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div><div class='editor'>【我要纠错】 责任编辑：张三</div>"
        f"<div class='related'><div>相关稿件</div><ul><li><a>国务院关于加强数字政府建设的指导意见</a></li>"
        f"<li><a>关于深化政务公开工作的通知</a></li><li><a>政务服务事项目录</a></li></ul></div>"
        + FOOTER_S.format(site=site)
        + "</body></html>"
    )


def zhejiang(title: str, site: str, lines: list[str]) -> str:
    side = "".join(
        f"<li><a href='/art/2023/1/{i}/art_1_{i}.html'>热点专题第{i}期政务动态</a></li>" for i in range(1, 9)
    )
    return (
        f"<html><head><meta charset='utf-8'></head><body><div id='header'><div class='logo'>{site}</div></div>"
        f"<div class='main'><div class='left'><div class='bt'>{title}</div>"
        f"<div class='info'>信息来源：{site} 发布时间：2023-12-20 点击数：386</div>"
        f"<div id='zoom'>"
        + "".join(f"<p><font face='仿宋_GB2312' size='4'>{escape(x)}</font></p>" for x in lines)
        + f"</div></div><div class='right'><h3>热点专题</h3><ul>{side}</ul></div></div>"
        f"<div>扫一扫在手机打开当前页</div>" + FOOTER_S.format(site=site) + "</body></html>"
    )


def traditional(title: str, site: str, lines: list[str]) -> str:
    lines_t = [to_script(x, True) for x in lines]
    return (
        f"<html><head><meta charset='utf-8'><title>{to_script(title, True)}</title></head><body>"
        f"<div class='nav'><a>首頁</a> <a>新聞稿</a> <a>政策措施</a> <a>聯絡我們</a></div>"
        f"<div class='crumb'>您當前所在位置：首頁 &gt; 新聞稿</div><h1>{to_script(title, True)}</h1>"
        f"<div class='meta'>發布時間：2024-02-27 來源：{to_script(site, True)} 瀏覽次數：1024</div>"
        f"<div class='content'>{_p(lines_t)}</div>"
        f"<div class='tools'><a>列印</a> | <a>轉寄</a> | <a>回上頁</a></div>"
        + FOOTER_T.format(site=to_script(site, True))
        + "</body></html>"
    ), lines_t  # type: ignore[return-value]


def brtext(title: str, site: str, lines: list[str]) -> str:
    return (
        f"<html><head><meta charset='utf-8'></head><body><div class='wrap'><div class='path'>当前位置：首页 &gt;&gt; 通知公告</div>"
        f"<div class='art'><h2>{title}</h2><div class='art-info'>作者：办公室 发布时间：2023-06-16</div>"
        f"<div class='art-con'>" + "<br>".join(escape(x) for x in lines) + "</div></div>"
        "<div class='pn'>上一篇：<a>关于做好春节期间值班工作的通知</a><br>下一篇：<a>关于开展安全检查的通知</a></div></div>"
        + FOOTER_S.format(site=site)
        + "</body></html>"
    )


def tables(title: str, site: str, lines: list[str]) -> str:
    half = len(lines) // 2
    return (
        f"<html><head><meta charset='utf-8'></head><body><div class='crumb'>当前位置：首页 &gt; 统计数据</div>"
        f"<div class='text'><h3>{title}</h3>{_p(lines[:half])}<table border='1' style='border-collapse:collapse'>"
        "<tr><td>指标</td><td>数值</td></tr><tr><td>受理业务</td><td>159524宗</td></tr></table>"
        f"{_p(lines[half:])}</div>" + FOOTER_S.format(site=site) + "</body></html>"
    ), lines[:half] + ["指标\t数值", "受理业务\t159524宗"] + lines[half:]  # type: ignore[return-value]


def divsoup(title: str, site: str, lines: list[str]) -> str:
    wrapped = "".join(f"<div><div><span style='font-size:16px'>{escape(x)}</span></div></div>" for x in lines)
    return (
        "<html><head><meta charset='utf-8'><style>.x{color:red}</style></head><body>"
        + "<div>" * 12
        + f"<div class='bread'>您现在的位置：<a>首页</a> &gt; <a>工作总结</a></div>"
        f"<div class='t'>{title}</div><div class='m'>发布日期：2023-01-05　　浏览次数：<span id='c'>0</span></div>"
        f"<div class='c'>{wrapped}</div><div class='fx'>分享到：<a>微信</a><a>微博</a></div>"
        + "</div>" * 12
        + FOOTER_S.format(site=site)
        + "</body></html>"
    )


def inline_links(title: str, site: str, lines: list[str]) -> str:
    body = "".join(
        f"<p>{escape(x[: len(x) // 2])}<a href='/zt/{i}.html'>{escape(x[len(x) // 2 :])}</a></p>"
        if i % 4 == 0
        else f"<p>{escape(x)}</p>"
        for i, x in enumerate(lines)
    )
    return (
        f"<html><head><meta charset='utf-8'></head><body><div class='menu'><a>首页</a> <a>要闻动态</a> <a>政务公开</a> <a>专题专栏</a></div>"
        f"<div class='detail'><div class='detail-title'>{title}</div><div class='detail-body'>{body}</div></div>"
        f"<div class='xglj'>相关链接：<a>广东政务服务网</a> <a>粤省事</a> <a>粤商通</a></div>"
        + FOOTER_S.format(site=site)
        + "</body></html>"
    )


def split_body(title: str, site: str, lines: list[str]) -> str:
    third = max(1, len(lines) // 3)
    parts = [lines[:third], lines[third : 2 * third], lines[2 * third :]]
    return (
        f"<html><head><meta charset='utf-8'></head><body><div class='top'>{site}</div><div class='position'>所在位置：首页 &gt; 规划计划</div>"
        f"<div class='content'><div class='title'>{title}</div>"
        + "".join(f"<div class='part'>{_p(part)}</div>" for part in parts)
        + "</div><div class='btn'><a>打印本页</a> <a>关闭窗口</a></div>"
        + FOOTER_S.format(site=site)
        + "</body></html>"
    )


TEMPLATES: dict[str, Callable[[str, str, list[str]], object]] = {
    "gkmlpt": gkmlpt,
    "hanweb": hanweb,
    "govcn": govcn,
    "zhejiang-font": zhejiang,
    "traditional": traditional,
    "br-separated": brtext,
    "with-table": tables,
    "div-soup": divsoup,
    "links-in-body": inline_links,
    "split-body": split_body,
}


def labelled_pages(seed: int = 7, per_template: int = 6) -> Iterator[LabelledPage]:
    site = build_demo_site()
    rng = random.Random(seed)
    for portal, article in site.all_articles():
        html = render_article(portal, article)
        yield LabelledPage(
            f"demo-{portal.template}",
            html.encode(portal.encoding, "xmlcharrefreplace"),
            "text/html" if portal.encoding != "utf-8" else "text/html; charset=utf-8",
            article.body_lines,
            demo=True,
        )
    pool = [line for _, article in site.all_articles() for line in article.body_lines if len(line) > 20]
    for name, template in TEMPLATES.items():
        for n in range(per_template):
            lines = rng.sample(pool, k=rng.randint(4, 12))
            result = template(f"2023年政务服务数据管理工作情况（第{n + 1}期）", "某市政务服务数据管理局", lines)
            html, body = result if isinstance(result, tuple) else (result, lines)
            encoding = "gbk" if name == "hanweb" and n % 2 else "utf-8"
            if encoding == "gbk":
                html = str(html).replace(
                    "<meta charset='utf-8'>", "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
                )
            yield LabelledPage(
                f"{name}{'-gbk' if encoding == 'gbk' else ''}",
                str(html).encode(encoding, "xmlcharrefreplace"),
                "text/html",
                list(body),
            )
