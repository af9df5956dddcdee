"""Article URL shapes and list-page words common to Chinese government CMSs (data, not code).

Used when a portal's registry entry has no list-item selector: an article URL shape is one of
the signals that a group of links on a list page is the list of articles (scrapers/discover.py).
"""

from __future__ import annotations

import re

ARTICLE_URL_SHAPES: tuple[re.Pattern[str], ...] = (
    re.compile(r"/content/post_\d+\.html?$"),  # Guangdong gkmlpt / 粤政易 sites
    re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html?$"),  # Hanweb (大汉)
    re.compile(r"/t\d{8}_\d+\.s?html?$"),  # TRS WCM
    re.compile(r"/\d{6}/t\d{8}_\d+\.s?html?$"),
    re.compile(r"/c\d+/\d{4}-\d{2}/\d{2}/content_\d+\.s?html?$"),  # gov.cn style
    re.compile(r"/content_\d+\.s?html?$"),
    re.compile(r"/(?:info|article|detail|news)/\d+\.html?$"),
    re.compile(r"/\d{4}-?\d{2}/\d{2}/[a-z]*\d+\.html?$"),
    re.compile(r"/20\d{4}(?:\d{2})?/[0-9a-f]{16,}\.s?html?$"),  # hashed names under a dated folder
    re.compile(r"/\d{4}/\d{1,2}/\d{1,2}/\w+\.s?html?$"),  # YYYY/M/D/name
    re.compile(r"/\d{4}/\d{4}/\w+\.s?html?$"),  # DedeCMS YYYY/MMDD/id
    re.compile(r"/info/\d+/\d+\.s?html?$"),  # VSB (博达)
    re.compile(r"/contents?/\d+/\d+\.s?html?$"),  # SiteServer
)

# A dynamic article page: a detail-like script name with a record id in its query.
ARTICLE_SCRIPT = re.compile(r"(?:show|detail|view|content|article|info|news|read)(?![^/]*(?:list|index))[^/]*$", re.I)
ARTICLE_QUERY_KEYS: frozenset[str] = frozenset(
    {"id", "aid", "artid", "articleid", "article_id", "newsid", "infoid", "contentid", "docid", "itemid", "guid"}
)

NEXT_PAGE_WORDS: tuple[str, ...] = ("下一页", "下一頁", "下页", "下頁", "后页", "後頁", ">", "»")

LIST_PAGE_NAME = re.compile(r"index(?:_(\d+))?\.s?html?$")


def is_article_url(path: str, query: str = "") -> bool:
    """True for a URL shaped like one article page of a known CMS (a static page, or a detail
    script with a record id)."""
    if any(shape.search(path) for shape in ARTICLE_URL_SHAPES):
        return True
    if not query or not ARTICLE_SCRIPT.search(path):
        return False
    keys = {pair.split("=", 1)[0].lower() for pair in query.split("&") if "=" in pair}
    return bool(keys & ARTICLE_QUERY_KEYS)


# A column or list page, never one article: a directory, an index/list/channel page (and its page N).
LISTING_PATH = re.compile(
    r"(?:/|/(?:index|list|default|more|channel|column|node|lanmu)(?:[_-]\w+)?\.(?:s?html?|jsp|php|aspx?))$",
    re.IGNORECASE,
)

_RECORD_NUMBER = re.compile(r"\d{4,}")


def has_record_number(path: str, query: str = "") -> bool:
    """True when the last path segment or a query value carries a number of 4+ digits: what
    a CMS of unknown shape most often gives each article (news/12345.html, show?id=20240305)."""
    name = path.rsplit("/", 1)[-1]
    values = [pair.split("=", 1)[1] for pair in query.split("&") if "=" in pair]
    return any(_RECORD_NUMBER.search(part) for part in (name, *values))


# Files a list may link to that are no article page (the crawler fetches articles).
DOCUMENT_PATH = re.compile(
    r"\.(?:pdf|ofd|docx?|wps|xlsx?|et|pptx?|zip|rar|7z|txt|csv|jpe?g|png|gif|bmp|mp[34]|flv|swf|apk|exe)$",
    re.IGNORECASE,
)

# Link labels of pagination and of "more" links (both scripts).
PAGINATION_WORDS: frozenset[str] = frozenset(
    {
        "首页", "首頁", "尾页", "尾頁", "末页", "末頁", "最后一页", "最後一頁", "第一页", "第一頁",
        "上一页", "上一頁", "上页", "上頁", "前一页", "前一頁", "前页", "前頁",
        "下一页", "下一頁", "下页", "下頁", "后一页", "後一頁", "后页", "後頁",
        "跳转", "跳轉", "go", "確定", "确定", "更多", "更多>>", "更多>", "more", "more>>", "查看更多",
        "<", ">", "<<", ">>", "«", "»", "‹", "›", "...", "…",
    }
)  # fmt: skip
PAGE_NUMBER = re.compile(r"^(?:\[?\s*\d{1,4}\s*\]?|第\s*\d+\s*[页頁])$")

# A dated list item: 2024-03-05, 2024/3/5, 2024.03.05, 2024年3月5日, 2024-03, [03-05].
LIST_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*日?)?(?!\d)|(?<![\d-])\d{2}-\d{2}(?![\d-])"
)

# Containers whose links are site furniture: by tag, and by a token of their class or id
# (split on -, _ and spaces; a token that starts or ends with one of NAVIGATION_AFFIXES counts).
NAVIGATION_TAGS: frozenset[str] = frozenset({"nav", "header", "footer", "aside"})
NAVIGATION_TOKENS: frozenset[str] = frozenset(
    {
        "header", "foot", "crumb", "crumbs", "breadcrumb", "bread", "position", "location", "weizhi", "dqwz",
        "mianbao", "copyright", "pagination", "pager", "paging", "pagebar", "fanye", "fenye", "yqlj", "friendlink",
        "friendlinks", "sitemap", "toolbar", "share", "sidebar", "related",
    }
)  # fmt: skip
NAVIGATION_AFFIXES: tuple[str, ...] = ("nav", "menu", "header", "footer", "crumb")


DIRECTORY_INDEX = re.compile(r"/index\.(?:html?|shtml|jsp|php|aspx?)$", re.IGNORECASE)

TRACKING_PARAMS: frozenset[str] = frozenset(
    {"spm", "isappinstalled", "scene", "clicktime", "enterid", "wxfrom", "wx_fmt", "gclid", "fbclid"}
)
SHARE_FROM_VALUES: frozenset[str] = frozenset({"singlemessage", "timeline", "groupmessage", "share"})


def is_tracking_param(key: str, value: str) -> bool:
    """Parameters that mark who shared a link, never which page it is."""
    key = key.lower()
    return (
        key.startswith(("utm_", "share_"))
        or key in TRACKING_PARAMS
        or (key == "from" and value.lower() in SHARE_FROM_VALUES)
    )
