"""Indicator names on whole pages: the noun phrase the number measures, by the guideline's rules
(subject + measure, no verbs of achievement; each level or place carried in the name), on invented sentences."""

from __future__ import annotations

import pytest

from pipelines.metrics import extract_metrics

POLICY = "关于印发某某区稳就业若干措施的通知"


def names(text: str, title: str = "") -> list[str]:
    return [m.name for m in extract_metrics(text, title=title)]


def test_a_bound_after_the_number_is_not_the_counted_noun() -> None:
    first, second = names("报名人员年龄在20周岁及以上、40周岁及以下。")
    assert "以上" not in first and "以下" not in first and "年龄" in first
    assert "以上" not in second and "以下" not in second


def test_a_duration_within_which_something_must_happen_is_named_as_that_deadline() -> None:
    [name] = names("承包人须在合同签订后15个工作日内进场施工。", POLICY)
    assert name.endswith("期限") and "进场施工" in name and "内" not in name


def test_of_two_joined_requirements_the_number_belongs_to_the_second() -> None:
    [name] = names("申请单位须具有相应资质且注册资本不低于2亿元人民币。", POLICY)
    assert name.startswith("注册资本") and "资质" not in name and "人民币" not in name


def test_a_rate_paid_by_a_standard_is_named_by_what_is_paid() -> None:
    [name] = names("对吸纳就业的企业，按800元/人的标准给予一次性吸纳就业补贴。", POLICY)
    assert name == "一次性吸纳就业补贴标准"


@pytest.mark.parametrize("per", ["按每人", "按每人每年", "按照每户"])
def test_a_sum_per_head_granted_without_the_word_standard_is_the_standard_of_what_it_pays(per: str) -> None:
    [name] = names(f"对吸纳就业的企业，{per}800元给予一次性吸纳就业补贴。", POLICY)
    assert name == "一次性吸纳就业补贴标准"


def test_a_condition_stated_with_a_number_stays_in_the_name_it_qualifies() -> None:
    metrics = extract_metrics("连续参保6个月的补贴300元/人，连续参保12个月的补贴600元/人。", title=POLICY)
    assert [m.name for m in metrics if m.unit == "元/人"] == ["连续参保6个月的补贴", "连续参保12个月的补贴"]


def test_a_running_total_word_is_not_part_of_the_name() -> None:
    assert names("新登记求职者计1,234人。") == ["新登记求职者"]


def test_each_coded_lot_of_a_notice_carries_its_code_in_the_name() -> None:
    text = (
        "一、出让地块的要求\n"
        "1、东区AB202201号地块竞得人须在签订合同后6个月内开工建设。\n"
        "2、西区CD202202号地块竞得人须在签订合同后9个月内开工建设。"
    )
    first, second = names(text, "某市国有建设用地使用权出让公告")
    assert "AB202201号" in first and "CD202202号" in second


def test_a_comparison_or_adjustment_verb_before_the_number_is_not_part_of_the_name() -> None:
    assert names("上传照片大小应小于200KB。", POLICY) == ["上传照片大小"]
    assert names("首套房贷款首付款比例下调至25%。", POLICY) == ["首套房贷款首付款比例"]


def test_items_listed_after_a_colon_borrow_the_words_that_introduce_the_list() -> None:
    got = names("取得等级证书的，按以下标准给予技能补贴：初级1000元、中级2000元，高级3000元。", POLICY)
    assert got == ["技能补贴初级", "技能补贴中级", "技能补贴高级"]


def test_a_rate_by_which_something_is_levied_is_named_by_what_is_levied() -> None:
    assert names("对符合条件的个人，减按1.5%的税率征收房产税。", POLICY) == ["房产税税率"]


def test_a_share_bounded_against_a_base_is_named_share_of_base() -> None:
    [name] = names("办公用房面积不得超过总建筑面积的15%。", POLICY)
    assert name == "办公用房面积占总建筑面积比例"


def test_an_approximate_quantity_earlier_in_the_clause_is_not_part_of_the_next_name() -> None:
    assert names("开展普法讲座20余场覆盖群众3000余人次。")[1] == "覆盖群众"


def test_a_source_phrase_or_a_preposition_opening_the_clause_is_not_part_of_the_name() -> None:
    assert names("据统计，投诉办结率98%。") == ["投诉办结率"]
    [name] = names("在新登记人员中，以青年480人居首。")
    assert "青年" in name and "以" not in name


