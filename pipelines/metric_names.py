"""Indicator names from the words around a number: subject and measure, no achievement verbs.

事项进驻率达96.7% → 事项进驻率; 进驻36个行政审批部门 → 进驻行政审批部门; 市级17个、江城区1个 →
市级…, 江城区…; a clause too short to name anything borrows the sentence's subject. When one
number serves a list (参与率、合格率均达100%), each item gets its own name; when a list of
subjects is followed by 分别 and a list of numbers, each number takes its own subject.

Everything here reads the Simplified shadow of the text (pipelines.textnorm) in a bounded window
around the number, so naming is linear in the text as a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines import metric_vocab as vocab

MAX_NAME = 16


@dataclass(frozen=True, slots=True)
class Named:
    """One indicator a number is stated for, and where its words begin in the text."""

    name: str
    at: int


_QUOTES = re.compile(r"[“”\"《》「」『』‘’\s]")
_AFTER_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z“”\"「」『』‘’]{1,30}")
_AFTER_STOP = re.compile(
    r"[和与及在是为将并等或而且从对向给让把被到至达共约近超逾]|以上|以下|左右|以内|同比|环比|"
    r"提供|实现|开展|进行|完成|办理|纳入|保持|达到|覆盖|参与|参加|受惠|运行|支撑|得到|获得|用于|作为"
)
_PREVIOUS_ITEM = re.compile(r".*(?:\d[\d.,]*[^\d、，,；;]{0,4}?[、]|[、])")
_SHARED = re.compile(r"(?:均|都|全部)(?:已|达|达到|为|是|实现|超过|超|在)?$")
_RESPECTIVELY = re.compile(r"分别(?:为|是|达|达到|超过|超|增长|下降|增加|减少|提高|有|占)?$")
_LEADING_DIGITS = re.compile(r"^[\d.,%]+")
_QUALIFIER_AFTER = re.compile(r"及以上|及以下|以上|以下|左右|以内|之内|多|余")
_CONNECTOR_ONLY = re.compile(r"^(?:[和与及、或至到,，\s]|以[上下内]|之内|左右)*$")  # 20岁及以上、40岁及以下
_PREVIOUS_NUMBER = re.compile(r"\d[\d.,]*(?:[万亿千百]+\d[\d.,]*)*[^\d，,；;]{0,6}[和与及、或]\s*$")  # 1亿3,900万人次、
_PARENTHESES = re.compile(r"[（(][^（()）]{0,40}[)）]")
_OPEN_BREAK = re.compile(r"[，,；;：:。！？!?\n（()）│┃|]")  # a parenthesis left open or closed, a drawn cell wall
_UP_TO_LAST_BREAK = re.compile(r".*" + _OPEN_BREAK.pattern, re.DOTALL)  # greedy: ends after the last break
# A quantity inside a clause: digits (not part of a name like L3 or 12345热线) with a unit or date word.
_DIGIT_RUN = re.compile(r"(?=\d)(?<![A-Za-z\d.])\d+(?:[.,]\d+)*[万亿千百]*")
_SUBJECT_VERB = re.compile(
    r"受理|办理|办结|上线|实现|完成|开展|建成|新增|累计|共|进驻|可办|提供|服务|发布|处理|接听|归集|推动|推进|"
    r"开通|覆盖|达到|达|为|有|收到|征集|交办|梳理|整合|建设|部署|配备|承接|组织|举办|培训|签约|印发|出台|制定|"
    r"在|比|较"
)
_CHANGE_CLAUSE = re.compile(r"^(?:比|较|同比|环比|增长|下降|增加|减少|提高|上升|回落)")
_LIST_SPLIT = re.compile(r"[、和与及]")
_DATES = re.compile(
    r"(?=\d)(?:\d{1,4}年度?|\d{1,2}月份?|\d{1,2}[日号])+(?:[至到\-—~－]|以来|底|末|初|上半年|下半年|前|后|内|全年)*"
)
_AGGREGATES = re.compile(r"(?:合计|共计|总计|累计)将?")
_MEASURE_NOUN = re.compile(r"[率额量数值比度费价]$")
# 连续参保6个月的补贴, 年营业收入2000万元及以上的企业: a quantity before 的 is a condition of the noun;
# 15年来新低: a span of time, not a quantity of its own. Neither ends the words naming the next number.
_MODIFIER_AFTER = re.compile(r"(?:及?以[上下])?的|以?来")
# 减按1.5%的税率征收房产税: a rate named by what it is levied on.
_LEVIED_AFTER = re.compile(
    r"的(?P<measure>[\u4e00-\u9fff]{0,2}(?:税率|费率|征收率|比例|标准))(?:全额|一次性|分期)?"
    r"(?:征收|缴纳|计征|收取|计缴|返还|留存|缴存)"
)
_SHARE_OF_BASE = re.compile(
    r"(?P<part>[^，,；;：:]{2,}?)(?:不得超过|不得高于|不得低于|不超过|不高于|不低于|不少于|不小于|低于|高于|超过|占)"
    r"(?P<base>[^，,；;：:]{2,})的$"
)
# A duration within which something must happen (15个工作日内办结) or counted from a day
# (自公告发布之日起5个工作日): a deadline.
_WITHIN = re.compile(r"以内|之内|内")
_DURATION_UNIT_END = re.compile(r"(?:工作日|个月|小时|年|天|日|周)$")
_WEIGHED = re.compile(r"([\u4e00-\u9fff]{2,12})[×*]$")  # 笔试成绩×60%: a weight in a formula
# 按800元/人的标准给予…补贴, 按300元/人的标准发放…: a rate named by what it pays for.
_STANDARD_AFTER = re.compile(
    r"的?标准[，,]?(?:为其|为|向其)?(?:一次性)?(?:给予|发放|予以|拨付|代缴|支付)"
    r"(?:(?:不超过|不高于|最长|最高|最多)?\d+(?:\.\d+)?[^\d，,；;的]{0,4}的)?"  # …给予不超过6个月的生活补助
)
# 给予不超过6个月的生活补助, 设立3个月的缓缴期: a period before 的 is how long what follows lasts.
_PERIOD_OF = re.compile(r"的(?=[\u4e00-\u9fff]{2})")
_PERIOD_GRANT_BEFORE = re.compile(r"(?:给予|享受|设立|设置|延长|给|予以)(?:不超过|不高于|最长|最多|最高)?$")
# 小型企业按上年度实际缴纳税款的40%返还: a share of a base (按…的N%) that something is paid at is the
# subject's rate of that payment.
_SHARE_PAID = re.compile(
    r"(?P<subject>[\u4e00-\u9fff]{2,12}?)(?:再|另|还|均|统一)?按(?P<base>[^，,；;：:。按]{2,40})的$"
)
# 按不低于合同金额的10%确定履约保证金: what is fixed as a share of a base.
_RATE_OF_BASE = re.compile(r"按(?:不低于|不高于|不超过|不少于)?(?P<base>[^，,；;：:。按的]{2,20})的$")
_FIXED_AS = re.compile(r"(?:的比例)?(?:确定|计算|核定|收取|计提|预留|设定)")
_PAID_VERB = re.compile(r"(?:给予)?(?:返还|补贴|补助|奖励|奖补|缴纳|缴存|计提|扣除|征收|收取|退还|减免|资助)")
_TIME_NOUN = re.compile(r"(?:期限|时限|年限|期|时间|时长|周期)$")
_DIGIT = re.compile(r"\d")
_SIZE = re.compile(r"\d[\d.,]*[万亿千百]*")  # a size right after a count: 465幢23.25万平方米


# NAME_LEADING's match begins with a character written in its pattern, a digit or whitespace, and
# NAME_TRAILING's ends with one written in its pattern or whitespace: most names begin and end
# otherwise, so these long alternations (tried at each position by sub) are skipped for them.
_LEADING_STARTS = frozenset(vocab.NAME_LEADING.pattern)
_TRAILING_ENDS = frozenset(vocab.NAME_TRAILING.pattern)


def _clean(name: str) -> str:
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
    return name


def _quantities(segment: str) -> list[tuple[int, int]]:
    """(start, end after its unit) of each quantity in a clause: digits with a unit or a date
    word, or standing alone; digits that are part of a name (L3, 12345热线) are not quantities."""
    found: list[tuple[int, int]] = []
    for match in _DIGIT_RUN.finditer(segment):
        if match.start() and segment[match.start() - 1] in "较比":
            continue  # 较2019年底增加: the date a change is measured against belongs to its name
        end = match.end()
        unit = vocab.UNIT_PATTERN.match(segment, end + (segment[end : end + 1] in ("余", "多")))  # 10余场
        if unit:
            found.append((match.start(), unit.end()))
        elif date := _DATES.match(segment, match.start()):
            found.append((match.start(), date.end()))
        elif end == len(segment) or not "\u4e00" <= segment[end] <= "\u9fff":
            found.append((match.start(), min(len(segment), end + 1)))
    return found


def _cut_after_quantities(segment: str) -> str:
    """The words after the last quantity of a clause (扩大至16省65县市 → 县市 for 65)."""
    found = [q for q in _quantities(segment) if not _MODIFIER_AFTER.match(segment, q[1])]
    return segment[found[-1][1] :] if found else segment


def _clause_before(norm: str, s_start: int, start: int) -> str:
    """The words between the previous clause break (or listed item) and the number.

    Short parentheticals are skipped; an enumeration of examples ending in 等 gives way to the
    words before it (上线运行A、B、C等15类主题 → 上线运行A)."""
    segment = _PARENTHESES.sub("", norm[max(s_start, start - 120) : start])
    if last_break := _UP_TO_LAST_BREAK.match(segment):
        segment = segment[last_break.end() :]
    joined = segment.rfind("且")  # 具有资质且注册资本不低于…: of two joined requirements the number is the second's
    if joined >= 0 and len(segment) - joined > 2:
        segment = segment[joined + 1 :]
    if "、" in segment:
        last = segment[segment.rfind("、") + 1 :]
        listed = segment[: segment.rfind("、")]
        if "等" in last and not _DIGIT.search(listed):
            head = segment[: segment.find("、")]
            tail = last[last.rfind("等") + 1 :]
            segment = head + tail
        else:
            previous = _PREVIOUS_ITEM.match(segment)
            if previous and previous.end() < len(segment):
                segment = segment[previous.end() :]
    return _cut_after_quantities(segment)


# 面积为90平方米及以下的，减按1%…; 购买144平方米（含）以上的住房，可享受…: a threshold in the clause
# before the number says which level of the indicator the number is for.
_LEVEL = (
    r"(?<![\d.])(?P<quantity>\d+(?:\.\d+)?[万亿千百]?[\u4e00-\u9fff/]{1,4}?)(?:[（(]含[^）)]{0,6}[）)]|及|或)?"
    r"(?P<side>以[上下]|以内)"
)
_THRESHOLD = re.compile(_LEVEL + "的")
# 10万平方米（含）以下按300元/平方米、10万平方米以上按200元/平方米: each rate of its own level.
_RATE_BY_LEVEL = re.compile(_LEVEL + "按$")
_TIME_UNIT = re.compile(r"(?:年|个月|月|天|日|小时|周|工作日)$")


# 医保单位费率从8%降低到7%: the new value is the subject's, as the old one is.
# The adverbs between a changed indicator and its 从/由 (比例今年阶段性由20%提高至25%) are not its name.
_CHANGED_SUBJECT = (
    r"(?P<subject>[^，,；;：:。]{2,}?)(?:今年|明年|当年|阶段性|临时|暂时|继续|统一|再)*[从由]"
    r"(?P<age>现行|原来|原|目前|当前|现在)?的?"  # 由现行的10%提高到15%: 现行 marks the old value, not the new
)
_CHANGED_TO = re.compile(
    _CHANGED_SUBJECT + r"\d[\d.]*[万亿千百]?[^\d，,；;]{0,4}?"
    r"(?:最高|最多|最低|阶段性)?(?:降低|下降|降|提高|提升|提|增加|增长|上升|减少|调整|压减|压缩|缩短|延长|放宽|扩大|上调|下调)"
    r"(?:到|至)$"
)


# 贷款利率下限调整为不低于基准利率加30个基点: a new level set for the subject, stated against a base.
_ADJUSTED_TO = re.compile(
    r"(?P<subject>[^，,；;：:。]{2,}?)(?:调整|下调|上调|提高|降低)(?:为|至|到)(?:不低于|不高于|不超过|不少于)?"
    r"[^，,；;：:。\d]{2,20}(?:加|减|上浮|下浮|的)$"
)


# …给予一次性奖补，最高不超过20万元; …给予全额补贴，最长不超过3年: a clause that is only a cap.
_BARE_CAP = re.compile(
    r"^(?:最长|最高|最多|累计最高|每人最高|每户最高)(?:不超过|不高于|不得超过|可达|为|给予|可给予)?$"
)
_GRANTED = re.compile(
    r"([\u4e00-\u9fff]{0,6}(?:补贴|补助|奖补|奖励|资助|贴息|贷款|额度|资金|经费|费用|保费))(?=[^\u4e00-\u9fff]*$)"
)


def _capped(norm: str, s_start: int, start: int, end: int) -> str:
    """What a bare cap clause caps: a period caps the sentence's subject's duration (社保补贴…，最长不超过
    3年 → 社保补贴期限); an amount caps what the clause before grants (…给予一次性奖补，最高不超过20万元
    → 一次性奖补). Empty when neither is found."""
    if _DURATION_UNIT_END.search(norm, max(start, end - 4), end):
        subject = _sentence_subject(norm, s_start, start)
        ahead = _BEFORE_PREPOSITION.match(subject)  # 社保补贴|按企业…; no match: fewer than two characters
        return ahead.group(1)[:MAX_NAME] + "期限" if ahead else ""
    clauses = _earlier_clauses(norm, s_start, start)
    granted = _GRANTED.search(clauses[-1]) if clauses else None
    return _clean(_GRANT_VERB.sub("", granted.group(1))) if granted else ""


# The subject of a sentence ends where a preposition phrase begins (社保补贴按企业缴费给予补贴).
_BEFORE_PREPOSITION = re.compile(r"(.{2,}?)(?=[按对由经从向依据]|$)")
_GRANT_VERB = re.compile(r"^.*?(?:给予|发放|予以|提供|享受)")


_CHANGED_FROM = re.compile(_CHANGED_SUBJECT + "$")


def old_value_name(norm: str, s_start: int, start: int) -> str:
    """`医保单位费率调整前` for 8% in 医保单位费率从8%降低到7%: the value a change starts
    from is the subject's, marked 调整前 (the guideline's mark) or by the text's own word for it (由现行的
    10% → 现行); empty when no subject precedes 从/由."""
    found = _CHANGED_FROM.search(norm, max(s_start, start - 40), start)
    if found is None or len(subject := _clean(found.group("subject"))) < 2:
        return ""
    return subject[-MAX_NAME:] + (found.group("age") or "调整前")  # the text's own mark (现行) when it has one


def threshold_level(norm: str, s_start: int, start: int) -> str:
    """`90平方米及以下` when the clause before the number's own sets a threshold (…及以下的，): the level
    the number applies to, so that the values of each level get names that tell them apart."""
    window = norm[max(s_start, start - 80) : start]
    if "以" not in window:
        return ""  # most numbers: no threshold before them, and this is asked of every number
    found = _RATE_BY_LEVEL.search(norm, max(s_start, start - 30), start)
    if found is None and "的" in window and (clauses := _earlier_clauses(norm, max(s_start, start - 80), start)):
        thresholds = list(_THRESHOLD.finditer(clauses[-1]))
        found = thresholds[-1] if thresholds else None
    if found is None or _TIME_UNIT.search(found.group("quantity")):
        return ""  # 稳定就业6个月以上的: a period that qualifies, not a level of the measure
    return found.group("quantity") + ("及" if found.group("side") != "以内" else "") + found.group("side")


def _own_clause(norm: str, s_start: int, start: int) -> str:
    """The number's clause up to the number, short parentheticals left out; a base of a share may hold a
    date (不超过2021年度出让地价的12%), so nothing is cut after quantities."""
    clause = _PARENTHESES.sub("", norm[max(s_start, start - 120) : start])
    last_break = _UP_TO_LAST_BREAK.match(clause)
    return clause[last_break.end() :] if last_break else clause


def _lead_in(norm: str, s_start: int, start: int) -> str:
    """The words of the number's clause before its first quantity."""
    return _first_words(_own_clause(norm, s_start, start))


