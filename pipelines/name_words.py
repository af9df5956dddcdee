"""The words around a number, read in the Simplified shadow of a text (pipelines.textnorm).

Its clause and the quantities in it, the noun after it, a sentence's subject, and the cleaning every
name gets (quotes, aggregate words, leading fillers and dates, trailing verbs). Shared by the general
naming (pipelines.metric_names) and the readings of policy grammar (pipelines.policy_names); each reads
a bounded window around the number, so naming stays linear in the text as a whole.
"""

from __future__ import annotations

import re

from pipelines import metric_vocab as vocab

MAX_NAME = 16
# At most this many of another clause's words go into a name that borrows them (a subject, a list's intro).
MAX_BORROWED = 10


_QUOTES = re.compile(r"[“”\"《》「」『』‘’\s]")
_CODE_CHAR = re.compile(r"[0-9A-Za-z]")


_POSTPOSITIONS = frozenset("上下内外后前间")  # 以上, 以下, 之内, 之后 …


def last_chars(words: str, size: int) -> str:
    """The last `size` characters of `words`, and the rest of a code or number the cut would split
    (a hotline's number, L3): a name does not open on 128便民热线 for 96128便民热线."""
    if len(words) <= size:
        return words
    cut = len(words) - size
    while cut > 0 and _CODE_CHAR.match(words, cut) and _CODE_CHAR.match(words, cut - 1):
        cut -= 1
    if cut > 0 and words[cut - 1] in "以之" and words[cut] in _POSTPOSITIONS:
        cut += 1  # 规模以|上工业…: the cut split 以上; the name opens after it
    return words[cut:]


_AFTER_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z“”\"「」『』‘’]{1,30}")


_AFTER_STOP = re.compile(
    r"[和与及在是为将并等或而且从对向给让把被到至达共约近超逾]|以上|以下|左右|以内|同比|环比|"
    r"提供|实现|开展|进行|完成|办理|纳入|保持|达到|覆盖|参与|参加|受惠|运行|支撑|得到|获得|用于|作为"
)


_PREVIOUS_ITEM = re.compile(r".*(?:\d[\d.,]*[^\d、，,；;]{0,4}?[、]|[、])")


_LEADING_DIGITS = re.compile(r"^[\d.,%]+(?![\d.,%A-Za-z])")  # not the digits of 5G, 4K: a name


_QUALIFIER_WORDS = ("及以上", "及以下", "以上", "以下", "左右", "以内", "之内", "多", "余")
_QUALIFIER_AFTER = re.compile("|".join(_QUALIFIER_WORDS))
_QUALIFIER_OPENS = frozenset(word[0] for word in _QUALIFIER_WORDS)  # tried only where one can open


PARENTHESES = re.compile(r"[（(][^（()）]{0,40}[)）]")


_OPEN_BREAK = re.compile(r"[，,；;：:。！？!?\n（()）│┃|]")  # a parenthesis left open or closed, a drawn cell wall


UP_TO_LAST_BREAK = re.compile(r".*" + _OPEN_BREAK.pattern, re.DOTALL)  # greedy: ends after the last break


# A quantity inside a clause: digits (not part of a name like L3 or 12345热线) with a unit or date word.
DIGIT_RUN = re.compile(r"\d(?<![A-Za-z\d.]\d)\d*(?:[.,]\d+)*[万亿千百]*")


SUBJECT_VERB = re.compile(
    r"受理|办理|办结|上线|实现|完成|开展|建成|新增|累计|共|进驻|可办|提供|服务|发布|处理|接听|归集|推动|推进|"
    r"开通|覆盖|达到|达|为|有|收到|征集|交办|梳理|整合|建设|部署|配备|承接|组织|举办|培训|签约|印发|出台|制定|"
    r"在|比|较"
)


_DATES = re.compile(
    r"\d(?:\d{0,3}年度?|\d?月份?|\d?[日号])(?:\d{1,4}年度?|\d{1,2}月份?|\d{1,2}[日号])*"
    r"(?:[至到\-—~－]|以来|底|末|初|上半年|下半年|前|后|内|全年)*"
)