def test_an_increase_keeps_its_verb_whole() -> None:
    assert names("全市登记人数较上年底增加1200人。") == ["全市登记人数较上年底增加"]


def test_a_period_counted_from_a_day_is_named_as_that_period() -> None:
    [name] = names("公示期为自本公告发布之日起5个工作日。", "某单位招聘公告")
    assert name.endswith("期限") or name.endswith("期")
    assert "之日起" not in name


def test_a_weight_in_a_formula_is_named_by_what_it_weighs() -> None:
    text = "综合成绩=笔试成绩×60%+面试成绩×40%。"
    assert names(text, "某单位招聘公告") == ["笔试成绩权重", "面试成绩权重"]


def test_a_closing_parenthesis_ends_the_words_before_the_name() -> None:
    text = "考生须在报名系统（系统网址及操作说明见本单位门户网站首页通知公告栏目近日发布的报名系统使用指南及常见问题解答）缴纳200元报名费。"
    assert names(text, "某单位招聘公告") == ["缴纳报名费"]


def test_a_second_figure_after_a_compound_numeral_shares_the_first_ones_words() -> None:
    got = names("全年发放交通补助2亿1,500万人次、9亿4,210万元。")
    assert got[0] == got[1] and "交通补助" in got[1]


def test_a_span_of_years_before_a_superlative_does_not_cut_the_name() -> None:
    [rate] = [m for m in extract_metrics("去年物价指数涨幅为1.2%，登记失业率为15年来新低之2.8%。") if m.unit == "%"][1:]
    assert "登记失业率" in rate.name and not rate.name.endswith("之")


def test_the_date_a_change_is_measured_against_stays_in_the_name() -> None:
    assert names("持证残疾人7.4千人，较2019年底增加0.8千人。")[1] == "较2019年底增加"


def test_a_floor_or_cap_a_rule_sets_is_named_as_the_indicators_bound() -> None:
    assert names("单笔贷款金额不超过50万元。", POLICY) == ["单笔贷款金额上限"]
    assert names("每个社区网格员不少于3名。", POLICY) == ["每个社区网格员下限"]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("每个社区网格员不应少于3名。", "每个社区网格员下限"),
        ("单笔贷款金额不能超过50万元。", "单笔贷款金额上限"),
        ("绿地率不应小于30%。", "绿地率下限"),
    ],
)
def test_a_bound_after_any_modal_not_is_named_as_the_indicators_bound(sentence: str, name: str) -> None:
    assert names(sentence, POLICY) == [name]


def test_an_approximate_goal_is_not_named_as_a_bound() -> None:
    assert names("力争全区科技型企业超过900家。") == ["全区科技型企业"]


def test_values_set_for_each_level_of_a_threshold_carry_the_level_in_their_names() -> None:
    text = "购买住房面积为120平方米及以下的，减按1%的税率征收契税；面积为120平方米以上的，减按2%的税率征收契税。"
    by_value = {m.value: m.name for m in extract_metrics(text, title=POLICY) if m.unit == "%"}
    assert by_value[1].startswith("120平方米及以下") and by_value[2].startswith("120平方米及以上")
    assert by_value[1].endswith("契税税率") and by_value[2].endswith("契税税率")


def test_a_qualifying_period_before_the_number_is_no_level_of_its_measure() -> None:
    [_, paid] = names("稳定就业6个月以上的，按500元/人的标准给予一次性补贴。", POLICY)
    assert "6个月" not in paid


def test_the_new_value_of_a_change_from_one_figure_to_another_is_named_by_its_subject() -> None:
    old, new = names("各类企业继续降低社保费率，医疗保险单位费率从9%降低到7%。")
    assert new == "医疗保险单位费率" and old.startswith("医疗保险单位费率")


def test_a_name_in_a_box_drawn_table_keeps_to_the_numbers_own_cell() -> None:
    [name] = names("│编号│建物门牌│ │三、保证金新台币：3,390,000元。")
    assert name.startswith("保证金") and "│" not in name


def test_a_bare_cap_on_a_period_is_the_period_of_the_sentences_subject() -> None:
    text = "创业补贴按实际缴纳的保险费给予全额补贴，不含个人缴纳部分，最长不超过2年。"
    [name] = names(text, POLICY)
    assert name.startswith("创业补贴期限")


