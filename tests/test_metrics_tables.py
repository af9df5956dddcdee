"""Table cells are metrics named by their row and column, with the unit their column header gives.

The page reader writes a data table's row as one line of tab-separated cells (tests/test_reader_pages.py);
these tables are written that way by hand, with invented figures.
"""

from __future__ import annotations

from decimal import Decimal

from pipelines.metrics import extract_metrics

LAND = "\n".join(
    [
        "现将出让地块的基本情况公告如下：",
        "序号\t地块编号\t土地面积（亩）\t容积率\t参考地价(万元/亩)\t联系电话",
        "1\tQH2024-01号\t75.62\t≤2.2\t1850\t0571-12345678",
        "2\tQH2024-02号\t101\t≤2.5\t1820\t0571-12345679",
    ]
)


def _by_value() -> dict[Decimal, tuple[str, str, str]]:
    return {m.value: (m.unit, m.qualifier, m.name) for m in extract_metrics(LAND)}


def test_a_cell_figure_takes_the_unit_of_its_column_header() -> None:
    assert _by_value()[Decimal("75.62")][0] == "亩"


def test_the_magnitude_of_a_header_unit_is_applied() -> None:
    assert _by_value()[Decimal(18500000)][0] == "元/亩"


def test_a_cell_figure_is_named_by_its_row_key_and_its_column() -> None:
    assert _by_value()[Decimal("75.62")][2] == "QH2024-01号土地面积"


def test_a_bound_sign_in_a_cell_is_the_qualifier_of_a_unitless_ratio() -> None:
    assert _by_value()[Decimal("2.5")][:2] == ("", "under")


def test_identifier_columns_give_no_metrics() -> None:
    values = set(_by_value())
    assert Decimal(1) not in values and Decimal(2) not in values  # 序号
    assert not any(v > 10**8 for v in values)  # phone numbers


def test_a_unit_caption_above_the_table_applies_to_its_columns() -> None:
    text = "单位：万元\n项目名称\t预算金额\t执行金额\n道路维修\t120\t98.5\n绿化养护\t60\t57"
    found = {(m.value, m.unit) for m in extract_metrics(text)}
    assert {(Decimal(1200000), "元"), (Decimal(985000), "元"), (Decimal(600000), "元")} <= found


def test_rows_missing_merged_cells_on_the_left_are_aligned_right() -> None:
    text = "\n".join(
        [
            "出让方式\t序号\t地块编号\t土地面积（亩）",
            "拍卖\t1\tQH2024-01号\t75.62",
            "2\tQH2024-02号\t101",
        ]
    )
    named = {m.value: m.name for m in extract_metrics(text)}
    assert named[Decimal(101)] == "QH2024-02号土地面积"


def test_a_figure_with_its_own_unit_in_a_cell_is_named_by_row_and_column() -> None:
    text = "地块编号\t出让年限\t竞买保证金\nQH2024-01号\t居住70年\t1.5亿元\nQH2024-02号\t居住70年\t7亿元"
    names = [(m.value, m.unit, m.name) for m in extract_metrics(text)]
    assert (Decimal(700000000), "元", "QH2024-02号竞买保证金") in names
    assert (Decimal(70), "年", "QH2024-01号居住出让年限") in names


PARCELS = "\n".join(
    [
        "地块编号\t土地面积（亩）\t规划用途\t容积率",
        "QH2024-05号\t90.08\t居住67.49、幼儿园10.15、社区服务设施12.44\t地块3-1、3-2、3-4≤1.1；地块3-3≤0.8",
        "QH2024-06号\t50\t居住30、商业12（商住比2:1）\t≤2.0",
    ]
)


def test_parts_that_add_up_to_another_cell_take_its_unit_and_measure() -> None:
    found = {m.value: (m.unit, m.name) for m in extract_metrics(PARCELS)}
    assert found[Decimal("67.49")] == ("亩", "QH2024-05号居住土地面积")
    assert found[Decimal("12.44")][0] == "亩"


def test_numbers_of_a_unitless_cell_that_do_not_add_up_stay_unread() -> None:
    """居住30、商业12 beside 50 亩: not a breakdown of it, so neither part is read as an area."""
    values = {m.value for m in extract_metrics(PARCELS)}
    assert not values & {Decimal(30), Decimal(12)}


def test_numbers_joined_by_a_hyphen_in_a_cell_are_labels_not_values() -> None:
    found = [(m.value, m.qualifier) for m in extract_metrics(PARCELS) if "容积率" in m.name]
    assert sorted(found) == [(Decimal("0.8"), "under"), (Decimal("1.1"), "under"), (Decimal("2.0"), "under")]


AWARD = "\n".join(
    [
        "三、中标信息",
        "供应商名称\t供应商地址\t统一社会信用代码",
        "青禾某某科技有限公司\t青禾县城关镇河西村3组\t91330100MA0000000X",
        "四、主要标的信息",
        "货物",
        "供应商名称\t货物名称\t数量\t单价\t中标金额\t下浮率\t优惠价",
        "青禾某某科技有限公司\t台式计算机\t120\t4500.00\t540000\t\t",
    ]
)


def test_a_new_header_row_after_a_heading_line_starts_the_next_table() -> None:
    names = {m.value: m.name for m in extract_metrics(AWARD)}
    assert names[Decimal(540000)] == "青禾某某科技有限公司中标金额"


def test_an_amount_or_price_column_is_in_yuan_and_a_quantity_column_counts_items() -> None:
    found = {m.value: m.unit for m in extract_metrics(AWARD)}
    assert (found[Decimal(4500)], found[Decimal(540000)], found[Decimal(120)]) == ("元", "元", "个")


def test_empty_cells_at_the_end_of_a_row_keep_its_figures_under_their_columns() -> None:
    """Blank 下浮率 and 优惠价 cells: the row has as many cells as the header, nothing shifts right."""
    names = {m.value: m.name for m in extract_metrics(AWARD)}
    assert names[Decimal(4500)] == "青禾某某科技有限公司单价"


def test_figures_in_an_address_column_are_no_metrics() -> None:
    assert Decimal(3) not in {m.value for m in extract_metrics(AWARD)}


DISCLOSURE = "\n".join(
    [
        "二、主动公开政府信息情况",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "行政规范性文件\t17\t4\t52",
    ]
)


def test_a_count_column_that_names_its_measure_word_is_in_that_word() -> None:
    found = {m.value: (m.unit, m.name) for m in extract_metrics(DISCLOSURE)}
    assert found[Decimal(17)] == ("件", "行政规范性文件本年制发件数")
    assert found[Decimal(52)] == ("件", "行政规范性文件现行有效件数")
