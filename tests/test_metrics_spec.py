"""Metric extraction by the annotation guideline: its examples and hard negatives, as specs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.metrics import extract_metrics


def records(text: str) -> list[tuple[Decimal, str, str]]:
    return [(m.value, m.unit, m.qualifier) for m in extract_metrics(text)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("区政务服务中心进驻36个行政审批部门。", [("36", "个", "exact")]),
        ("全年服务群众21763人次。", [("21763", "人次", "exact")]),
        ("事项进驻率达96.7%。", [("96.7", "%", "exact")]),
        ("办结率99.8%，同比增长101.04%。", [("99.8", "%", "exact"), ("101.04", "%", "exact")]),
        ("代替现金保证金约5亿元。", [("500000000", "元", "about")]),
        ("总话务量约30万宗。", [("300000", "宗", "about")]),
        ("综合得分89.60分。", [("89.60", "分", "exact")]),
        ("骨干网扩容升级至40G。", [("40", "G", "exact")]),
        ("办公面积不到1000平方米。", [("1000", "平方米", "under")]),
        ("实名认证账号近6万个。", [("60000", "个", "about")]),
        ("刻制印章1200多枚。", [("1200", "枚", "over")]),
        ("参与活动60多人。", [("60", "人", "over")]),
        ("节约费用1225余万元。", [("12250000", "元", "over")]),
        ("全程网办事项达60%以上。", [("60", "%", "over")]),
        ("平均跑动次数压缩到0.5次以下。", [("0.5", "次", "under")]),
        ("共57个，其中市级17个、江城区1个。", [("57", "个", "exact"), ("17", "个", "exact"), ("1", "个", "exact")]),
        ("按六大模块建设。", [("6", "个", "exact")]),
        ("從如下五方面推進。", [("5", "个", "exact")]),
        ("受理業務超過1萬件。", [("10000", "件", "over")]),
        ("回落2.16和1.66个百分点。", [("2.16", "百分点", "exact"), ("1.66", "百分点", "exact")]),
        ("人次增加1.3倍。", [("1.3", "倍", "exact")]),
        ("医疗保健类价格上涨1·8%。", [("1.8", "%", "exact")]),
        ("人均GDP達3萬3,883美元。", [("33883", "美元", "exact")]),
        ("完成率达到百分之九十。", [("90", "%", "exact")]),
        ("寄送快递９８件。", [("98", "件", "exact")]),
    ],
)
def test_guideline_examples_are_extracted(sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert records(sentence) == [(Decimal(v), u, q) for v, u, q in expected]


def test_the_year_a_number_is_about_is_not_a_metric_of_its_own() -> None:
    assert records("2023年累计受理业务159524宗。") == [(Decimal("159524"), "宗", "exact")]


def test_one_value_for_two_indicators_gives_two_records() -> None:
    metrics = extract_metrics("学法考试参与率、合格率均达100%。")
    assert [(m.name, m.value, m.unit) for m in metrics] == [
        ("学法考试参与率", Decimal(100), "%"),
        ("合格率", Decimal(100), "%"),
    ]


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("力争全市网上可办率达到98%。", True),
        ("确保数据挂接率达到100%。", True),
        ("计划新增主题集成服务10项。", True),
        ("全年新增主题集成服务10项。", False),
        ("按照国务院办公厅要求，梳理上线11个一件事。", False),
    ],
)
def test_goals_plans_and_requirements_are_targets(sentence: str, target: bool) -> None:
    [metric] = extract_metrics(sentence)
    assert metric.target is target


def test_a_work_plan_states_targets_throughout() -> None:
    text = "2024年数据工作方案\n新增公交线路6条，优化公交线路9条。"
    assert [m.target for m in extract_metrics(text)] == [True, True]


def test_results_under_a_plan_heading_stay_results_once_a_results_heading_returns() -> None:
    text = "一、2024年工作计划\n新增公交线路6条。\n二、工作成效\n全年新增公交线路8条。"
    assert [m.target for m in extract_metrics(text)] == [True, False]


def test_names_are_the_indicator_words_without_achievement_verbs() -> None:
    [metric] = extract_metrics("事项进驻率达96.7%。")
    assert metric.name == "事项进驻率"


def test_a_short_clause_borrows_the_subject_of_the_one_before() -> None:
    names = [m.name for m in extract_metrics("猪肉产量2.11万吨，增长1.4%。")]
    assert names == ["猪肉产量", "猪肉产量增长"]


def test_traditional_text_gives_simplified_units_and_keeps_its_own_evidence() -> None:
    [metric] = extract_metrics("可辦理1406項事項。")
    assert (metric.value, metric.unit) == (Decimal(1406), "项")
    assert metric.evidence == "可辦理1406項事項。"


def test_offsets_point_at_the_number_and_its_unit() -> None:
    text = "全区共有企业3,210家。"
    [metric] = extract_metrics(text)
    assert text[metric.start : metric.end] == "3,210家"


def test_evidence_of_a_long_sentence_is_cut_to_a_window_around_the_number() -> None:
    text = "，".join(["推进政务服务标准化建设"] * 40) + "，全年受理业务159524宗，" + "，".join(["深化改革"] * 40) + "。"
    [metric] = extract_metrics(text)
    assert len(metric.evidence) <= 300 and "受理业务159524宗" in metric.evidence


@pytest.mark.parametrize(
    "text",
    ["", "没有数字的句子。", "“未闭合的引号（和括号《", "\x00\x01\ufffd乱码\ud7ff", "1234567890" * 100_000],
)
def test_bad_input_gives_an_empty_result(text: str) -> None:
    assert extract_metrics(text) == []