def test_a_bare_cap_on_an_amount_caps_what_the_clause_before_grants() -> None:
    [*_, capped] = names("对吸纳就业的企业给予一次性奖补，最高不超过30万元。", POLICY)
    assert capped == "吸纳就业的企业一次性奖补上限"


def test_the_value_a_change_starts_from_is_named_by_its_subject_marked_before_the_change() -> None:
    old, new = names("医疗保险单位费率从9%降低到7%。", POLICY)
    assert (old, new) == ("医疗保险单位费率调整前", "医疗保险单位费率")


def test_adverbs_before_the_change_are_not_part_of_the_name() -> None:
    _, new = names("政府采购预留份额今年阶段性由30%提高至40%。", POLICY)
    assert new == "政府采购预留份额"


def test_a_change_to_a_ceiling_names_the_new_value_by_its_subject() -> None:
    _, new = names("中小微企业返还比例从60%最高提至90%。", POLICY)
    assert new == "中小微企业返还比例"


def test_an_adverb_of_rule_before_the_figure_is_not_part_of_the_name() -> None:
    [name] = names("办理用地预审实行即报即审，审批时限原则上不超过7个工作日。", POLICY)
    assert "原则上" not in name and "审批时限" in name


def test_rates_set_per_level_inside_one_clause_carry_their_level() -> None:
    text = "监管资金按面积留存：5万平方米（含）以下按300元/平方米、5万平方米以上按200元/平方米留存。"
    by_value = {m.value: m.name for m in extract_metrics(text, title=POLICY) if m.unit == "元/平方米"}
    assert by_value[300].startswith("5万平方米及以下") and by_value[200].startswith("5万平方米及以上")


def test_a_bare_cap_on_a_period_with_no_subject_before_it_is_still_read() -> None:
    """最长不超过3年 said alone (its subject in the sentence before): a record, not a crash."""
    assert [m.value for m in extract_metrics("最长不超过3年。", title=POLICY)] == [3]


def test_a_lot_named_as_an_exception_does_not_name_the_clauses_after_it() -> None:
    text = (
        "1、东区AB202201号地块竞得人须在签订合同后6个月内开工建设。\n"
        "2、本次出让的3宗地（不含西区CD202202号地块）竞得人须在签订合同后30日内付清价款。"
    )
    *_, last = names(text, POLICY)
    assert "CD202202号" not in last and "AB202201号" not in last


def test_a_condition_clause_before_the_number_scopes_the_name() -> None:
    [name] = names("凡在本市新购商品住房的，3年内不得转让。", POLICY)
    assert name.startswith("本市新购商品住房") and "不得转让" in name


def test_a_condition_that_is_itself_a_quantity_stays_out_of_the_name() -> None:
    *_, name = names("对参保满6个月以上的，按500元/人的标准给予一次性稳岗补贴。", POLICY)
    assert name == "一次性稳岗补贴标准"


def test_a_clause_naming_its_own_period_borrows_no_words() -> None:
    *_, name = names("余款可按合同约定分期缴纳，缴款期限最长不超过一年。", POLICY)
    assert name == "缴款期限"


def test_a_standard_paid_on_someones_behalf_is_named_by_what_is_paid() -> None:
    [name] = names("由县财政按200元/人/年的标准为其代缴城乡居民医疗保险费。", POLICY)
    assert name == "城乡居民医疗保险费标准"


def test_a_standard_granted_for_a_period_is_named_by_the_grant() -> None:
    rate, period = names("按600元/人/月的标准给予不超过6个月的生活补助。", POLICY)
    assert rate == "生活补助标准" and period == "生活补助期限"


def test_a_period_set_up_for_something_is_that_things_period() -> None:
    [name] = names("对困难企业设立3个月的缓缴期。", POLICY)
    assert name == "缓缴期"


def test_a_share_of_a_base_paid_back_is_the_payers_rate() -> None:
    [name] = names("小型企业按上年度实际缴纳税款的40%返还。", POLICY)
    assert name.startswith("小型企业") and name.endswith("返还比例")


