"""Words that decide what a number means, by the annotation guideline (data, not code).

All in Simplified: patterns run on the Simplified shadow of a text (pipelines.textnorm).
"""

from __future__ import annotations

import re

# Unit words after a number (magnitude removed), longest first when matched. Value: the unit
# reported (个百分点 is reported as 百分点, as the guideline's gold does).
UNITS: dict[str, str] = {
    u: u
    for u in (
        "%",
        "‰",
        "百分点",
        "平方公里",
        "平方千米",
        "平方米",
        "立方米",
        "公顷",
        "公里",
        "千米",
        "千瓦时",
        "千瓦",
        "兆瓦",
        "吨",
        "千克",
        "公斤",
        "亩",
        "米",
        "人次",
        "件次",
        "户次",
        "批次",
        "车次",
        "架次",
        "场次",
        "班次",
        "台次",
        "艘次",
        "家次",
        "课时",
        "学时",
        "人日",
        "个月",
        "小时",
        "分钟",
        "工作日",
        "学年",
        "天",
        "周",
        "美元",
        "港元",
        "欧元",
        "元",
        "个",
        "项",
        "件",
        "条",
        "台",
        "套",
        "宗",
        "笔",
        "人",
        "名",
        "位",
        "户",
        "家",
        "所",
        "座",
        "栋",
        "幢",
        "间",
        "处",
        "场",
        "轮",
        "期",
        "批",
        "次",
        "起",
        "份",
        "张",
        "枚",
        "本",
        "册",
        "类",
        "种",
        "部",
        "辆",
        "艘",
        "株",
        "棵",
        "盏",
        "分",
        "倍",
        "成",
        "GB",
        "TB",
        "PB",
        "Gbps",
        "Mbps",
        "M",
        "G",
        "T",
        "例",
        "宗次",
        "根",
        "块",
        "口",
        "门",
        "支",
        "届",
        "篇",
        "首",
        "集",
        "卷",
        "页",
        "字",
        "帧",
        "路",
        "对",
        "组",
        "封",
        "辆次",
    )
}
# Places and bodies counted without a measure word take 个 (扩大至16省, 65县市).
UNITS.update({u: "个" for u in ("省", "市", "县", "区", "镇", "乡", "村", "国", "街道", "社区", "部门", "单位")})
# Units real pages use beyond the report texts: durations, floors and grades, energy, old area units.
UNITS.update(
    {
        u: u
        for u in (
            "个工作日", "日", "级", "层", "班", "周岁", "通", "度", "箱", "千伏安", "千升", "微克", "毫克", "基点",
            "番", "升", "平方公尺", "公尺", "吨标准煤", "人公里", "吨公里", "℃", "KB", "MB", "星", "平米", "㎡",
        )
    }
)  # fmt: skip
UNITS["个百分点"] = "百分点"
UNITS["个基点"] = "基点"
UNITS["年"] = "年"
UNITS["岁"] = "岁"
UNITS["余元"] = "元"
# The class of first characters up front: at most positions (no unit follows) match fails at once
# instead of trying every unit in turn.
UNIT_PATTERN = re.compile(
    "(?=["
    + re.escape("".join(sorted({u[0] for u in UNITS})))
    + "])(?:"
    + "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
    + ")"
)

# Units a Chinese-numeral count may take: 三个专区, 六大模块 (个), 五方面 (个).
CHINESE_NUMERAL_UNITS: frozenset[str] = frozenset(
    {"个", "项", "件", "条", "台", "套", "宗", "笔", "人", "名", "户", "家", "所", "座", "处", "场", "批", "份", "张"}
    | {"类", "种", "部", "辆", "元", "人次", "篇", "册", "本"}
)
# Fixed phrases of political language that hold a Chinese numeral and a measure word but count
# nothing in the report (四个意识, 两个维护): never metrics.
SLOGANS = re.compile(
    r"两个维护|两个确立|四个意识|四个自信|四个全面|三个代表|五位一体|三区三线|三次产业|两个务必|两个一百年|"
    r"三个务必|四个不摘|两不愁三保障|三个一批|五个一批|一件事|八项规定|两个大局|两个市场|两种资源|二元结构|"
    r"百强县|千亿县|百强镇|千亿级|万亿级"
)
COUNT_WITHOUT_MEASURE = re.compile(r"大(?=[\u4e00-\u9fff])|方面")
CHINESE_DIGIT = re.compile(r"[二两三四五六七八九]")

