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


# Where a page puts a file: a link, or a frame that shows it (a report published as a PDF is often
# embedded whole, in an <iframe>, <embed> or <object>, or in pdf.js's viewer.html?file=…).
_FILE_ATTRIBUTES = {"a": "href", "iframe": "src", "embed": "src", "object": "data"}
_VIEWER = re.compile(r"/viewer\.html?\Z", re.IGNORECASE)
_VIEWED_FILE = re.compile(r"(?:^|&)file=([^&]+)")


def _shown_file(url: str) -> str:
    """The file a pdf.js viewer URL shows (viewer.html?file=/a/b.pdf → /a/b.pdf, resolved); else the URL."""
    parts = urlsplit(url)
    viewed = _VIEWED_FILE.search(parts.query) if _VIEWER.search(parts.path) else None
    return urljoin(url, unquote(viewed.group(1))) if viewed else url


def find_attachment_links(html: str, base_url: str) -> list[AttachmentLink]:
    """Every distinct attachment a page links or shows in a frame, in page order."""
    if not html.strip() or not _ANY_KIND.search(html):
        return []
    try:
        doc = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return []
    found: dict[str, AttachmentLink] = {}
    for element in doc.iter(*_FILE_ATTRIBUTES):
        href = (element.get(_FILE_ATTRIBUTES[element.tag]) or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = _shown_file(urljoin(base_url, href))
        kind = attachment_kind(url)
        if kind and url not in found:
            text = element.text_content() if element.tag == "a" else element.get("title") or ""
            name = " ".join(text.split()) or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            found[url] = AttachmentLink(name, url, kind)
    return list(found.values())