_AGGREGATES = re.compile(r"(?:合计|共计|总计|累计)将?")


# 连续参保6个月的补贴, 年营业收入2000万元及以上的企业: a quantity before 的 is a condition of the noun;
# 15年来新低: a span of time, not a quantity of its own. Neither ends the words naming the next number.
_MODIFIER_AFTER = re.compile(r"(?:及?以[上下])?的|以?来")


TIME_NOUN = re.compile(r"(?:期限|时限|年限|期|时间|时长|周期)\Z")


DIGIT = re.compile(r"\d")


_LIST_JOINS = "、和及与"
_SIZE = re.compile(r"\d[\d.,]*[万亿千百]*")  # a size right after a count: 465幢23.25万平方米


# NAME_LEADING's match begins with a character written in its pattern, a digit or whitespace, and
# NAME_TRAILING's ends with one written in its pattern or whitespace: most names begin and end
# otherwise, so these long alternations (tried at each position by sub) are skipped for them.
_LEADING_STARTS = frozenset(vocab.NAME_LEADING.pattern)


_TRAILING_ENDS = frozenset(vocab.NAME_TRAILING.pattern)


_OPERATORS = "=＝*×+＋"


def without_parentheses(text: str) -> str:
    """The text without its short parentheticals; most windows hold none, and then no pattern runs."""
    return PARENTHESES.sub("", text) if "（" in text or "(" in text else text


def clean(name: str) -> str:
    """The name without quotes, aggregate words (合计), leading fillers and dates, trailing verbs and digits.

    Each pattern runs only when the name could hold what it removes: the result is that of running all."""
    if not name:
        return name  # a fifth of the calls: a clause with no words before its number
    name = _QUOTES.sub("", name)
    if "计" in name:  # 合计, 共计, 总计, 累计
        name = _AGGREGATES.sub("", name)
    first = name[:1]
    if first in _LEADING_STARTS or first.isdecimal() or first.isspace():
        name = vocab.NAME_LEADING.sub("", name)
    last = name[-1:]
    if last in _TRAILING_ENDS or last.isspace():
        name = vocab.NAME_TRAILING.sub("", name)
    first = name[:1]
    if first.isdecimal() or first in (".", ",", "%"):  # _LEADING_DIGITS: ^[\d.,%]+
        name = _LEADING_DIGITS.sub("", name)
    if name[:1] in _OPERATORS or name[-1:] in _OPERATORS:
        name = name.strip(_OPERATORS)  # 1650元*30%=495元: the signs of a formula are no words of a name
    return name


_UNIT_OPENING_MAGNITUDES = frozenset("千百")  # 千瓦时, 千克, 千米, 百分点


def quantities(segment: str) -> list[tuple[int, int]]:
    """(start, end after its unit) of each quantity in a clause: digits with a unit or a date
    word, or standing alone; digits that are part of a name (L3, 12345热线) are not quantities."""
    found: list[tuple[int, int]] = []
    for match in DIGIT_RUN.finditer(segment):
        if match.start() and segment[match.start() - 1] in "较比":
            continue  # 较2019年底增加: the date a change is measured against belongs to its name
        end = match.end()
        unit = vocab.UNIT_PATTERN.match(segment, end + (segment[end : end + 1] in ("余", "多")))  # 10余场
        if unit is None and segment[end - 1] in _UNIT_OPENING_MAGNITUDES:
            unit = vocab.UNIT_PATTERN.match(segment, end - 1)  # 312.5亿千瓦时: 千 opens the unit, not a magnitude
        if unit and unit.group(0) in vocab.LETTER_UNITS and end - match.start() == 1:
            continue  # 5G: one digit before a letter unit names a thing (as metrics._rejected reads it)
        if unit:
            date = _DATES.match(segment, match.start()) if unit.group(0) in ("年", "月") else None
            found.append((match.start(), max(unit.end(), date.end() if date else 0)))  # 2023年度, 10月底
        elif date := _DATES.match(segment, match.start()):
            found.append((match.start(), date.end()))
        elif end == len(segment) or not ("\u4e00" <= segment[end] <= "\u9fff" or "A" <= segment[end].upper() <= "Z"):
            found.append((match.start(), min(len(segment), end + 1)))
        elif segment[end] in "和与及" and (end + 1 == len(segment) or segment[end + 1].isdigit()):
            found.append((match.start(), end))  # 0.1和1.2个百分点: a figure sharing the unit of the next one
    return found


