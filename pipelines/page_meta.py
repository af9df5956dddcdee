"""Title, published date and source agency of a portal page, as the page shows them.

Where CMSs put them: `<meta>` tags (ArticleTitle, PubDate, ContentSource: TRS, Hanweb and
their imitators), `<title>` ("article_column_site" or "site-article"), the headline above the
body, and a labelled header line (发布时间：… 来源：…) or a 信息公开 table (发布机构 | 成文日期). The
shown value wins over `<meta>`, which is often the time the page was regenerated. Dates in the
ROC calendar (中華民國107年) are converted. Each reader takes a tree with scripts removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import lxml.html

from pipelines.textnorm import shadow

# Separators of "article_column_site", strongest first: a weaker one is used only when no stronger is there
# (the hyphen of 2024-2026 is no separator in "…（2024-2026年）的通知_某市人民政府").
_TITLE_SEPARATORS = (
    re.compile(r"\s*[_|｜]\s*"),
    re.compile(r"\s+[-—–]+\s+|\s*(?:——|--)\s*"),
    re.compile(r"\s*[-—](?=[^-—]*$)\s*"),
)
_TITLE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:title|bt|biaoti|tit|art-?title|detail-?title|article-?title|news-?title|content-?title|"
    r"xxgk-?title|headline|wz-?title|zw-?title|h1)(?:$|[\s_-]|\d)",
    re.IGNORECASE,
)
# Headings that name a page's box, never an article: they are not titles.
_BOX_HEADING = re.compile(
    r"^(?:友情链接|相关(?:推荐|链接|文章|阅读|新闻|信息|解读|附件)|热点|热门|推荐阅读|最新|图片新闻|网站地图|"
    r"当前位置|您(?:当前)?所在的?位置|.{0,6}(?:首页|专题|专栏|导航))"
)
_LABELLED_TITLE = re.compile(r"^(?:标\s*题|名\s*称|.{1,3}名\s*称)\s*[:：]\s*(\S.{3,150})$")

_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})(?!\d)")
_ROC_DATE = re.compile(r"(?:中华民国|民国)\s*(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ROC_YEAR_ZERO = 1911  # the Republic's year 1 is 1912
# Taiwanese pages label dates in the Republic's years without naming it (發布日期：109-05-20, 109/5/20,
# 109年5月20日): right after a date label a three-digit year can be nothing else.
_ROC_LABELLED = re.compile(r"\s*(1\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_SHOWN_LABELS = re.compile(r"(?:发布时间|发布日期|发稿时间|发表时间|公布日期|公开日期|公告时间|发布于)\s*[:：]?\s*")
_DOCUMENT_LABELS = re.compile(r"(?:生成日期|发文日期|成文日期|印发日期|签发日期|日期|时间)\s*[:：]\s*")
_TODAY = re.compile(r"今天是|今日是|农历|星期[一二三四五六日天]")
_DATE_ONLY = re.compile(
    r"^\s*[\[【(（]?\s*(?:19|20)\d\d\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*[\]】)）]?\s*$"
)
_DATE_MARK = re.compile(r"(?:^|[\s_-])(?:pub-?time|pubdate|time|date|fbsj|rq|sj|fbrq)(?:$|[\s_-]|\d)", re.IGNORECASE)

_SOURCE_LABELS = re.compile(
    r"(?:信息来源|文章来源|稿件来源|新闻来源|来源|发布机构|发文机关|发文单位|发布单位)\s*[:：]?\s*"
)
_SOURCE_END = re.compile(
    r"\s{2,}|[|｜\t]|(?:发布时间|发布日期|时间|日期|作者|编辑|浏览|访问|点击|字号|阅读|分享|打印)[:：]?|$"
)
_SOURCE_VALUE = re.compile(r"^[\u4e00-\u9fff（）()·A-Za-z0-9\s]{2,40}$")
_NOT_SOURCE = re.compile(r"^(?:本站|本网|原创|网站|暂无|无|未知|其他)$|打印|关闭|分享|字号")


def _norm(text: str) -> str:
    return "".join(text.split())


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def meta_content(root: lxml.html.HtmlElement, *names: str) -> str | None:
    wanted = [n.lower() for n in names]
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("name") or element.get("property") or "").lower()
        content = (element.get("content") or "").strip()
        if key in wanted and content and key not in found:
            found[key] = content
    return next((found[n] for n in wanted if n in found), None)


def select_text(root: lxml.html.HtmlElement, selector: str | None) -> str | None:
    if not selector:
        return None
    try:
        found = root.cssselect(selector)
    except Exception:  # a malformed registry selector: `portals validate` names it; detection takes over
        return None
    return _text(found[0]) if found else None


# ---------------------------------------------------------------- title


@dataclass(frozen=True)
class Heading:
    """A headline-like element as the page shows it, with its place in document order."""

    element: lxml.html.HtmlElement
    text: str
    position: int


@dataclass(frozen=True)
class Headline:
    text: str
    element: lxml.html.HtmlElement | None  # the heading shown on the page, when the title is one


def heading_candidates(elements: list[lxml.html.HtmlElement]) -> list[Heading]:
    """Visible headline texts in document order: h1–h3 and title-classed blocks (not links, not box names).

    `elements` is the page's `root.iter()` as a list: positions index into it.
    """
    found: list[Heading] = []
    for position, element in enumerate(elements):
        if not isinstance(element.tag, str) or element.tag not in _HEADING_TAGS:
            continue
        if element.tag not in {"h1", "h2", "h3"}:
            marker = f"{element.get('class', '')} {element.get('id', '')}"
            if not _TITLE_CLASS.search(marker) and not _HEADING_STYLE.search(element.get("style") or ""):
                continue
        if any(a.tag == "a" for a in element.iterancestors()) or _is_logo(element):
            continue
        text = _text(element)
        links = element.findall(".//a")
        if len(links) > 1 or (links and _norm(_text(links[0])) == _norm(text)):
            continue  # a linked heading is a logo or a menu entry
        if not text and element.tag in {"h1", "h2", "h3"}:
            # <h3><p>title</p></h3>: libxml2 moves the <p> out and leaves the heading empty.
            following = element.getnext()
            if following is not None and following.tag == "p":
                element, text = following, _text(following)
        if 4 <= len(text) <= 160 and not _BOX_HEADING.match(text):
            found.append(Heading(element, text, position))
    return found


# The site's logo or name in its header (<h1 class="logo">, <div id="sitename">): a heading, not the headline.
_LOGO = re.compile(r"(?:^|[\s_-])(?:logo|site-?name|sitename|site-?title|wzmc)(?:$|[\s_-]|\d)", re.IGNORECASE)


def _is_logo(element: lxml.html.HtmlElement) -> bool:
    parent = element.getparent()
    return any(
        e is not None and _LOGO.search(f"{e.get('class', '')} {e.get('id', '')}") is not None for e in (element, parent)
    )


# Styled as a headline: large type (18px and up) or bold, as table-layout templates print titles.
_HEADING_STYLE = re.compile(r"font-size\s*:\s*(?:1[89]|[2-4]\d)(?:\.\d+)?px|font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "div", "td", "p", "span", "strong", "font"})


def _title_parts(root: lxml.html.HtmlElement) -> list[str]:
    page_title = " ".join((root.findtext(".//title") or "").split())
    for separator in _TITLE_SEPARATORS:
        if separator.search(page_title):
            return [p for p in separator.split(page_title) if p]
    return [page_title] if page_title else []


def _agrees(candidate: str, reference: str) -> bool:
    a, b = _norm(candidate), _norm(reference)
    if not a or not b:
        return False
    if a == b:
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    shorter = shorter.rstrip(".…")
    return len(shorter) >= 8 and longer.startswith(shorter)


def _common_title(heading: str, witness: str) -> str:
    """Of a heading and a witness that agree, the one that is the title: the shorter, unless it was cut."""
    if len(_norm(heading)) <= len(_norm(witness)) or witness.rstrip().endswith((".", "…")):
        return heading
    return " ".join(witness.split())


def title_of(
    root: lxml.html.HtmlElement,
    headings: list[Heading],
    selector: str | None = None,
    body_position: int | None = None,
    page_text: str = "",
) -> Headline:
    """The headline: a heading that `<title>` or ArticleTitle confirms, else `<meta>`, else a part of
    `<title>` the page shows as a line of its own, else the heading nearest above the body, else a
    labelled title line, else `<title>` itself."""
    chosen = select_text(root, selector)
    if chosen:
        return Headline(chosen, None)
    meta = meta_content(root, "ArticleTitle", "og:title", "title")
    parts = _title_parts(root)
    witnesses = ([meta] if meta else []) + parts
    for heading in headings:
        for witness in witnesses:
            if _agrees(heading.text, witness):
                return Headline(_common_title(heading.text, witness), heading.element)
    if meta and len(_norm(meta)) >= 4:
        return Headline(" ".join(meta.split()), None)
    shown = {_norm(line) for line in page_text.splitlines()}
    site = _site_names(root, page_text) | {_norm(_text(a)) for a in root.iter("a")}  # a logo or menu link
    site |= {_norm(_text(e)) for e in root.iter("h1", "div", "span", "p", "strong") if _is_logo(e)}  # a logo's text
    shown_parts = [p for p in parts if len(_norm(p)) >= 6 and _norm(p) in shown and _norm(p) not in site]
    if shown_parts:
        return Headline(max(shown_parts, key=len), None)
    if body_position is not None:
        above = [h for h in headings if h.position <= body_position and len(_norm(h.text)) >= 6]
        if above:
            return Headline(above[-1].text, above[-1].element)
    labelled = _labelled_title(root)
    if labelled:
        return Headline(labelled, None)
    longest = max(parts, key=len, default="")
    if len(longest) >= 8 or not headings:
        return Headline(longest, None)
    return Headline(headings[0].text, headings[0].element)


_SITE_OWNER = re.compile(r"(?:版权所有|主办单位|主办|Copyright\s*©?\s*(?:\d{4})?)\s*[:：]?\s*([^\s|｜:：]{4,40})", re.I)


def _site_names(root: lxml.html.HtmlElement, page_text: str) -> set[str]:
    """What the page names as the site: SiteName/og:site_name, and who the footer says runs it."""
    names = {_norm(n) for n in (meta_content(root, "SiteName"), meta_content(root, "og:site_name")) if n}
    names.update(_norm(m.group(1)) for m in _SITE_OWNER.finditer(page_text[-6000:]))
    return names


def _labelled_title(root: lxml.html.HtmlElement) -> str | None:
    """`标题：…` / `…名称：…` as the first labelled line of a document (forms, court and 信息公开 notices)."""
    text = str(root.text_content())[:4000]
    for line in text.splitlines()[:80]:
        match = _LABELLED_TITLE.match(shadow(line.strip()))
        if match:
            start = line.strip()
            return start[match.start(1) :].strip()
    return None


# ---------------------------------------------------------------- date


def to_date(text: str | None) -> date | None:
    if not text:
        return None
    simplified = shadow(text)
    for pattern, offset in ((_DATE, 0), (_ROC_DATE, _ROC_YEAR_ZERO)):
        if found := _date_of(pattern.search(simplified), offset):
            return found
    return None


def _date_of(match: re.Match[str] | None, offset: int) -> date | None:
    """The date a match's (year, month, day) groups name, the year counted from `offset`; None for
    no match or no such day."""
    if match is None:
        return None
    try:
        return date(int(match.group(1)) + offset, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _labelled_date(text: str, labels: re.Pattern[str]) -> date | None:
    for label in labels.finditer(text):
        line_start = text.rfind("\n", 0, label.start()) + 1
        if _TODAY.search(text[line_start : label.start() + 40]):
            continue
        found = to_date(text[label.end() : label.end() + 40].split("\n")[0] or text[label.end() : label.end() + 40])
        if found or (found := _roc_labelled(text, label.end())):
            return found
    return None


def _roc_labelled(text: str, at: int) -> date | None:
    """A date in the Republic's years right at `at`, after a date label (109-05-20 is 2020-05-20)."""
    return _date_of(_ROC_LABELLED.match(text, at), _ROC_YEAR_ZERO)


