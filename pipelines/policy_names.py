"""Names of the figures a policy sets, read from the grammar that states them.

Policies and notices state their figures as rules: a condition clause scopes them (凡…的，), a change
moves a value (从8%降低到7%), a cap bounds a grant (…，最高不超过20万元), a share is taken of a base
(按…的40%返还), a standard pays for something (按800元/人的标准给予…), a period is granted or set as
a deadline (10日内办结). Each reading names the figure as the guideline asks (the subject and what is
set: 上限/下限, 期限, 标准, 比例, 调整前) and answers empty when its grammar is absent, so
pipelines.metric_names falls back to its general reading.
"""

from __future__ import annotations

import re

from pipelines.name_words import (
    BEFORE_PREPOSITION,
    MAX_BORROWED,
    MAX_NAME,
    TIME_NOUN,
    UP_TO_LAST_BREAK,
    clean,
    earlier_clauses,
    first_words,
    last_chars,
    noun_after,
    own_clause,
    own_level,
    sentence_subject,
)

# 减按1.5%的税率征收房产税: a rate named by what it is levied on.
_LEVIED_AFTER = re.compile(
    r"的(?P<measure>[\u4e00-\u9fff]{0,2}(?:税率|费率|征收率|比例|标准))(?:全额|一次性|分期)?"
    r"(?:征收|缴纳|计征|收取|计缴|返还|留存|缴存)"
)


_SHARE_OF_BASE = re.compile(
    r"(?P<part>[^，,；;：:]{2,}?)(?:不得超过|不得高于|不得低于|不超过|不高于|不低于|不少于|不小于|低于|高于|超过|占)"
    r"(?P<base>[^，,；;：:]{2,})的\Z"
)


# A duration within which something must happen (15个工作日内办结) or counted from a day
# (自公告发布之日起5个工作日): a deadline.
_WITHIN = re.compile(r"以内|之内|内")


_DURATION_UNIT_END = re.compile(r"(?:工作日|个月|小时|年|天|日|周)\Z")


_WEIGHED = re.compile(r"([\u4e00-\u9fff]{2,12})[×*]\Z")  # 笔试成绩×60%: a weight in a formula


# 按800元/人的标准给予…补贴, 按300元/人的标准发放…: a rate named by what it pays for.
_STANDARD_AFTER = re.compile(
    r"的?标准[，,]?(?:为其|为|向其)?(?:一次性)?(?:给予|发放|予以|拨付|代缴|支付)"
    r"(?:(?:不超过|不高于|最长|最高|最多)?\d+(?:\.\d+)?[^\d，,；;的]{0,4}的)?"  # …给予不超过6个月的生活补助
)


# 给予不超过6个月的生活补助, 设立3个月的缓缴期: a period before 的 is how long what follows lasts.
_PERIOD_OF = re.compile(r"的(?=[\u4e00-\u9fff]{2})")


_PERIOD_GRANT_BEFORE = re.compile(r"(?:给予|享受|设立|设置|延长|给|予以)(?:不超过|不高于|最长|最多|最高)?\Z")


# 小型企业按上年度实际缴纳税款的40%返还: a share of a base (按…的N%) that something is paid at is the
# subject's rate of that payment.
_SHARE_PAID = re.compile(
    r"(?P<subject>[\u4e00-\u9fff]{2,12}?)(?:再|另|还|均|统一)?按(?P<base>[^，,；;：:。按]{2,40})的\Z"
)


# 按不低于合同金额的10%确定履约保证金: what is fixed as a share of a base.
_RATE_OF_BASE = re.compile(r"按(?:不低于|不高于|不超过|不少于)?(?P<base>[^，,；;：:。按的]{2,20})的\Z")


_FIXED_AS = re.compile(r"(?:的比例)?(?:确定|计算|核定|收取|计提|预留|设定)")