def _cut_after_quantities(segment: str) -> str:
    """The words after the last quantity of a clause (扩大至16省65县市 → 县市 for 65)."""
    found = [q for q in quantities(segment) if not _MODIFIER_AFTER.match(segment, q[1])]
    return segment[found[-1][1] :] if found else segment


def _in_short_quote(text: str, at: int) -> bool:
    """Whether `at` is inside a short quotation: a 、 there joins the words of one slogan (“双随机、一公开”,
    “一网通办、一网统管”), where a long quotation may list titles (“…专题、…报告”三个专题)."""
    opened = text.rfind("“", 0, at)
    if opened < 0 or text.rfind("”", opened, at) >= 0:
        return False
    closed = text.find("”", at)
    return closed - opened <= 12 if closed >= 0 else len(text) - opened <= 12


def words_of_clause(segment: str) -> str:
    """The words of a number's clause up to the number (own_clause) that name it: those after the
    previous listed item, or, for an enumeration of examples ending in 等, the words before it
    (上线运行A、B、C等15类主题 → 上线运行A); after a quantity earlier in the clause, those after it."""
    joined = segment.rfind("且")  # 具有资质且注册资本不低于…: of two joined requirements the number is the second's
    if joined >= 0 and len(segment) - joined > 2:
        segment = segment[joined + 1 :]
    if "、" in segment and not _in_short_quote(segment, segment.rfind("、")):
        last = segment[segment.rfind("、") + 1 :]
        listed = segment[: segment.rfind("、")]
        if "等" in last and not DIGIT.search(listed):
            head = segment[: segment.find("、")]
            tail = last[last.rfind("等") + 1 :]
            segment = head + tail
        else:
            previous = _PREVIOUS_ITEM.match(segment)
            if previous and previous.end() < len(segment):
                segment = segment[previous.end() :]
    return _cut_after_quantities(segment)


# The subject of a sentence ends where a preposition phrase begins (社保补贴按企业缴费给予补贴).
BEFORE_PREPOSITION = re.compile(r"(.{2,}?)(?=[按对由经从向依据]|\Z)")


def own_clause(norm: str, s_start: int, start: int) -> str:
    """The number's clause up to the number, short parentheticals left out; a base of a share may hold a
    date (不超过2021年度出让地价的12%), so nothing is cut after quantities."""
    clause = without_parentheses(norm[max(s_start, start - 120) : start])
    last_break = UP_TO_LAST_BREAK.match(clause)
    return clause[last_break.end() :] if last_break else clause


def lead_in(norm: str, s_start: int, start: int) -> str:
    """The words of the number's clause before its first quantity."""
    return first_words(own_clause(norm, s_start, start))


def first_words(clause: str) -> str:
    """A clause's words before its first quantity, dates left out (112年底台北市… → 台北市…)."""
    clause = _DATES.sub("", clause)
    found = quantities(clause)
    return clean(clause[: found[0][0]] if found else clause)


def clauses_to(norm: str, s_start: int, start: int) -> list[str]:
    """The clauses of the sentence up to the number, short parentheticals left out: its own clause last."""
    return vocab.CLAUSE_BREAK.split(without_parentheses(norm[s_start:start]))


def earlier_clauses(norm: str, s_start: int, start: int) -> list[str]:
    """The clauses of the sentence before the one holding the number."""
    return clauses_to(norm, s_start, start)[:-1]


def sentence_subject(norm: str, s_start: int, start: int) -> str:
    """The subject of the sentence: the words of its first clause that says more than a date or
    a filler, up to the first verb (2023年，我区热线共受理… → 我区热线)."""
    for clause in vocab.CLAUSE_BREAK.split(without_parentheses(norm[s_start:start])):
        words = first_words(clause)
        if len(words) < 2:
            continue
        verb = SUBJECT_VERB.search(words, 2)
        return clean(words[: verb.start()] if verb else words)
    return ""


