"""Indicator names from the words around a number: subject and measure, no achievement verbs.

事项进驻率达96.7% → 事项进驻率; 进驻36个行政审批部门 → 进驻行政审批部门; 市级17个、江城区1个 →
市级…, 江城区…; a clause too short to name anything borrows the sentence's subject. When one
number serves a list (参与率、合格率均达100%), each item gets its own name; when a list of
subjects is followed by 分别 and a list of numbers, each number takes its own subject.

A figure a rule sets (a change, a cap, a share of a base, a standard, a deadline) is named by the
grammar that states it (pipelines.policy_names) before this general reading; the words themselves
come from pipelines.name_words. Everything reads the Simplified shadow of the text (pipelines.textnorm)
in a bounded window around the number, so naming is linear in the text as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from pipelines import metric_vocab as vocab
from pipelines import policy_names as policy
from pipelines.name_words import (
    DIGIT,
    DIGIT_RUN,
    MAX_BORROWED,
    MAX_NAME,
    SUBJECT_VERB,
    TIME_NOUN,
    clauses_to,
    clean,
    clean_keep_verbs,
    earlier_clauses,
    first_words,
    last_chars,
    lead_in,
    noun_after,
    own_clause,
    own_level,
    quantities,
    sentence_subject,
    unit_end,
    without_parentheses,
    words_of_clause,
)


class Named(NamedTuple):
    """One indicator a number is stated for, and where its words begin in the text (a tuple: every
    record makes two or three on its way to a name)."""

    name: str
    at: int


_SHARED = re.compile(r"(?:均|都|全部)(?:已|达|达到|为|是|实现|超过|超|在)?\Z")
_SHARED_HOLDS = frozenset("均都部")  # every match of _SHARED holds one of these


_RESPECTIVELY = re.compile(
    r"分别(?:为|是|达|达到|超过|超|有|占|(?P<change>(?:比上年|较上年|同比)?(?:增长|下降|增加|减少|提高|上升)))?\Z"
)


_CONNECTOR_ONLY = re.compile(r"^(?:[和与及、或至到,，\s\-—~～]|以[上下内]|之内|左右)*\Z")  # 20岁及以上、40岁及以下
_CONNECTOR_ENDS = "和与及、或至到,，上下内右-—~～"  # the last characters of _CONNECTOR_ONLY's words (and whitespace)


# 1亿3,900万人次、: a number and its unit, then a joining word
_PREVIOUS_NUMBER = re.compile(r"\d[\d.,]*(?:[万亿千百]+\d[\d.,]*)*[^\d，,；;]{0,6}[和与及、或\-—~～]\s*\Z")


_CHANGE_CLAUSE = re.compile(r"^(?:比|较|同比|环比|增长|下降|增加|减少|提高|上升|回落)")


_LIST_SPLIT = re.compile(r"[、和与及]")


_MEASURE_NOUN = re.compile(r"[率额量数值比度费价]\Z")


# A name cut to MAX_NAME inside a modifier or a preposition phrase starts after the word that opens it.
_CUT_OPENER = re.compile(r"^.{0,3}?(?:的|对|由|向|可|将|把|被|分别)")
# 对…企业给予一次性奖补, …分别予以奖励, …由区财政一次性奖励: the verb that grants a benefit, the adverb
# 分别 and the body that pays (由…财政, 报请省…) stand between whom a benefit is for and what is given, or
# open the words before it; the name is the words without them (the guideline's subject + measure).
_GRANTED = re.compile(
    r"(?:给予|予以|分别|(?:由|报请)[\u4e00-\u9fff]{0,10}?(?:财政局?|政府|部门|局|委|办|省上|市上))"
    r"(?=[\u4e00-\u9fff])"
)
_GRANTED_HOLDS = frozenset("予别由报")  # every match of _GRANTED holds one: where none is, it is not tried


# A name that only says how a figure compares (比上年增长, 同比下降, 较上年末增加): no indicator in it.
_COMPARISON_ONLY = re.compile(
    r"(?:(?:比|较)(?:上年|去年|上年末|去年末|年初|上年同期|去年同期|同期|上月|上季度|上期)|同比|环比)"
    r"(?:增长|下降|增加|减少|上涨|上升|提高|提升|降低|回落|增产|减产|扩大|缩小|下跌|缩减)"
)


# Verbs whose object is the thing a clause counts (收到…申请86件, 受理…工单): what a sibling borrows.
_COUNTING_VERB = re.compile(r"收到|受理|办理|办结|处理|接听|征集|交办|归集|新增|累计|开展|完成")


# 新增托位, 改造小区: a verb of doing with its object names what was done, a whole name however short.
_DONE_TO = re.compile(r"(?:新增|新建|改建|改造|建成|完成|开展|培训|发放)[\u4e00-\u9fff]{2,}\Z")


def _too_short(name: str) -> bool:
    """A name too short to say what is measured without a subject borrowed from another clause: under
    five characters, unless it names a period (贷款期限) or a verb of doing with its object (新增托位)."""
    return len(name) < 5 and not (len(name) == 4 and TIME_NOUN.search(name)) and not _DONE_TO.match(name)


def _tail(words: str) -> str:
    """The last MAX_BORROWED characters of another clause's words, not starting inside a list they cut:
    a tail holding 、 starts after the list (its 等) or its last item (…税务、医保、民政等部门 → 部门)."""
    tail = last_chars(words, MAX_BORROWED)
    if len(words) > MAX_BORROWED and 0 <= (modifier_end := tail.rfind("的")) < len(tail) - 2:
        tail = tail[modifier_end + 1 :]  # cut inside a modifier: the words after its 的 are the noun
    if len(words) <= MAX_BORROWED or "、" not in tail:
        return tail
    listed = tail.rfind("、")
    closed = tail.find("等", listed)
    rest = tail[closed + 1 :] if closed >= 0 else tail[listed + 1 :]
    return rest if len(rest) >= 2 else tail


def _a_share(local: str) -> bool:
    """…X N件，占总量的P%: a clause stating a share of a whole names the whole, not its part: the part is
    the subject counted in the clause before, whatever the share's own length and measure word."""
    return local[:1] == "占"