def _date_near_heading(root: lxml.html.HtmlElement) -> date | None:
    """A bare date (with time) in an element marked time/date, as CMSs print under the headline."""
    for element in root.iter("span", "div", "p", "em", "i", "td", "li", "font", "time"):
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag == "time" or _DATE_MARK.search(marker):
            text = _text(element)
            if _DATE_ONLY.match(text):
                return to_date(text)
    return None


@dataclass(frozen=True)
class PageText:
    """The page's shown text (its head, where metadata sits) and its Simplified shadow, made once."""

    raw: str
    simplified: str

    @classmethod
    def of(cls, text: str, limit: int = 30000) -> PageText:
        head = text[:limit]
        return cls(head, shadow(head))


def published_of(
    root: lxml.html.HtmlElement, page: PageText, selector: str | None = None, url: str | None = None
) -> date | None:
    """The date the page shows as published, else the document's own date, else `<meta>`, else the URL's."""
    shown = to_date(select_text(root, selector))
    if shown:
        return shown
    head = page.simplified
    return (
        _labelled_date(head, _SHOWN_LABELS)
        or _labelled_date(head, _DOCUMENT_LABELS)
        or to_date(
            meta_content(root, "PubDate", "publishdate", "pubdate", "article:published_time", "firstpublishedtime")
        )
        or _date_near_heading(root)
        or _url_date(url)
    )