def _first_words(clause: str) -> str:
    """A clause's words before its first quantity, dates left out (112年底台北市… → 台北市…)."""
    clause = _DATES.sub("", clause)
    found = _quantities(clause)
    return _clean(clause[: found[0][0]] if found else clause)


def _earlier_clauses(norm: str, s_start: int, start: int) -> list[str]:
    """The clauses of the sentence before the one holding the number."""
    text = _PARENTHESES.sub("", norm[s_start:start])
    clauses = vocab.CLAUSE_BREAK.split(text)
    return clauses[:-1]


def _sentence_subject(norm: str, s_start: int, start: int) -> str:
    """The subject of the sentence: the words of its first clause that says more than a date or
    a filler, up to the first verb (2023年，我区热线共受理… → 我区热线)."""
    for clause in vocab.CLAUSE_BREAK.split(_PARENTHESES.sub("", norm[s_start:start])):
        words = _first_words(clause)
        if len(words) < 2:
            continue
        verb = _SUBJECT_VERB.search(words, 2)
        return _clean(words[: verb.start()] if verb else words)
    return ""


def _borrowed_subjects(norm: str, s_start: int, start: int, local: str) -> list[str]:
    """Candidate subjects for a clause too short to name its number, best first: the naming
    words of the previous clause (猪肉产量2.11万吨，增长1.4% → 猪肉产量) unless the number has
    its own measure word (满意率) and the previous clause is a sibling, then the words of the
    sentence's first clause, then the sentence's subject."""
    clauses = _earlier_clauses(norm, s_start, start)
    out: list[str] = []
    if intro := _list_intro(norm, s_start, start):
        out.append(intro)
    if clauses and not _CHANGE_CLAUSE.match(clauses[-1]) and not _MEASURE_NOUN.search(local):
        words = _first_words(clauses[-1])
        if len(words) >= 2:
            out.append(words[-10:])
    for clause in clauses:
        words = _first_words(clause)
        if len(words) >= 2 and not _CHANGE_CLAUSE.match(clause):
            out.append(words[-10:])
            verb = _SUBJECT_VERB.search(words, 2)
            if verb:
                out.append(_clean(words[: verb.start()])[-10:])
            break
    return [candidate for candidate in out if len(candidate) >= 2]