def _borrowed_subjects(norm: str, s_start: int, start: int, local: str) -> Iterator[str]:
    """Candidate subjects for a clause too short to name its number, best first: the naming
    words of the previous clause (猪肉产量2.11万吨，增长1.4% → 猪肉产量) unless the number has
    its own measure word (满意率) and the previous clause is a sibling, then the words of the
    sentence's first clause, then the sentence's subject. Lazily: the caller takes the first that fits."""
    if len(intro := _list_intro(norm, s_start, start)) >= 2:
        yield intro
    every = clauses_to(norm, s_start, start)
    clauses = every[:-1]
    if norm.find("其中", s_start, start) >= 0 and (opening := _breakdown_opening(every)) is not None:
        clauses = clauses[:opening]  # a later item of a breakdown borrows from its total, not from the item before
    if clauses and not _CHANGE_CLAUSE.match(clauses[-1]) and (not _MEASURE_NOUN.search(local) or _a_share(local)):
        words = first_words(clauses[-1])
        if _only_grants(words) and (granted := _granted_after(clauses[-1])):
            yield granted  # 给予每人每月3000元生活补贴，期限…: what the clause grants, named after its figure
        elif len(words) >= 2:
            # what the sibling counted, after its verb (全区共收到行政复议申请86件 → 行政复议申请)
            verbs = list(_COUNTING_VERB.finditer(words))
            counted = words[verbs[-1].end() :] if verbs else ""
            yield _tail(counted) if len(counted) >= 2 else _tail(words)
    for clause in clauses:
        words = first_words(clause)
        if len(words) >= 2 and not _CHANGE_CLAUSE.match(clause):
            verb = SUBJECT_VERB.search(words, 2)
            subject = _tail(clean(words[: verb.start()])) if verb else ""
            # 我区热线共受理…: the subject before the verb, when it says more than a place, names better
            # than the clause's last words, which may start inside a word
            for candidate in [subject, _tail(words)] if len(subject) >= 4 else [_tail(words), subject]:
                if len(candidate) >= 2:
                    yield candidate
            return