# Units letters may carry only after a plausible size (5G is a name, 40G a bandwidth).
LETTER_UNITS: frozenset[str] = frozenset({"G", "M", "T", "GB", "TB", "PB", "Gbps", "Mbps"})

# Qualifiers, read just before the number or just after it.
ABOUT_BEFORE = ("大约", "约为", "约有", "约合", "约", "接近", "将近", "近", "大概", "估计")
# A leading 不 flips a comparison (不低于 is a floor), so the flipped forms are looked at first.
MUST_NOT = ("不", "不得", "不应", "不能")  # 不低于, 不得低于, 不应低于 …: each flips the comparison after it
_BELOW = ("低于", "少于", "小于")  # after MUST_NOT: a floor
_ABOVE = ("超过", "高于", "多于", "大于")  # after MUST_NOT: a cap
FLOORS = tuple(f"{no}{than}" for no in MUST_NOT for than in _BELOW)
CAPS = tuple(f"{no}{than}" for no in MUST_NOT for than in _ABOVE)
FLOOR_BEFORE = (*FLOORS, "不短于", "不下于", "至少", "最少", "最低")
CEILING_BEFORE = (*CAPS, "不超出", "最多")
OVER_BEFORE = (*_ABOVE, "逾", "超", "突破", "冲破", "迈上", "跨上", "站上", "过", "≥", "＞", ">")  # without 不: over
UNDER_BEFORE = ("不到", "不足", *_BELOW, "未满", "≤", "＜", "<")  # without 不: under
# A bound reaching over a noun phrase to its number: 不超过全市招生计划总数的6%, 约占本校计划的30%.
BOUND_WORD_QUALIFIER: dict[str, str] = {
    **dict.fromkeys((*FLOORS, "至少"), "over"),
    **dict.fromkeys(CAPS, "under"),
    **dict.fromkeys(("约占", "约为", "约"), "about"),
}
BOUND_OVER_PHRASE = re.compile(
    "(?P<word>" + "|".join(sorted(BOUND_WORD_QUALIFIER, key=len, reverse=True)) + ")"
    r"(?:[^，。；,;：:\d]|(?:19|20)\d\d年){1,30}的\Z"  # a base may name its year: 不超过2023年度平均地价的8%
)
# 最高/最长 as an adverb on the verb (最高可补贴N万元) or right before the figure (最高N万元/户) bounds the number;
# as part of a name (最高额度为) it does not.
CEILING_ADVERB = re.compile(
    r"最[高长]\Z|"
    r"最[高长大](?:可|能|只|仅|给予|提至|提高至|提高到|补贴|补助|奖励|奖补|资助|支持|发放)[^，。；,;\d]{0,6}\Z|"
    r"最多[^，。；,;\d]{0,4}\Z"
)
# A duration written in Chinese numerals (一年内, 满三年, 最长不超过一年): a figure, not a phrase.
DURATION_UNITS: frozenset[str] = frozenset({"年", "个月", "天", "日", "小时", "周", "个工作日", "工作日"})
DURATION_CONTEXT_BEFORE = re.compile(r"(?:满|超过|不超过|不少于|至少|最长|最短|为期|期限为?|长达|之内|以内|后)\Z")
DURATION_CONTEXT_AFTER = re.compile(r"^(?:内|以内|之内|后|以上|以下|期满|半)")
# An index a clause is about (上证指数, 股指, 台股, 大盘): a 点 after its number is its level, not a time of day.
INDEX_WORDS = re.compile(r"指数|股指|综指|成指|股市|[台港美A]股|大盘|恒指")
# Money words of a clause: a bare 2万 there is money (补贴不超过2万).
MONEY_WORDS = re.compile(r"补贴|补助|奖励|资助|资金|金额|价格|价款|费用|贷款|收入|投资|预算|保证金|罚款|工资|薪酬")
FLOOR_ADVERB = re.compile(r"(?:至少|最少)[^，。；,;\d]{0,4}\Z")  # 至少建成5个
ABOUT_AFTER = ("左右", "上下")
OVER_AFTER = ("以上", "多", "余", "有余")
UNDER_AFTER = ("以下", "以内", "之内", "及以下", "内")

