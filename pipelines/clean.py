"""The text layer of cleaning: a page given as text, furniture lines out, body lines kept.

HTML pages are read by `pipelines.article` (main content, metadata), whose body lines end here
too. Line rules live in `pipelines.furniture` as data.
"""

from __future__ import annotations

import re

from pipelines.furniture import (
    FOOTER_ANCHOR,
    LABELLED_LINE,
    LineKind,
    bare_label,
    classify,
    disclosure_label,
    metadata_label,
)
from pipelines.textnorm import shadow, tidy_line
from pipelines.wrapped import unwrap


def clean_text(text: str) -> str:
    """The report body of a plain-text page: furniture lines out, body lines kept; lines a layout broke
    inside sentences (a text saved from a PDF) joined first."""
    text = "\n".join(text.splitlines())  # every line break Python knows (\r, \x1e, \u2028 …) as \n
    return "\n".join(clean_lines(unwrap(text).split("\n")))  # a text laid out in a column: its sentences joined


_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")


def _tidy(raw: str) -> str:
    return tidy_line(_ZERO_WIDTH.sub("", raw))


def clean_lines(raw_lines: list[str]) -> list[str]:
    """Body lines of a page's lines, in order: furniture out, with what neighbours say.

    A contact line (电话, 地址, a phone number) is the site's when it stands in a run of furniture
    that holds a footer anchor (ICP, 版权所有, 主办), and the report's otherwise (a notice's own
    contact). A metadata label alone on its line takes its value line with it.
    """
    lines = [line for line in (_tidy(raw) for raw in raw_lines) if line]
    if not lines:
        return []
    simplified = shadow("\n".join(lines)).split("\n")  # one conversion for the page; same lines
    kinds = [classify(line) for line in simplified]
    for i, line in enumerate(simplified[:-1]):
        if bare_label(line) and len(simplified[i + 1]) <= 60 and "。" not in simplified[i + 1]:
            kinds[i + 1] = LineKind.FURNITURE
    drop = [kind is LineKind.FURNITURE for kind in kinds]
    _drop_metadata_runs(simplified, drop)
    i = 0
    while i < len(kinds):  # runs of furniture and contact lines: contacts go when the run has a footer anchor
        if kinds[i] is LineKind.TEXT:
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] is not LineKind.TEXT:
            j += 1
        if any(FOOTER_ANCHOR.search(simplified[k]) for k in range(i, j)):
            drop[i:j] = [True] * (j - i)
        i = j
    return [line for line, dropped in zip(lines, drop, strict=True) if not dropped]


def _drop_metadata_runs(simplified: list[str], drop: list[bool]) -> None:
    """A run of three or more `label：value` lines, two of them metadata labels and one of them only a
    信息公开 record has (索引号, 公开方式 …), is a metadata table; a document's own 发文日期/文号 header stays."""
    i = 0
    while i < len(simplified):
        j = i
        while j < len(simplified) and LABELLED_LINE.match(simplified[j]):
            j += 1
        run = range(i, j)
        if (
            j - i >= 3
            and sum(map(metadata_label, (simplified[k] for k in run))) >= 2
            and any(disclosure_label(simplified[k]) for k in run)
        ):
            drop[i:j] = [True] * (j - i)
        i = max(j, i + 1)
