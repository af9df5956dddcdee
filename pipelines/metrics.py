"""Metric extraction by ../shared/spec/metrics-annotation.md.

A metric is a number with its unit, in running text: 进驻36个行政审批部门, 办结率99.8%, 约5亿元.
The extractor scans the Simplified shadow of the text (same offsets) for numerals, reads the
magnitude and unit after each, rejects what the guideline calls hard negatives (dates, document
numbers, numbering, names with digits, site furniture), and reads qualifier, target and name
from the words around it. One pass over the text with bounded look-around: linear time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise
from typing import Literal, NamedTuple

from pipelines import metric_vocab as vocab
from pipelines.box_tables import box_cells
from pipelines.confidence import confidence as confidence_of
from pipelines.grid_tables import grid_figures
from pipelines.metric_names import Named, indicator_name
from pipelines.metric_tables import TableFigure, cell_names, table_figures
from pipelines.numbers import parse_number, parse_range
from pipelines.policy_names import old_value_name, threshold_level
from pipelines.textnorm import shadow

Qualifier = Literal["exact", "about", "over", "under"]

EXTRACTOR_VERSION = "1.10.0"
MAX_EVIDENCE = 300

# A numeral: Arabic (thousands groups, decimals) with optional Chinese magnitudes and a
# colloquial tail (3万3,883), or a run of Chinese numerals. 余/多 may sit before a magnitude.
_CN = "零〇○一二两三四五六七八九十百千万亿兆廿卅"
_MAGNITUDE = "(?:[万亿百]|千(?![瓦米克升伏])|兆(?![瓦帕赫]))"  # 千瓦, 千米, 兆瓦: the prefix belongs to the unit
# A sum of money in capital numerals (人民币伍万元整, the 大写 of an amount): read up to its 元, and not at
# all when 角/分 follow (壹元伍角): refused rather than read without its fraction.
_CAPITALS = "壹贰叁肆伍陆柒捌玖拾佰仟"
_CAPITAL_MONEY = rf"[{_CAPITALS}][零{_CAPITALS}万亿]*(?=[元圆](?!零?[{_CAPITALS}][角分]))"
# re skips at C speed to a possible first character only when a pattern opens with a literal or a class
# it consumes. _NUMBER opens with a group of branches, so it is tried only where _NUMBER_START finds
# what every match starts with (_numbers_with_units): a search of _NUMBER itself would enter the
# matcher at every position of the text. _PLACE_CODE, name_words.DIGIT_RUN and _DATES,
# textnorm._MIDDLE_DOT_DECIMAL open on the class they consume and check what stands before after it.
_NUMBER_START = re.compile(rf"[\d{_CN}半{_CAPITALS}]")
_NUMBER = re.compile(  # matched where _NUMBER_START finds its first character
    rf"(?P<num>\d+(?:[,，]\d{{3}}(?!\d))*(?:\.\d+)?(?: ?[余多]?{_MAGNITUDE}+(?:\d+(?:,\d{{3}}(?!\d))*(?:\.\d+)?)?)*"
    rf"|百分之[{_CN}点\d.]+|[{_CN}](?:[{_CN}点]|[余多几来](?=[{_CN}]))*|(?<![上下前后多大整])半(?=小时|个月|天|年内)"
    rf"|{_CAPITAL_MONEY})"
)
_APPROXIMATE = str.maketrans("", "", "余多几来")  # 十余万, 一千多万, 二十几万: the magnitude stays
_APPROXIMATE_MARKERS = frozenset("余多几来")
_TOO_LARGE = Decimal(10) ** 18  # no report states a quantity this large: a misread code
_DISTRIBUTED = re.compile(r"[^，。；,;！？\n]{0,10}(?:分别|均|都)")
_JOINED = re.compile(r"[和与及、]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、])")


@dataclass(frozen=True, slots=True)
class Metric:
    """One quantitative fact a report asserts.

    `start`/`end` are offsets of the number-with-unit in the text given to `extract_metrics`,
    `evidence` the sentence (at most 300 characters) around it.
    """

    name: str
    value: Decimal
    unit: str
    qualifier: Qualifier
    target: bool
    evidence: str
    start: int
    end: int
    confidence: float = 1.0  # 0..1: how likely the record is right (pipelines.confidence); analysts filter on it

    def as_json(self) -> dict[str, object]:
        """The record as the official scorer reads it (value as a JSON number)."""
        whole = int(self.value)  # truncates: equal to the value exactly when it is a whole number
        value: int | float = whole if whole == self.value else float(self.value)
        return {
            "name": self.name,
            "value": value,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "target": self.target,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "confidence": self.confidence,
        }


class _Hit(NamedTuple):
    """A number with its unit (a tuple: a text makes hundreds, built faster than a frozen dataclass)."""

    start: int  # of the numeral
    num_end: int
    end: int  # after the unit
    value: Decimal
    unit: str
    approx_inside: bool  # 余/多 inside the numeral (1225余万元)


def extract_metrics(text: str, *, title: str = "") -> list[Metric]:
    """Every metric of `text`, in order of appearance.

    `title` is the page's headline when the text is a page body without it: it tells what kind of
    document this is (a plan or a policy sets targets throughout), nothing is extracted from it.
    """
    if not text:
        return []
    norm = shadow(text)
    hits = _numbers_with_units(norm, text)
    zones = _plan_zones(norm, shadow(title))
    ends = _sentence_ends(norm) if hits else []
    metrics: list[Metric] = []
    previous: tuple[_Hit, Qualifier] | None = None
    starts = [hit.start for hit in hits]
    grid, read = grid_figures(norm, set(starts)) if "\t" in norm else ([], [])
    tables = table_figures(norm, set(starts), read)
    tables.extend(grid)
    names_in_tables = cell_names(norm, starts, read)
    names_in_boxes, box_figures = box_cells(norm, starts)  # tables drawn with │ ─ ┼
    names_in_tables.update(names_in_boxes)
    tables.extend(box_figures)
    places = _places(norm) if hits else _Places([], [])
    joins = _adjusting_joins(norm, hits)
    for index, hit in enumerate(hits):
        sentence_start, sentence_end = _sentence_bounds(ends, hit.start, hit.end, len(norm))
        ev_start, ev_end = _evidence_window(norm, sentence_start, sentence_end, hit.start, hit.end)
        evidence = text[ev_start:ev_end].strip()
        qualifier = _qualifier(norm, hit, sentence_start)
        if previous and qualifier == "exact" and _JOINED.fullmatch(norm[previous[0].end : hit.start]):
            qualifier = previous[1]  # 分别超过90家和870家: the qualifier holds for both
        previous = (hit, qualifier)
        target = _is_target(norm, sentence_start, sentence_end, hit, zones)
        adjusted = _adjustment(norm, hit, joins, index)
        if adjusted is not None:
            target = adjusted
        if hit.start in names_in_tables:
            in_cell = names_in_tables[hit.start]
            if in_cell is None:
                continue  # a figure in an identifier column (地址, 编号): part of a label
            name, row_start, row_end = in_cell
            ev_start, ev_end = _evidence_window(norm, row_start, row_end, hit.start, hit.end)
            evidence = text[ev_start:ev_end].strip()
            confidence = _confidence(norm, name, hit, (ev_start, ev_end, starts), "table", target)
            metrics.append(
                Metric(name, hit.value, hit.unit, qualifier, target, evidence, hit.start, hit.end, confidence)
            )
            continue
        place = places.at(hit.start)
        level = threshold_level(norm, sentence_start, hit.start)
        namings = indicator_name(norm, sentence_start, hit.start, hit.end, sentence_end)
        if adjusted is False and (before_change := old_value_name(norm, sentence_start, hit.start)):
            namings = [Named(before_change, hit.start)]  # 由3%调整为5%: 3% is the indicator before the change
        for rank, named in enumerate(namings):
            if place and place not in named.name:
                named = Named(place + named.name, named.at)
            if level and level not in named.name:
                named = Named(level + named.name, named.at)  # 90平方米及以下 + 契税税率
            if target and qualifier != "exact" and _imposed_bound(norm, hit) and not _BOUND_NOUN.search(named.name):
                # 贷款额度不超过50万元 sets the cap of 贷款额度: 贷款额度上限 (a floor: 下限)
                named = Named(named.name + ("下限" if qualifier == "over" else "上限"), named.at)
            if rank:
                # 参与率、合格率均达100%: a later indicator's evidence begins at its own words.
                ev_start, ev_end = _evidence_window(norm, named.at, sentence_end, hit.start, hit.end)
                evidence = text[ev_start:ev_end].strip()
            confidence = _confidence(norm, named.name, hit, (ev_start, ev_end, starts), "text", target)
            metrics.append(
                Metric(named.name, hit.value, hit.unit, qualifier, target, evidence, hit.start, hit.end, confidence)
            )
    for figure in tables:
        target = _is_target(norm, figure.row_start, figure.row_end, _as_hit(figure), zones)
        ev_start, ev_end = _evidence_window(norm, figure.row_start, figure.row_end, figure.start, figure.end)
        evidence = text[ev_start:ev_end].strip()
        metrics.append(
            Metric(
                figure.name,
                figure.value,
                figure.unit,
                figure.qualifier,  # type: ignore[arg-type]
                target,
                evidence,
                figure.start,
                figure.end,
                _confidence(norm, figure.name, _as_hit(figure), (ev_start, ev_end, starts), "cell", target),
            )
        )
    metrics.sort(key=lambda m: m.start)
    return _located(text, metrics)


_CLAUSE_BREAK = re.compile(r"[，,。！？!?；;\n]")
_LAST_BREAK = re.compile(r".*" + _CLAUSE_BREAK.pattern, re.DOTALL)  # up to the last clause break before a number


def _located(text: str, metrics: list[Metric]) -> list[Metric]:
    """Evidence that finds its metric again. When the clause holding the number is said word for word
    elsewhere in the document (the same condition for each of several lots), the evidence takes in
    the clauses after it, within its paragraph and 300 characters, until that run is said once.

    Every place a run is said begins with the run's first clause, so only the places of that clause
    are tried, found once for each clause said more than once. Counting each longer run over the whole
    text instead took time that grew with the square of the text's length."""
    said = Counter(_CLAUSE_BREAK.split(text))  # one pass: most clauses are said once, and that settles it
    places_of: dict[str, list[int]] = {}

    def places(clause_text: str) -> list[int]:  # where a clause said more than once is said, within words too
        if clause_text not in places_of:
            found, at = [], text.find(clause_text)
            while at >= 0:
                found.append(at)
                at = text.find(clause_text, at + 1)
            places_of[clause_text] = found
        return places_of[clause_text]

    located: list[Metric] = []
    for metric in metrics:
        before = _LAST_BREAK.search(text, max(0, metric.start - 200), metric.start)
        clause = before.end() if before else max(0, metric.start - 200)
        after = _CLAUSE_BREAK.search(text, metric.end)
        evidence = metric.evidence
        first = text[clause : after.start() if after else len(text)]
        at = text.rfind(evidence, 0, metric.start + len(evidence)) if said[first] > 1 else -1
        if at < 0 or at > clause:
            located.append(metric)
            continue
        end, stop = at + len(evidence), text.find("\n", at + len(evidence))
        stop = min(len(text) if stop < 0 else stop, at + MAX_EVIDENCE)  # within the paragraph: no \n before stop
        while _said_again(text, text[clause:end], clause, places(first)):
            following = _CLAUSE_BREAK.search(text, end + 1, stop)
            if following is None:
                break
            end = following.end()
        located.append(replace(metric, evidence=text[at:end].strip()) if end > at + len(evidence) else metric)
    return located