def _list_intro(norm: str, s_start: int, start: int) -> str:
    """按以下标准给予技能补贴：初级1000元、中级2000元: items listed after a colon are parts of what the
    words before the colon name (what is given, after 给予)."""
    window = norm[max(s_start, start - 120) : start]
    if "：" not in window and ":" not in window:
        return ""
    text = _PARENTHESES.sub("", window)
    colon = max(text.rfind("："), text.rfind(":"))
    if colon < 0:
        return ""
    items = re.split(r"[、，,；;]", text[colon + 1 :])
    if any(not _DIGIT_RUN.search(item) for item in items[:-1]):
        return ""  # not a list of figures
    intro = re.split(r"[，,；;。]", text[:colon])[-1]
    given = intro.rfind("给予")
    if given >= 0 and len(intro) - given > 3:
        intro = intro[given + 2 :]
    return _clean(intro)[-10:]


def _total_broken_down(norm: str, s_start: int, start: int) -> str:
    """For a part of a breakdown (…，其中A4个、B32个), the thing the previous clause's total counts."""
    text = _PARENTHESES.sub("", norm[s_start:start])
    clauses = vocab.CLAUSE_BREAK.split(text)
    if len(clauses) < 2 or not clauses[-1].startswith("其中"):
        return ""
    quantities = _quantities(clauses[-2])
    if not quantities:
        return ""
    return _clean(_noun_after(clauses[-2], quantities[-1][1], len(clauses[-2])))


