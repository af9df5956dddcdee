"""Real pages as portals also serve their bytes: in GBK with or without a declaration, with a stale charset,
cut off inside a character, with a stray byte. Does the text come out in the page's own characters?

    python bench/page_bytes.py                  # the pages of ../shared/corpus-html
    python bench/page_bytes.py --pages DIR      # another folder of NN.html (+ NN.body.txt)

Each real page is decoded as saved, then written back in the variant's bytes (the only edit to its markup
is the charset of its <meta>, where the variant says so); nothing of a page is copied into this repository.
Variants, as Chinese portals serve pages:

  gbk declared         GB18030 bytes, <meta charset=gbk> (most older CMSs)
  gbk undeclared       GB18030 bytes, no charset anywhere
  stale charset        UTF-8 bytes, <meta charset=gb2312> left by an old template
  cut in a character   GB18030 bytes, declared, cut after the first byte of a character past the middle
                       (a download cut short, a size limit)
  cut, undeclared      the same without a declaration
  stray byte           GB18030 bytes, declared, one byte 0x80 inserted at a third of the page
  server default header  GB18030 bytes, declared in <meta>, served as text/html;charset=ISO-8859-1 (a
                       server's default charset, Apache's AddDefaultCharset, a servlet's writer)

A page is read right when the decoded text is the variant's text (a cut may cost the last characters before
it, fewer than four; the stray byte one U+FFFD), refused when the reader raises, and garbled otherwise (text in
the wrong characters: mojibake).
For govreports (`scrapers.encoding.decode_body`, what the crawler and `govreports clean` use) the body
recall of `pipelines.article.extract_article` is given too, by `score_page` of the official
../shared/tools/score_cleaning.py against NN.body.txt (for a cut page, against the reference lines that
reading its right text gives: the lines after a cut are lost whatever the reader). The peer is
trafilatura's own decoding of bytes (`trafilatura.utils.decode_file`), what a Scrapy + trafilatura
pipeline hands to extraction.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
sys.path.insert(0, str(ROOT))  # measure this checkout, whatever the installed package points at

from bench.cleaning import ScorePage, load_score_page  # noqa: E402
from pipelines.article import extract_article  # noqa: E402
from scrapers.encoding import decode_body  # noqa: E402
from scrapers.errors import UndecodableBody  # noqa: E402

_META_CHARSET = re.compile(r"(<meta[^>]*charset\s*=\s*[\"']?)\s*[a-zA-Z0-9_\-]+", re.IGNORECASE)
_ANY_CHARSET_META = re.compile(r"<meta[^>]*charset[^>]*>", re.IGNORECASE)
Decoder = Callable[[bytes, str], str]  # bytes and their Content-Type -> text
_LONGEST_CHARACTER = 4  # bytes: a reader may drop up to this many at a cut


def norm(text: str) -> str:
    """As the official scorer compares lines: NFKC, no whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True)
class Variant:
    """Bytes a portal might serve for a page, and the text a right reading gives back."""

    data: bytes
    text: str  # what reading `data` right gives (up to a cut)
    stray: bool = False  # one byte of damage inside: one U+FFFD allowed
    cut: bool = False  # cut off: the lines after the cut are nobody's to find
    content_type: str = "text/html"  # the HTTP header served with it


def _declared(html: str, charset: str) -> str:
    declared, count = _META_CHARSET.subn(lambda m: m.group(1) + charset, html, count=1)
    return declared if count else html.replace("<head>", f'<head><meta charset="{charset}">', 1)


def _boundary(text: str, share: float, wide: bool) -> int:
    """The byte offset in GB18030 of the first character at `share` of `text` (a wide one when `wide`)."""
    at = int(len(text) * share)
    while wide and at < len(text) - 1 and ord(text[at]) < 0x80:
        at += 1
    return len(text[:at].encode("gb18030"))