def test_a_sum_fixed_as_a_share_of_a_base_is_named_as_that_share() -> None:
    [name] = names("投标人按不低于合同金额的10%确定履约保证金。", POLICY)
    assert name.startswith("履约保证金占合同金额比例")


def test_the_old_value_of_a_change_takes_the_texts_own_mark() -> None:
    old, new = names("定金比例由现行的10%提高到15%。", POLICY)
    assert old == "定金比例现行" and new == "定金比例"


def test_a_level_adjusted_against_a_base_is_named_by_what_was_adjusted() -> None:
    [name] = names("首套住房贷款利率下限调整为不低于基准利率加30个基点。", POLICY)
    assert name.endswith("贷款利率下限")


def test_the_second_of_two_joined_counts_shares_the_words_before_the_first() -> None:
    first, second = names("每个单位可申报3个重点项目和2个培育项目。")
    assert first.endswith("重点项目") and second == "每个单位可申报培育项目"


def test_a_share_of_a_base_that_holds_a_year_keeps_the_base() -> None:
    [name] = names("确定今年商品住宅用地价格涨幅控制目标为不超过2023年度平均成交价的10%。", POLICY)
    assert "价格涨幅控制目标" in name and name.endswith("平均成交价比例")


def test_the_result_of_a_worked_example_is_what_the_example_computes() -> None:
    *_, result = names("交通补助按月工资的10%发放（如月工资3000元*10%=300元/月）。", POLICY)
    assert result == "交通补助"


def test_a_standard_with_its_parts_in_parentheses_names_each_part() -> None:
    whole, town, village = names("按500元/户（城区400元/户、乡镇600元/户）标准发放取暖补贴。", POLICY)
    assert whole == "取暖补贴标准"
    assert town == "城区取暖补贴标准" and village == "乡镇取暖补贴标准"


def test_a_deadline_names_what_must_be_done_not_where() -> None:
    [name] = names("企业须在完成备案后10日内到市场监管部门申请办理变更登记。", POLICY)
    assert name.endswith("申请办理变更登记期限") and "部门" not in name


def test_a_measure_said_once_after_a_list_belongs_to_every_item() -> None:
    first, second = names("全年工业、农业产值分别达120亿元、30亿元。")
    assert first.endswith("工业产值") and second.endswith("农业产值")


def test_a_short_indicator_borrows_the_subject_before_the_sentences_verb() -> None:
    *_, rate = names("2023年，全市便民热线共受理来电42286件，办结42208件，办结率99.8%。")
    assert rate == "全市便民热线办结率"


def test_a_subject_that_is_only_a_place_gives_way_to_the_clauses_words() -> None:
    *_, rate = names("我区共受理涉企诉求工单320件，满意率98.5%。")
    assert rate.endswith("满意率") and rate != "我区满意率"


def test_a_share_of_a_base_that_something_may_be_done_to_is_named_by_the_action() -> None:
    [name] = names("企业新购进的研发设备，单位价值的60%可在当年一次性税前扣除。", POLICY)
    assert name == "当年一次性税前扣除比例"


def test_the_signs_of_a_formula_are_no_part_of_a_name() -> None:
    text = "交通补助按月工资标准的10%发放（2021年月工资标准3000元*10%=300元/月）。"
    assert not [name for name in names(text, POLICY) if set(name) & set("=*×+")]


def test_a_semicolon_inside_parentheses_does_not_end_the_sentence() -> None:
    metrics = extract_metrics(
        "见习补贴按当地标准的60%发放（城区为1200元/月；乡镇为900元/月），最长不超过6个月。",
        title=POLICY,
    )
    [cap] = [m for m in metrics if m.unit == "个月"]
    assert cap.name.startswith("见习补贴") and cap.evidence.startswith("见习补贴")


def test_a_name_cut_to_length_inside_a_modifier_starts_after_its_的() -> None:
    [name] = names("某某区第一中学和第二中学的新校区教学楼建设工程总投资约3亿元。")
    assert "的" not in name and name.endswith("总投资")


def test_a_verb_that_opens_a_list_is_no_part_of_the_name() -> None:
    [name] = names("某某区补助项目主要包括三类：种植补助、养殖补助和农机补助。")
    assert name.startswith("某某区补助项目") and "包括" not in name


