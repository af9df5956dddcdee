"""Article URL shapes common to Chinese government CMSs (data, not code).

Used when a portal's registry entry has no list-item selector: a link is an article when its
path matches one of these.
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
)

NEXT_PAGE_WORDS: tuple[str, ...] = ("下一页", "下一頁", "下页", "下頁", "后页", "後頁", ">", "»")

LIST_PAGE_NAME = re.compile(r"index(?:_(\d+))?\.s?html?$")


def is_article_url(path: str) -> bool:
    return any(shape.search(path) for shape in ARTICLE_URL_SHAPES)


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