def variants(html: str) -> dict[str, Variant]:
    gbk = _declared(html, "gbk")
    undeclared = _ANY_CHARSET_META.sub("", html)
    gbk_bytes, undeclared_bytes = gbk.encode("gb18030"), undeclared.encode("gb18030")
    cut = gbk_bytes[: _boundary(gbk, 0.5, wide=True) + 1]  # the first byte of a two-byte character
    cut_undeclared = undeclared_bytes[: _boundary(undeclared, 0.5, wide=True) + 1]
    third = _boundary(gbk, 1 / 3, wide=False)
    stale = _declared(html, "gb2312")
    return {
        "gbk declared": Variant(gbk_bytes, gbk),
        "gbk undeclared": Variant(undeclared_bytes, undeclared),
        "stale charset": Variant(stale.encode("utf-8"), stale),
        "cut in a character": Variant(cut, cut[:-1].decode("gb18030"), cut=True),
        "cut, undeclared": Variant(cut_undeclared, cut_undeclared[:-1].decode("gb18030"), cut=True),
        "stray byte": Variant(gbk_bytes[:third] + b"\x80" + gbk_bytes[third:], gbk, stray=True),
        "server default header": Variant(gbk_bytes, gbk, content_type="text/html;charset=ISO-8859-1"),
    }


def verdict(decoded: str | None, variant: Variant) -> str:
    if decoded is None:
        return "refused"
    kept = decoded.replace("\ufffd", "", 1) if variant.stray else decoded.rstrip("\ufffd")
    if kept == variant.text:
        return "right"
    # a cut may cost the last few characters before it: bytes past the cut are nobody's to read
    if variant.cut and variant.text.startswith(kept) and len(variant.text) - len(kept) < _LONGEST_CHARACTER:
        return "right"
    return "garbled"


def govreports_decode(data: bytes, content_type: str) -> str:
    return decode_body(data, content_type)[0]


def trafilatura_decode(data: bytes, content_type: str) -> str:  # decode_file reads the bytes alone
    from trafilatura.utils import decode_file

    return str(decode_file(data))


def _read(decoder: Decoder, variant: Variant) -> str | None:
    try:
        return decoder(variant.data, variant.content_type)
    except UndecodableBody:
        return None


def body_recall(decoded: str | None, reference: list[str], variant: Variant, score_page: ScorePage) -> float:
    """Body recall by the official scorer's score_page; for a cut page, of the reference lines that reading
    its right text gives (a cut loses the lines after it, whatever the reader)."""
    if variant.cut:
        right = {norm(line) for line in extract_article(variant.text).body.splitlines()}
        reference = [line for line in reference if norm(line) in right]
    if not reference:
        return 1.0
    if decoded is None:
        return 0.0
    article = extract_article(decoded)
    row = score_page({"text": article.body, "title": article.title}, reference, [], None)
    return float(row["kept"]) / max(1, int(row["body"]))


def pages_of(folder: Path) -> list[tuple[str, str, list[str]]]:
    found = []
    for path in sorted(folder.glob("*.html")):
        reference = path.with_suffix(".body.txt")
        if path.name.startswith("list-") or not reference.exists():
            continue
        html = decode_body(path.read_bytes())[0]
        found.append((path.stem, html, reference.read_text(encoding="utf-8").splitlines()))
    return found


def bench(folder: Path, scorer: Path, console: Console) -> int:
    pages = pages_of(folder)
    score_page = load_score_page(scorer)
    if score_page is None:
        console.print(f"no official scorer at {scorer}: body recall left out")
    if not pages:
        console.print(f"skipped: no NN.html with NN.body.txt in {folder}")
        return 0
    readers: list[tuple[str, Decoder]] = [("govreports", govreports_decode)]
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        console.print("skipped the peer: trafilatura is not installed")
    else:
        readers.append(("trafilatura decode_file", trafilatura_decode))
    table = Table(title=f"real pages as portals serve their bytes: {len(pages)} pages from {folder}")
    for column in ("variant", "reader", "read right", "garbled", "refused", "body recall"):
        table.add_column(column, justify="left" if column in ("variant", "reader") else "right")
    for name in variants(pages[0][1]):
        for label, decoder in readers:
            counts = {"right": 0, "garbled": 0, "refused": 0}
            recalls = []
            for _, html, reference in pages:
                variant = variants(html)[name]
                decoded = _read(decoder, variant)
                counts[verdict(decoded, variant)] += 1
                if label == "govreports" and score_page is not None:
                    recalls.append(body_recall(decoded, reference, variant, score_page))
            recall = f"{statistics.fmean(recalls):.3f}" if recalls else "–"
            table.add_row(name, label, str(counts["right"]), str(counts["garbled"]), str(counts["refused"]), recall)
    console.print(table)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, default=SHARED / "corpus-html", help="folder of NN.html + NN.body.txt")
    parser.add_argument("--scorer", type=Path, default=SHARED / "tools" / "score_cleaning.py")
    args = parser.parse_args(argv)
    return bench(args.pages, args.scorer, Console(width=140))


if __name__ == "__main__":
    raise SystemExit(main())