_PER_HEAD = re.compile(r"(?:按|按照)?(?:每[人户年月日天次件]){1,2}")


def _only_grants(words: str) -> bool:
    """给予每人每月: the words before a figure say only that it is granted, and per whom."""
    return (
        "每" in words and not _GRANTED_HOLDS.isdisjoint(words) and len(_PER_HEAD.sub("", _GRANTED.sub("", words))) < 2
    )


def _granted_after(clause: str) -> str:
    """The noun after the first figure of a clause that only grants it (给予每人每月3000元生活补贴)."""
    found = quantities(clause)
    return last_chars(clean(noun_after(clause, found[0][1], len(clause))), MAX_BORROWED) if found else ""


def _compared_subject(norm: str, s_start: int, start: int) -> str:
    """What a change compares: the indicator of the nearest earlier clause of the sentence that states a
    figure (粮食总产量678.9万吨，比上年增产2.3% → 粮食总产量), past clauses that state none (按不变价格计算)."""
    for clause in reversed(earlier_clauses(norm, s_start, start)):
        if quantities(clause):
            words = first_words(clause)
            return _tail(words) if len(words) >= 2 and not _CHANGE_CLAUSE.match(clause) else ""
    return ""


def _list_intro(norm: str, s_start: int, start: int) -> str:
    """按以下标准给予技能补贴：初级1000元、中级2000元: items listed after a colon are parts of what the
    words before the colon name (what is given, after 给予)."""
    window = norm[max(s_start, start - 120) : start]
    if "：" not in window and ":" not in window:
        return ""
    text = without_parentheses(window)
    colon = max(text.rfind("："), text.rfind(":"))
    if colon < 0:
        return ""
    items = re.split(r"[、，,；;]", text[colon + 1 :])
    if any(not DIGIT_RUN.search(item) for item in items[:-1]):
        return ""  # not a list of figures
    intro = re.split(r"[，,；;。]", text[:colon])[-1]
    given = intro.rfind("给予")
    if given >= 0 and len(intro) - given > 3:
        intro = intro[given + 2 :]
    return last_chars(clean(intro), MAX_BORROWED)


def _breakdown_opening(clauses: list[str]) -> int | None:
    """Where the breakdown the last clause is an item of opens (the clause 其中 opens, after its total):
    the items after the first are clauses that each state a figure. None when it is no such item."""
    first = len(clauses) - 1
    while first > 0 and not clauses[first].startswith("其中"):
        first -= 1
        if not quantities(clauses[first]):
            return None  # a clause stating no figure: no run of items back to a 其中
    return first if first >= 1 else None


def _total_broken_down(norm: str, s_start: int, start: int) -> str:
    """For a part of a breakdown (…，其中A4个、B32个 / …，其中A4个，B32个), the thing the total before
    其中 counts: the items after the first are clauses that each state a figure, back to the one
    其中 opens (a later item is not named by the item before it)."""
    if norm.find("其中", s_start, start) < 0:
        return ""  # most sentences: no breakdown
    clauses = clauses_to(norm, s_start, start)
    first = _breakdown_opening(clauses)
    if first is None:
        return ""
    counted = quantities(clauses[first - 1])
    if not counted:
        return ""
    total = clauses[first - 1]
    return clean(noun_after(total, counted[-1][1], len(total)))


def _shared_items(norm: str, s_start: int, start: int) -> list[Named]:
    """参与率、合格率均达100% → the listed indicators, each with where it begins; after 的 the
    first item's modifier scopes over the list (干部职工的参与率、合格率 → 干部职工合格率)."""
    near = norm[start - 6 if start > 6 else 0 : start]
    if _SHARED_HOLDS.isdisjoint(near):
        return []  # most numbers: no 均/都/全部 right before them (_SHARED ends the window)
    lo = max(s_start, start - 40)
    window = norm[lo:start]
    shared = _SHARED.search(window)
    if not shared:
        return []
    begin = max((window.rfind(c, 0, shared.start()) for c in "，,；;：:。"), default=-1) + 1
    found: list[Named] = []
    offset = lo + begin
    for raw in window[begin : shared.start()].split("、"):
        item = clean(raw)
        if item:
            found.append(Named(item, offset + raw.find(item[0]) if item[0] in raw else offset))
        offset += len(raw) + 1
    if len(found) < 2:
        return []
    first = found[0].name
    tail = len(found[1].name)
    # Only 的 marks the first item's modifier as scoping over the whole list.
    prefix = clean(first[:-tail].removesuffix("的")) if first[:-tail].endswith("的") else ""
    return [found[0]] + [Named(prefix + item.name if prefix else item.name, item.at) for item in found[1:]]


