"""The guideline's "Settled cases" (../shared/spec/metrics-annotation.md), one test each, on invented sentences."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.metrics import Metric, extract_metrics


def records(text: str) -> list[tuple[Decimal, str, str]]:
    return [(m.value, m.unit, m.qualifier) for m in extract_metrics(text)]


def one(text: str) -> Metric:
    [metric] = extract_metrics(text)
    return metric


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("全市空气质量优良天数比例不低于95%。", "over"),
        ("每个社区配备网格员不少于3名。", "over"),
        ("至少建成5个示范点。", "over"),
        ("覆盖县级及以上医院20家及以上。", "over"),
        ("单笔贷款金额不超过50万元。", "under"),
        ("综合能耗不高于0.8吨标准煤。", "under"),
        ("每户最多补贴3万元。", "under"),
        ("办理时限压缩在5个工作日以内。", "under"),
        ("项目投资额1000万元及以下的由区级审批。", "under"),
        ("每次申请预售面积不得低于2万平方米。", "over"),
        ("每个社区配备网格员不应少于3名。", "over"),
        ("单笔贷款金额不得高于50万元。", "under"),
        ("年度地价涨幅不超过2023年度平均地价的8%。", "under"),
        ("综合能耗不能高于0.8吨标准煤。", "under"),
        ("配建停车位不少于每户1个。", "over"),
        ("生活补贴不超过每人每年5000元。", "under"),
    ],
)
def test_bounds_a_leading_bu_flips_the_comparison(sentence: str, qualifier: str) -> None:
    assert one(sentence).qualifier == qualifier


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("活动惠及十余万人。", "100000", "人"),
        ("共投入资金一千多万元。", "10000000", "元"),
        ("全年受益二十几万人次。", "200000", "人次"),
        ("热线接听来电48万余通。", "480000", "通"),
        ("累计发放补贴500余万元。", "5000000", "元"),
        ("全区共有养殖户三百余户。", "300", "户"),
    ],
)
def test_approximate_chinese_numerals_keep_their_magnitude_and_are_over(sentence: str, value: str, unit: str) -> None:
    assert records(sentence) == [(Decimal(value), unit, "over")]


@pytest.mark.parametrize(
    ("sentence", "ends", "unit"),
    [
        ("每个村配备一两台设备。", ("1", "2"), "台"),
        ("整改周期为三四个月。", ("3", "4"), "个月"),
        ("每户补助两三千元。", ("2000", "3000"), "元"),
    ],
)
def test_colloquial_ranges_give_both_ends_never_the_digits_run_together(
    sentence: str, ends: tuple[str, str], unit: str
) -> None:
    assert [(m.value, m.unit) for m in extract_metrics(sentence)] == [(Decimal(e), unit) for e in ends]


@pytest.mark.parametrize(
    "sentence",
    [
        "七里河村新建文化广场。",
        "三里屯街道开展志愿服务活动。",
        "长三角三省一市签署合作协议。",
        "全区经济增速领跑四区三县。",
        "综合排名位列全省第二。",
        "成功创建5A级旅游景区。",
        "辖区内有三甲医院。",
    ],
)
def test_numerals_inside_names_and_rankings_are_not_metrics(sentence: str) -> None:
    assert extract_metrics(sentence) == []


def test_a_parenthesis_restating_the_bound_is_one_record_not_two() -> None:
    assert records("单笔贷款金额不超过50万元（含50万元）。") == [(Decimal(500000), "元", "under")]


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("新增光伏装机容量120千瓦。", "120", "千瓦"),
        ("新建改建农村公路35千米。", "35", "千米"),
        ("全年售电量300万度。", "3000000", "度"),
        ("外销水果8万箱。", "80000", "箱"),
        ("人均补助标准为600元/人。", "600", "元/人"),
        ("细颗粒物平均浓度为28微克/立方米。", "28", "微克/立方米"),
        ("综合能耗下降至1.2万吨标准煤。", "12000", "吨标准煤"),
        ("日均气温为25℃。", "25", "℃"),
    ],
)
def test_units_keep_their_own_magnitude_character_and_compound_units_stay_whole(
    sentence: str, value: str, unit: str
) -> None:
    metric = one(sentence)
    assert (metric.value, metric.unit) == (Decimal(value), unit)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("2025年重点项目投资计划\n全年计划投资12亿元。\n一季度实际完成投资7.6亿元。", [True, False]),
        ("2024年工作总结\n全年受理业务1.2万件。\n预计明年受理量达到1.5万件。", [False, True]),
    ],
)
def test_target_follows_the_sentences_own_verbs_not_the_document(text: str, target: list[bool]) -> None:
    assert [m.target for m in extract_metrics(text)] == target


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("为确保汛期安全，区水务部门增派巡查车辆12台。", False),
        ("为方便老人办事,让群众就近即可享受服务,各街道增设代办点40个。", False),
        ("为确保年度任务完成，力争新增城镇就业5000人。", True),
        ("为企业确保用工稳定，发放稳岗补贴300万元。", False),
        # a clause that works around a goal names the goal its sentence serves
        ("今年以来，全区紧紧围绕年度目标任务，扎实推进各项工作，全年受理政务服务事项8642件。", False),
        ("聚焦“双碳”目标，全市新建公共充电桩1200个。", False),
        ("紧扣全年目标，力争新增市场主体5000户。", True),
    ],
)
def test_a_goal_word_in_a_clause_of_aim_is_the_aims_not_the_figures(sentence: str, target: bool) -> None:
    assert one(sentence).target is target


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("截至2023年底，全区累计建成5G基站1200个。", False),
        ("截止到2023年6月，热线受理来电8.6万件。", False),
        ("到2025年，全区5G基站达到2000个。", True),
    ],
)
def test_a_date_a_count_is_made_as_of_is_no_deadline(sentence: str, target: bool) -> None:
    assert one(sentence).target is target


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("围绕有关要求查漏补缺，全年新建制度9项。", False),
        ("围绕上级部门的要求，全年开展专项检查8次。", False),
        ("要求各镇街在10个工作日内完成整改。", True),
        # the guideline's own cue: the requirement a figure is to reach
        ("各镇街网上可办率达到100%的要求。", True),
        ("各镇街网上可办率达到95%以上的要求。", True),
    ],
)
def test_requirements_named_as_a_noun_are_no_demand_of_the_sentence(sentence: str, target: bool) -> None:
    assert one(sentence).target is target


def test_a_goal_cue_in_the_clause_after_a_figure_is_the_later_figures_not_its() -> None:
    area, output = extract_metrics("该园区占地面积约80亩，建成后预计年产值可达9亿元。")
    assert (area.target, output.target) == (False, True)


def test_a_figure_inside_a_requirement_being_carried_out_is_what_it_sets() -> None:
    assert one("严格落实投诉类来电48小时内上门回访并书面反馈处理结果要求。").target


def test_a_long_requirement_carried_out_in_an_earlier_clause_makes_no_later_figure_a_target() -> None:
    metrics = extract_metrics(
        "严格落实咨询类来电当场答复、投诉类来电限时上门回访并书面反馈要求，全年回访群众3200人次。"
    )
    assert [(m.unit, m.target) for m in metrics] == [("人次", False)]


def test_each_level_of_one_indicator_carries_its_level_in_the_name() -> None:
    names = [m.name for m in extract_metrics("网上办理率市级事项达83.4%，县级事项达92.1%。")]
    assert len(names) == 2 and names[0] != names[1]
    assert "市级" in names[0] and "县级" in names[1]


@pytest.mark.parametrize(
    "sentence",
    [
        "住房公积金贷款最高额度为60万元。",
        "购房补贴标准为每平方米150元。",
        "申请人须在本市连续缴存满2年。",
    ],
)
def test_figures_a_policy_document_imposes_are_targets(sentence: str) -> None:
    assert one(sentence).target


def test_a_rate_adjusted_from_old_to_new_gives_the_old_as_result_and_the_new_as_target() -> None:
    old, new = extract_metrics("首付款比例由30%调整为20%。")
    assert (old.value, old.target) == (Decimal(30), False)
    assert (new.value, new.target) == (Decimal(20), True)


@pytest.mark.parametrize("changed", ["由30%调整为20%", "由30%调整到20%", "从30%下调至20%", "由30%降低为20%"])
def test_the_new_value_of_a_changed_figure_is_named_by_what_changed(changed: str) -> None:
    old, new = extract_metrics(f"首付款比例{changed}。")
    assert (old.name, new.name) == ("首付款比例调整前", "首付款比例")


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("住房公积金贷款最高额度为60万元。", "exact"),
        ("每套住房最高可补贴7万元。", "under"),
        ("贷款期限最长不超过3年。", "under"),
        ("对企业给予一次性奖补，最高20万元。", "under"),
    ],
)
def test_zuigao_names_the_indicator_or_bounds_the_verb(sentence: str, qualifier: str) -> None:
    assert one(sentence).qualifier == qualifier


@pytest.mark.parametrize(
    ("sentence", "value"),
    [("单价：2.5万。", "25000"), ("中标金额：156000。", "156000"), ("中标金额：\n156000", "156000")],
)
def test_money_without_a_unit_word_after_a_price_label_takes_yuan(sentence: str, value: str) -> None:
    metric = one(sentence)
    assert (metric.value, metric.unit) == (Decimal(value), "元")


def test_a_heading_that_ends_on_a_price_word_makes_no_money_of_the_next_lines_numbering() -> None:
    assert extract_metrics("三、调整补助金额\n12. 我们将继续关注物价变化。") == []


def test_a_dash_range_gives_both_ends() -> None:
    assert [(m.value, m.unit) for m in extract_metrics("绿化覆盖率控制在50%-65%。")] == [
        (Decimal(50), "%"),
        (Decimal(65), "%"),
    ]


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("剩余价款须在合同签订后一年内付清。", "1", "年"),
        ("取得不动产权证满三年方可上市交易。", "3", "年"),
        ("每天提供半小时延时服务。", "0.5", "小时"),
        ("须在开工后1年半内竣工。", "1.5", "年"),
        ("公示期限不少于30日。", "30", "日"),
        ("结果在5个工作日内公布。", "5", "个工作日"),
        ("贷款利率加20个基点。", "20", "基点"),
        ("新增光伏装机7兆瓦。", "7", "兆瓦"),
        ("购房补贴100元/每平方米。", "100", "元/平方米"),
        ("总成交金额：294.8 万元。", "2948000", "元"),
        ("二孩家庭购房补贴不超过2万。", "20000", "元"),
        ("综合成绩＝笔试成绩×50%。", "50", "%"),
        ("组织法治培训32场次。", "32", "场次"),
        ("检查企业320家次。", "320", "家次"),
    ],
)
def test_durations_and_units_real_pages_write(sentence: str, value: str, unit: str) -> None:
    metric = one(sentence)
    assert (metric.value, metric.unit) == (Decimal(value), unit)


def test_an_index_level_is_counted_in_points() -> None:
    assert records("年末上证综指收于3200点。") == [(Decimal(3200), "点", "exact")]
    assert records("恒指全年冲破2万点。") == [(Decimal(20000), "点", "over")]
    assert one("恒指全年冲破2万点。").name == "恒指全年"


def test_a_point_after_a_bare_number_is_a_time_of_day() -> None:
    assert records("会议于上午8点召开，共20人参加。") == [(Decimal(20), "人", "exact")]


@pytest.mark.parametrize(
    "sentence", ["本通知自2024年3月1日起施行。", "非2024届毕业生不得报考。", "实施上半年工作计划。"]
)
def test_dates_years_and_periods_are_not_durations(sentence: str) -> None:
    assert extract_metrics(sentence) == []


def test_a_policy_documents_title_makes_its_figures_targets() -> None:
    body = "购买首套住房的家庭，首付款比例为20%。\n贷款期限为30年。"
    title = "青禾市人民政府办公室关于促进房地产市场平稳健康发展的通知"
    assert [m.target for m in extract_metrics(body, title=title)] == [True, True]


def test_a_reports_title_leaves_its_results_results() -> None:
    body = "全年新建保障性住房1200套。\n发放购房补贴3000万元。"
    assert [m.target for m in extract_metrics(body, title="青禾市2024年住房保障工作情况报告")] == [False, False]


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("自主招生计划数不超过全市普通高中招生计划总数的6%。", "under"),
        ("首次缴纳比例不得低于全部土地出让价款的50%。", "over"),
        ("首次缴纳比例不应少于全部土地出让价款的50%。", "over"),
        ("配建面积不能超过项目总建筑面积的10%。", "under"),
        ("分配到区的计划约占本校招生计划的30%。", "about"),
        ("商业用地面积≤20%。", "under"),
        ("对符合条件的企业最高给予150万元补助。", "under"),
        ("上传附件大小须小于300KB。", "under"),
    ],
)
def test_a_bound_reaches_over_the_noun_phrase_to_its_number(sentence: str, qualifier: str) -> None:
    assert one(sentence).qualifier == qualifier


def test_a_parenthesis_restating_a_floor_after_yishang_is_one_record() -> None:
    assert records("须拥有3个以上（含3个）同类项目业绩。") == [(Decimal(3), "个", "over")]


def test_an_award_announcement_reports_results_not_targets() -> None:
    body = "中标供应商：青禾科技有限公司\n中标金额：156000元。"
    assert [m.target for m in extract_metrics(body, title="青禾市政务服务中心设备采购项目中标公告")] == [False]


def test_a_period_counted_from_the_day_of_an_event_is_a_deadline_even_in_an_award_announcement() -> None:
    body = "中标金额：156000元。\n公示期：自公示发布之日起3个工作日。"
    metrics = extract_metrics(body, title="青禾市政务服务中心设备采购项目中标公告")
    assert [(m.unit, m.target) for m in metrics] == [("元", False), ("个工作日", True)]


@pytest.mark.parametrize(
    "sentence",
    [
        "二套住房商业性个人住房贷款最低首付款比例按规定执行。",
        "按计价格2002（1980）号文执行。",
        "供应商地址：青禾市经济开发区1 区9栋57号。",
        "共有份额为10000分之539。",
    ],
)
def test_ordinals_document_numbers_addresses_and_fractions_are_not_counts(sentence: str) -> None:
    assert extract_metrics(sentence) == []


def test_a_parenthesis_restating_a_duration_within_is_one_record() -> None:
    assert [(m.value, m.unit) for m in extract_metrics("季节性从业人员从业6个月内（含6个月）。")] == [
        (Decimal(6), "个月")
    ]


def test_the_size_of_the_land_a_notice_offers_is_a_fact_not_a_figure_it_imposes() -> None:
    text = "一、出让地块\n东区AB202201号地块，土地面积45.5亩，竞买保证金3000万元。\n竞得人须同步修建约20亩公共绿地。"
    metrics = extract_metrics(text, title="某市国有建设用地使用权出让公告")
    assert [(m.unit, m.target) for m in metrics] == [("亩", False), ("元", True), ("亩", True)]


def test_the_land_a_work_plan_means_to_plant_is_still_a_target() -> None:
    metrics = extract_metrics("全年新增造林面积1200亩。", title="某县2025年林业工作方案")
    assert [(m.unit, m.target) for m in metrics] == [("亩", True)]


def test_a_planned_road_bounding_a_lot_does_not_make_the_lots_size_a_target() -> None:
    metrics = extract_metrics("东至规划支路，土地面积45.5亩。", title="某市国有建设用地使用权出让公告")
    assert [(m.unit, m.target) for m in metrics] == [("亩", False)]


def test_a_rate_raised_from_old_to_new_gives_the_old_as_result_and_the_new_as_target() -> None:
    old, new = extract_metrics("培训补贴比例从40%最高提至70%。", title="关于印发某某区稳就业若干措施的通知")
    assert (old.value, old.target) == (Decimal(40), False)
    assert (new.value, new.target) == (Decimal(70), True)


def test_an_already_done_quantity_that_a_rule_is_based_on_does_not_make_the_rule_a_result() -> None:
    text = "对信用良好的企业，按已售出面积应缴存的保证金60%缴存。"
    assert [m.target for m in extract_metrics(text, title="某市商品房预售资金监管办法")] == [True]


def test_a_page_titled_as_a_policy_sets_its_figures() -> None:
    metrics = extract_metrics("生育三孩的家庭，公积金贷款额度上浮15%。", title="某市住房公积金贷款优惠政策")
    assert [m.target for m in metrics] == [True]


def test_a_parenthesis_excluding_the_bound_is_one_record_not_two() -> None:
    assert records("参会单位不足5家（不含5家）的，会议延期举行。") == [(Decimal(5), "家", "under")]


def test_the_last_day_is_which_day_not_how_many() -> None:
    assert records("报名最后一天系统访问量大，请提前报名。") == []


def test_a_rules_condition_worded_as_past_or_last_year_keeps_its_figure_a_target() -> None:
    body = "对已取得许可证的企业，按上年度实际缴纳税款的50%返还。"
    title = "青禾市人民政府关于印发支持中小企业发展若干措施的通知"
    assert [m.target for m in extract_metrics(body, title=title)] == [True]


def test_a_plan_sections_sentence_saying_what_was_done_stays_a_result() -> None:
    body = "下一步工作计划\n今年已建成便民服务站12个。"
    assert [m.target for m in extract_metrics(body)] == [False]


def test_a_magnitude_after_mei_is_the_base_of_a_rate_not_a_count() -> None:
    assert records("每千人口拥有执业医师3.2人。") == [(Decimal("3.2"), "人", "exact")]


def test_a_sentence_naming_a_plan_in_the_first_lines_is_no_plan_title() -> None:
    body = "按计划完成的污水处理项目已投入使用。\n全年新增企业1200家。"
    assert [m.target for m in extract_metrics(body) if m.unit == "家"] == [False]


def test_the_years_a_count_covers_are_no_figure_of_their_own() -> None:
    assert records("近5年累计投入资金12亿元。") == [(Decimal(1200000000), "元", "exact")]


@pytest.mark.parametrize("sentence", ["争取上级资金2.3亿元。", "争取到专项债券12亿元。"])
def test_funds_secured_from_above_are_a_result(sentence: str) -> None:
    assert one(sentence).target is False


def test_striving_for_a_figure_is_still_a_target() -> None:
    assert one("争取实现增长5%。").target is True


def test_a_sum_in_capital_numerals_is_money() -> None:
    assert records("投标保证金：人民币伍万元整。") == [(Decimal(50000), "元", "exact")]


def test_a_sum_with_jiao_or_fen_in_capitals_is_refused_rather_than_cut() -> None:
    assert records("报价为玖仟陆佰陆拾伍圆壹角捌分。") == []


def test_capital_numerals_in_words_are_no_figures() -> None:
    assert records("干部队伍人数120人。") == [(Decimal(120), "人", "exact")]


def test_a_number_after_the_yuan_sign_is_money() -> None:
    assert records("合同金额￥356,000.00。") == [(Decimal(356000), "元", "exact")]


@pytest.mark.parametrize(
    "sentence",
    ["中标金额：人民币壹佰贰拾万元整（¥1,200,000.00）。", "中标金额：1200000元（大写：壹佰贰拾万元整）。"],
)
def test_an_amount_restated_in_the_other_script_is_one_record(sentence: str) -> None:
    assert records(sentence) == [(Decimal(1200000), "元", "exact")]


@pytest.mark.parametrize("sentence", ["全年办理人大代表建议45件。", "共办理建议和提案120件。"])
def test_proposals_handled_are_counted_results(sentence: str) -> None:
    assert one(sentence).target is False


def test_a_proposal_of_a_figure_is_still_a_target() -> None:
    assert one("建议将补贴标准提高到每人500元。").target is True
