"""Tables in a report body: each figure named by its row and column, with the column's unit.

The page reader writes a data table's row as one line of tab-separated cells. A run of such
lines is a table; its first row, when it holds no bare figure, is the header. A column header
often carries the unit the cells leave out (土地面积（亩）, 参考地价(万元/亩), 单位：万元 above the
table), and the row's key cell (编号, 名称, 项目 …) says which thing the row is about. So a cell
figure is named `row key + words before it in the cell + column header`, takes the header's unit
(its magnitude applied: 1850 in a 万元/亩 column is 18500000 元/亩), and a ≤/≥ before it is a bound.
Rows with fewer cells than the header (cells merged across rows on the left) are aligned right.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipelines.numbers import parse_number

_HEADER_UNIT = re.compile(r"[（(]\s*(?:单位\s*[:：])?\s*([^（）()]{1,12}?)\s*[）)]")
_CAPTION_UNIT = re.compile(r"单位\s*[:：]\s*([^\s，。；,;]{1,10})")
_MAGNITUDES = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "千": Decimal(1000), "百": Decimal(100)}
KNOWN_UNITS = re.compile(
    r"^(?:元|亩|平方米|平方公里|公顷|立方米|米|公里|吨|千克|公斤|个|项|件|人|人次|户|家|套|栋|层|年|个月|月|天|日|小时|%|"
    r"元/亩|元/平方米|元/人|元/月|元/吨|元/套|元/户|平方米/人)\Z"
)
# Headers that say their unit by their word: a price or an amount is in 元, a head count in 人, a count
# that names its measure word (本年制发件数, 户数) in that word, a quantity of things with no measure
# word in 个 (the guideline's unit for a bare count).
_IMPLIED_UNIT = re.compile(
    r"(?:(?P<money>金额|单价|总价|价格|报价|价款|费用|预算)|(?P<people>人数)|(?P<counted>[件户次家项宗条所座台套])数|数量)\Z"
)
# Columns that hold identifiers, not quantities.
ID_COLUMN = re.compile(r"序号|编号|代码|电话|号码|日期|时间|年份|邮编|编码|证号|身份证|地址|住所")
# Headers of a row's key cell: what the row is about.
KEY_WORDS = (
    "编号", "名称", "品名", "品目", "项目", "地块", "宗地", "指标", "单位", "区域", "地区", "街道", "乡镇", "区县",
    "部门", "类别", "类型", "内容",
)  # fmt: skip
KEY_COLUMN = re.compile("|".join(KEY_WORDS))
# Headers that name a unitless measure (a ratio, a density, a coefficient): its figures are metrics.
_RATIO_COLUMN = re.compile(r"率|比|系数|密度|指数|倍数|得分|分值|评分")
_HYPHEN_CODE = re.compile(r"(?<![\d.])\d+(?:-\d+)+(?![\d.])")
_FIGURE = re.compile(r"(?P<bound>[≤≥<>＜＞]=?)?\s*(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?![\d.])")


@dataclass(frozen=True, slots=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class TableFigure:
    """A figure of a table cell: where it is, its value and unit by the column, its name by row and column."""

    start: int
    end: int
    value: Decimal
    unit: str
    qualifier: str
    name: str
    row_start: int
    row_end: int


@dataclass(frozen=True, slots=True)
class Column:
    label: str  # header words without the unit
    unit: str | None
    scale: Decimal


def line_cells(line: str, offset: int) -> list[Cell]:
    """The cells of a tab line starting at `offset` in the text; an empty cell keeps its place, so the
    columns stay aligned."""
    cells, at = [], offset
    for part in line.split("\t"):
        stripped = part.strip()
        lead = len(part) - len(part.lstrip()) if stripped else 0
        cells.append(Cell(at + lead, at + lead + len(stripped), stripped))
        at += len(part) + 1
    return cells


def table_rows(norm: str) -> list[list[list[Cell]]]:
    """Runs of two or more tab lines: tables as rows of cells (offsets into `norm`).

    A few short lines without a tab between rows (the single cells of rows whose other cells are
    merged from above) do not end the table; they are no row of it either.
    """
    tables: list[list[list[Cell]]] = []
    current: list[list[Cell]] = []
    gap = 0
    offset = 0
    for line in norm.split("\n"):
        if "\t" in line:
            cells = line_cells(line, offset)
            while cells and not cells[0].text:
                cells.pop(0)  # blank on the left: cells merged from the row above, aligned right below
            if cells and gap and current and _is_header(cells) and len(cells) != len(current[0]):
                if len(current) >= 2:  # a heading line, then a new header row: the next table
                    tables.append(current)
                current = []
            if cells:
                current.append(cells)
            gap = 0
        elif current:
            gap += 1
            if gap > 4 or len(line.strip()) > 40:
                if len(current) >= 2:
                    tables.append(current)
                current, gap = [], 0
        offset += len(line) + 1
    if len(current) >= 2:
        tables.append(current)
    return tables


def _known_unit(text: str) -> str | None:
    return text if KNOWN_UNITS.match(text) else None


def header_column(
    header: str,
    default_unit: tuple[str, Decimal] | None,
    unit_of: Callable[[str], str | None] = _known_unit,
) -> Column:
    """The column a header describes. `unit_of` reads a parenthesis as a unit (or None): box-drawn
    tables of other regions (pipelines/box_tables.py) write units the tab tables do not (平方公尺)."""
    compact = "".join(header.split())
    label = _HEADER_UNIT.sub("", compact)
    for found in _HEADER_UNIT.finditer(compact):  # 平均备案价格（毛坯）（元/平方米）: the parenthesis naming a unit
        unit_text, scale = _scaled(found.group(1))
        unit = unit_of(unit_text)
        if unit is not None:
            return Column(label, unit, scale)
    if default_unit is not None:
        return Column(label, default_unit[0], default_unit[1])
    implied = _IMPLIED_UNIT.search(label)
    if implied:
        unit = "元" if implied.group("money") else "人" if implied.group("people") else implied.group("counted") or "个"
        return Column(label, unit, Decimal(1))
    return Column(label, None, Decimal(1))


def caption_unit(norm: str, table_start: int) -> tuple[str, Decimal] | None:
    """单位：万元 on the line above a table applies to its columns that name no unit."""
    above = norm[max(0, norm.rfind("\n", 0, max(0, table_start - 1)) + 1) : table_start]
    found = _CAPTION_UNIT.search(above)
    if not found:
        return None
    unit, scale = _scaled(found.group(1))
    return (unit, scale) if KNOWN_UNITS.match(unit) else None


def _scaled(unit: str) -> tuple[str, Decimal]:
    """万元 is 元 at 10000: the unit without a leading magnitude, and the magnitude's scale."""
    if unit[:1] in _MAGNITUDES and len(unit) > 1:
        return unit[1:], _MAGNITUDES[unit[0]]
    return unit, Decimal(1)


