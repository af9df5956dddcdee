"""Bytes to text the way Chinese portals need: BOM, HTTP charset, <meta> charset, then detection.

GBK and GB2312 are read as GB18030, their superset, so rare characters never turn into
replacement characters. A decode that still yields many U+FFFD is refused: mojibake is
never stored.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from scrapers.errors import UndecodableBody

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-]+)", re.IGNORECASE)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
MAX_REPLACEMENT_SHARE = 0.001


def _normalise(name: str) -> str | None:
    name = name.strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def charset_from_header(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return _normalise(match.group(1)) if match else None


def charset_from_meta(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return _normalise(match.group(1).decode("ascii", "ignore")) if match else None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Raises UndecodableBody when no candidate gives clean text."""
    if not body:
        return "", "utf-8"
    candidates: list[str] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            candidates.append(name)
    for found in (charset_from_header(content_type), charset_from_meta(body)):
        if found:
            candidates.append(found)
    candidates.append("utf-8")
    for name in dict.fromkeys(candidates):
        try:
            text = body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, name
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        name = _normalise(best.encoding) or best.encoding
        text = body.decode(name, errors="replace")
        if text.count("\ufffd") <= MAX_REPLACEMENT_SHARE * len(text):
            return text, name
    raise UndecodableBody(f"no encoding decodes the body cleanly (tried {', '.join(dict.fromkeys(candidates))})")