def _said_again(text: str, run: str, at: int, places: list[int]) -> bool:
    """Whether `run`, said at `at`, is said again at one of the places of its first clause."""
    return any(place != at and text.startswith(run, place) for place in places)


# An identifier of a thing a notice is about (a lot, a parcel, a section): letters and digits ending in 号.
_PLACE_CODE = re.compile(r"[A-Z](?<![A-Za-z\d][A-Z])[A-Z]{0,3}\d{4,}(?:-\d+)?号")
_ITEM_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])", re.M)


@dataclass(frozen=True, slots=True)
class _Places:
    """Coded things a text names (offset, code) and where its numbered items (一、 （二） 3、) begin."""

    codes: list[tuple[int, str]]
    items: list[int]

    def at(self, start: int) -> str:
        """The code named last before `start` inside the same numbered item: a lot's clauses follow its code."""
        i = bisect_left(self.codes, (start,))
        if not i:
            return ""
        at, code = self.codes[i - 1]
        return code if self._item(at) == self._item(start) else ""

    def _item(self, offset: int) -> int:
        return bisect_left(self.items, offset + 1)


# 本次出让的5宗地（不含AB202301号宗地）: a code named as an exception is not what the clauses after it are about.
_EXCLUDED = re.compile(r"[（(](?:不含|不包括|除)[^（()）]*\Z")