def _noun_after(norm: str, end: int, s_end: int) -> str:
    """The counted thing after a number and its unit: 36个行政审批部门 → 行政审批部门; a noun after
    的 is the whole the count belongs to (98人的数据人才队伍 → 数据人才队伍)."""
    qualifier = _QUALIFIER_AFTER.match(norm, end, s_end)
    if qualifier:
        end = qualifier.end()
    if norm.startswith("人民币", end):
        end += 3  # 2亿元人民币: the currency, not the thing counted
    if norm.startswith("的", end):
        end += 1
    else:
        # 465幢23.25万平方米房屋: a count followed at once by a size names the same thing.
        size = _SIZE.match(norm, end, s_end)
        unit = vocab.UNIT_PATTERN.match(norm, size.end()) if size else None
        if unit is not None:
            end = unit.end()
    match = _AFTER_WORDS.match(norm, end, s_end)
    if not match:
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


def _shared_items(norm: str, s_start: int, start: int) -> list[Named]:
    """参与率、合格率均达100% → the listed indicators, each with where it begins; after 的 the
    first item's modifier scopes over the list (干部职工的参与率、合格率 → 干部职工合格率)."""
    lo = max(s_start, start - 40)
    window = norm[lo:start]
    shared = _SHARED.search(window)
    if not shared:
        return []
    begin = max((window.rfind(c, 0, shared.start()) for c in "，,；;：:。"), default=-1) + 1
    found: list[Named] = []
    offset = lo + begin
    for raw in window[begin : shared.start()].split("、"):
        item = _clean(raw)
        if item:
            found.append(Named(item, offset + raw.find(item[0]) if item[0] in raw else offset))
        offset += len(raw) + 1
    if len(found) < 2:
        return []
    first = found[0].name
    tail = len(found[1].name)
    # Only 的 marks the first item's modifier as scoping over the whole list.
    prefix = _clean(first[:-tail].removesuffix("的")) if first[:-tail].endswith("的") else ""
    return [found[0]] + [Named(prefix + item.name if prefix else item.name, item.at) for item in found[1:]]


