"""A same-length Simplified, half-width shadow of a text: patterns run on it, offsets stay valid.

Traditional→Simplified by opencc (character by character whenever a phrase conversion would
change the length), full-width digits, letters and ％．to ASCII. Chinese punctuation stays.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({0xFF05: ord("%"), 0xFF0E: ord("."), 0x3000: ord(" "), 0x2212: ord("-"), 0xFF0B: ord("+")})


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified Chinese, same length as `text` (opencc)."""
    converted: str = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(ch if len(c := _t2s().convert(ch)) != 1 else c for ch in text)


def tidy_line(line: str) -> str:
    """The line with its spaces squeezed; a table row keeps its empty cells (one tab a cell), so a cell
    left blank at either end does not shift the row's figures into other columns."""
    if "\t" not in line:
        return " ".join(line.split())
    cells = [" ".join(cell.split()) for cell in line.split("\t")]
    return "\t".join(cells) if any(cells) else ""


_MIDDLE_DOT_DECIMAL = re.compile(r"[·•・](?<=\d[·•・])(?=\d)")  # the dot first: see metrics._NUMBER_START


_FULLWIDTH_CHAR = re.compile("[" + "".join(chr(code) for code in _FULLWIDTH) + "]")


def _half_width(text: str) -> str:
    # str.translate walks every character through a dict; the few full-width ones are cheaper found by regex.
    return _FULLWIDTH_CHAR.sub(lambda m: chr(_FULLWIDTH[ord(m.group())]), text)


def shadow(text: str) -> str:
    """The text as patterns see it: Simplified, half-width digits and letters, same length.

    A middle dot between digits is a decimal point (1·8%).
    """
    return _MIDDLE_DOT_DECIMAL.sub(".", to_simplified(_half_width(text)))
