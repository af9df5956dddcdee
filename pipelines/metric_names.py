"""Indicator names from the words around a number: subject and measure, no achievement verbs.

事项进驻率达96.7% → 事项进驻率; 进驻36个行政审批部门 → 进驻行政审批部门; 市级17个、江城区1个 →
市级…, 江城区…; a clause too short to name anything borrows the sentence's subject. When one
number serves a list (参与率、合格率均达100%), each item gets its own name.
"""

from __future__ import annotations

import re

from pipelines import metric_vocab as vocab

MAX_NAME = 12
_AFTER_NOUN = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,14}")
_AFTER_STOP = re.compile(r"[和与及的在是为将并等或而且从对向给让把被到至达]|以上|以下|左右|以内|同比|环比")
_PREVIOUS_ITEM = re.compile(r".*(?:\d[\d.,]*[^\d、，,；;]{0,4}?[、]|[、])")
_SHARED = re.compile(r"(?:均|都|全部)(?:已|达|达到|为|是|实现|超过|超|在)?$")
_DIGITS_TAIL = re.compile(r"^[\d.,%]+")
_QUALIFIER_AFTER = re.compile(r"以上|以下|左右|以内|之内|多|余")
_CONNECTOR_ONLY = re.compile(r"^[和与及、或至到,，\s]*$")
_PREVIOUS_NUMBER = re.compile(r"\d[\d.,]*[^\d]{0,4}[和与及、或]\s*$")
_SUBJECT_VERB = re.compile(
    r"受理|办理|办结|上线|实现|完成|开展|建成|新增|累计|共|进驻|可办|提供|服务|发布|处理|接听|归集|推动|推进|"
    r"开通|覆盖|达到|达|为|有|收到|征集|交办|梳理|整合|建设|部署|配备|承接|组织|举办|培训|签约|印发|出台|制定"
)
_CHANGE_CLAUSE = re.compile(r"^(?:比|较|同比|环比|增长|下降|增加|减少|提高|上升|回落)")


def _clean(name: str) -> str:
    name = re.sub(r"[“”\"《》「」『』\s]", "", name)
    name = vocab.NAME_LEADING.sub("", name)
    name = vocab.NAME_TRAILING.sub("", name)
    name = _DIGITS_TAIL.sub("", name)
    return name[-MAX_NAME:]


def _clause_before(norm: str, s_start: int, start: int) -> str:
    """The words between the previous clause break (or listed item) and the number."""
    left = s_start
    for match in vocab.CLAUSE_BREAK.finditer(norm, s_start, start):
        left = match.end()
    segment = norm[left:start]
    previous = _PREVIOUS_ITEM.match(segment)
    if previous and previous.end() < len(segment):
        segment = segment[previous.end() :]
    digits = list(re.finditer(r"\d+(?:[.,]\d+)*[万亿千百]*(?:年度|年|月|日|号)?[^\u4e00-\u9fff]*", segment))
    if digits and digits[-1].end() < len(segment):
        cut = digits[-1].end()
        unit = vocab.UNIT_PATTERN.match(segment, cut)
        segment = segment[unit.end() if unit else cut :]
    return segment


def _borrowed_subjects(norm: str, s_start: int, start: int) -> list[str]:
    """Candidate subjects for a clause too short to name its number, best first: the sentence's
    subject (its first words before a verb), the naming words of the previous clause
    (猪肉产量2.11万吨，增长1.4% → 猪肉产量), the sentence's first clause."""
    breaks = [m.start() for m in vocab.CLAUSE_BREAK.finditer(norm, s_start, start)]
    first = norm[s_start : breaks[0] if breaks else start]
    clauses = [first]
    if breaks:
        previous_start = max((b + 1 for b in breaks[:-1]), default=s_start)
        clauses.insert(0, norm[previous_start : breaks[-1]])
    out: list[str] = []
    for clause in clauses:
        if _CHANGE_CLAUSE.match(clause):
            continue
        words = _clean(re.split(r"\d", _clean(clause), maxsplit=1)[0])
        if len(words) >= 2:
            out.append(words[-10:])
    head = _clean(re.split(r"\d", _clean(first), maxsplit=1)[0])
    verb = _SUBJECT_VERB.search(head)
    if verb and verb.start() >= 2:
        out.append(head[: verb.start()][-10:])
    return out


def _noun_after(norm: str, end: int, s_end: int) -> str:
    qualifier = _QUALIFIER_AFTER.match(norm, end, s_end)
    if qualifier:
        end = qualifier.end()
    match = _AFTER_NOUN.match(norm, end, s_end)
    if not match:
        return ""
    noun = match.group(0)
    stop = _AFTER_STOP.search(noun)
    return noun[: stop.start()] if stop else noun


def indicator_name(norm: str, s_start: int, start: int, end: int, s_end: int) -> list[str]:
    """One name per indicator the number is stated for (usually one)."""
    before = _clause_before(norm, s_start, start)
    if _CONNECTOR_ONLY.match(before):
        # 30.6%和69.4%, 90家和870家: the second number shares the first one's indicator words.
        previous = _PREVIOUS_NUMBER.search(norm, max(s_start, start - 16), start)
        if previous:
            first = re.search(r"\d", norm[previous.start() : start])
            at = previous.start() + (first.start() if first else 0)
            return indicator_name(norm, s_start, at, at, s_end)
    whole_clause = norm[max(s_start, start - 40) : start]
    shared = _SHARED.search(whole_clause)
    if shared:
        listed = whole_clause[: shared.start()]
        listed = listed[max((listed.rfind(c) for c in "，,；;：:。"), default=-1) + 1 :]
        items = [_clean(item) for item in listed.split("、")]
        items = [item for item in items if item]
        if len(items) >= 2:
            return items
    local = _clean(before)
    after = _noun_after(norm, end, s_end)
    name = local + after if after not in local else local
    if len(name) < 5:
        for subject in _borrowed_subjects(norm, s_start, start):
            if subject not in name and name not in subject:
                name = subject + name
                break
    return [_clean(name)[-MAX_NAME:] or after or "指标"]
