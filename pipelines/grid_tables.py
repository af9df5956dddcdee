"""Tables with a header of several rows and rows labelled by several cells, read on their grid.

The 信息公开 annual report every agency publishes has one: 申请人情况 over 自然人 and 法人或其他组织,
the latter over 商业企业, 科研机构 …; rows 三、本年度办理结果 › （二）部分公开. The reader writes such a
table on its grid (pipelines/table_grid.py): a merged cell leaves blank cells in the places it
covers, so every row has one cell per column. A blank cell of a header or a row label is then the
merged cell's: the one above when that one reaches down (its own text, or itself taken from above),
else the one to its left. Each figure is named by its row's labels and its column's lowest two
header levels (a group over every figure column, 申请人情况, names nothing); its unit is its column's
or its row's, else 个 (the guideline's unit for a count with no measure word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.metric_tables import ID_COLUMN, Cell, Column, TableFigure, header_column, line_cells
from pipelines.numbers import parse_number

_FIGURE_CELL = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
_MIN_WIDTH = 3
_MAX_NAME = 40


@dataclass(frozen=True, slots=True)
class _Place:
    text: str
    reaches_down: bool  # its own text, or taken from the cell above: a cell below may take it


def grid_runs(norm: str) -> list[list[list[Cell]]]:
    """Runs of two or more tab lines with as many cells each (blank cells kept): tables on their grid."""
    runs: list[list[list[Cell]]] = []
    current: list[list[Cell]] = []
    offset = 0
    for line in norm.split("\n"):
        if "\t" in line:
            cells = line_cells(line, offset)
            if current and len(cells) != len(current[0]):
                runs.append(current)
                current = []
            current.append(cells)
        elif current:
            runs.append(current)
            current = []
        offset += len(line) + 1
    if current:
        runs.append(current)
    return [run for run in runs if len(run) >= 2 and len(run[0]) >= _MIN_WIDTH]


def _filled(rows: list[list[Cell]], columns: range, *, labels: bool) -> list[list[str]]:
    """The texts of `columns` of each row with every blank taken from its merged cell. In a row's
    labels a blank right of the row's own label is that label's (四、结转下年度继续办理 across three
    columns); blanks before it come from above (三、本年度办理结果 down its rows)."""
    filled: list[list[_Place]] = []
    for row in rows:
        places: list[_Place] = []
        own_seen = False
        for j in columns:
            text = row[j].text
            above = filled[-1][j - columns.start] if filled else None
            if text:
                places.append(_Place(text, True))
                own_seen = True
            elif above is not None and above.reaches_down and above.text and not (labels and own_seen):
                places.append(_Place(above.text, True))
            else:
                places.append(_Place(places[-1].text if places else "", False))
        filled.append(places)
    return [[place.text for place in places] for places in filled]


def _distinct(texts: list[str]) -> list[str]:
    out: list[str] = []
    for text in texts:
        if text and (not out or out[-1] != text):
            out.append(text)
    return out


def _column(header_texts: list[list[str]], j: int, table_wide: set[str]) -> Column:
    """Column `j` by its lowest two header levels (a group over every figure column names nothing)."""
    levels = [t for t in _distinct([texts[j] for texts in header_texts]) if t not in table_wide]
    return header_column("".join(levels[-2:]), None)


def grid_figures(norm: str, taken: set[int]) -> tuple[list[TableFigure], list[tuple[int, int]]]:
    """The figures of tables whose header takes two rows or more, and the spans of those tables (the
    reader of one header row leaves them alone)."""
    found: list[TableFigure] = []
    read: list[tuple[int, int]] = []
    for rows in grid_runs(norm):
        width = len(rows[0])
        figure = [[bool(_FIGURE_CELL.fullmatch(cell.text)) for cell in row] for row in rows]
        headers = next((i for i, flags in enumerate(figure) if any(flags)), len(rows))
        if headers < 2 or headers == len(rows):
            continue
        figure_columns = sorted({j for flags in figure[headers:] for j, flag in enumerate(flags) if flag})
        first = figure_columns[0]
        if first == 0:
            continue  # no label to name a row by
        read.append((rows[0][0].start, rows[-1][-1].end))
        header_texts = _filled(rows[:headers], range(width), labels=False)
        labels = _filled(rows[headers:], range(first), labels=True)
        table_wide = {t for t in header_texts[0] if all(header_texts[0][j] == t for j in figure_columns)}
        columns = {j: _column(header_texts, j, table_wide) for j in figure_columns}
        for i, row in enumerate(rows[headers:]):
            key = "".join(_ENUMERATOR.sub("", text) for text in _distinct(labels[i]))
            row_unit = header_column(key, None).unit
            for j, column in columns.items():
                cell = row[j]
                if not figure[headers + i][j] or cell.start in taken or ID_COLUMN.search(column.label):
                    continue
                value = parse_number(cell.text.replace(",", ""))
                if value is None:
                    continue
                name = "".join((key + column.label).split())[:_MAX_NAME]
                unit = column.unit or row_unit or "个"
                found.append(
                    TableFigure(
                        cell.start, cell.end, value * column.scale, unit, "exact", name, row[0].start, row[-1].end
                    )
                )
    return found, read