_SHARED_MEASURE = re.compile(
    r"(?:营业额|销售额|成交额|交易额|总额|金额|收入|支出|产量|产值|增加值|人数|户数|人次|比例|比重|面积|总量|数量|规模|增速|增幅)$"
)


def _respective_subjects(norm: str, s_start: int, start: int) -> list[str]:
    """全区A和B……分别超过90家和870家 → [A, B]: the listed subjects the numbers go with, in order."""
    subject = _sentence_subject(norm, s_start, start)
    items = [_clean(item) for item in _LIST_SPLIT.split(subject)]
    items = [item for item in items if len(item) >= 2]
    if len(items) < 2:
        return []
    # 工业、农业产值分别达…: a measure said once at the end of a list is every item's
    shared = _SHARED_MEASURE.search(items[-1])
    if shared and len(items[-1]) > len(shared.group(0)):
        items = [item if _SHARED_MEASURE.search(item) else item + shared.group(0) for item in items]
    return items


def indicator_name(norm: str, s_start: int, start: int, end: int, s_end: int, rank: int = 0) -> list[Named]:
    """One name per indicator the number is stated for (usually one). `rank` is the number's place
    in a run of numbers joined by 和/、 (90家和870家: 0 and 1)."""
    named = [_within_cell(named) for named in _names(norm, s_start, start, end, s_end, rank)]
    if len(named) == 1 and (scope := _condition(norm, s_start, start)) and scope not in named[0].name:
        named = [Named((scope + named[0].name)[-MAX_SCOPED:], named[0].at)]
    return named