_SHARED_MEASURE = re.compile(
    r"(?:营业额|销售额|成交额|交易额|总额|金额|收入|支出|产量|产值|增加值|人数|户数|人次|比例|比重|面积|总量|数量|规模|增速|增幅)\Z"
)


_SHARED_TAIL = 4  # characters the last item of a list must go on past a short item's length to share them


def _respective_subjects(norm: str, s_start: int, start: int) -> list[str]:
    """全区A和B……分别超过90家和870家 → [A, B]: the listed subjects the numbers go with, in order."""
    own = own_clause(norm, s_start, start)
    listed = own[: own.rfind("分别")] if "分别" in own else ""
    # 轻、重工业占比分别为…: the clause lists its own subjects; else the sentence's subject does
    subject = listed if _LIST_SPLIT.search(listed) else sentence_subject(norm, s_start, start)
    items = [clean(item) for item in _LIST_SPLIT.split(subject)]
    if len(items) >= 2 and len(items[-1]) > 2:
        # 轻、重工业, 大、中型企业: one character listed before the last item stands for its first one;
        # 城镇、农村居民人均可支配收入: a short item stands for as many first characters of a last item
        # that goes on long after them (the words after are every item's)
        last = items[-1]
        items = [
            item + last[len(item) :] if len(item) == 1 or 2 <= len(item) <= len(last) - _SHARED_TAIL else item
            for item in items[:-1]
        ] + [last]
    items = [item for item in items if len(item) >= 2]
    if len(items) < 2:
        return []
    # 工业、农业产值分别达…: a measure said once at the end of a list is every item's
    shared = _SHARED_MEASURE.search(items[-1])
    if shared and len(items[-1]) > len(shared.group(0)):
        items = [item if _SHARED_MEASURE.search(item) else item + shared.group(0) for item in items]
    return items


def _respective_clauses(norm: str, s_start: int, start: int, s_end: int) -> list[str]:
    """接待游客…万人次，实现旅游收入…亿元，分别增长12.5%和15.8% → [接待游客, 旅游收入]: the figures listed
    after 分别 go, in order, with as many clauses before it that each state a figure of their own."""
    own = own_clause(norm, s_start, start)
    at = own.rfind("分别")
    if at < 0 or clean(own[:at]):
        return []  # 轻、重工业占比分别为…: the clause names its own subjects
    breaks = vocab.CLAUSE_BREAK.search(norm, start, s_end)
    listed = len(quantities(own[at:] + norm[start : breaks.start() if breaks else s_end]))
    stated: list[str] = []
    for clause in reversed(earlier_clauses(norm, s_start, start)):
        if not quantities(clause) or len(stated) == listed:
            break
        stated.append(first_words(clause))
    if listed < 2 or len(stated) < listed or any(len(words) < 2 for words in stated):
        return []
    return stated[::-1]