_SHARE_DONE = re.compile(r"(?:可以|可|须|应|允许)(?:在|于)?(?P<action>[\u4e00-\u9fff]{4,16})(?=[，,；;。]|\Z)")
_PAID_VERB = re.compile(r"(?:给予)?(?:返还|补贴|补助|奖励|奖补|缴纳|缴存|计提|扣除|征收|收取|退还|减免|资助)")


# 面积为90平方米及以下的，减按1%…; 购买144平方米（含）以上的住房，可享受…: a threshold in the clause
# before the number says which level of the indicator the number is for.
_LEVEL = (
    r"(?<![\d.])(?P<quantity>\d+(?:\.\d+)?[万亿千百]?[\u4e00-\u9fff/]{1,4}?)(?:[（(]含[^）)]{0,6}[）)]|及|或)?"
    r"(?P<side>以[上下]|以内)"
)


_THRESHOLD = re.compile(_LEVEL + "的")


# 10万平方米（含）以下按300元/平方米、10万平方米以上按200元/平方米: each rate of its own level.
_RATE_BY_LEVEL = re.compile(_LEVEL + r"按\Z")


_TIME_UNIT = re.compile(r"(?:年|个月|月|天|日|小时|周|工作日)\Z")


# 医保单位费率从8%降低到7%: the new value is the subject's, as the old one is.
# The adverbs between a changed indicator and its 从/由 (比例今年阶段性由20%提高至25%) are not its name.
_CHANGED_SUBJECT = (
    r"(?P<subject>[^，,；;：:。]{2,}?)(?:今年|明年|当年|阶段性|临时|暂时|继续|统一|再)*[从由]"
    r"(?P<age>现行|原来|原|目前|当前|现在)?的?"  # 由现行的10%提高到15%: 现行 marks the old value, not the new
)


_CHANGED_TO = re.compile(
    _CHANGED_SUBJECT + r"\d[\d.]*[万亿千百]?[^\d，,；;]{0,4}?"
    r"(?:最高|最多|最低|阶段性)?(?:降低|下降|降|提高|提升|提|增加|增长|上升|减少|调整|压减|压缩|缩短|延长|放宽|扩大|上调|下调)"
    r"(?:到|至|为)\Z"
)


# 贷款利率下限调整为不低于基准利率加30个基点: a new level set for the subject, stated against a base.
_ADJUSTING = re.compile(r"调整|下调|上调|提高|降低")
_ADJUSTED_TO = re.compile(
    rf"(?P<subject>[^，,；;：:。]{{2,}}?)(?:{_ADJUSTING.pattern})(?:为|至|到)(?:不低于|不高于|不超过|不少于)?"
    r"[^，,；;：:。\d]{2,20}(?:加|减|上浮|下浮|的)\Z"
)


# …给予一次性奖补，最高不超过20万元; …给予全额补贴，最长不超过3年: a clause that is only a cap.
_CAP_WORDS = ("最长", "最高", "最多", "累计最高", "每人最高", "每户最高")
_BARE_CAP = re.compile("^(?:" + "|".join(_CAP_WORDS) + r")(?:不超过|不高于|不得超过|可达|为|给予|可给予)?\Z")


_GRANTED = re.compile(
    r"([\u4e00-\u9fff]{0,6}(?:补贴|补助|奖补|奖励|资助|贴息|贷款|额度|资金|经费|费用|保费))(?=[^\u4e00-\u9fff]*\Z)"
)


