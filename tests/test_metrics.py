"""extract_metrics by the annotation guideline (../shared/spec/metrics-annotation.md) and issue 4.

Every example and hard negative of the guideline, then the issue's list, as tables of invented
sentences (input → expected records). Quotations of the demo reports come from seeds/demo/reports.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from pipelines.metrics import EXTRACTOR_VERSION, Metric, extract_metrics


def records(text: str) -> list[tuple[Decimal, str]]:
    return [(m.value, m.unit) for m in extract_metrics(text)]


def one(text: str) -> Metric:
    [metric] = extract_metrics(text)
    return metric


GUIDELINE_EXAMPLES = [
    ("区政务服务中心进驻36个行政审批部门。", [("36", "个")]),
    ("全年服务群众21763人次。", [("21763", "人次")]),
    ("事项进驻率达96.7%。", [("96.7", "%")]),
    ("2023年累计受理业务159524宗。", [("159524", "宗")]),
    ("可办理1406项事项。", [("1406", "项")]),
    ("业务办结率99.8%。", [("99.8", "%")]),
    ("转办工单同比增长101.04%。", [("101.04", "%")]),
    ("代替现金保证金约5亿元。", [("500000000", "元")]),
    ("总话务量约30万宗。", [("300000", "宗")]),
    ("综合得分89.60分。", [("89.60", "分")]),
    ("骨干网扩容升级至40G。", [("40", "G")]),
    ("办公面积不到1000平方米。", [("1000", "平方米")]),
    ("共57个，其中市级17个、江城区1个。", [("57", "个"), ("17", "个"), ("1", "个")]),
    ("按六大模块建设。", [("6", "个")]),
    ("从以下五方面推进。", [("5", "个")]),
    ("实名认证账号近6万个。", [("60000", "个")]),
    ("刻制印章1200多枚。", [("1200", "枚")]),
    ("参与活动60多人。", [("60", "人")]),
    ("发放电子证照3200张。", [("3200", "张")]),
    ("新增市场主体850户。", [("850", "户")]),
    ("入驻企业42家。", [("42", "家")]),
    ("梳理事项清单8类。", [("8", "类")]),
    ("每日值守12小时。", [("12", "小时")]),
    ("全市参保人数十万人。", [("100000", "人")]),  # 人数 + 十万: a count's number, not 数十 (vague)
]

HARD_NEGATIVES = [
    "2022年召开动员会。",
    "5月16日召开会议。",
    "自2021年6月起实施。",
    "2021年1月27日印发通知。",
    "活动时间为3月15日至12月31日。",
    "开展“4.15”全民国家安全教育日宣传。",
    "根据粤府〔2017〕133号文件。",
    "按照河改办〔2023〕9 号要求。",
    "转发国办函〔2024〕49号。",
    "一、总体情况",
    "（二）主要做法",
    "3.持续深化改革",
    "一是加强领导，二是完善制度。",
    "开通12345热线。",
    "开展粤盾-2023演练。",
    "落实“1310”具体部署。",
    "构建“123+N”体系。",
    "推进5G网络建设。",
    "迈向数字政府2.0。",
    "升级到标准3.0。",
    "编制“十四五”规划。",
    "粤ICP备16010311号-3",
    "粤公网安备 44170202000121号",
    "网站标识码：4417000001",
    "联系电话：0662-3388123",
    "《数字政府建设规划（2021-2025年）》",
    "《三年行动计划（2018-2020年）》",
    "汇聚数亿数据，建成多个专题库。",
    "数百家企业参与试点。",
    "共有数十个部门参与评议。",
    "深入学习贯彻党的二十大精神。",
    "推进一件事一次办。",
    "树牢四个意识，做到两个维护。",
    "新中国成立70周年。",
    "全市第3名。",
    "开建03省道改扩建工程。",
    "实行7*24小时值班。",
]

QUALIFIERS = [
    ("服务对象约30人。", "about"),
    ("服务对象大约30人。", "about"),
    ("服务对象近30人。", "about"),
    ("服务对象接近30人。", "about"),
    ("服务对象将近30人。", "about"),
    ("服务对象30人左右。", "about"),
    ("服务对象超30人。", "over"),
    ("服务对象超过30人。", "over"),
    ("服务对象逾30人。", "over"),
    ("全区生产总值迈上三千亿元台阶。", "over"),
    ("全区生产总值跨上三千亿元台阶。", "over"),
    ("服务对象30多人。", "over"),
    ("服务对象30余人。", "over"),
    ("服务对象30人以上。", "over"),
    ("服务对象不到30人。", "under"),
    ("服务对象不足30人。", "under"),
    ("服务对象30人以下。", "under"),
    ("空置率低于3%。", "under"),
    ("服务对象少于30人。", "under"),
    ("服务对象30人。", "exact"),
]

TARGETS = [
    ("力争全市网上可办率达到98%。", True),
    ("计划新建学校3所。", True),
    ("目标是培训骨干500人。", True),
    ("要求每个镇街配备专员2名。", True),
    ("确保数据挂接率达到100%。", True),
    ("好评率不低于95%。", True),
    ("到2025年，全市充电桩达到1万个。", True),
    ("全年新增主题集成服务10项。", False),
    ("2023年完成投资48亿元。", False),
    ("按照国务院办公厅要求，梳理上线11个服务专区。", False),
]

NAMES = [
    ("事项进驻率达96.7%。", "事项进驻率"),
    ("区政务服务中心进驻36个行政审批部门。", "区政务服务中心进驻行政审批部门"),
    ("累计实现营业收入12亿元。", "营业收入"),
    ("網上辦件率達97.7％。", "网上办件率"),
    ("对50个“跨省通办”专题服务进行梳理。", "跨省通办专题服务"),
    ("建成覆盖39个部门共98人的数据队伍。", "覆盖部门"),
]


@pytest.mark.parametrize(("sentence", "expected"), GUIDELINE_EXAMPLES)
def test_every_example_of_the_guideline_is_a_metric_with_its_value_and_unit(
    sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert records(sentence) == [(Decimal(v), u) for v, u in expected]


@pytest.mark.parametrize("sentence", HARD_NEGATIVES)
def test_every_hard_negative_of_the_guideline_is_not_a_metric(sentence: str) -> None:
    assert records(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("新增就业岗位3.2万个，同比下降4.5%。", [("32000", "个"), ("4.5", "%")]),
        ("城镇化率提高1.8个百分点。", [("1.8", "百分点")]),
        ("物价和房价分别回落2.16和1.66个百分点。", [("2.16", "百分点"), ("1.66", "百分点")]),
        ("游客人次增加1.3倍。", [("1.3", "倍")]),
        ("医疗保健类价格上涨1·8%。", [("1.8", "%")]),
    ],
)
def test_changes_are_metrics_of_their_own(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert records(sentence) == [(Decimal(v), u) for v, u in expected]


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("财政收入16.4亿元。", "1640000000", "元"),
        ("实有人口3千人。", "3000", "人"),
        ("培训学员三千人。", "3000", "人"),
        ("惠及群众五万余人。", "50000", "人"),
        ("节约费用1225余万元。", "12250000", "元"),
        ("人均GDP達3萬3,883美元。", "33883", "美元"),
        ("共有企业3,210家。", "3210", "家"),
        ("共有企业２，６６７家。", "2667", "家"),
        ("寄送快递９８件。", "98", "件"),
        ("网办率97.7％。", "97.7", "%"),
        ("完成率达到百分之九十。", "90", "%"),
        ("受理業務超過1萬件。", "10000", "件"),
        ("可辦理1406項事項。", "1406", "项"),
        ("新設12個服務點。", "12", "个"),
    ],
)
def test_values_take_their_magnitude_and_units_are_simplified(sentence: str, value: str, unit: str) -> None:
    assert records(sentence) == [(Decimal(value), unit)]


@pytest.mark.parametrize(("sentence", "qualifier"), QUALIFIERS)
def test_the_qualifier_comes_from_the_words_around_the_number(sentence: str, qualifier: str) -> None:
    assert one(sentence).qualifier == qualifier


def test_a_qualifier_before_a_pair_of_numbers_holds_for_both() -> None:
    metrics = extract_metrics("两类企业分别超过90家和870家。")
    assert [m.qualifier for m in metrics] == ["over", "over"]


@pytest.mark.parametrize(("sentence", "target"), TARGETS)
def test_goals_plans_and_requirements_are_targets_and_results_are_not(sentence: str, target: bool) -> None:
    assert one(sentence).target is target


def test_a_work_plan_states_targets_throughout() -> None:
    text = "2024年交通工作方案\n新增公交线路6条，优化公交线路9条。"
    assert [m.target for m in extract_metrics(text)] == [True, True]


def test_results_after_a_plan_section_are_results_again() -> None:
    text = "一、2024年工作计划\n新增公交线路6条。\n二、工作成效\n全年新增公交线路8条。"
    assert [m.target for m in extract_metrics(text)] == [True, False]


@pytest.mark.parametrize(("sentence", "name"), NAMES)
def test_names_are_the_indicator_words_in_simplified_without_achievement_verbs(sentence: str, name: str) -> None:
    assert extract_metrics(sentence)[0].name == name


def test_a_short_clause_borrows_the_subject_of_the_one_before() -> None:
    assert [m.name for m in extract_metrics("猪肉产量2.11万吨，增长1.4%。")] == ["猪肉产量", "猪肉产量增长"]


def test_each_part_of_a_breakdown_is_named_by_its_part_and_the_thing_counted() -> None:
    names = [m.name for m in extract_metrics("各区合计将60个事项延伸到镇街办理，其中东区4个、西区32个。")]
    assert names[1:] == ["东区事项延伸", "西区事项延伸"]


def test_numbers_stated_respectively_take_the_listed_subjects_in_order() -> None:
    metrics = extract_metrics("到2027年，全区高新技术企业和科技型企业分别超过90家和870家。")
    assert [m.name for m in metrics] == ["全区高新技术企业", "科技型企业"]


def test_one_value_for_two_indicators_gives_two_records() -> None:
    metrics = extract_metrics("干部职工的参与率、合格率均达100%。")
    assert [(m.name, m.value, m.unit) for m in metrics] == [
        ("干部职工的参与率", Decimal(100), "%"),
        ("干部职工合格率", Decimal(100), "%"),
    ]


def test_the_second_indicator_of_a_shared_value_has_evidence_from_its_own_words() -> None:
    first, second = extract_metrics("我局组织全员考试，参与率、合格率均达100%。")
    assert "参与率、合格率均达100%" in first.evidence
    assert second.evidence.startswith("合格率均达100%") and "参与率" not in second.evidence


def test_traditional_text_keeps_its_own_characters_in_the_evidence() -> None:
    metric = one("可辦理1406項事項。")
    assert metric.evidence == "可辦理1406項事項。"


def test_offsets_point_at_the_number_and_its_unit() -> None:
    text = "全区共有企业3,210家。"
    metric = one(text)
    assert text[metric.start : metric.end] == "3,210家"


def test_the_evidence_is_the_sentence_holding_the_number() -> None:
    text = "一是优化流程。全年受理业务159524宗，办结率99.8%。二是加强监督。"
    assert [m.evidence for m in extract_metrics(text)] == ["全年受理业务159524宗，办结率99.8%。"] * 2


def test_evidence_of_a_long_sentence_is_a_window_that_holds_the_naming_words() -> None:
    text = "，".join(["推进政务服务标准化建设"] * 40) + "，全年受理业务159524宗，" + "，".join(["深化改革"] * 40) + "。"
    metric = one(text)
    assert len(metric.evidence) <= 300 and "受理业务159524宗" in metric.evidence


def test_a_record_serialises_for_the_scorer_with_a_json_number() -> None:
    assert one("综合得分89.60分。").as_json()["value"] == 89.6
    assert one("进驻36个部门。").as_json()["value"] == 36


def test_the_extractor_has_a_version() -> None:
    assert EXTRACTOR_VERSION.count(".") == 2


def _random_text(seed: int, size: int) -> str:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size)).decode("utf-8", errors="replace")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "没有数字的句子。",
        "“未闭合的引号（和括号《书名",
        "）》”反向的括号“（",
        "\x00\x01\ufffd乱码\ud7ff",
        _random_text(1, 20_000),
        "约" * 10_000 + "5",
    ],
)
def test_bad_input_gives_no_exception_and_sane_offsets(text: str) -> None:
    metrics = extract_metrics(text)
    assert all(0 <= m.start < m.end <= len(text) and len(m.evidence) <= 300 for m in metrics)
    assert all(
        any(ch.isdigit() or ch in "一二两三四五六七八九十百千万亿" for ch in text[m.start : m.end]) for m in metrics
    )


def test_random_text_with_numbers_and_units_gives_records_with_sane_offsets() -> None:
    text = _random_text(1, 20_000)
    metrics = extract_metrics(text)
    assert metrics, "the random text holds numbers with units: the offset checks must see some records"
    assert all(0 <= m.start < m.end <= len(text) and len(m.evidence) <= 300 for m in metrics)


@pytest.mark.timeout(60)  # a guard against a quadratic blow-up; speed itself is measured in bench/extraction.py
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234567890" * 100_000, 0),  # digits with no unit
        ("1," * 500_000, 0),
        ("（" * 1_000_000, 0),
        ("“" * 500_000 + "5个" * 100, 100),  # an unclosed quote far back hides nothing
        ("一二三四五六七八九十" * 100_000, 0),
        ("。".join(["全年受理业务159524宗，办结率99.8%"] * 30_000), 60_000),
    ],
)
def test_a_megabyte_of_input_is_read_whole_and_right(text: str, expected: int) -> None:
    assert len(extract_metrics(text)) == expected


def test_a_sentence_the_document_repeats_takes_in_the_next_clause_to_be_found_again() -> None:
    clause = "装配式建筑面积占比不低于30%。"
    text = f"{clause}此款由青禾区政府负责监督。\n{clause}此款由禾山区政府负责监督。"
    evidence = [m.evidence for m in extract_metrics(text)]
    assert evidence == [clause + "此款由青禾区政府负责监督。", clause + "此款由禾山区政府负责监督。"]


def test_a_sentence_said_once_is_its_own_evidence() -> None:
    text = "装配式建筑面积占比不低于30%。此款由青禾区政府负责监督。"
    assert [m.evidence for m in extract_metrics(text)] == ["装配式建筑面积占比不低于30%。"]


def test_a_clause_said_again_inside_another_sentence_takes_in_the_next_clause() -> None:
    first = "商业部分封顶前，住宅预售面积不得高于可售面积的50%。此款由青禾区政府负责监督。"
    second = "全部单体封顶前，住宅预售面积不得高于可售面积的50%。此款由禾山区政府负责监督。"
    evidence = [m.evidence for m in extract_metrics(first + "\n" + second)]
    assert evidence == [first, second]


def test_a_run_said_again_after_a_numbered_items_mark_is_said_again() -> None:
    rule = "住宅预售面积不得高于可售面积的50%。此款由青禾区政府负责监督。"
    first = rule + "自公布之日起执行。"
    text = "\n".join(
        [first, "住宅预售面积不得高于可售面积的50%。此款由禾山区政府负责监督。", "（二）" + rule + "逾期不再受理。"]
    )
    assert extract_metrics(text)[0].evidence == first


def test_the_upper_end_of_a_range_of_grades_is_a_category_not_a_count() -> None:
    found = [(m.value, m.unit) for m in extract_metrics("分别按一类至八类执行行业基准费率0.6%、1.0%。")]
    assert found == [(Decimal("0.6"), "%"), (Decimal("1.0"), "%")]


def test_a_count_of_categories_is_still_a_count() -> None:
    assert [(m.value, m.unit) for m in extract_metrics("全区共有八类企业享受补贴。")] == [(Decimal(8), "类")]


def test_a_sentence_stating_one_figure_twice_gives_each_record_the_clauses_near_it() -> None:
    text = "对企业继续降低费率，医保费率从9%降低到8%，生育费率从1%降低到0.5%，工伤费率0.5%、1%、2%。"
    evidence = {(m.value, m.name): m.evidence for m in extract_metrics(text)}
    new_rate = next(e for (v, n), e in evidence.items() if v == Decimal("0.5") and n.startswith("生育"))
    injury = next(e for (v, n), e in evidence.items() if v == Decimal("0.5") and not n.startswith("生育"))
    assert "生育费率从1%降低到0.5%" in new_rate and "工伤" not in new_rate
    assert "工伤费率0.5%" in injury and "生育" not in injury


def test_a_sentence_stating_each_figure_once_is_its_records_evidence() -> None:
    text = "医保费率从9%降低到8%，生育费率从1%降低到0.5%。"
    assert {m.evidence for m in extract_metrics(text)} == {text}


@pytest.mark.parametrize(
    ("sentence", "value", "name"),
    [
        ("全市工业投资同比增长-3.5%。", "-3.5", "全市工业投资同比增长"),
        ("人口自然增长率为-0.52‰。", "-0.52", "人口自然增长率"),
        ("全市工业投资同比增长－3.5%。", "-3.5", "全市工业投资同比增长"),
    ],
)
def test_a_minus_sign_right_after_a_word_makes_the_figure_negative(sentence: str, value: str, name: str) -> None:
    [metric] = extract_metrics(sentence)
    assert (metric.value, metric.name) == (Decimal(value), name)


def test_a_minus_between_digits_is_a_code_or_a_range_not_a_sign() -> None:
    assert extract_metrics("联系电话：0571-12345678。") == []
    assert [m.value for m in extract_metrics("首付比例为20%-30%。")] == [Decimal(20), Decimal(30)]


def test_the_second_end_of_a_dash_range_shares_the_first_ends_name() -> None:
    assert [m.name for m in extract_metrics("首付比例为20%-30%。")] == ["首付比例", "首付比例"]
