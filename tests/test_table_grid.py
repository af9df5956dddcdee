"""Merged table cells leave blank cells in the places they cover, so every row has a cell per column."""

from __future__ import annotations

import lxml.html

from pipelines.article import extract_article
from pipelines.table_grid import expand_spans


def grid(html: str) -> list[list[str]]:
    root = lxml.html.fromstring(html)
    expand_spans(root)
    return [[(cell.text or "").strip() for cell in row] for row in root.iter("tr")]


def test_a_cell_spanning_columns_leaves_blank_cells_after_it() -> None:
    assert grid(
        "<table><tr><td colspan='3'>甲</td><td>乙</td></tr><tr><td>1</td><td>2</td><td>3</td><td>4</td></tr></table>"
    ) == [
        ["甲", "", "", "乙"],
        ["1", "2", "3", "4"],
    ]


def test_a_cell_spanning_rows_leaves_a_blank_cell_in_its_place_in_the_rows_below() -> None:
    html = "<table><tr><td rowspan='3'>甲</td><td>1</td><td rowspan='2'>乙</td></tr><tr><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>"
    assert grid(html) == [["甲", "1", "乙"], ["", "2", ""], ["", "3", "4"]]


def test_a_table_nested_in_a_cell_keeps_its_own_grid() -> None:
    html = (
        "<table><tr><td rowspan='2'>外<table><tr><td colspan='2'>内</td></tr><tr><td>5</td><td>6</td></tr></table></td>"
        "<td>1</td></tr><tr><td>2</td></tr></table>"
    )
    rows = grid(html)
    assert ["内", ""] in rows and ["5", "6"] in rows and ["", "2"] in rows


def test_the_page_text_of_a_table_with_merged_cells_keeps_a_cell_per_column_in_every_row() -> None:
    page = """<html><head><meta charset="utf-8"><title>某某局2023年政府信息公开工作年度报告</title></head><body>
<div class="content"><h1>某某局2023年政府信息公开工作年度报告</h1>
<p>全年主动公开政府信息1286条，其中通过政府网站公开1032条。</p>
<table border="1"><tr><td rowspan="2">信息内容</td><td colspan="2">本年处理情况</td></tr>
<tr><td>新收件数</td><td>办结件数</td></tr>
<tr><td>依申请公开</td><td>16</td><td>15</td></tr></table></div></body></html>"""
    rows = [line for line in extract_article(page).body.splitlines() if "\t" in line]
    assert [line.count("\t") for line in rows] == [2, 2, 2]