def _is_header(row: list[Cell]) -> bool:
    return not any(re.fullmatch(r"[≤≥<>＜＞]?=?\s*\d+(?:\.\d+)?", cell.text) for cell in row)


def _outside(rows: list[list[Cell]], spans: Sequence[tuple[int, int]]) -> bool:
    return not any(lo <= rows[0][0].start < hi for lo, hi in spans)


def table_figures(norm: str, taken: set[int], read: Sequence[tuple[int, int]] = ()) -> list[TableFigure]:
    """Figures of table cells that the running-text reader did not take (`taken`: their start offsets),
    in tables outside the spans `read` (tables whose header takes several rows, pipelines/grid_tables.py)."""
    found: list[TableFigure] = []
    for rows in table_rows(norm):
        if not _is_header(rows[0]) or not _outside(rows, read):
            continue
        caption = caption_unit(norm, rows[0][0].start)
        columns = [header_column(cell.text, caption) for cell in rows[0]]
        for row in rows[1:]:
            if len(row) > len(columns) or (_is_header(row) and len(row) == len(columns)):
                continue
            shift = len(columns) - len(row)
            key = _row_key(row, columns, shift)
            row_start, row_end = row[0].start, row[-1].end
            for index, cell in enumerate(row):
                column = columns[index + shift]
                if cell is key or ID_COLUMN.search(column.label):
                    continue
                parts_only = False
                if column.unit is None and not _RATIO_COLUMN.search(column.label):
                    whole = _whole_of_breakdown(cell, row, columns, shift)
                    if whole is not None:
                        column, parts_only = whole, True
                found.extend(cell_figures(cell, column, key, taken, row_start, row_end, parts_only))
    return found


def _whole_of_breakdown(cell: Cell, row: list[Cell], columns: list[Column], shift: int) -> Column | None:
    """The column whose figure this cell breaks down into parts, when the parts add up to it.

    A unitless column often lists the parts of a neighbouring measure (规划用途: 居住67.49、商业20.53
    beside 土地面积（亩） 88.02): parts that sum to the single figure of a column with a unit are that
    measure, in its unit. Without the sum the cell's numbers are left alone (codes, counts of rooms).
    """
    parts = [Decimal(match.group("num").replace(",", "")) for match in _parts(cell.text)]
    if len(parts) < 2:
        return None
    total = sum(parts)
    for index, other in enumerate(row):
        column = columns[index + shift]
        if other is cell or column.unit is None or not re.fullmatch(r"\d+(?:\.\d+)?", other.text):
            continue
        if abs(Decimal(other.text) - total) <= Decimal("0.005") * len(parts):
            return column
    return None