def _capped(norm: str, s_start: int, start: int, end: int) -> str:
    """What a bare cap clause caps: a period caps the sentence's subject's duration (社保补贴…，最长不超过
    3年 → 社保补贴期限); an amount caps what the clause before grants (…给予一次性补助，最高不超过N万元
    → 一次性补助). Empty when neither is found."""
    if _DURATION_UNIT_END.search(norm, max(start, end - 4), end):
        subject = sentence_subject(norm, s_start, start)
        ahead = BEFORE_PREPOSITION.match(subject)  # 社保补贴|按企业…; no match: fewer than two characters
        return ahead.group(1)[:MAX_NAME] + "期限" if ahead else ""
    clauses = earlier_clauses(norm, s_start, start)
    granted = _GRANTED.search(clauses[-1]) if clauses else None
    if granted is None:
        return ""
    clause, near = clauses[-1], granted.start(1)
    # what is granted: the words before its noun, from after a grant verb among them, even one the window cuts
    opens = next((verb.end() for verb in _GRANT_WORD.finditer(clause, max(0, near - 1)) if verb.end() > near), near)
    given = clean(clause[opens : granted.end(1)])
    # 对…基地给予补助，最高…: whom the grant is for, before its verb, is part of what is capped
    verb = _GRANT_WORD.search(clause)
    ahead = BEFORE_PREPOSITION.match(_CONDITION_LEAD.sub("", clause[: verb.start()])) if verb else None
    whom = clean(ahead.group(1)) if ahead else ""  # up to a basis phrase (按…标准) before the verb
    if whom.startswith(_BASIS_OPENERS):
        whom = ""  # 按房价的1%给予补贴，最高…: the clause opens on what the grant is reckoned by, not whom it is for
    return (last_chars(whom, MAX_BORROWED) if len(whom) >= 2 else "") + given


_GRANT_WORD = re.compile(r"给予|发放|予以|提供|享受")
_BASIS_OPENERS = ("按", "依据", "依照", "根据")  # 按照 opens with 按


_CHANGED_FROM = re.compile(_CHANGED_SUBJECT + r"\Z")


def old_value_name(norm: str, s_start: int, start: int) -> str:
    """`医保单位费率调整前` for 8% in 医保单位费率从8%降低到7%: the value a change starts
    from is the subject's, marked 调整前 (the guideline's mark) or by the text's own word for it (由现行的
    10% → 现行); empty when no subject precedes 从/由."""
    found = _CHANGED_FROM.search(norm, max(s_start, start - 40), start)
    if found is None or len(subject := clean(found.group("subject"))) < 2:
        return ""
    return last_chars(subject, MAX_NAME) + (found.group("age") or "调整前")  # the text's own mark (现行) if any


def threshold_level(norm: str, s_start: int, start: int) -> str:
    """`90平方米及以下` when the clause before the number's own sets a threshold (…及以下的，): the level
    the number applies to, so that the values of each level get names that tell them apart."""
    window = norm[max(s_start, start - 80) : start]
    if "以" not in window:
        return ""  # most numbers: no threshold before them, and this is asked of every number
    found = _RATE_BY_LEVEL.search(norm, max(s_start, start - 30), start)
    if found is None and "的" in window and (clauses := earlier_clauses(norm, max(s_start, start - 80), start)):
        thresholds = list(_THRESHOLD.finditer(clauses[-1]))
        found = thresholds[-1] if thresholds else None
    if found is None or _TIME_UNIT.search(found.group("quantity")):
        return ""  # 稳定就业6个月以上的: a period that qualifies, not a level of the measure
    return found.group("quantity") + ("及" if found.group("side") != "以内" else "") + found.group("side")


# 凡在本市新购商品住房的，3年内不得转让: a clause ending in 的 before the number's own says whom or
# what the rule is for; policy names carry it. A condition that is itself a quantity (参保满6个月以上的)
# qualifies the subject rather than naming it, and is left out.
_MAX_SCOPED = 24


_CONDITION_LEAD = re.compile(r"^(?:对于|对|凡是|凡|如|若|经|在)+")


_CONDITION_QUANTITY = re.compile(r"\d|[一二两三四五六七八九十百千万半]+(?:个|年|月|周|天|日|人|户|家|次|倍|以[上下内])")


def scoped(name: str, norm: str, s_start: int, start: int, s_end: int, rank: int = 0) -> str:
    """The name with the scope a condition clause before the number's own sets (…的，), when it has one,
    narrowed to the level of the figure in place `rank` where the scope lists levels (own_level)."""
    condition = _condition(norm, s_start, start)
    if not condition:
        return name
    scope = own_level(condition, norm, start, s_end, rank)
    if scope in name:
        return name
    # a name that borrowed the condition's last words (a short clause does) takes the condition once
    shared = next(
        (size for size in range(min(len(condition), len(name)), 1, -1) if name.startswith(condition[-size:])), 0
    )
    return (scope + name[shared:])[-_MAX_SCOPED:]