# A line that is a date and nothing else (a weekday may follow): a notice's signature date, a press
# release's date under its text.
_DATE_LINE = re.compile(
    rf"\s*(?:{_DATE.pattern}\s*日?|{_ROC_DATE.pattern})\s*(?:[（(]?\s*星期[一二三四五六日天]\s*[）)]?)?\s*"
)


def date_alone(line: str) -> date | None:
    """The date a line states when it states nothing else (2024年3月5日, 2024-03-05（星期二）)."""
    simplified = shadow(line)
    return to_date(simplified) if _DATE_LINE.fullmatch(simplified) else None


_URL_DATE = re.compile(r"(?:/t|/art/|/)(20\d\d)[-/]?(\d{1,2})[-/]?(\d{1,2})(?:[_/]|\d)")


def _url_date(url: str | None) -> date | None:
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


# ---------------------------------------------------------------- source


def _clean_source(raw: str) -> str | None:
    value = _SOURCE_END.split(raw.strip(), maxsplit=1)[0].strip().strip("：:】]").strip()
    if value.endswith(("）", ")")) and "（" not in value and "(" not in value:
        value = value[:-1].strip()  # （来源：青禾日报）: the parenthesis the line opened
    if not value or not _SOURCE_VALUE.match(value) or not re.search(r"[\u4e00-\u9fff]", value):
        return None
    if _NOT_SOURCE.search(value):
        return None
    return value