def _parts(text: str) -> list[re.Match[str]]:
    """The figures of a breakdown: outside brackets (商住比1:1 in brackets qualifies a part) and not codes."""
    depth, outside = 0, []
    for char in text:
        if char in "（(":
            depth += 1
        outside.append(depth == 0)
        if char in "）)" and depth:
            depth -= 1
    return [match for match in _figures(text) if outside[match.start("num")]]


def _figures(text: str) -> list[re.Match[str]]:
    """The figures of a cell, without the whole numbers joined by hyphens (6-1, 6-2 in 地块6-1、6-2):
    those are labels, not quantities."""
    codes = [code.span() for code in _HYPHEN_CODE.finditer(text)]
    return [
        match
        for match in _FIGURE.finditer(text)
        if not any(lo <= match.start("num") and match.end("num") <= hi for lo, hi in codes)
    ]


def _row_key(row: list[Cell], columns: list[Column], shift: int) -> Cell | None:
    """The cell naming the row: under the most specific key header (编号 before 名称 before 项目 …)."""
    best: tuple[int, Cell] | None = None
    for index, cell in enumerate(row):
        found = KEY_COLUMN.search(columns[index + shift].label)
        if found and cell.text and not re.fullmatch(r"[\d.]+", cell.text):
            rank = KEY_WORDS.index(found.group(0))
            if best is None or rank < best[0]:
                best = (rank, cell)
    return best[1] if best else None


def cell_figures(
    cell: Cell,
    column: Column,
    key: Cell | None,
    taken: set[int],
    row_start: int,
    row_end: int,
    parts_only: bool = False,
) -> list[TableFigure]:
    """The cell's figures; `parts_only`: the cell breaks down another column's figure, read its parts only."""
    figures: list[TableFigure] = []
    for match in _parts(cell.text) if parts_only else _figures(cell.text):
        start = cell.start + match.start("num")
        if start in taken:
            continue
        after = cell.text[match.end() : match.end() + 1]
        if after and ((after.isalpha() and not after.isascii()) or after in "%％"):
            continue  # a unit follows: the running-text reader read (or rejected) it
        if column.unit is None and not _RATIO_COLUMN.search(column.label):
            continue
        value = parse_number(match.group("num").replace(",", ""))
        if value is None:
            continue
        bound = match.group("bound") or ""
        qualifier = "under" if bound[:1] in "≤<＜" and bound else "over" if bound else "exact"
        words = re.sub(r"[\d.,，、；;：:（）()≤≥<>＜＞=\s]+\Z", "", cell.text[: match.start()])
        words = re.split(r"[、；;，,]", words)[-1] if words else ""
        name = (key.text if key else "") + words + column.label
        figures.append(
            TableFigure(
                start,
                cell.start + match.end("num"),
                value * column.scale,
                column.unit or "",
                qualifier,
                "".join(name.split())[:40],
                row_start,
                row_end,
            )
        )
    return figures


def cell_names(
    norm: str, starts: Sequence[int], read: Sequence[tuple[int, int]] = ()
) -> dict[int, tuple[str, int, int] | None]:
    """(name, row start, row end) by row key and column for figures the running-text reader found in
    a table's cells (`starts`: their offsets); the same header and key reading as `table_figures`.
    None for a figure in an identifier column (地址, 编号 …): part of a label, not a quantity."""
    ordered = sorted(starts)
    found: dict[int, tuple[str, int, int] | None] = {}
    for rows in table_rows(norm):
        if not _is_header(rows[0]) or not _outside(rows, read):
            continue
        columns = [header_column(cell.text, None) for cell in rows[0]]
        for row in rows[1:]:
            if len(row) > len(columns):
                continue
            shift = len(columns) - len(row)
            key = _row_key(row, columns, shift)
            for index, cell in enumerate(row):
                for start in starts_within(ordered, cell):
                    if start in found:
                        continue
                    label = columns[index + shift].label
                    if ID_COLUMN.search(label):
                        found[start] = None
                        continue
                    found[start] = (cell_name(norm, cell, start, key, label), row[0].start, row[-1].end)
    return found


def starts_within(ordered: Sequence[int], cell: Cell) -> Sequence[int]:
    """The offsets of `ordered` (sorted) that fall inside the cell."""
    return ordered[bisect_left(ordered, cell.start) : bisect_left(ordered, cell.end)]


def cell_name(norm: str, cell: Cell, start: int, key: Cell | None, label: str) -> str:
    """The name of the figure at `start` in `cell`: row key + the words before it in its cell + column."""
    words = re.sub(r"[\d.]+\Z", "", re.split(r"[、；;，,：:]", norm[cell.start : start])[-1])
    name = (key.text if key else "") + words + label
    return "".join(name.split())[:40]
