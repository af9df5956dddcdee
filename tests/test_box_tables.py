"""Tables drawn with box characters are read by column: each figure named by its row key and column
header, with the unit its header gives.

Text-mode pages draw such tables in a <pre> block; the page reader keeps the lines but squeezes runs
of spaces, as these invented tables are written (the box characters keep their count).
"""

from __future__ import annotations

from decimal import Decimal

from pipelines.metrics import Metric, extract_metrics

# A header split into sub-columns (房地坐落 over 门牌 / 地号), a unit stacked under its header (面积 /
# 平方米), a unit in a parenthesis (人民币元), serial numbers, and a note spanning the whole table.
LAND = "\n".join(
    [
        "现将拍卖地块情况公布如下：",
        "┌──┬────────┬────┬──────┐",
        "│序│ 房地坐落 │面 积 │ 起拍价格 │",
        "│ ├────┬───┤ │ │",
        "│号│门牌 │地号 │平方米 │ (人民币元) │",
        "├──┼────┼───┼────┼──────┤",
        "│1 │幸福路8号3层 │45 │512 │880,000元 │",
        "├──┼────┼───┼────┼──────┤",
        "│2 │建设路2号 │12-3 │230.5 │410,000元 │",
        "├──┴────┴───┴────┴──────┤",
        "│备注：两宗地块合计面积742.5平方米 │",
        "└───────────────────────┘",
    ]
)

# A header over two sub-columns carrying the unit of both, rows keyed by a 建号 column and continued
# over several lines until the next rule.
BUILDINGS = "\n".join(
    [
        "┌──┬────┬────────────┐",
        "│编│建号│建筑面积（平方米）│",
        "│ │ ├──────┬─────┤",
        "│号│ │主建物 │附属建物 │",
        "├──┼────┼──────┼─────┤",
        "│1 │4821│七层：91.5 │阳台9.6、 │",
        "│ │ │合计：91.5 │露台16.2 │",
        "├──┼────┼──────┼─────┤",
        "│2 │4836│八层：88 │雨遮0.5 │",
        "└──┴────┴──────┴─────┘",
    ]
)


def _by_value(text: str) -> dict[Decimal, Metric]:
    return {m.value: m for m in extract_metrics(text)}


def test_a_figure_without_unit_takes_the_unit_stacked_under_its_header() -> None:
    found = _by_value(LAND)[Decimal(512)]
    assert (found.unit, found.name) == ("平方米", "面积")


def test_a_figure_is_named_by_its_column_not_by_the_cells_beside_it() -> None:
    assert _by_value(LAND)[Decimal(410000)].name == "起拍价格"


def test_figures_of_an_identifier_column_are_no_metrics() -> None:
    values = _by_value(LAND)  # 3层 of an address, 45 of a lot number, 1 of a serial number
    assert Decimal(3) not in values and Decimal(45) not in values and Decimal(1) not in values


def test_a_note_spanning_the_columns_is_left_to_the_running_text() -> None:
    found = _by_value(LAND)[Decimal("742.5")]
    assert "起拍价格" not in found.name and "地号" not in found.name


def test_a_header_over_two_sub_columns_gives_both_its_unit() -> None:
    values = _by_value(BUILDINGS)
    assert values[Decimal("9.6")].unit == values[Decimal(88)].unit == "平方米"


def test_the_words_before_a_figure_in_its_cell_name_it() -> None:
    names = {m.name for m in extract_metrics(BUILDINGS)}
    assert "4821建号七层建筑面积主建物" in names and "4821建号阳台建筑面积附属建物" in names


def test_a_row_continued_over_several_lines_keeps_its_key() -> None:
    assert _by_value(BUILDINGS)[Decimal("16.2")].name == "4821建号露台建筑面积附属建物"


def test_the_evidence_of_a_figure_is_its_own_line() -> None:
    evidence = _by_value(BUILDINGS)[Decimal("16.2")].evidence
    assert "露台16.2" in evidence and "七层" not in evidence


def test_serial_numbers_name_no_row() -> None:
    assert _by_value(BUILDINGS)[Decimal("0.5")].name.startswith("4836建号")


def test_traditional_text_with_full_width_spaces_and_its_own_units_is_read_by_column() -> None:
    text = "\n".join(
        [
            "┌─┬─────┬───────┐",
            "│編│ 面　　積 │ 最低拍賣價格 │",
            "│ ├─────┤              │",
            "│號│ 平方公尺 │  (新臺幣元)  │",
            "├─┼─────┼───────┤",
            "│1 │356       │6,450,000元   │",
            "└─┴─────┴───────┘",
        ]
    )
    values = _by_value(text)
    assert (values[Decimal(356)].unit, values[Decimal(356)].name) == ("平方公尺", "面积")
    assert values[Decimal(6450000)].name == "最低拍卖价格"


def test_a_line_missing_a_vertical_ends_the_table() -> None:
    broken = LAND.replace("│512 │880,000元 │", "│512 880,000元 │")  # 512 would fall in the wrong column
    assert Decimal(512) not in _by_value(broken)
