"""Attachment links of an article page: PDF, Word, Excel, WPS, OFD and archives.

Government reports often put their numbers in an attached table; the crawler records every
attachment with the report and fetches the kinds whose text it can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml.etree import ParserError

ATTACHMENT_KINDS: frozenset[str] = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip", "rar", "7z", "csv"}
)
READABLE_KINDS: frozenset[str] = frozenset({"pdf", "docx", "xlsx"})
_EXTENSION = re.compile(r"\.([a-z0-9]{2,4})$", re.IGNORECASE)
# Every attachment link names its kind after a dot (in the path, or in a query value, where the dot
# may be percent-encoded): a page without one anywhere has none, and need not be parsed to say so.
_ANY_KIND = re.compile(
    r"(?:\.|%2e)(?:" + "|".join(sorted(ATTACHMENT_KINDS, key=len, reverse=True)) + r")(?![a-z0-9])", re.IGNORECASE
)


@dataclass(frozen=True)
class AttachmentLink:
    name: str
    url: str
    kind: str

    @property
    def readable(self) -> bool:
        return self.kind in READABLE_KINDS


def attachment_kind(url: str) -> str | None:
    """The file kind by the URL's extension (or a `filename=` style parameter), if an attachment."""
    parts = urlsplit(url)
    candidates = [parts.path, *(unquote(value) for value in re.findall(r"=([^&]+)", parts.query))]
    for candidate in candidates:
        match = _EXTENSION.search(candidate)
        if match and match.group(1).lower() in ATTACHMENT_KINDS:
            return match.group(1).lower()
    return None


def find_attachment_links(html: str, base_url: str) -> list[AttachmentLink]:
    """Every distinct attachment link of a page, in page order."""
    if not html.strip() or not _ANY_KIND.search(html):
        return []
    try:
        doc = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return []
    found: dict[str, AttachmentLink] = {}
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base_url, href)
        kind = attachment_kind(url)
        if kind and url not in found:
            name = " ".join(anchor.text_content().split()) or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            found[url] = AttachmentLink(name, url, kind)
    return list(found.values())