def test_a_change_compared_with_last_year_names_the_indicator_it_changes() -> None:
    assert names("全年粮食总产量678.9万吨，比上年增产2.3%。")[1] == "粮食总产量比上年增产"
    assert names("年末常住人口1234万人，比上年末增加12万人。")[1] == "年末常住人口比上年末增加"


def test_a_change_borrows_past_a_clause_that_states_no_figure() -> None:
    assert names("全年地区生产总值1200亿元，按可比价格计算，同比增长5.1%。")[1] == "地区生产总值同比增长"


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("全年办理行政许可236项。", "办理行政许可"),
        ("农村居民人均12000元。", "农村居民人均"),
        ("通过集中采购节约860万元。", "集中采购节约"),
        ("全年供应3000吨。", "供应"),
        ("查处违法行为120起。", "查处违法行为"),
    ],
)
def test_a_trailing_filler_character_stays_where_it_closes_a_word(sentence: str, name: str) -> None:
    assert names(sentence) == [name]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("通过率95%。", "通过率"),
        ("共享数据1200条。", "共享数据"),
        ("目前在建项目12个。", "在建项目"),
        ("及时率98%。", "及时率"),
        ("对外贸易额120亿元。", "对外贸易额"),
    ],
)
def test_a_leading_filler_stays_where_it_opens_a_word(sentence: str, name: str) -> None:
    assert names(sentence) == [name]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("全市建成5G基站1200个。", "全市建成5G基站"),
        ("全市3D打印企业12家。", "全市3D打印企业"),
    ],
)
def test_digits_that_open_a_name_with_a_letter_stay_in_it(sentence: str, name: str) -> None:
    assert names(sentence) == [name]


def test_a_short_name_borrowing_a_subject_that_ends_with_it_does_not_say_it_twice() -> None:
    assert names("组织法治培训32场次，培训1800人次。")[1] == "组织法治培训"


def test_a_verb_of_having_leaves_the_name_whole() -> None:
    assert names("供应商须具有3年以上相关经验。", POLICY) == ["供应商相关经验"]


def test_a_slogans_inner_comma_is_no_list_of_items() -> None:
    [name] = names("开展“双随机、一公开”抽查68次。")
    assert "双随机" in name and "一公开" in name


def test_a_long_quotation_may_still_list_items() -> None:
    assert names("建设“民生服务专题、营商环境政策解读”两个专题。") == ["营商环境政策解读专题"]


def test_a_sibling_borrows_what_the_clause_before_counted_after_its_verb() -> None:
    assert names("今年全县共收到信访来件126件，办结118件。")[1] == "信访来件办结"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("全县2022年底登记在册的志愿者达1.2万人。", "登记在册的志愿者"),
        ("全市2023年度新增城镇就业岗位5600个。", "新增城镇就业岗位"),
    ],
)
def test_a_year_with_its_end_or_its_whole_is_one_date_left_out_of_the_name(text: str, name: str) -> None:
    assert names(text) == [name]


def test_a_borrowed_subject_does_not_start_inside_a_list_it_cuts() -> None:
    *_, last = names("该中心可提供交通、教育、文旅、住建等部门共计120项服务，全年服务企业850家。")
    assert "、" not in last and last.endswith("服务企业")


def test_figures_listed_after_a_bare_respectively_go_with_the_clauses_before_it_in_order() -> None:
    text = "全年签约项目46个，到位资金83亿元，分别比上年增长9.5%和12.1%。"
    changes = [m.name for m in extract_metrics(text) if m.unit == "%"]
    assert changes == ["签约项目比上年增长", "到位资金比上年增长"]


def test_subjects_listed_in_the_clause_of_respectively_are_its_own_and_one_character_stands_for_a_word() -> None:
    text = "工业企业中，大、中型企业利润分别增长8.2%和6.5%。"
    assert names(text) == ["大型企业利润增长", "中型企业利润增长"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("对入驻孵化基地企业给予房租补贴2万元。", "入驻孵化基地企业房租补贴"),
        ("对首次获评星级农家乐予以一次性奖励1万元。", "首次获评星级农家乐一次性奖励"),
        ("对省级示范性家庭农场分别给予一次性建设补助2万元。", "省级示范性家庭农场一次性建设补助"),
        ("对新认定的高新技术企业由区科技和工业信息化局一次性奖励20万元。", "新认定的高新技术企业一次性奖励"),
    ],
)
def test_the_verb_adverb_and_payer_of_a_grant_are_no_words_of_its_name(text: str, name: str) -> None:
    assert names(text, POLICY) == [name]


