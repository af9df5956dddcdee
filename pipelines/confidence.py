"""How likely an extracted metric is right: a number in 0..1 that analysts filter on.

A small logistic model over signs the extractor sees while it makes a record: how the name looks
(a fallback, short, no measure word, a verb, 的 or digits inside, said in its sentence, opening on
the words right before the number), how the number was read (a Chinese numeral, a defaulted unit,
a percentage, a small value) and where it stands (a table cell or row, a long sentence with many
numbers, a requirement). Signs seen on a handful of records (a colloquial range, a figure after an
open parenthesis) are left out, as is a "ragged" name that mixed cut names with names rightly
opening on a level (90平方米及以下…): a weight fitted to either says nothing of the next page.

The weights are fitted by `bench/confidence_fit.py` on the development documents outside the
held-out fold, which also prints how the model does on documents it was not fitted on. The value is
the model's probability that the record is right: a record at 0.9 is right about nine times in ten
on such documents.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import NamedTuple

# A name that ends on what is measured: a rate, an amount, a count of people, a limit, a period …
MEASURE_END = re.compile(
    r"(?:率|额|量|数|值|比|比重|占比|比例|标准|上限|下限|期限|时限|年限|时长|时间|面积|价格|价|金额|费|补贴|补助|奖补|"
    r"资助|奖励|人次|人数|总值|收入|产量|增长|下降|增加|减少|提高|规模|长度|里程|容量|层数|户数|家数|个数)\Z"
)
_VERB = re.compile(r"[完实达增降提减推建开办受发新累共超约]")  # verbs of doing and change (新建, 完成, 增长)
_DIGIT = re.compile(r"\d")
# Units a number gets by default rather than by a written word: right less often.
DEFAULTED_UNITS = frozenset({"", "个"})


class Record(NamedTuple):
    """What the extractor knows of one record when it rates it (offsets into the Simplified shadow)."""

    name: str  # with a lot's code (AB2023号) already replaced by 号: its digits are no sign of a figure's
    start: int
    unit: str
    value: Decimal
    target: bool
    ev_start: int  # the evidence window
    ev_end: int
    numbers: int  # numbers the extractor found in the window, this one included
    source: str  # "text", "table" (a row read as a sentence) or "cell" (named by its headers)


FEATURES: tuple[str, ...] = (
    "fallback name",
    "short name",
    "no measure word",
    "defaulted unit",
    "Chinese numeral",
    "target",
    "long sentence",
    "table row",
    "table cell",
    "name said in its sentence",
    "name opens on words just before",
    "numbers in the sentence",
    "的 in name",
    "verb in name",
    "percentage",
    "digit in name",
    "small value",
)


def features(norm: str, record: Record) -> tuple[float, ...]:
    """The signs of FEATURES, in that order, as numbers (True/False count as 1/0, or a log-scaled count)."""
    name, unit, start, ev_start, ev_end = record.name, record.unit, record.start, record.ev_start, record.ev_end
    size = len(name)
    first = norm[start : start + 1]
    return (
        name == "指标" or size < 2,
        size < 6,
        MEASURE_END.search(name, size - 2 if size > 2 else 0) is None,
        unit in DEFAULTED_UNITS,
        bool(first) and not first.isdigit(),
        record.target,
        math.log1p(ev_end - ev_start),
        record.source == "table",
        record.source == "cell",
        norm.find(name, ev_start, ev_end) >= 0,
        norm.find(name[:2], start - 30 if start > 30 else 0, start) >= 0,
        math.log1p(record.numbers),
        "的" in name,
        _VERB.search(name) is not None,
        unit == "%",
        _DIGIT.search(name) is not None,
        abs(record.value) < 10,
    )


# Fitted by bench/confidence_fit.py (--write rewrites this block): the log-odds that a record is wrong.
# fitted: begin
BIAS = -5.0864
WEIGHTS: tuple[float, ...] = (
    0.3168,  # fallback name
    0.7012,  # short name
    0.3892,  # no measure word
    0.4171,  # defaulted unit
    0.9386,  # Chinese numeral
    0.6297,  # target
    0.5762,  # long sentence
    -0.7438,  # table row
    -1.6372,  # table cell
    -0.7220,  # name said in its sentence
    0.7643,  # name opens on words just before
    -0.7619,  # numbers in the sentence
    -0.2126,  # 的 in name
    -0.7076,  # verb in name
    -0.0716,  # percentage
    -0.2199,  # digit in name
    -0.2899,  # small value
)
# fitted: end


(
    _W_FALLBACK,
    _W_SHORT,
    _W_NO_MEASURE,
    _W_DEFAULTED,
    _W_CHINESE,
    _W_TARGET,
    _W_LONG,
    _W_ROW,
    _W_CELL,
    _W_SAID,
    _W_BEFORE,
    _W_NUMBERS,
    _W_DE,
    _W_VERB,
    _W_PERCENT,
    _W_DIGIT,
    _W_SMALL,
) = WEIGHTS


_TABLE = 1024
_LOG1P = tuple(math.log1p(i) for i in range(_TABLE))  # the same floats math.log1p gives, looked up


def confidence(
    norm: str,
    name: str,
    start: int,
    unit: str,
    value: Decimal,
    target: bool,
    ev_start: int,
    ev_end: int,
    numbers: int,
    source: str,
) -> float:
    """The probability that the record is right, by the fitted model, to two decimals; the
    arguments are the fields of Record (`confidence(norm, *record)`).

    The same sum as WEIGHTS · features(norm, record), added up sign by sign and without building a
    Record: every record of a text is rated, and the model must not slow extraction down.
    tests/test_confidence.py holds the two equal."""
    size = len(name)
    span = ev_end - ev_start
    wrong = (
        BIAS
        + _W_LONG * (_LOG1P[span] if span < _TABLE else math.log1p(span))
        + _W_NUMBERS * (_LOG1P[numbers] if numbers < _TABLE else math.log1p(numbers))
    )
    if name == "指标" or size < 2:
        wrong += _W_FALLBACK
    if size < 6:
        wrong += _W_SHORT
    if MEASURE_END.search(name, size - 2 if size > 2 else 0) is None:
        wrong += _W_NO_MEASURE
    if unit in DEFAULTED_UNITS:
        wrong += _W_DEFAULTED
    elif unit == "%":
        wrong += _W_PERCENT
    if not norm[start : start + 1].isdigit():
        wrong += _W_CHINESE
    if target:
        wrong += _W_TARGET
    if source == "cell":
        wrong += _W_CELL
    elif source == "table":
        wrong += _W_ROW
    if norm.find(name, ev_start, ev_end) >= 0:
        wrong += _W_SAID
    if norm.find(name[:2], start - 30 if start > 30 else 0, start) >= 0:
        wrong += _W_BEFORE
    if "的" in name:
        wrong += _W_DE
    if _VERB.search(name) is not None:
        wrong += _W_VERB
    if _DIGIT.search(name) is not None:
        wrong += _W_DIGIT
    if -10 < value < 10:
        wrong += _W_SMALL
    return round(1.0 / (1.0 + math.exp(wrong)), 2)