# Cues that the sentence states a goal, plan or requirement rather than a result.
TARGET_CUES = re.compile(
    r"力争|计划|目标|要求|确保|争取|预计|拟|力求|努力|不低于|不少于|不超过|规划|将要|将努力|将实现|将达到|将新增|"
    r"建议|到20\d\d年|至20\d\d年|20\d\d年前|年底前|指标为|应当|必须|"
    r"最高|最低|上限|下限|限额|标准为|额度为|须|不得|可享受|期限为|之日起"  # what a policy imposes
)
# 截至2023年底 / 截止到2023年 date a count: no deadline. (A check after the match: a lookbehind in
# TARGET_CUES cost the whole pattern its fast scan for a first character.)
AS_OF = ("截", "截止")
# 争取 before where funds come from (争取到, 争取上级/中央/省级/国家/专项…) reports what was obtained.
SECURED_FROM = ("到", "上级", "中央", "省级", "省市", "国家", "各级", "各类", "专项")
# Verbs that carry out a requirement (落实…要求). A figure between one of them and its 要求 is what the
# requirement sets (metrics._inside_requirement); the looser 根据/按/对照 only cite one (CITED_REQUIREMENT).
CARRYING_OUT = ("落实", "执行", "按照", "依照", "遵照")
# 按照…要求 cites a requirement already met: not a goal of this sentence.
CITED_REQUIREMENT = re.compile(
    "(?:(?:"
    + "|".join((*CARRYING_OUT, "根据", "按", "对照"))
    + r")[^，。；,;]{0,60}|有关|相关|各项|上述|以上|上级|具体|的)要求\Z"
)  # 有关要求, 上级的要求: the noun (requirements named, not a demand this sentence makes)
# Headings that open a section of plans, and those that return to results.
PLAN_HEADING = re.compile(
    r"(?:下一步|20\d\d年|明年|今后|未来)[^，。,]{0,8}(?:工作)?(?:计划|思路|打算|安排|重点|目标|方向|要点)|^[^，。,]{0,6}下一步工作"
)
RESULT_HEADING = re.compile(r"工作总结|工作情况|主要成效|工作成效|完成情况|工作成绩|进展情况|主要做法|取得成效")
# Titles of documents that set rules (a policy, a notice, an announcement of a sale): their figures are
# what the document imposes, targets unless a sentence reports what was done.
POLICY_TITLE = re.compile(
    r"(?:通知|意见|办法|规定|细则|措施|决定|(?<!中标)(?<!成交)(?<!结果)公告|通告|规则|须知|指引|若干政策|政策措施|"
    r"实施方案|政策)[）)]?(?:[（(][^）)]{0,20}[）)])?\Z"
)  # a 中标/成交/结果公告 reports what was awarded: results
PLAN_TITLE = re.compile(r"方案|计划|要点|规划|目标|打算|预算案|施政报告|思路")
# The size of the land or building a policy or notice concerns (土地面积45.5亩, 9层, 平方公尺 of a lot in a
# Taiwanese auction notice): a fact about it.
SIZE_OF_THING_UNITS: frozenset[str] = frozenset({"亩", "公顷", "平方公里", "平方公尺", "层"})
# What a rule requires (of the land, of a buyer): 须, 应当, 不得, a floor or a cap.
REQUIREMENT_CUES = re.compile(
    r"须|应当|应|必须|不得|不低于|不少于|不小于|至少|不超过|不高于|最高|最低|上限|下限|确保|要求"
)
# 已 after 按/对/凡 is attributive (按已售出面积…缴存): the rule is not a report of what was done. The
# lookbehind follows 已 so that every branch opens with a literal: re then skips to their first characters.
RESULT_CUES = re.compile(
    r"已(?<![按对凡]已)|完成了|累计|截至|截止|同比|比上年|共有|共计|达到了|实现了|上年|去年|实际|完成率"
)
# In the rules a policy sets, 已, 上年, 实际 describe the condition a rule applies to (已取得许可证的,
# 按上年度实际缴纳的…): only words that report an outcome say the figure is a result.
REPORTED_CUES = re.compile(r"完成了|累计|截至|截止|同比|比上年|共有|共计|达到了|实现了|完成率")
# 由3%调整为5%: the old value is a result, the new one what is set.
ADJUSTING_TO = (
    "调整为", "调整到", "调整至", "提高到", "提高至", "提高为", "降低到", "降低至", "降低为", "降至", "调至", "提至",
    "提升至", "提升到", "上调至", "下调至", "上调为", "下调为",
)  # fmt: skip
ADJUSTED_TO = re.compile(r"[^，。；,;]{0,6}(?:" + "|".join(ADJUSTING_TO) + ")")
ADJUSTED_FROM = re.compile(r"(?:由|从)[^，。；,;]{0,10}\Z")
# Named groups that are names, not counts: 三省一市, 四区三县.
NAMED_GROUP = re.compile(r"[一二两三四五六七八九十]+[省市区县镇乡][一二两三四五六七八九十]+[省市区县镇乡]")
ANNOUNCE_CUES = re.compile(r"将努力|将着力|将重点|将继续|将全力|力争|计划|目标|打算|努力为|重点做好|抓好以下|办好")
REPORT_INTRO = re.compile(r"(?:报告|总结|汇报|说明)如下")

