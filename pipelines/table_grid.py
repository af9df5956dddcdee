"""A table's cells on its grid: merged cells (colspan, rowspan) leave an empty cell in every place
they cover beyond their first, so each row of a table holds as many cells as its columns.

The reader writes a data table's row as a line of tab-separated cells (pipelines/main_content.py),
and extraction names each figure by the header above it and the key cell left of it
(pipelines/metric_tables.py). A header cell spanning five columns, or a row label spanning three
rows, shifts every later cell of those rows out of its column when only the cells written in the
markup are read. The empty cells hold no text: the page reads as before.
"""

from __future__ import annotations

import lxml.html

_CELLS = ("td", "th")
_MAX_SPAN = 64  # a larger span is a template's error, not a table's layout


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    raw = (cell.get(name) or "1").strip()
    return min(int(raw), _MAX_SPAN) if raw.isdigit() and int(raw) > 0 else 1


def _rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The rows of `table` itself (in its thead, tbody, tfoot or directly), not those of tables nested in its cells."""
    return [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]


def _filler(cell: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return lxml.html.Element(cell.tag if cell.tag in _CELLS else "td")


def expand_spans(root: lxml.html.HtmlElement) -> None:
    """Give every table under `root` one cell per grid place (in place): after a cell spanning n
    columns, n - 1 empty cells; in each of the rows a cell spans below its own, an empty cell where
    it stands."""
    for table in root.iter("table"):
        if not any(cell.get("colspan") or cell.get("rowspan") for cell in table.iter(*_CELLS)):
            continue  # most tables: nothing merged
        below: dict[int, tuple[int, lxml.html.HtmlElement]] = {}  # column -> (rows still covered, the cell)
        for row in _rows(table):
            cells = [child for child in row if child.tag in _CELLS]
            column = 0
            placed: list[lxml.html.HtmlElement] = []
            for cell in cells:
                while column in below:  # places a cell from a row above covers
                    placed.append(_filler(below[column][1]))
                    column = _covered(below, column)
                across, down = _span(cell, "colspan"), _span(cell, "rowspan")
                placed.append(cell)
                placed.extend(_filler(cell) for _ in range(across - 1))
                if down > 1:
                    for offset in range(across):
                        below[column + offset] = (down - 1, cell)
                column += across
            while below and column <= max(below):  # covered places right of the row's last cell
                if column in below:
                    placed.append(_filler(below[column][1]))
                    column = _covered(below, column)
                else:
                    column += 1
            _rebuild(row, cells, placed)
            for place in [c for c, (left, _) in below.items() if left <= 0]:
                del below[place]


def _covered(below: dict[int, tuple[int, lxml.html.HtmlElement]], column: int) -> int:
    """Count one more row covered at `column`; the next column."""
    left, cell = below[column]
    below[column] = (left - 1, cell)
    return column + 1


def _rebuild(
    row: lxml.html.HtmlElement, cells: list[lxml.html.HtmlElement], placed: list[lxml.html.HtmlElement]
) -> None:
    """Put the empty cells in place among the row's own cells (its other children stay where they are)."""
    if len(placed) == len(cells):
        return
    anchor = None
    for element in placed:
        if element.getparent() is row:
            anchor = element
            continue
        if anchor is None:
            row.insert(0, element)
        else:
            anchor.addnext(element)
        anchor = element