def _places(norm: str) -> _Places:
    """The coded things of a text when it names at least two different ones: then one indicator is
    stated for several places, and the guideline's levels rule asks each name to carry its place."""
    codes = [
        (m.start(), m.group(0))
        for m in _PLACE_CODE.finditer(norm)
        if not _EXCLUDED.search(norm, max(0, m.start() - 12), m.start())
    ]
    if len({code for _, code in codes}) < 2:
        return _Places([], [])
    return _Places(codes, [m.start() for m in _ITEM_START.finditer(norm)])


_BOUND_NOUN = re.compile(r"上限|下限|最高|最低|最多|最少|门槛|期限|时限|年限")
# A floor or cap a rule sets, from the same words as the qualifiers (不应低于 is a floor as 不低于 is).
_IMPOSED_BEFORE = re.compile(
    "(?:" + "|".join((*vocab.FLOORS, *vocab.CAPS, "至少", "最多", "最少")) + r")[^，。；,;\d]{0,4}\Z"
)
_IMPOSED_AFTER = re.compile(r"及以[上下]|以内|之内")
# 最高N万元, 最高给予N万元补助, 最长可延长N个月: a cap on what is granted (not 最高提至N%, a new value)
_CAPPED_GRANT = re.compile(r"最[高长](?:可|给予|可给予|可享受|可延长)?\Z")


def _imposed_bound(norm: str, hit: _Hit) -> bool:
    """A floor or cap a rule sets (不低于, 不得超过, 至少, 及以上, 以内), not an approximate figure (超过90家)."""
    return bool(
        _IMPOSED_BEFORE.search(norm, max(0, hit.start - 10), hit.start)
        or _IMPOSED_AFTER.match(norm, hit.end)
        or _CAPPED_GRANT.search(norm, max(0, hit.start - 6), hit.start)
    )


def _confidence(
    norm: str, name: str, hit: _Hit, evidence: tuple[int, int, list[int]], source: str, target: bool
) -> float:
    """The record's confidence by pipelines.confidence. `evidence` is its window and the starts of
    every number of the text: the numbers in the window are counted by bisection."""
    ev_start, ev_end, starts = evidence
    coded = _PLACE_CODE.sub("号", name) if "号" in name else name  # a lot's code: no digits of a figure
    numbers = bisect_left(starts, ev_end) - bisect_left(starts, ev_start)
    return confidence_of(norm, coded, hit.start, hit.unit, hit.value, target, ev_start, ev_end, numbers, source)


def _as_hit(figure: TableFigure) -> _Hit:
    return _Hit(figure.start, figure.end, figure.end, figure.value, figure.unit, False)


