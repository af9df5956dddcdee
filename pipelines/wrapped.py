"""Lines a page layout broke inside sentences, joined again: the text of a PDF, or a report kept as
fixed-width text; its page numbers and running headers left out.

A PDF holds no paragraphs, only lines as they were laid out: a sentence runs on over two or three
lines, and every page adds its number (— 3 —, 第3页). Extraction reads a sentence and its clauses,
so a figure at the start of a line would lose the words naming it on the line before. A laid-out
text shows itself by its lines: many end at nearly the same width (the column), most of them inside
a sentence. Only such a text is rejoined, and only where a line fills the column and ends without
closing its sentence; a heading or a numbered item (一、, （二）, 3., 第五条) always starts its own line,
and a table row (cells apart by tabs or drawn walls, or two figures standing apart between spaces, as a
PDF gives a table's cells) is never joined.

Width is counted as laid out: a Chinese character or full-width sign is one, a Latin letter, digit or
half-width sign half of one, so a line with figures in it still measures the column.
"""

from __future__ import annotations

import re
from collections import Counter

# Page numbers a layout prints on a line of their own: — 3 —, - 3 -, 第3页, 第3页 共12页, 3/12.
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})\s*$"
)
# What a line that closes its sentence (or its heading) ends with.
_CLOSING = tuple("。！？；：!?;:…")
# What opens a line of its own: a heading or a numbered item.
_OPENS_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[）)]|\d{1,3}[.、．](?!\d)|"
    r"第[一二三四五六七八九十百\d]+[章节条款部分]|附件|[一二三四五六七八九十]+是)"
)
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_CELLS = re.compile("[\t|\u2500-\u257f]")  # a table's row or border (tabs, drawn lines) is never joined
# A table row as a PDF gives it: cells apart by spaces, two of them figures (地区生产总值 亿元 1234.5 5.6).
_SPACED_FIGURES = re.compile(r"(?:^|\s)[-+]?\d[\d.,%]*(?=\s|$)")
_SHORTEST_COLUMN = 12  # narrower "columns" are table cells or lists, not running text
_WIDEST_COLUMN = 120  # characters: a longer line is a paragraph, whatever its page
_LAID_OUT_SHARE = 0.3  # of the lines of some length: at the column's width and open-ended
_SLACK = 1.5  # a full line may fall short of the column by a sign or two
_RUNNING = 3  # times a line stands next to a page number before it is taken for a running header


_NARROW = re.compile("[\x00-\u2e7f\uff61-\uffdc]")  # Latin, digits, half-width signs and katakana


def _row(line: str) -> bool:
    """A table's row: cells in tabs, drawn walls or borders, or figures standing apart between spaces."""
    return _CELLS.search(line) is not None or len(_SPACED_FIGURES.findall(line)) >= 2


def width(line: str) -> float:
    """The line's width as laid out, in Chinese characters."""
    line = line.strip()
    return len(line) - 0.5 * len(_NARROW.findall(line))


def column(lines: list[str]) -> float | None:
    """The width most lines end at when the text is laid out in a column, or None when it is not:
    at least three in ten of the lines of some length reach it and end inside a sentence."""
    measured = [
        # a line longer than any column is a paragraph: its length stands for its width, unmeasured
        (width(line) if len(line) <= _WIDEST_COLUMN else float(len(line)), line.rstrip())
        for line in lines
        if len(line.strip()) >= _SHORTEST_COLUMN // 2 and not _row(line)
    ]
    if len(measured) < 4:
        return None
    counts = Counter(round(w) for w, _ in measured)
    widest = max(counts)
    # the column is the widest width that many lines reach (lines end short of it, never past it)
    for candidate in sorted(counts, reverse=True):
        if candidate < _SHORTEST_COLUMN:
            return None
        full = [text for w, text in measured if candidate - _SLACK <= w <= candidate + 0.5]
        open_ended = [text for text in full if not text.endswith(_CLOSING)]
        if len(open_ended) >= _LAID_OUT_SHARE * len(measured):
            return float(candidate)
        if candidate < widest - 4:
            return None  # past the widest lines: no column
    return None


def _running_lines(lines: list[str]) -> set[str]:
    """A layout's running header or footer: a line said at least three times, each time next to a page
    number (the title of the document above every page). Said elsewhere, a repeated line is the text's."""
    beside: Counter[str] = Counter()
    said: Counter[str] = Counter(line.strip() for line in lines)
    for i, line in enumerate(lines):
        if _PAGE_NUMBER.match(line):
            for near in lines[max(0, i - 2) : i] + lines[i + 1 : i + 3]:
                if near.strip() and not _PAGE_NUMBER.match(near):
                    beside[near.strip()] += 1
    return {line for line, times in beside.items() if times >= _RUNNING and said[line] == times}


def unwrap(text: str) -> str:
    """The text with lines broken by layout joined into their sentences and page numbers left out;
    a text not laid out in a column is returned as it is."""
    lines = text.split("\n")
    laid_out = column(lines)
    if laid_out is None:
        return text
    running = _running_lines(lines)
    joined: list[str] = []
    continues = False
    for line in lines:
        text = line.strip()
        if _PAGE_NUMBER.match(line) or text in running:
            continue
        row = _row(line)
        if continues and text and not _OPENS_ITEM.match(line) and not row:
            before = joined[-1].rstrip()
            space = " " if _LATIN_LETTER.match(before[-1]) and _LATIN_LETTER.match(text[0]) else ""
            joined[-1] = before + space + text  # Latin words broken at the edge keep their space, digits none
        else:
            joined.append(line)
        last = joined[-1].rstrip()
        continues = not row and bool(last) and not last.endswith(_CLOSING) and width(text) >= laid_out - _SLACK
    return "\n".join(joined)