def indicator_name(norm: str, s_start: int, start: int, end: int, s_end: int, rank: int = 0) -> list[Named]:
    """One name per indicator the number is stated for (usually one). `rank` is the number's place
    in a run of numbers joined by 和/、 (90家和870家: 0 and 1)."""
    own = own_clause(norm, s_start, start)
    before = words_of_clause(own)
    if (not before or before[-1] in _CONNECTOR_ENDS or before[-1].isspace()) and _CONNECTOR_ONLY.match(before):
        # 30.6%和69.4%, 90家和870家: the second number shares the first one's indicator words (named and
        # scoped there, for its place in the run).
        previous = _PREVIOUS_NUMBER.search(norm, max(s_start, start - 16), start)
        if previous:
            first = DIGIT.search(norm, previous.start(), start)
            at = first.start() if first else previous.start()
            # the first figure's own noun follows its unit (or its digits, when it has none)
            digits = DIGIT_RUN.match(norm, at, start)
            at_end = unit_end(norm, at, start) or (digits.end() if digits else at)
            return [Named(n.name, start) for n in indicator_name(norm, s_start, at, at_end, s_end, rank + 1)]
    narrowed = own_level(own, norm, start, s_end, rank)
    if narrowed is not own:
        before = words_of_clause(narrowed)
    named = [_within_cell(named) for named in _names(norm, s_start, start, end, s_end, rank, before)]
    if len(named) == 1:
        named = [Named(policy.scoped(named[0].name, norm, s_start, start, s_end, rank), named[0].at)]
    return named


_LAST_CELL_WALL = re.compile(r".*[│┃║|]", re.DOTALL)  # greedy: ends after the last wall


def _within_cell(named: Named) -> Named:
    """A table drawn with box characters keeps each cell's words apart: a name that borrowed words
    across a cell wall keeps those of the number's own cell."""
    if "│" not in named.name and "┃" not in named.name and "║" not in named.name and "|" not in named.name:
        return named  # most names: no wall to look for
    wall = _LAST_CELL_WALL.match(named.name)
    if wall is None:
        return named
    own = clean(named.name[wall.end() :])
    return Named(own, named.at) if len(own) >= 2 else named


def _names(norm: str, s_start: int, start: int, end: int, s_end: int, rank: int, before: str) -> list[Named]:
    """The names of a number that does not share the one before it, from `before`, its clause's words."""
    if "分别" in before and (respectively := _RESPECTIVELY.search(clean_keep_verbs(before))):
        change = respectively.group("change") or ""  # 分别增长: each name says what changed
        subjects = _respective_subjects(norm, s_start, start) or _respective_clauses(norm, s_start, start, s_end)
        if rank < len(subjects):
            return [Named(subjects[rank] + change, start)]
    shared = _shared_items(norm, s_start, start)
    if shared:
        return shared
    if changed := policy.change_name(norm, s_start, start, end, before):
        return [Named(changed, start)]
    if before[-1:] in "和与及" and len(lead := lead_in(norm, s_start, start)) >= 2:
        before = lead  # 可申报3个A和2个B: A is the first number's; B's count shares the words before it
    local = clean(before)
    if not _GRANTED_HOLDS.isdisjoint(local):
        local = _GRANTED.sub("", local)
    if stated := policy.set_figure_name(norm, s_start, start, end, s_end, before, local):
        return [Named(stated, start)]
    after = clean(noun_after(norm, end, s_end))
    name = local + after if after not in local else local
    borrowed = False
    if len(name) < 5 and (total := _total_broken_down(norm, s_start, start)):
        name, borrowed = local + total, True  # 合计将60个事项延伸…，其中江城区4个 → 江城区事项延伸
    if _COMPARISON_ONLY.fullmatch(name) and (compared := _compared_subject(norm, s_start, start)):
        name, borrowed = compared + name, True  # 地区生产总值…亿元，比上年增长6.1% → 地区生产总值比上年增长
    elif _too_short(name) or _a_share(local):
        for subject in _borrowed_subjects(norm, s_start, start, local):
            if subject[-2:] == name[-2:] and len(name) >= 3:
                break  # 中小微企业…，大型企业为30%: two items of one kind (one head noun), not a subject and its part
            if subject not in name:
                name, borrowed = (subject if subject.endswith(name) else subject + name), True
                break
    if borrowed:
        name = clean(name)  # local and after are clean; a borrowed subject may start on a filler
    if len(name) > MAX_NAME:
        name = last_chars(name, MAX_NAME) if len(after) < MAX_NAME else after[:MAX_NAME]
        if opener := _CUT_OPENER.search(name, 0, 5):
            name = clean(name[opener.end() :])  # the tail of a cut modifier (…的) or phrase (…由, …将) is no word of it
    return [Named(name or "指标", start)]