def _numbers_with_units(norm: str, text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    pending: list[tuple[int, int, Decimal, bool]] = []  # numbers waiting for a shared unit: 2.16和1.66个百分点
    pos = 0
    n = len(norm)
    while pos < n:
        first = _NUMBER_START.search(norm, pos)
        if first is None:
            break
        match = _NUMBER.match(norm, first.start())
        if match is None:
            pos = first.start() + 1  # 半 not of a duration: no numeral here
            continue
        start, num_end = match.start(), match.end()
        pos = num_end
        raw = match.group("num")
        if "，" in raw and not "０" <= text[start] <= "９":
            # ２，６６７ groups thousands with a full-width comma; 3，123 is two numbers.
            raw = raw[: raw.index("，")]
            num_end = pos = start + len(raw)
        # a count in Chinese numerals is held to stricter rules; a capital sum of money is money
        chinese = not raw[0].isdigit() and not raw.startswith("百分之") and raw != "半" and raw[0] not in _CAPITALS
        unit, end = _unit_after(norm, num_end, raw)
        if unit is None and not _joins_next_number(norm, num_end):
            pending.clear()  # most numeral characters of running text: no unit, no value read
            continue
        if chinese and unit is not None and (ends := parse_range(raw)) is not None:  # 一两台: both ends
            if not _rejected(norm, start, num_end, end, raw, ends[1], unit, False):
                hits.extend(_Hit(start, num_end, end, v, unit, False) for v in ends)
            pending.clear()
            continue
        parsed = _value(raw)
        if parsed is None:
            pending.clear()
            continue
        value, approx_inside = parsed
        if _negative(norm, start):
            value = -value
        if hits and _restates_previous(norm, start, value, hits[-1]):
            pending.clear()
            continue
        if unit is None:
            pending.append((start, num_end, value, approx_inside))
            continue
        if _rejected(norm, start, num_end, end, raw, value, unit, chinese):
            pending.clear()
            continue
        for p_start, p_end, p_value, p_approx in pending:
            hits.append(_Hit(p_start, p_end, p_end, p_value, unit, p_approx))
        pending.clear()
        if unit in ("年", "个月", "小时", "天") and norm[end : end + 1] == "半":
            value, end = value + Decimal("0.5"), end + 1  # 1年半 is 1.5 年
        hits.append(_Hit(start, num_end, end, value, unit, approx_inside))
    return hits


# What ADJUSTED_TO's verbs open with: where none stands within 7 characters, it is not tried.
_ADJUSTING_OPENS = frozenset(verb[0] for verb in vocab.ADJUSTING_TO)


def _adjusting_joins(norm: str, hits: list[_Hit]) -> list[bool]:
    """For each number but the last, whether the words up to the next one say it is changed to it (…调整为).
    ADJUSTED_TO's verbs open within 7 characters with one of 调提降上下: most gaps are passed over unread."""
    joins = []
    for hit, following in pairwise(hits):
        opens = not _ADJUSTING_OPENS.isdisjoint(norm[hit.end : min(following.start, hit.end + 7)])
        joins.append(opens and vocab.ADJUSTED_TO.match(norm, hit.end, following.start) is not None)
    return joins


def _adjustment(norm: str, hit: _Hit, joins: list[bool], index: int) -> bool | None:
    """由3%调整为5%: the old value is a result (False), the new one is set (True); None elsewhere.
    `joins` is _adjusting_joins of the text's numbers, `index` this number's place among them."""
    if index < len(joins) and joins[index] and vocab.ADJUSTED_FROM.search(norm, max(0, hit.start - 12), hit.start):
        return False
    if index and joins[index - 1]:
        return True
    return None


# What opens a parenthesis restating a bound: 3个以上（含3个）, 6个月内（含6个月）.
# …and what opens one restating an amount in the other script: 伍万元整（¥50,000.00）, 50000元（大写：伍万元整）.
_RESTATING = re.compile(
    r"\s*整?\s*(?:及?以[上下内]|之?内)?\s*[（(]\s*(?:不?含|不?包含|不?包括|(?:大写|小写)[:：]?\s*(?:人民币)?)?\s*[¥￥]?\s*"
)


def _restates_previous(norm: str, start: int, value: Decimal, previous: _Hit) -> bool:
    """不超过50万元（含50万元）: the parenthesis restates the bound just given, one record."""
    return value == previous.value and _RESTATING.fullmatch(norm, previous.end, start) is not None


def _value(raw: str) -> tuple[Decimal, bool] | None:
    if raw == "半":
        return Decimal("0.5"), False  # 半小时
    raw = raw.replace(" ", "")  # 294.8 万元
    approx_inside = not _APPROXIMATE_MARKERS.isdisjoint(raw)
    cleaned = raw.translate(_APPROXIMATE) if approx_inside else raw
    value = parse_number(cleaned[3:]) if cleaned.startswith("百分之") else parse_number(cleaned)
    if value is None or not value.is_finite() or abs(value) >= _TOO_LARGE:
        return None
    return value, approx_inside


def _unit_after(norm: str, at: int, raw: str) -> tuple[str | None, int]:
    """The unit right after a numeral (余/多/来 and one space allowed between), and where it ends."""
    if raw.startswith("百分之"):
        return "%", at
    i = at
    while i < len(norm) and i < at + 2 and norm[i] in "余多 ":
        i += 1
    match = vocab.UNIT_PATTERN.match(norm, i)
    if match:
        unit, end = vocab.UNITS[match.group(0)], match.end()
        # 元/亩, 元/人/年 (元/每平方米 is 元/平方米); PER_UNIT opens with the slash
        while norm[end : end + 1] in vocab.PER_UNIT_OPENS and (per := vocab.PER_UNIT.match(norm, end)):
            unit, end = unit + "/" + per.group(0).lstrip(vocab.PER_UNIT_OPENS + "每"), per.end()
        return unit, end
    count = vocab.COUNT_WITHOUT_MEASURE.match(norm, i)
    if count and vocab.CHINESE_DIGIT.fullmatch(raw):
        return "个", count.end()
    start = at - len(raw)
    if raw[:1].isdigit() and norm[max(0, start - 2) : start].rstrip().endswith(("¥", "￥")):
        return "元", at  # ¥50,000.00
    if raw[:1].isdigit() and vocab.MONEY_LABEL.search(norm, max(0, start - 12), start):
        return "元", at  # 单价：2.5万 is money
    if raw[:1].isdigit() and raw[-1] in "万亿" and _money_clause(norm, start):
        return "元", at  # 补贴不超过2万
    if norm.startswith("点", i) and vocab.INDEX_WORDS.search(norm, max(0, start - 16), start):
        return "点", i + 1  # 上证指数收于3000点: the index's level (a bare 8点 is a time of day)
    return None, at


def _money_clause(norm: str, start: int) -> bool:
    clause_start = max(norm.rfind(p, max(0, start - 30), start) for p in "，。；,;\n")
    return vocab.MONEY_WORDS.search(norm, max(clause_start, start - 30), start) is not None


def _joins_next_number(norm: str, at: int) -> bool:
    return at < len(norm) - 1 and norm[at] in "和、与及" and (norm[at + 1].isdigit())


_RANGE_END = re.compile(r"[\d%][-—~～]\Z")  # 50%-65%: the second end of a range
_MINUS = frozenset("-－−")


def _negative(norm: str, start: int) -> bool:
    """增长-3.5%, 为-0.52‰: a minus sign right after a word (not after a digit or letter: a code, a range)."""
    return (
        start >= 2
        and norm[start - 1] in _MINUS
        and ("\u4e00" <= norm[start - 2] <= "\u9fff" or norm[start - 2] in "：:")
    )


_BOUNDED_BEFORE = re.compile(r"(?:不少于|不超过|不低于|至少|满|期限为?|为期|超过|少于|不足)\Z")
_DOCUMENT_NUMBER_AFTER = re.compile(r"\s*(?:[（(]\d{4}[）)])?\s*号")
_ADDRESS_AFTER = re.compile(r"\s*\d+\s*[号栋幢室层组]")
_HOUR_BEFORE = re.compile(r"\d时\Z")
_ONE_DIGIT = re.compile(r"[一二两三四五六七八九]")


_GRADE_UNITS = ("类", "级", "档", "等", "星")
_GRADE_RANGE_START = re.compile(rf"[{_CN}](?:类|级|档|等|星)(?:至|到|—|-|~|～)\Z")


_MAGNITUDE_ONLY = re.compile(r"[十百千万]+")  # 千, 万, 十万: a magnitude with no digit before it
_WHICH_ONE = re.compile(r"(?:最后|最末|同|这|那|某)\Z")


_MAGNITUDES = frozenset("十百千万亿")
# …数 ending a noun right before its number (参保人数十万人): not the 数 of 数十, 数百 (a vague quantity).
_COUNT_NOUNS = ("人数", "户数", "次数", "件数", "个数", "总数", "家数", "名数")


def _rejected(
    norm: str, start: int, num_end: int, end: int, raw: str, value: Decimal, unit: str, chinese: bool
) -> bool:
    before = norm[max(0, start - 6) : start]
    after = norm[num_end : num_end + 4]
    # CODE_BEFORE's words are at most 3 characters long and end the window: only its last 3 can hold one
    if before.endswith(vocab.ORDINAL_BEFORE) or (
        vocab.CODE_BEFORE.search(before, len(before) - 3)
        and not _RANGE_END.search(before)
        and not _negative(norm, start)
    ):
        return True
    if raw[:1] == "0" and raw[1:2].isdecimal():
        return True  # 03省道, 007: codes, not quantities
    if (
        unit != "个月"
        and not (unit == "年" and value < 100)
        and after[:1] in vocab.DATE_AFTER_OPENS  # most figures are no date
        and vocab.DATE_AFTER.match(after)
        and not _BOUNDED_BEFORE.search(before)  # 满3年: a duration (tried last: a date word after is rare)
    ):
        return True
    named = not vocab.NAME_AFTER_HOLDS.isdisjoint(after) and vocab.NAME_AFTER.match(norm, num_end)
    if named or (unit == "周" and norm[end : end + 1] == "年"):
        return True
    if unit in ("日", "号") and before.endswith("月"):
        return True  # 1月1日起施行: a date
    if unit == "分" and norm[end : end + 1] == "之":
        return True  # 10000分之539: a fraction, optional by the guideline
    if norm.find("号", num_end, num_end + 8) >= 0 and _DOCUMENT_NUMBER_AFTER.match(norm, num_end, num_end + 8):
        return True  # 计价格2002（1980）号文: a document number
    if unit in ("区", "栋", "幢", "个", "组", "号") and _ADDRESS_AFTER.match(norm, end, end + 6):
        return True  # 星沙1区9栋57号: an address
    if (chinese and raw == "二" and norm[end : end + 2] in ("住房", "房贷")) or (
        chinese and raw == "二" and unit == "类"
    ):
        return True  # 二套住房, 二类: ordinals (a count of two says 两)
    if chinese and unit in _GRADE_UNITS and _GRADE_RANGE_START.search(before):
        return True  # 按一类至八类执行: the upper end of a range of grades names a category, not a count
    if unit in ("届", "级") and 1900 <= value <= 2100:
        return True  # 2024届毕业生: a year
    if unit == "年" and (value >= 100 or norm[end : end + 1] in ("级", "月", "度")):
        return True  # 2022年 is a date, 3年级 a grade; 3年, 3年内 are durations
    if unit in vocab.LETTER_UNITS and (value < 10 or (end < len(norm) and norm[end].isascii() and norm[end].isalnum())):
        return True
    if unit == "分" and (_HOUR_BEFORE.search(before) or norm[end : end + 1] == "钟"):
        return True
    if unit == "年" and before.endswith(("近", "过去")):
        return True  # 近5年累计投入…: the period a count covers (the guideline keeps it optional)
    if unit == "岁":
        return False
    if chinese:
        if raw == "一" and _WHICH_ONE.search(before):
            return True  # 最后一天, 同一天: which one, not how many
        if before.endswith("每") and _MAGNITUDE_ONLY.fullmatch(raw):
            return True  # 每千人口, 每万人: the base of a rate, not a count
        if raw[:1] in _MAGNITUDES and before.endswith("数") and not before.endswith(_COUNT_NOUNS):
            return True  # 数百家, 数十个: a vague quantity with no number (人数十万人 is a count's number)
        if vocab.NAMED_GROUP.match(norm, start) or vocab.NAMED_GROUP.search(norm, max(0, start - 4), end):
            return True  # 三省一市, 四区三县: a name of a group, no count
        if vocab.SLOGANS.match(norm, start) or _DISTRIBUTED.match(norm, end):
            return True  # 两类企业分别超过90家: the numeral names the subject, the metrics follow
        duration = unit in vocab.DURATION_UNITS and (
            vocab.DURATION_CONTEXT_BEFORE.search(norm, max(0, start - 4), start) is not None
            or vocab.DURATION_CONTEXT_AFTER.match(norm[end : end + 2]) is not None
        )
        if duration and value >= 1 and value == value.to_integral_value():
            return False
        if unit not in vocab.CHINESE_NUMERAL_UNITS or value < 2 or value != value.to_integral_value():
            return True
        if _ONE_DIGIT.fullmatch(raw) is None and value < 10:
            return True
    if _inside_short_quote(norm, start, end) or _inside_book_title(norm, start):
        return True
    weight = unit == "%" and start > 0 and norm[start - 1] in "*×"  # 笔试成绩×50%: a weight
    multiplied = start > 0 and norm[start - 1] in "*×+" and not weight
    return bool((num_end < len(norm) and norm[num_end] in "*×xX") or multiplied)


def _inside_short_quote(norm: str, start: int, end: int) -> bool:
    lo = start - 12 if start > 12 else 0
    left = max(norm.rfind("“", lo, start), norm.rfind('"', lo, start))
    if left < 0:
        return False
    closing = norm.find("”", start, min(len(norm), end + 12))
    if closing < 0:
        closing = norm.find('"', start, min(len(norm), end + 12))
    return closing >= 0 and closing - left <= 14 and "”" not in norm[left + 1 : start]


def _inside_book_title(norm: str, start: int) -> bool:
    left = norm.rfind("《", max(0, start - 40), start)
    return left >= 0 and "》" not in norm[left:start]


_SEMICOLON_IN_PARENTHESES = re.compile(r"[（(][^（()）\n]{0,200}?[；;][^（()）\n]{0,200}?[）)]")


def _sentence_ends(norm: str) -> list[int]:
    """Offsets that end a sentence: 。！？ and a line break always, a semicolon only outside parentheses.
    A semicolon between （ and ） separates the parts of one parenthetical remark (a worked example,
    a list of exceptions), and the sentence it interrupts goes on after the closing bracket."""
    ends = [m.start() for m in _SENTENCE_END.finditer(norm)]
    if "；" not in norm and ";" not in norm:
        return ends
    inside = {
        m.start() + i
        for m in _SEMICOLON_IN_PARENTHESES.finditer(norm)
        for i, ch in enumerate(m.group(0))
        if ch in "；;"
    }
    return [at for at in ends if at not in inside] if inside else ends


def _sentence_bounds(ends: list[int], start: int, end: int, n: int) -> tuple[int, int]:
    """The sentence around [start, end): between the sentence ends before and after it (each
    looked for at most 400 characters away), given every sentence end of the text in order."""
    i = bisect_left(ends, start)
    left = ends[i - 1] + 1 if i and ends[i - 1] >= start - 400 else max(0, start - 400)
    j = bisect_left(ends, end)
    right = ends[j] + 1 if j < len(ends) and ends[j] < end + 400 else min(n, end + 400)
    return left, right


def _evidence_window(norm: str, s_start: int, s_end: int, start: int, end: int) -> tuple[int, int]:
    """The sentence, or when longer than 300 characters, a window of whole clauses around the number."""
    if s_end - s_start <= MAX_EVIDENCE - 20:
        figure = norm[start:end]
        if norm.count(figure, s_start, s_end) < 2:
            return s_start, s_end
        return _clauses_around(norm, s_start, s_end, start, end, figure)
    left = max(s_start, start - 120)
    right = min(s_end, end + 120)
    comma = norm.rfind("，", left, max(left, start - 40))
    if comma > left:
        left = comma + 1
    cut = norm.find("，", min(right, end + 40), right)
    if cut > 0:
        right = cut
    return left, right


def _clauses_around(norm: str, s_start: int, s_end: int, start: int, end: int, figure: str) -> tuple[int, int]:
    """The number's clause, with the clause before and the one after it when they do not state the same
    figure: a sentence that states a figure twice (从1%降低到0.5%，…基准费率0.5%) tells its records
    apart only near each."""
    before = _LAST_BREAK.search(norm, s_start, start)
    left = before.end() if before else s_start
    if left > s_start:
        earlier = _LAST_BREAK.search(norm, s_start, left - 1)
        previous = earlier.end() if earlier else s_start
        if norm.find(figure, previous, left) < 0:
            left = previous
    after = _CLAUSE_BREAK.search(norm, end, s_end)
    right = after.end() if after else s_end
    if right < s_end:
        later = _CLAUSE_BREAK.search(norm, right, s_end)
        following = later.end() if later else s_end
        if norm.find(figure, right, following) < 0:
            right = following
    return left, right


_RATE_BASE = re.compile(r"(?:每[\u4e00-\u9fff]{1,4}?)+\Z")  # 每户, 每人每年, 每平方米: what a rate is per


def _qualifier(norm: str, hit: _Hit, sentence_start: int) -> Qualifier:
    before = norm[max(sentence_start, hit.start - 12) : hit.start]
    after = norm[hit.num_end : min(len(norm), hit.end + 3)]
    tail = norm[hit.end : hit.end + 3]
    if "每" in before and (base := _RATE_BASE.search(before)):
        before = before[: base.start()]  # 不少于每户1个, 不超过每人每年5000元: the bound reaches over the base
    # each adverb pattern only where its telling character is (少 of 至少, 最 of 最高)
    if before.endswith(vocab.FLOOR_BEFORE) or ("少" in before and vocab.FLOOR_ADVERB.search(before)):
        return "over"
    if tail.startswith("及以上"):
        return "over"
    if before.endswith(vocab.CEILING_BEFORE) or ("最" in before and vocab.CEILING_ADVERB.search(before)):
        return "under"
    if before.endswith(vocab.UNDER_BEFORE) or tail.startswith(vocab.UNDER_AFTER):
        return "under"
    # a bound reaching over a noun phrase ends on 的 right before the number (不低于总额的30%)
    clause = norm[max(sentence_start, hit.start - 40) : hit.start] if before.endswith("的") else ""
    if clause and (reach := vocab.BOUND_OVER_PHRASE.search(clause)):
        return vocab.BOUND_WORD_QUALIFIER[reach.group("word")]  # type: ignore[return-value]
    if hit.approx_inside or after[:1] in ("余", "多") or tail.startswith("以上") or before.endswith(vocab.OVER_BEFORE):
        return "over"
    if before.endswith(vocab.ABOUT_BEFORE) or tail.startswith(vocab.ABOUT_AFTER):
        return "about"
    return "exact"


def _is_target(norm: str, s_start: int, s_end: int, hit: _Hit, zones: list[tuple[int, int, bool]]) -> bool:
    """A goal, plan or requirement: a cue in the sentence up to just past the number, or any
    sentence of a plan section that does not report a result. In a policy document or notice the
    size of the land or building it concerns is a fact about it, not a figure it imposes."""
    reach = min(s_end, hit.end + 12)
    if (clause_end := _CLAUSE_BREAK.search(norm, hit.end, reach)) is not None:
        reach = clause_end.start()  # a cue after the number counts within its own clause (…95%的目标), not the next one
    window = norm[s_start:reach]
    if hit.unit in vocab.SIZE_OF_THING_UNITS and any(policy for a, b, policy in zones if a <= hit.start < b):
        # a notice's 土地面积45.5亩 describes what it concerns; only a requirement word sets it
        return vocab.REQUIREMENT_CUES.search(window) is not None
    for cue in vocab.TARGET_CUES.finditer(window):
        if (
            cue.group(0) == "要求"
            and vocab.CITED_REQUIREMENT.search(window[: cue.end()])
            and not _FIGURES_REQUIREMENT.fullmatch(window, hit.end - s_start, cue.start())
        ):
            continue  # 上级的要求, 按…要求: requirements cited; 达到100%的要求 is the figure's own
        if cue.group(0)[0] in "至到" and window[: cue.start()].endswith(vocab.AS_OF):
            continue
        if cue.group(0) == "建议" and _proposals_counted(window, cue.start(), cue.end()):
            continue  # 人大代表建议45件, 建议和提案: proposals handled, a count of documents
        if cue.group(0) == "争取" and window.startswith(vocab.SECURED_FROM, cue.end()):
            continue  # 争取上级资金2亿元: funds secured from above, a result (a plan's sentences stay targets)
        if _in_purpose_clause(window, cue.start(), hit.start - s_start):
            continue
        return True
    if _inside_requirement(norm, s_start, s_end, hit):
        return True
    zone = next((policy for a, b, policy in zones if a <= hit.start < b), None)
    if zone is None:
        return False
    results = vocab.REPORTED_CUES if zone else vocab.RESULT_CUES
    return not results.search(norm[s_start:s_end])


# What stands between a figure and 要求 when the requirement is the figure's (达到95%以上的要求).
_FIGURES_REQUIREMENT = re.compile(r"(?:及?以[上下内]|之内)?的")


# 建议 as a noun: the proposals of deputies (代表/委员建议) or a count of them (建议45件, 建议和提案、…).
_PROPOSALS_COUNTED = re.compile(r"\d|[和、及与]|提案")


def _proposals_counted(window: str, start: int, end: int) -> bool:
    """Whether the 建议 at window[start:end] is a noun, proposals handled rather than one made."""
    return window.endswith(("代表", "委员"), 0, start) or _PROPOSALS_COUNTED.match(window, end) is not None


_CARRYING_OUT = re.compile("(?:" + "|".join(vocab.CARRYING_OUT) + r")[^，。；,;！？!?\n]*\Z")
_CLOSING_REQUIREMENT = re.compile(r"[^，。；,;！？!?\n]{0,40}?要求(?:[，。；,;！？!?\n]|\Z)")


def _inside_requirement(norm: str, s_start: int, s_end: int, hit: _Hit) -> bool:
    """落实…2小时响应、…1天办结要求: a figure between the verb that carries out a requirement and the
    要求 that closes its clause is what the requirement sets, however far the 要求 is."""
    if norm.find("要求", hit.end, min(s_end, hit.end + 44)) < 0:
        return False  # most figures: no 要求 close enough to close their clause
    return (
        _CLOSING_REQUIREMENT.match(norm, hit.end, s_end) is not None
        and _CARRYING_OUT.search(norm, max(s_start, hit.start - 40), hit.start) is not None
    )


_PURPOSE_OPENING = re.compile(r"\s*(?:[（(]?[一二三四五六七八九十\d]+[、.．）)]\s*)?(?:为了?(?!\d)|让|使|以便)")
# Verbs of working around a goal (全区紧紧围绕年度目标，…), within the first words of their clause.
_SERVING_GOAL = ("围绕", "紧扣", "聚焦", "锚定", "瞄准", "对标", "对照")
_SERVING_REACH = 10  # characters: a subject (全区, 市政务服务局) and 紧紧 may stand before the verb


def _in_purpose_clause(window: str, cue: int, number: int) -> bool:
    """为确保汛期安全，增派… / 为了方便群众，开通…: a clause opening with 为 states the aim of what follows,
    and one that works around a goal (全区紧紧围绕年度目标，… / 聚焦…目标，…) names the goal it serves.
    A goal word there is the aim's; the figure in a later clause is what was done for it."""
    opened = max(window.rfind(mark, 0, cue) for mark in "，,；;：:") + 1
    closed = min((at for at in (window.find("，", cue), window.find(",", cue)) if at >= 0), default=-1)
    if not 0 <= closed < number:
        return False
    reach = min(cue, opened + _SERVING_REACH)
    return _PURPOSE_OPENING.match(window, opened) is not None or any(
        window.find(verb, opened, reach) >= 0 for verb in _SERVING_GOAL
    )


def _plan_zones(norm: str, title: str = "") -> list[tuple[int, int, bool]]:
    """Spans of the text that state plans: the whole text when one of its first lines is a
    title naming a plan (工作方案, 行动计划, 预算案 …) or a policy (通知, 办法, 公告 …); else from a plan
    heading (下一步工作计划) or a plan announcement ending in a colon (将努力办好十件实事：) until a
    results heading. Each span says whether it is a policy document's (rules it sets) or a plan's."""
    lines = norm.split("\n")
    titles = [
        line.strip()
        for line in [title, *lines[:4]]
        if 0 < len(line.strip()) <= 80
        and not _NUMBERED_HEADING.match(line.strip())
        and not line.strip().endswith(("。", "！", "？", "；"))  # a sentence, not a title
    ]
    kinds = [
        (vocab.PLAN_TITLE.search(t) is not None, vocab.POLICY_TITLE.search(t) is not None)
        for t in titles
        if not re.search(r"总结|报告|情况", t)
    ]
    if any(plan or policy for plan, policy in kinds):
        return [(0, len(norm), any(policy and not plan for plan, policy in kinds))]
    zones: list[tuple[int, int, bool]] = []
    offset = 0
    opened: int | None = None
    for line in lines:
        stripped = line.strip()
        heading = len(stripped) <= 40
        announces = (
            stripped.endswith(("：", ":"))
            and vocab.ANNOUNCE_CUES.search(stripped) is not None
            and not vocab.REPORT_INTRO.search(stripped)
        )
        if opened is None and ((heading and vocab.PLAN_HEADING.search(stripped)) or announces):
            opened = offset
        elif opened is not None and heading and vocab.RESULT_HEADING.search(stripped):
            zones.append((opened, offset, False))
            opened = None
        offset += len(line) + 1
    if opened is not None:
        zones.append((opened, len(norm), False))
    return zones