def unit_end(norm: str, at: int, limit: int) -> int | None:
    """Where a figure standing at `at` (digits and magnitudes: 23.25万) ends with its unit, before
    `limit`; None when no figure with a unit stands there."""
    size = _SIZE.match(norm, at, limit) if norm[at : at + 1].isdecimal() else None
    unit = vocab.UNIT_PATTERN.match(norm, size.end(), limit) if size else None
    return unit.end() if unit else None


# 突破百亿元大关, 迈上三千亿元新台阶: a milestone the figure passes, a figure of speech, not what it counts.
_MILESTONE = re.compile(r"(?:新|大)?(?:台阶|大关|关口)")


def noun_after(norm: str, end: int, s_end: int) -> str:
    """The counted thing after a number and its unit: 36个行政审批部门 → 行政审批部门; a noun after
    的 is the whole the count belongs to (98人的数据人才队伍 → 数据人才队伍)."""
    # each pattern tried only where its first character stands: most numbers are followed by neither
    qualifier = _QUALIFIER_AFTER.match(norm, end, s_end) if norm[end : end + 1] in _QUALIFIER_OPENS else None
    if qualifier:
        end = qualifier.end()
    if norm.startswith("人民币", end):
        end += 3  # 2亿元人民币: the currency, not the thing counted
    elif norm.startswith("整", end):
        end += 1  # 伍万元整: the sum is exact, 整 names nothing
    # N万元、M万元建设补助: figures listed with 和/、 before one noun all count it
    while norm[end : end + 1] in _LIST_JOINS and (listed := unit_end(norm, end + 1, s_end)) is not None:
        end = listed
    if norm.startswith("的", end):
        end += 1
    elif (size := unit_end(norm, end, s_end)) is not None:
        end = size  # 465幢23.25万平方米房屋: a count followed at once by a size names the same thing
    match = _AFTER_WORDS.match(norm, end, s_end)
    if not match or _MILESTONE.match(match.group(0)):
        return ""
    words = match.group(0)
    noun = ""
    while words:
        stop = _AFTER_STOP.search(words, 2 if not noun else 0)
        if stop is None:
            return noun + words
        part = words[: stop.start()]
        # 相对高频的政务服务事项: a short modifier joined by 的 belongs to the noun.
        if stop.group(0) == "的" and len(part) <= 6 and len(words) - stop.end() >= 2:
            noun, words = noun + part, words[stop.end() :]
            continue
        return noun + part
    return noun


def clean_keep_verbs(words: str) -> str:
    return _QUOTES.sub("", words).rstrip("，,、 ")


# 对市级、区级…分别奖励N万元、M万元 (初级、中级、高级; 一等、二等): levels listed inside the words before a
# list of as many figures; each figure is its own level's, and its name carries that level alone (the
# guideline's levels).
_LEVEL = r"(?:国家|省|市|州|县|区|乡镇|镇|乡|村)级|国家|[一二三四五六七八九十甲乙丙]+[类级档星]|[初中高]级|[特一二三]等"
LEVEL_LIST = re.compile(f"(?:{_LEVEL})(?:[、和与及](?:{_LEVEL}))+")
_LEVEL_SPLIT = re.compile(r"[、和与及]")
LEVEL_HOLDS = frozenset("级家类档星等")  # every match of LEVEL_LIST holds one: where none is, it is not tried


def own_level(words: str, norm: str, start: int, s_end: int, rank: int) -> str:
    """The words with a list of levels in them narrowed to the level of the figure in place `rank` of
    the figures listed from `start` in its clause, when those are as many as the levels."""
    if LEVEL_HOLDS.isdisjoint(words):
        return words  # most clauses: no level in them
    listed = LEVEL_LIST.search(words)
    if listed is None:
        return words
    levels = _LEVEL_SPLIT.split(listed.group(0))
    breaks = vocab.CLAUSE_BREAK.search(norm, start, s_end)
    figures = len(quantities(norm[start : breaks.start() if breaks else s_end]))
    if figures != len(levels) or rank >= figures:
        return words
    return words[: listed.start()] + levels[rank] + words[listed.end() :]