def _condition(norm: str, s_start: int, start: int) -> str:
    """The scope a condition clause (…的，) right before the number's clause sets; empty when none."""
    lo = max(s_start, start - 120)
    if norm.find("的，", lo, start) < 0 and norm.find("的,", lo, start) < 0:
        return ""  # most numbers: no clause ending in 的 before them, and this is asked of every number
    own = UP_TO_LAST_BREAK.match(norm, lo, start)
    if own is None or own.end() < 2 or norm[own.end() - 2] != "的":
        return ""  # most numbers: the clause before theirs is no condition
    clauses = earlier_clauses(norm, lo, start)
    if not clauses or not clauses[-1].endswith("的") or _CONDITION_QUANTITY.search(clauses[-1]):
        return ""
    words = clean(_CONDITION_LEAD.sub("", clauses[-1][:-1]))
    return words if len(words) >= 2 else ""


def change_name(norm: str, s_start: int, start: int, end: int, before: str) -> str:
    """The name of a value a change or a cap sets: the new value of a changed subject (单位费率从8%降低到
    7% → 单位费率), a level adjusted against a base, what a bare cap clause caps. Empty when none applies."""
    lo = max(s_start, start - 60)
    window = norm[lo:start]
    changed = _CHANGED_TO.search(norm, lo, start) if "从" in window or "由" in window else None
    if changed and len(subject := clean(changed.group("subject"))) >= 2:
        return last_chars(subject, MAX_NAME)  # 单位费率从8%降低到7%: 7% is 单位费率's new value
    if ("为" in before or "至" in before or "到" in before) and _ADJUSTING.search(before):
        adjusted = _ADJUSTED_TO.match(own_clause(norm, s_start, start))
        if adjusted and len(subject := clean(adjusted.group("subject"))) >= 2:
            return last_chars(subject, MAX_NAME)  # 利率下限调整为不低于基准利率加30个基点: the limit's new value
    if before.startswith(_CAP_WORDS) and _BARE_CAP.match(before) and (capped := _capped(norm, s_start, start, end)):
        return capped
    return ""


def set_figure_name(norm: str, s_start: int, start: int, end: int, s_end: int, before: str, local: str) -> str:
    """The name of a figure a rule sets, read from the grammar that states it: a rate levied on something,
    a share of a base, a standard paid for something, a period granted, a formula's terms, a deadline.
    Empty when the figure is stated otherwise."""
    # Each grammar shows in the character right after the number (or its % or the one before it): most
    # numbers are tried by none of the readings.
    after = norm[end : end + 1]
    if after == "的" and (name := _levied_name(norm, s_start, start, end, s_end)):
        return name
    if norm[end - 1 : end] == "%" and (name := _share_name(norm, s_start, start, end, s_end)):
        return name
    if after and after in "的标（(、）)" and (name := _standard_name(norm, s_start, start, end, s_end)):
        return name
    if after and after in _GRANT_OPENS and (name := _per_unit_name(norm, s_start, start, end, s_end)):
        return name
    if after == "的" and (name := _period_name(norm, s_start, start, end, s_end)):
        return name
    if start and norm[start - 1] in "=＝×*" and (name := _formula_name(norm, s_start, start, end, s_end)):
        return name
    return _deadline(norm, before, local, start, end, s_end)


def _levied_name(norm: str, s_start: int, start: int, end: int, s_end: int) -> str:
    """减按1.5%的税率征收房产税 → 房产税税率: the rate of what is levied."""
    levied = _LEVIED_AFTER.match(norm, end)
    what = clean(noun_after(norm, levied.end(), s_end)) if levied else ""
    return what[:MAX_NAME] + levied.group("measure") if levied and len(what) >= 2 else ""