def test_a_name_cut_to_its_length_inside_a_preposition_phrase_starts_after_the_preposition() -> None:
    [name] = names("对评为优秀的家庭农场可一次性申领省级生态农场建设补助2万元。", POLICY)
    assert name == "一次性申领省级生态农场建设补助"


def test_levels_listed_before_as_many_figures_name_each_figure_by_its_own_level() -> None:
    text = "对获评一星、二星、三星的农家乐分别奖励1万元、2万元和3万元。"
    assert names(text, POLICY) == ["获评一星的农家乐奖励", "获评二星的农家乐奖励", "获评三星的农家乐奖励"]


@pytest.mark.parametrize(("levels", "first"), [("初级、中级、高级", "初级"), ("一等、二等、三等", "一等")])
def test_grades_and_prize_ranks_listed_before_as_many_figures_are_levels_too(levels: str, first: str) -> None:
    text = f"参加技能竞赛获得{levels}证书的，分别给予1000元、1500元、2000元补贴。"
    named = names(text, POLICY)
    assert len(named) == 3 and first in named[0] and all(level not in named[0] for level in levels.split("、")[1:])


def test_one_figure_after_a_list_of_levels_is_not_given_the_first_level() -> None:
    [name] = names("对获评省级、市级示范的农家乐奖励1万元。", POLICY)
    assert not name.startswith("获评省级")


def test_a_source_phrase_or_an_adverb_of_rule_opening_a_name_is_no_word_of_it() -> None:
    assert names("全年依法从财政专户中拨付救助金820万元。") == ["拨付救助金"]


def test_figures_listed_before_one_noun_all_count_that_noun() -> None:
    first, second = names("对认定的孵化基地一次性给予5万元、2万元运营补助。", POLICY)
    assert first.endswith("运营补助") and second.endswith("运营补助")


def test_levels_listed_in_a_condition_clause_name_each_listed_figure_by_its_own_level() -> None:
    text = "新评定为市级、区级示范家庭农场的，按规定分别一次性给予5万元、2万元建设补助。"
    first, second = names(text, POLICY)
    assert "市级示范家庭农场" in first and "区级" not in first
    assert "区级示范家庭农场" in second and "市级" not in second


def test_a_short_clause_that_borrowed_the_condition_clause_takes_the_condition_once() -> None:
    text = "认定为市级、区级示范家庭农场的，分别奖励5万元、2万元。"
    assert names(text, POLICY) == ["认定为市级示范家庭农场奖励", "认定为区级示范家庭农场奖励"]


@pytest.mark.parametrize(
    "text",
    [
        "对认定的孵化示范基地按每户2000元的标准给予一次性运营补助，最高不超过15万元。",
        "对认定的孵化示范基地给予一次性运营补助，最高15万元。",
    ],
)
def test_a_bare_cap_names_whom_the_grant_before_it_is_for_and_its_bound(text: str) -> None:
    assert names(text, POLICY)[-1] == "认定的孵化示范基地一次性运营补助上限"


def test_a_bare_caps_grant_clause_opening_on_its_basis_names_no_figure_of_the_basis() -> None:
    [*_, capped] = names("对首次创业的青年，按营业额的2%给予补助，最高不超过5万元。", POLICY)
    assert capped == "补助上限"


def test_a_share_stated_after_a_count_is_named_by_the_counted_subject_whatever_its_length() -> None:
    text = "全年受理诉求中，城乡建设类826件，占受理总量的12.4%；社会保障类731件，占受理总量的11.0%。"
    assert names(text)[1::2] == ["城乡建设类占受理总量", "社会保障类占受理总量"]


def test_a_borrowed_subject_cut_inside_a_modifier_starts_after_its_de() -> None:
    _, part = names("全区获得市级以上荣誉称号的返乡创业青年带头人共320人，其中女性96人。")
    assert part == "返乡创业青年带头人女性"


def test_a_name_cut_to_its_length_keeps_a_number_or_code_it_would_split() -> None:
    assert names("全区96128便民热线平台全年受理来电诉求5300件。") == ["96128便民热线平台全年受理来电诉求"]