# Verbs and fillers trimmed off the end of a name (the guideline: no verbs of achievement). A one-character
# word is kept where it closes a two-character word with the character before it (许可, 人均, 节约, 供应,
# 行为, 公共, 国有, 附近, 下达, 报到), as 计 and 加 are kept in 统计 and 增加.
_TRAILING_WORDS = (
    r"(?:分别|各|(?<![平人户亩日年月县村])均|(?<![首成])都|共计|(?<!公)共|合计|总计|累计|累积|已|已经|达到|"
    r"(?<![送下抵到表传])达|实现|完成|(?<![行作因认])为|是|具有|拥有|享有|持有|(?<![所国私])有|约为|(?<![节合签履预违集制])约|大约|"
    r"(?<![附最])近|接近|将近|"
    r"超过|超|逾|突破|冲破|迈上|迈入|迈过|跨上|跨入|跨越|站上|收于|人民币|[¥￥]|[-－−]|不到|不足|低于|少于|高于|至|(?<![报签收得])到|由|从|以|在|了|的|，|、|：|\s|"
    r"原则上|一般|一律|统一|"
    r"不得|不能|不|最长|最短|最高可|最多|最少|至少|必须|须|应当|(?<![供对响适反效呼相回])应|(?<![许认])可|按照|按|给予|"
    r"调整为|提高到|提高至|降低到|降低至|"
    r"降至|控制在|压缩在|压缩至|缩短至|缩短到|放宽至|放宽到|(?<![增追])加|每|(?<![统设会审估预])计|小于|大于|之|"
    r"(?:具体|主要)?(?:包括|包含|分为|划分为)|"
    r"(?:下调|上调|降低|提高|提升|上升|增加|增长|下降|减少|扩大|压减|缩减|调整|放宽|缩短|延长)(?:至|到|为))"
)
_LOOKBEHIND = re.compile(r"\(\?<!(?:\[[^\]]*\]|[^)]*)\)")  # (?<![…]) and (?<!…): they open no match
# sub tries the alternation at each position of a name, and a pattern that opens with a group makes
# re try every branch there (see metrics._NUMBER_START). A lookahead on the characters the branches are written
# with (a superset of those they open with) fails at once where none can open: clean() is 2-3x faster.
NAME_TRAILING = re.compile(
    "(?=["
    + "".join(sorted({c for c in _LOOKBEHIND.sub("", _TRAILING_WORDS) if ord(c) > 127}))
    + r"\s\-])"
    + _TRAILING_WORDS
    + r"+\Z"
)
# Fillers, dates and list marks trimmed off the start of a name. A filler stays where it opens a word with
# the characters after it (通过率, 建成区, 共享, 在建, 在校, 对外, 及时, 并联, 为民).
NAME_LEADING = re.compile(
    r"^(?:20\d\d年(?:度|底|末|初|以来|上半年|下半年|\d{1,2}月)?|二[〇零○][一二][〇零○一二三四五六七八九]年(?:度|底|末|初)?|今年以来|今年|去年|全年|截至目前|目前|"
    r"(?:年底|年末|月底)前|年内|(?:建成|投产|达产|运营|实施)后|"
    r"其中|此外|同时|另外|并(?![联购网表行])|且|和(?![平谐解])|及(?![时格])|以及|共有|共(?![享建同])|累计|实现了|"
    r"实现(?!率)|建成了|建成(?![率区])|已|先后|通过(?!率)|在(?![校岗建职线编册案押途])|对(?![外口象标比接])|"
    r"为(?!民)|将|一是|二是|三是|四是|五是|"
    r"据统计|经统计|据了解|据悉|以(?![上下内旧案])|力争|争取到?|预计|确保|"
    r"按(?:照|有关)?规定|依(?:法|规)|从[\u4e00-\u9fff]{2,12}?中|"
    r"[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、]|[一二三四五六七八九十]+、|，|、|：|\s|"
    r"及?以[上下内]|之内)+"
)
CLAUSE_BREAK = re.compile(r"[，,；;：:。！？!?\n（）()]")
SENTENCE_END = re.compile(r"[。！？!?；;\n]")