def _share_name(norm: str, s_start: int, start: int, end: int, s_end: int) -> str:
    """A percentage of a base (the caller has seen the %): what is fixed as that share (按合同金额的10%
    确定履约保证金), a part that may not exceed it (办公用房面积不得超过总建筑面积的15%), or the payer's
    rate of a payment (按…的40%返还)."""
    if (
        (fixed := _FIXED_AS.match(norm, end))
        and (of_base := _RATE_OF_BASE.search(norm, max(s_start, start - 30), start))
        and len(what := clean(noun_after(norm, fixed.end(), s_end))) >= 2
    ):
        return what[:MAX_NAME] + "占" + clean(of_base.group("base"))[-10:] + "比例"
    if share := _SHARE_OF_BASE.match(own_clause(norm, s_start, start)):
        part, base = clean(share.group("part")), clean(share.group("base"))
        if len(part) >= 2 and len(base) >= 2:
            return part[-10:] + "占" + base[-10:] + "比例"
    if norm[start - 1 : start] == "的" and (done := _SHARE_DONE.match(norm, end, s_end)):
        # 研发费用的75%可在税前加计扣除: the share of a base that something is done to
        action = clean(done.group("action"))
        if len(action) >= 4:
            return action[:12] + "比例"
    if (
        (paid_as := _PAID_VERB.match(norm, end))
        and (share_paid := _SHARE_PAID.search(norm, max(s_start, start - 60), start))
        and len(payer := clean(share_paid.group("subject"))) >= 2
    ):
        base = clean(share_paid.group("base"))[-8:]
        return payer + base + clean(paid_as.group(0).removeprefix("给予")) + "比例"
    return ""


def _standard_name(norm: str, s_start: int, start: int, end: int, s_end: int) -> str:
    """按800元/人的标准给予一次性补贴 → 一次性补贴标准: a rate named by what it pays for; with its parts
    in parentheses (按500元/户（城区400元/户、乡镇600元/户）标准发放…) each part carries its own words."""
    standard = _STANDARD_AFTER.match(norm, end)
    item = ""
    if standard is None and "（" in norm[max(s_start, start - 40) : min(s_end, end + 80)]:
        closed, item = _past_parenthesis(norm, start, end, s_end)
        standard = _STANDARD_AFTER.match(norm, closed) if closed else None
    paid = clean(noun_after(norm, standard.end(), s_end)) if standard else ""
    return item + paid[:MAX_NAME] + "标准" if len(paid) >= 2 else ""


# 按每人1000元给予一次性补贴: a sum per head (per household, per year) is the standard of what it pays,
# said without 标准 as well as with it.
_PER_UNIT_BEFORE = re.compile(r"按(?:照)?(?:每[\u4e00-\u9fff]{1,2}){1,2}\Z")
_PAID_AFTER = re.compile(r"(?:一次性)?(?:给予|发放|予以|拨付|支付)")
_GRANT_OPENS = frozenset("一给发予拨支")  # what _PAID_AFTER opens with (tests/test_metric_guards.py)


def _per_unit_name(norm: str, s_start: int, start: int, end: int, s_end: int) -> str:
    """按每人1000元给予一次性补贴 → 一次性补贴标准: a sum per head granted is the standard it pays."""
    paid_verb = _PAID_AFTER.match(norm, end)
    if paid_verb is None or _PER_UNIT_BEFORE.search(norm, max(s_start, start - 8), start) is None:
        return ""
    paid = clean(noun_after(norm, paid_verb.end(), s_end))
    return paid[:MAX_NAME] + "标准" if len(paid) >= 2 else ""


def _period_name(norm: str, s_start: int, start: int, end: int, s_end: int) -> str:
    """给予不超过6个月的生活补助 → 生活补助期限: a period granted is how long the grant lasts."""
    if not (
        _PERIOD_OF.match(norm, end)
        and _DURATION_UNIT_END.search(norm, max(start, end - 4), end)
        and _PERIOD_GRANT_BEFORE.search(norm, max(s_start, start - 8), start)
    ):
        return ""
    lasting = clean(noun_after(norm, end, s_end))
    return lasting[:MAX_NAME] + ("" if TIME_NOUN.search(lasting) else "期限") if len(lasting) >= 2 else ""