@pytest.mark.parametrize("unit", ["亿千瓦时", "万千克", "千瓦时"])
def test_a_change_after_a_figure_whose_unit_opens_with_a_magnitude_character_is_named_by_its_indicator(
    unit: str,
) -> None:
    assert names(f"全年全社会用电量为312.5{unit}，增长6.8%。")[1] == "全社会用电量增长"


@pytest.mark.parametrize(
    "sentence",
    ["全市快递业务收入突破百亿元大关。", "全市快递业务收入迈上百亿元新台阶。", "全市快递业务收入跨越百亿元关口。"],
)
def test_a_milestone_a_figure_passes_is_no_word_of_its_name(sentence: str) -> None:
    assert names(sentence) == ["全市快递业务收入"]


def test_a_later_item_of_a_breakdown_is_named_by_the_total_not_by_the_item_before_it() -> None:
    text = "全年货物进出口总额达到1.2万亿元，其中出口7680亿元，进口4320亿元。"
    assert names(text)[1:] == ["货物进出口总额出口", "货物进出口总额进口"]


def test_each_part_of_a_breakdown_by_place_counts_what_the_total_counts() -> None:
    text = "全市共将80个审批事项下放至镇街，其中北山镇6个，南湖镇9个。"
    assert names(text)[1:] == ["北山镇审批事项下放", "南湖镇审批事项下放"]


def test_a_borrowed_name_cut_to_its_length_does_not_open_on_the_second_half_of_yishang() -> None:
    assert names("全市规模以上工业综合能源消费量1250.3万吨标准煤，下降2.1%。")[1] == "工业综合能源消费量下降"


@pytest.mark.parametrize("verb", ["提升至", "上升到", "增加到", "下降至", "扩大到"])
def test_the_verb_by_which_a_figure_reached_its_level_is_no_word_of_its_name(verb: str) -> None:
    assert names(f"全市即办件占比{verb}46.5%。") == ["全市即办件占比"]


def test_a_short_name_of_the_same_kind_as_the_clause_before_borrows_nothing_from_it() -> None:
    text = "稳岗返还比例，中小微企业由60%提高至90%，大型企业为30%。"
    assert names(text, POLICY)[-1] == "大型企业"


@pytest.mark.parametrize("change", ["较去年同期提升", "比上年下跌", "较上年同期缩减"])
def test_a_change_stated_alone_after_a_figure_is_named_by_the_figure_it_compares(change: str) -> None:
    assert names(f"全市网上可办率达到92.6%，{change}8.3个百分点。")[1] == f"全市网上可办率{change}"


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("力争年内新增市场主体5000户。", "新增市场主体"),
        ("投产后预计年产值可达9亿元。", "年产值"),
        ("下一步，我区将力争在年底前实现150个高频事项跨省通办。", "高频事项跨省通办"),  # cut to its length first
    ],
)
def test_a_time_phrase_opening_a_name_is_no_word_of_it(sentence: str, name: str) -> None:
    assert names(sentence)[0] == name


def test_figures_after_fenbie_sharing_one_unit_go_with_the_clauses_before_in_order() -> None:
    text = "全市义务教育巩固率达99.8%，高中阶段毛入学率达96.5%，分别比上年提高0.1和1.2个百分点。"
    assert names(text)[2:] == ["全市义务教育巩固率比上年提高", "高中阶段毛入学率比上年提高"]


def test_short_items_listed_before_a_long_one_share_the_words_it_goes_on_with() -> None:
    text = "全年城镇、农村居民人均可支配收入分别为52000元和28000元。"
    assert names(text) == ["城镇居民人均可支配收入", "农村居民人均可支配收入"]


def test_a_short_name_that_is_a_verb_of_doing_with_its_object_borrows_no_subject() -> None:
    assert names("全年改造老旧小区120个，新增托位2000个。")[1] == "新增托位"


def test_a_period_after_a_clause_that_only_grants_is_named_by_what_it_grants() -> None:
    text = "对引进的博士研究生，给予每人每月3000元生活补贴，期限不超过3年。"
    assert names(text, POLICY)[-1] == "生活补贴期限"


def test_a_year_in_chinese_numerals_opening_a_name_is_no_word_of_it() -> None:
    assert names("二〇二三年本地生产总值实质增长百分之三点二。") == ["本地生产总值实质增长"]
