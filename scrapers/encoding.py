"""Bytes to text the way Chinese portals need: BOM, HTTP charset, <meta> charset, then detection.

GBK and GB2312 are read as GB18030, their superset, so rare characters never turn into
replacement characters. A Latin charset in the HTTP header (a server's default, ISO-8859-1) decodes
any bytes, so the page's own declaration, UTF-8 and a detected portal charset are tried before it.

Damage does not change a page's charset: a body cut off inside its last character (a download cut
short, the size limit) is read without that character, and a stray byte in a page whose declared
charset otherwise fits costs one U+FFFD, not the page. A decode that still yields many U+FFFD is
refused, and a page no charset fits is not read in a single-byte charset that takes anything when a
shorter cut reads as one portals are written in: mojibake is never stored.
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
# Charsets a web server adds to Content-Type by default (Apache's AddDefaultCharset, a servlet writer):
# they decode any bytes, so on a Chinese page they would store mojibake while the page declares its own.
_SERVER_DEFAULTS = frozenset({"iso8859-1", "cp1252", "ascii"})  # as _normalise names them
_PORTAL_CHARSETS = frozenset({"utf-8", "gb18030", "big5hkscs"})  # as _normalise names them
_LONGEST_CHARACTER = 4  # bytes of one character in GB18030 and UTF-8: a cut leaves at most 3 of them


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


def _nearly_clean(body: bytes, name: str) -> str | None:
    """The body decoded with `name`, bad bytes replaced, when they are few enough to be damage, not a wrong charset."""
    try:
        text = body.decode(name, errors="replace")
    except LookupError:
        return None
    return text if text.count("\ufffd") <= MAX_REPLACEMENT_SHARE * len(text) else None


def _detected(body: bytes) -> str | None:
    best = from_bytes(body).best()
    return (_normalise(best.encoding) or best.encoding) if best is not None and best.encoding else None


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used). Raises UndecodableBody when no candidate gives clean text."""
    if not body:
        return "", "utf-8"
    candidates: list[str] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            candidates.append(name)
    header = charset_from_header(content_type)
    for found in (header, charset_from_meta(body)):
        if found:
            candidates.append(found)
    # a server's default charset decodes any bytes: it is taken last, when nothing the page says fits
    fallback = header if header in _SERVER_DEFAULTS else None
    declared = [name for name in dict.fromkeys(candidates) if name != fallback]
    names = list(dict.fromkeys([*declared, "utf-8"]))
    for cut in range(_LONGEST_CHARACTER):  # a body cut off inside its last character is read without it
        whole = body[: len(body) - cut]
        for name in names:
            try:
                return whole.decode(name), name
            except (UnicodeDecodeError, LookupError):
                continue
    for name in declared:  # a stray byte inside does not make the declared charset wrong
        if (text := _nearly_clean(body, name)) is not None:
            return text, name
    # a cut last character can make detection miss the page's own charset for a single-byte one that
    # reads anything: one of the charsets portals are written in, found on a shorter cut, is taken first
    first_detected = None
    for cut in range(_LONGEST_CHARACTER):  # detection is slow: one cut at a time, the first that fits wins
        whole = body[: len(body) - cut]
        charset = _detected(whole)
        first_detected = charset if cut == 0 else first_detected
        if charset in _PORTAL_CHARSETS and (text := _nearly_clean(whole, charset)) is not None:
            return text, charset
    if fallback and (text := _nearly_clean(body, fallback)) is not None:
        return text, fallback
    if first_detected and (text := _nearly_clean(body, first_detected)) is not None:
        return text, first_detected
    tried = ", ".join([*names, fallback] if fallback else names)
    raise UndecodableBody(f"no encoding decodes the body cleanly (tried {tried})")