# 凡在本市新购商品住房的，3年内不得转让: a clause ending in 的 before the number's own says whom or
# what the rule is for; policy names carry it. A condition that is itself a quantity (参保满6个月以上的)
# qualifies the subject rather than naming it, and is left out.
MAX_SCOPED = 24
_CONDITION_LEAD = re.compile(r"^(?:对于|对|凡是|凡|如|若|经|在)+")
_CONDITION_QUANTITY = re.compile(r"\d|[一二两三四五六七八九十百千万半]+(?:个|年|月|周|天|日|人|户|家|次|倍|以[上下内])")


def _condition(norm: str, s_start: int, start: int) -> str:
    """The scope a condition clause (…的，) right before the number's clause sets; empty when none."""
    lo = max(s_start, start - 120)
    own = _UP_TO_LAST_BREAK.match(norm, lo, start)
    if own is None or own.end() < 2 or norm[own.end() - 2] != "的":
        return ""  # most numbers: the clause before theirs is no condition
    clauses = _earlier_clauses(norm, lo, start)
    if not clauses or not clauses[-1].endswith("的") or _CONDITION_QUANTITY.search(clauses[-1]):
        return ""
    words = _clean(_CONDITION_LEAD.sub("", clauses[-1][:-1]))
    return words if len(words) >= 2 else ""


_CELL_WALL = re.compile(r"[│┃║|]")


def _within_cell(named: Named) -> Named:
    """A table drawn with box characters keeps each cell's words apart: a name that borrowed words
    across a cell wall keeps those of the number's own cell."""
    walls = list(_CELL_WALL.finditer(named.name))
    if not walls:
        return named
    own = _clean(named.name[walls[-1].end() :])
    return Named(own, named.at) if len(own) >= 2 else named


