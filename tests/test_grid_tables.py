"""A table whose header takes several rows (a group over its columns) and whose rows are labelled by
several cells is read on its grid: each figure named by its row's labels and its column's headers.

The table is written as the reader writes it (tests/test_table_grid.py): a row a line, tab-separated
cells, a blank cell in each place a merged cell covers. Its shape is the one every 政府信息公开
annual report uses; its figures are invented."""

from __future__ import annotations

from decimal import Decimal

from pipelines.metrics import extract_metrics

APPLICATIONS = "\n".join(
    [
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\t\t\t\t",
        "\t\t\t自然人\t法人或其他组织\t\t总计",
        "\t\t\t\t商业企业\t科研机构\t",
        "一、本年新收政府信息公开申请数量\t\t\t14\t3\t1\t18",
        "三、本年度办理结果\t（一）予以公开\t\t9\t2\t0\t11",
        "\t（三）不予公开\t1.属于国家秘密\t2\t0\t0\t2",
        "四、结转下年度继续办理\t\t\t3\t1\t1\t5",
    ]
)


def _named() -> dict[str, tuple[Decimal, str]]:
    return {m.name: (m.value, m.unit) for m in extract_metrics(APPLICATIONS)}


def test_each_cell_is_named_by_its_row_label_and_its_columns_lowest_headers() -> None:
    named = _named()
    assert named["本年新收政府信息公开申请数量自然人"] == (Decimal(14), "个")
    assert named["本年新收政府信息公开申请数量法人或其他组织商业企业"] == (Decimal(3), "个")
    assert named["本年新收政府信息公开申请数量总计"] == (Decimal(18), "个")


def test_a_row_label_merged_down_its_rows_names_each_of_them() -> None:
    named = _named()
    assert named["本年度办理结果予以公开自然人"][0] == Decimal(9)
    assert named["本年度办理结果不予公开属于国家秘密自然人"][0] == Decimal(2)


def test_a_row_label_merged_across_the_label_columns_is_the_rows_alone() -> None:
    assert _named()["结转下年度继续办理总计"][0] == Decimal(5)


def test_every_figure_of_the_table_is_read_once() -> None:
    assert len(extract_metrics(APPLICATIONS)) == 4 * 4