# Numbers that are never metrics, by what stands right before or after them.
ORDINAL_BEFORE = ("第", "No.", "NO.", "no.", "#")
NAME_AFTER = re.compile(r"[\u4e00-\u9fff]{0,2}(?:热线|号线|号楼)|周年")
NAME_AFTER_HOLDS = frozenset("线楼周")  # every match of NAME_AFTER holds one: where none follows, it is not tried
DATE_AFTER = re.compile(r"^(?:年(?!度?[内来])|月(?!份?[内来])|日(?!内|以内|之内|后)|号|时)")
DATE_AFTER_OPENS = "年月日号时"  # what DATE_AFTER opens with: where none follows a number, it is not tried
# Denominators of a compound unit (元/亩, 元/人/年, 微克/立方米, 平米/千人), after a slash.
PER_UNIT_OPENS = "/／"
PER_UNIT = re.compile(
    f"[{PER_UNIT_OPENS}]每?(?:平方米|平方公里|立方米|千人|百人|万人|人次|个|人|户|套|亩|年|月|日|天|次|件|吨|公斤|千克|辆|间|张)"
)
# Labels of a price or an amount: a bare number after them is money in 元 (单价：2.5万, 中标金额：156000).
MONEY_LABEL = re.compile(
    r"(?:单价|总价|价格|金额|报价|限价|地价|保证金|预算|费用|价款|成交价|中标价|合同价|投资额|起始价|起拍价)"
    r"[为是]?[ \t　]*(?:[:：]\s*)?\Z"  # on the label's line, or on the next after its colon
)
CODE_BEFORE = re.compile(
    r"(?:ICP|icp|[A-Za-z]备|安备|标识码|电话|热线|传真|邮编|编号|代码|证号|字|〔|\[|【|-|—|/|\.|:|：\d|[A-Za-z])\Z"
)