def _names(norm: str, s_start: int, start: int, end: int, s_end: int, rank: int) -> list[Named]:
    before = _clause_before(norm, s_start, start)
    if _CONNECTOR_ONLY.match(before):
        # 30.6%和69.4%, 90家和870家: the second number shares the first one's indicator words.
        previous = _PREVIOUS_NUMBER.search(norm, max(s_start, start - 16), start)
        if previous:
            first = _DIGIT.search(norm, previous.start(), start)
            at = first.start() if first else previous.start()
            return [Named(n.name, start) for n in indicator_name(norm, s_start, at, at, s_end, rank + 1)]
    if "分别" in before and _RESPECTIVELY.search(_clean_keep_verbs(before)):
        subjects = _respective_subjects(norm, s_start, start)
        if rank < len(subjects):
            return [Named(subjects[rank], start)]
    shared = _shared_items(norm, s_start, start)
    if shared:
        return shared
    lo = max(s_start, start - 60)
    window = norm[lo:start]
    changed = _CHANGED_TO.search(norm, lo, start) if "从" in window or "由" in window else None
    if changed and len(subject := _clean(changed.group("subject"))) >= 2:
        return [Named(subject[-MAX_NAME:], start)]  # 单位费率从8%降低到7%: 7% is 单位费率's new value
    if "为" in before or "至" in before or "到" in before:
        adjusted = _ADJUSTED_TO.match(_own_clause(norm, s_start, start))
        if adjusted and len(subject := _clean(adjusted.group("subject"))) >= 2:
            return [Named(subject[-MAX_NAME:], start)]  # 利率下限调整为不低于基准利率加30个基点: the limit's new value
    if _BARE_CAP.match(before) and (capped := _capped(norm, s_start, start, end)):
        return [Named(capped, start)]
    if before[-1:] in "和与及" and len(lead := _lead_in(norm, s_start, start)) >= 2:
        before = lead  # 可申报3个A和2个B: A is the first number's; B's count shares the words before it
    local = _clean(before)
    if levied := _LEVIED_AFTER.match(norm, end):
        # 减按1.5%的税率征收房产税: the rate of what is levied
        what = _clean(_noun_after(norm, levied.end(), s_end))
        if len(what) >= 2:
            return [Named(what[:MAX_NAME] + levied.group("measure"), start)]
    if (
        norm[end - 1 : end] == "%"
        and (fixed := _FIXED_AS.match(norm, end))
        and (of_base := _RATE_OF_BASE.search(norm, max(s_start, start - 30), start))
        and len(what := _clean(_noun_after(norm, fixed.end(), s_end))) >= 2
    ):
        return [Named(what[:MAX_NAME] + "占" + _clean(of_base.group("base"))[-10:] + "比例", start)]
    if norm[end - 1 : end] == "%" and (share := _SHARE_OF_BASE.match(_own_clause(norm, s_start, start))):
        # 办公用房面积不得超过总建筑面积的15%: the share of the part in the base
        part, base = _clean(share.group("part")), _clean(share.group("base"))
        if len(part) >= 2 and len(base) >= 2:
            return [Named(part[-10:] + "占" + base[-10:] + "比例", start)]
    standard = _STANDARD_AFTER.match(norm, end)
    item = ""
    if standard is None and "（" in norm[max(s_start, start - 40) : min(s_end, end + 80)]:
        # 按500元/户（城区400元/户、乡镇600元/户）标准发放…: a standard with its parts in parentheses
        closed, item = _past_parenthesis(norm, start, end, s_end)
        standard = _STANDARD_AFTER.match(norm, closed) if closed else None
    if standard and len(paid := _clean(_noun_after(norm, standard.end(), s_end))) >= 2:
        return [Named(item + paid[:MAX_NAME] + "标准", start)]  # 按800元/人的标准给予一次性补贴: the subsidy's standard
    if (
        norm[end - 1 : end] == "%"
        and (paid_as := _PAID_VERB.match(norm, end))
        and (share_paid := _SHARE_PAID.search(norm, max(s_start, start - 60), start))
        and len(payer := _clean(share_paid.group("subject"))) >= 2
    ):
        base = _clean(share_paid.group("base"))[-8:]
        return [Named(payer + base + _clean(paid_as.group(0).removeprefix("给予")) + "比例", start)]
    if (
        _PERIOD_OF.match(norm, end)
        and _DURATION_UNIT_END.search(norm, max(start, end - 4), end)
        and _PERIOD_GRANT_BEFORE.search(norm, max(s_start, start - 8), start)
        and len(lasting := _clean(_noun_after(norm, end, s_end))) >= 2
    ):
        return [Named(lasting[:MAX_NAME] + ("" if _TIME_NOUN.search(lasting) else "期限"), start)]
    if start and norm[start - 1] in "=＝" and len(computed := _explained(norm, start)) >= 2:
        return [Named(computed, start)]  # 交通补助按工资的10%发放（3000元*10%=300元/月）: 300元/月 is the 交通补助
    if start and norm[start - 1] in "×*" and (weighed := _WEIGHED.search(norm, max(s_start, start - 20), start)):
        return [Named(_clean(weighed.group(1)) + "权重", start)]  # 笔试成绩×60%: the weight of 笔试成绩
    if deadline := _deadline(norm, before, local, start, end, s_end):
        return [Named(deadline, start)]
    after = _clean(_noun_after(norm, end, s_end))
    name = local + after if after not in local else local
    if len(name) < 5 and (total := _total_broken_down(norm, s_start, start)):
        name = local + total  # 合计将60个事项延伸…，其中江城区4个 → 江城区事项延伸
    if len(name) < 5 and not (len(name) == 4 and _TIME_NOUN.search(name)):
        for subject in _borrowed_subjects(norm, s_start, start, local):
            if subject not in name:
                name = subject + name
                break
    name = _clean(name)
    if len(name) > MAX_NAME:
        name = name[len(name) - MAX_NAME :] if len(after) < MAX_NAME else after[:MAX_NAME]
    return [Named(name or "指标", start)]