def _formula_name(norm: str, s_start: int, start: int, end: int, s_end: int) -> str:
    """A term of a formula: a result after = is what the worked example computes (交通补助按工资的10%发放
    （3000元*10%=300元/月） → 交通补助); a weight after × is the weight of its term (笔试成绩×60%).
    The caller has seen one of these signs right before the number."""
    if norm[start - 1] in "=＝" and len(computed := _explained(norm, start)) >= 2:
        return computed
    if norm[start - 1] in "×*" and (weighed := _WEIGHED.search(norm, max(s_start, start - 20), start)):
        return clean(weighed.group(1)) + "权重"
    return ""


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
    lo = max(0, start - 40)
    back = _open_before(norm, start, lo + 1, "、")
    return at, norm[(lo if back < 0 else back) + 1 : start]


def _open_before(norm: str, start: int, lo: int, stops: str = "") -> int:
    """The offset of the parenthesis left open before `start` (scanning back to `lo`), or of a `stops`
    character outside any closed parenthesis, whichever comes first; -1 when neither."""
    depth = 0
    for at in range(start - 1, lo - 1, -1):
        char = norm[at]
        if char in "）)":
            depth += 1
        elif char in "（(":
            if not depth:
                return at
            depth -= 1
        elif not depth and char in stops:
            return at
    return -1


def _explained(norm: str, start: int) -> str:
    """What a worked example in parentheses computes: the subject of the clause the parenthesis follows
    (交通补助按…发放（…=300元/月） → 交通补助). Empty when the result is not inside a parenthesis."""
    at = _open_before(norm, start, max(0, start - 200))
    if at < 0:
        return ""
    clause = UP_TO_LAST_BREAK.match(norm, max(0, at - 60), at)
    words = first_words(norm[clause.end() if clause else max(0, at - 60) : at])
    subject = BEFORE_PREPOSITION.match(words)
    return clean(subject.group(1))[:MAX_NAME] if subject else ""


def _deadline(norm: str, before: str, local: str, start: int, end: int, s_end: int) -> str:
    """合同签订后15个工作日内进场施工 → 合同签订后进场施工期限: a duration within which something must happen,
    or counted from a day (自公告发布之日起5个工作日 → 公告发布期限), named as that deadline: the event (after
    须在/自), what must be done, and 期限. Empty when the number is no such duration or the words are too few."""
    within = _WITHIN.match(norm, end)
    counted_from = before.endswith("起")
    if not (within or counted_from) or not _DURATION_UNIT_END.search(norm, max(start, end - 4), end):
        return ""
    if counted_from:
        local = clean(local.removesuffix("起").removesuffix("之日"))
        local = local[local.rfind("自") + 1 :]
    if len(local) - local.rfind("在") > 2:
        local = clean(local[local.rfind("在") + 1 :])
    done_at = within.end() if within else end
    action = _action_after(norm, done_at, s_end)
    name = clean(local[-8:] + action) if action else clean(local + clean(noun_after(norm, done_at, s_end)))
    if not TIME_NOUN.search(name):
        name += "期限"
    return name[-_MAX_SCOPED:] if len(name) > 4 else ""


_ACTION = re.compile(
    r"(?:[到向赴去在][^，,；;。\d]{2,14}?(?:部门|单位|机构|中心|窗口|平台|系统|网站|局|委|办)(?=[\u4e00-\u9fff]{2}))?(?P<act>[\u4e00-\u9fff“”《》]{2,30})"
)


def _action_after(norm: str, at: int, s_end: int) -> str:
    """What must be done within a period: the verb phrase after 内 up to its clause's end, a place
    it is done at (到…部门) left out."""
    found = _ACTION.match(norm, at, s_end)
    return clean(found.group("act"))[:12] if found else ""