# An official document's title names its issuer first (发文机关 + 关于 + matter + kind, GB/T 9704):
# 青禾市农业农村局关于…的通知, 某某区人民法院公告. The issuer ends on what an agency is called.
_ISSUER_TITLE = re.compile(
    r"^(?P<issuer>[\u4e00-\u9fff（）()]{1,28}?"
    r"(?:人民政府|政府|办公厅|办公室|委员会|常委会|管理局|局|厅|委|办|部|署|法院|检察院|院|中心|协会|联合会))"
    r"(?:[\s　]+[\u4e00-\u9fff（）()]{2,30}?)*"  # joint issuers, one space apart: the first is named
    r"(?:关于|公告|通告|通知|决定|命令|令|批复|意见|印发)"
)


def issuer_in_title(title: str) -> str | None:
    """The issuing agency an official document's title opens with, for a page that labels no source."""
    found = _ISSUER_TITLE.match(shadow(title))
    return title[: found.end("issuer")] if found else None


def source_of(root: lxml.html.HtmlElement, page: PageText) -> str | None:
    """The agency the page names as 来源 / 发布机构: `来源：X` in a line, or the label alone and X next."""
    simplified, text = page.simplified, page.raw
    for label in _SOURCE_LABELS.finditer(simplified):
        line_start = max(simplified.rfind("\n", 0, label.start()), simplified.rfind("\t", 0, label.start())) + 1
        before = simplified[line_start : label.start()]
        if before.strip(" 【[　（(") and not (before[-1].isspace() or before[-1] in "|｜【[（("):
            continue  # the label opens its line, cell or field: 单一来源采购 is no source
        line_end = len(simplified)
        for stop in ("\n", "\t"):
            found_at = simplified.find(stop, label.end())
            if 0 <= found_at < line_end:
                line_end = found_at
        value = text[label.end() : line_end]
        if not value.strip():  # label alone in its cell or line: the value is the next non-empty one
            value = re.split(r"[\n\t]", text[line_end : line_end + 200].lstrip("\n\t "), maxsplit=1)[0]
        elif not re.search(r"[:：]", simplified[label.start() : label.end()]):
            continue  # a label with its value on the same line takes a colon
        found = _clean_source(value)
        if found:
            return found
    meta = meta_content(root, "ContentSource", "source", "author")
    return _source_opening_an_element(root) or (_clean_source(meta) if meta else None)


_SOURCE_TAGS = ("span", "em", "i", "b", "strong", "font", "label", "p", "div", "td", "li")


def _source_opening_an_element(root: lxml.html.HtmlElement) -> str | None:
    """来源：X opening an element of its own, when the line it shows in runs on from another field
    (<span>发布时间：…</span><span>来源：<a>X</a></span>, spans printed without a space between them):
    the element, not the line, says where the label begins."""
    for element in root.iter(_SOURCE_TAGS):
        own = (element.text or "").lstrip()
        label = _SOURCE_LABELS.match(shadow(own[:12])) if own else None
        if label is None or not re.search(r"[:：]", label.group()):
            continue  # a label with its value beside it takes a colon
        lead = element.text or ""
        value = own[label.end() :] + str(element.text_content())[len(lead) :]  # after the label, then its children
        found = _clean_source(value.split("\n", 1)[0])
        if found:
            return found
    return None