def _past_parenthesis(norm: str, start: int, end: int, s_end: int) -> tuple[int, str]:
    """Where the parenthesis after a number (500元/户（…）) or around it (（城区400元/户、乡镇600元/户）) closes,
    and, inside one, the words of the number's own item (城区); (0, "") when neither."""
    depth, at = 0, end
    while at < min(s_end, end + 80):
        char = norm[at]
        at += 1
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth -= 1
            if depth < 0 or (depth == 0 and norm[end] in "（("):
                break
        elif char in "，,；;。":
            return 0, ""  # a clause break: the number's parenthesis, if any, is not a list of parts
    else:
        return 0, ""
    if depth == 0:
        return at, ""  # the parenthesis right after the number
    # inside: the item's words run back from the number to the list's 、 or the opening parenthesis
    depth, back = 0, start - 1
    while back > max(0, start - 40):
        char = norm[back]
        if char in "）)":
            depth += 1
        elif char in "（(":
            if not depth:
                break
            depth -= 1
        elif char == "、" and not depth:
            break
        back -= 1
    return at, norm[back + 1 : start]


def _explained(norm: str, start: int) -> str:
    """What a worked example in parentheses computes: the subject of the clause the parenthesis follows
    (交通补助按…发放（…=300元/月） → 交通补助). Empty when the result is not inside a parenthesis."""
    depth, at = 0, start - 1
    while at >= max(0, start - 200):
        if norm[at] in "）)":
            depth += 1
        elif norm[at] in "（(":
            if not depth:
                break
            depth -= 1
        at -= 1
    else:
        return ""
    clause = _UP_TO_LAST_BREAK.match(norm, max(0, at - 60), at)
    words = _first_words(norm[clause.end() if clause else max(0, at - 60) : at])
    subject = _BEFORE_PREPOSITION.match(words)
    return _clean(subject.group(1))[:MAX_NAME] if subject else ""


def _deadline(norm: str, before: str, local: str, start: int, end: int, s_end: int) -> str:
    """合同签订后15个工作日内进场施工 → 合同签订后进场施工期限: a duration within which something must happen,
    or counted from a day (自公告发布之日起5个工作日 → 公告发布期限), named as that deadline: the event (after
    须在/自), what must be done, and 期限. Empty when the number is no such duration or the words are too few."""
    within = _WITHIN.match(norm, end)
    counted_from = before.endswith("起")
    if not (within or counted_from) or not _DURATION_UNIT_END.search(norm, max(start, end - 4), end):
        return ""
    if counted_from:
        local = _clean(local.removesuffix("起").removesuffix("之日"))
        local = local[local.rfind("自") + 1 :]
    if len(local) - local.rfind("在") > 2:
        local = _clean(local[local.rfind("在") + 1 :])
    action = _action_after(norm, within.end() if within else end, s_end)
    name = (
        _clean(local[-8:] + action)
        if action
        else _clean(local + _clean(_noun_after(norm, within.end() if within else end, s_end)))
    )
    if not _TIME_NOUN.search(name):
        name += "期限"
    return name[-MAX_SCOPED:] if len(name) > 4 else ""


_ACTION = re.compile(
    r"(?:[到向赴去在][^，,；;。\d]{2,14}?(?:部门|单位|机构|中心|窗口|平台|系统|网站|局|委|办)(?=[\u4e00-\u9fff]{2}))?(?P<act>[\u4e00-\u9fff“”《》]{2,30})"
)


def _action_after(norm: str, at: int, s_end: int) -> str:
    """What must be done within a period: the verb phrase after 内 up to its clause's end, a place
    it is done at (到…部门) left out."""
    found = _ACTION.match(norm, at, s_end)
    return _clean(found.group("act"))[:12] if found else ""


def _clean_keep_verbs(words: str) -> str:
    return _QUOTES.sub("", words).rstrip("，,、 ")
