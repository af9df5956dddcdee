"""The period a report is about, read from its title (or, failing that, its opening).

Reports name their period the same few ways: a year (`2022年…工作总结`, `2022年度`), a quarter
(`2024年第一季度`, `2024年一季度`, `2024年Q1`), a half (`2024年上半年`), a month (`2025年4月…运行分析`),
or a plan's span (`（2021-2025年）`, `"十四五"` is not read: it names no years). A span wins over a
year inside it; a quarter, half or month wins over its year. The publication year is not the
period: a 2023 summary published in January 2024 is about 2023.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.numbers import parse_number
from pipelines.textnorm import shadow

_SPAN = re.compile(r"((?:19|20)\d\d)\s*(?:年)?\s*[-—–~～至到]\s*((?:19|20)\d\d)\s*年")
_QUARTER = re.compile(
    r"((?:19|20)\d\d)\s*年(?:度)?\s*(?:第\s*)?([一二三四1-4])\s*季度|((?:19|20)\d\d)\s*年?\s*Q([1-4])", re.I
)
_HALF = re.compile(r"((?:19|20)\d\d)\s*年\s*([上下])半年")
_MONTH = re.compile(r"((?:19|20)\d\d)\s*年\s*(?:1\s*[-—至~]\s*)?(1[0-2]|0?[1-9])\s*月(?!\s*\d{1,2}\s*日)")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


@dataclass(frozen=True)
class Period:
    """`label` as analysts write it (2022, 2024-Q1, 2024-H1, 2025-04, 2021–2025); years for filtering."""

    label: str
    year_from: int
    year_to: int


def period_of(title: str, opening: str = "") -> Period | None:
    """The period of a report from its title, else from the first lines of its text."""
    for text in (title, opening[:300]):
        found = _read(shadow(text)) if text else None
        if found:
            return found
    return None


def _read(text: str) -> Period | None:
    if span := _SPAN.search(text):
        first, last = int(span.group(1)), int(span.group(2))
        if first < last:
            return Period(f"{first}–{last}", first, last)
    if quarter := _QUARTER.search(text):
        year = int(quarter.group(1) or quarter.group(3))
        number = parse_number(quarter.group(2) or quarter.group(4))
        return Period(f"{year}-Q{number}", year, year)
    if half := _HALF.search(text):
        year = int(half.group(1))
        return Period(f"{year}-H{1 if half.group(2) == '上' else 2}", year, year)
    if month := _MONTH.search(text):
        year = int(month.group(1))
        return Period(f"{year}-{int(month.group(2)):02d}", year, year)
    if year_match := _YEAR.search(text):
        year = int(year_match.group(1))
        return Period(str(year), year, year)
    return None
