"""Tables drawn with box characters (│ ├ ┼ ─ ┌ └ …) in plain text: each figure named by its row and column.

Text-mode exports (court auction notices, old CMS pages) draw a table in a <pre> block: rule lines
of ─ with junctions (├─┬─┤), and content lines whose cells sit between │. Read as running text, a
line mixes the cells of a whole row, so figures get the names of their neighbours and a figure whose
unit is written only in its column header (512 under 平方公尺) is missed.

Cells align by display column, but the page reader squeezes runs of spaces, so the widths of the
content are lost. The box characters are not: a rule run keeps its length, and every vertical line
continues from a junction of the line above. So the columns are read from the drawing itself: each
character with an arm upward (│ ├ ┤ ┼ ┴ └ ┘) stands, in order, on a downward arm of the line above,
whose position is known, and a rule run counts its characters from there. The top line of a table
is a rule line, counted from its left corner. A line whose upward arms do not match the line above
ends the table (a broken drawing is not guessed at).

Cells merge down the lines until a rule crosses them, so a header stacked over several lines
(面积 / 平方公尺) is one cell, and a header split below by ├──┬──┤ covers all its sub-columns. Blocks
between full rule lines before the first one holding a bare figure are the header; a data cell's
column is the header cells over its span, top to bottom, read as `pipelines.metric_tables` reads a
tab table's header (a header cell that is only a unit is that column's unit). A data cell spanning
several columns (a note, 备注) is left to the running-text reader.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pipelines.metric_tables import (
    ID_COLUMN,
    KEY_COLUMN,
    KEY_WORDS,
    KNOWN_UNITS,
    Cell,
    Column,
    TableFigure,
    caption_unit,
    cell_figures,
    cell_name,
    header_column,
    starts_within,
)
from pipelines.metric_vocab import UNITS


def _arms_table() -> dict[str, tuple[bool, bool]]:
    """(up, down) arms of every box-drawing character, from its Unicode name (LIGHT VERTICAL AND RIGHT)."""
    arms: dict[str, tuple[bool, bool]] = {}
    for code in range(0x2500, 0x2580):
        words = unicodedata.name(chr(code), "").split()
        if "DIAGONAL" in words:
            continue
        arms[chr(code)] = ("UP" in words or "VERTICAL" in words, "DOWN" in words or "VERTICAL" in words)
    return arms


_ARMS = _arms_table()
_HORIZONTAL = frozenset(ch for ch, (up, down) in _ARMS.items() if not up and not down)
_BARE = re.compile(r"[≤≥<>＜＞]?=?\d+(?:,\d{3})*(?:\.\d+)?")
# Columns of a place or a registered lot (土地坐落, 门牌, 地号, 建号): their figures are parts of labels.
_PLACE_COLUMN = re.compile(r"号\Z|坐落|门牌")
_CURRENCY = re.compile(r"^(?:人民币|新台币|新台幣|港币|港元|澳门币)(?=元)")
_DASHES = re.compile(r"[-－—_=]{2,}")  # a line of dashes drawn inside a cell: no words
# Units a header may name beyond the tab tables' list: the running-text reader's own words for a measure.
_MEASURES = frozenset(unit for unit, canonical in UNITS.items() if unit == canonical and len(unit) > 1)


def _unit_of(text: str) -> str | None:
    """The unit a header parenthesis names (新台币元 is 元: the currency says nothing more), or None."""
    text = _CURRENCY.sub("", text)
    return text if KNOWN_UNITS.match(text) or text in _MEASURES else None


@dataclass(slots=True)
class _Line:
    start: int  # offsets of the line in norm
    end: int
    rule: bool  # a full rule line: box characters only
    down: list[int]  # positions of the downward arms
    pieces: list[tuple[int, int, Cell | None]]  # (left, right, content) between verticals; None: a rule run


@dataclass(slots=True)
class _Merged:
    """A cell over one or more lines: a span of columns and its pieces, top to bottom."""

    left: int
    right: int
    first: int  # index of its first line in the table
    parts: list[Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return _DASHES.sub("", "".join("".join(part.text for part in self.parts).split()))


def _parse(norm: str, start: int, end: int, above: list[int] | None) -> _Line | None:
    """The line's verticals placed on the downward arms of `above` (None: a top line, counted from 0)."""
    lead = start
    while lead < end and norm[lead] in " \t":
        lead += 1
    k, pos, prev = 0, -1, -1
    placed: list[tuple[int, int, bool]] = []  # (position, offset, has a downward arm)
    box_only, known = True, False
    for at in range(lead, end):
        arms = _ARMS.get(norm[at])
        if arms is None:
            known = False
            box_only = box_only and norm[at].isspace()
            continue
        up, down = arms
        if up and above is not None:
            if k == len(above):
                return None
            pos, known = above[k], True
            k += 1
        elif known:
            pos += 1
        elif at == lead and above is None:
            pos, known = 0, True
        else:
            return None
        if up or down:
            if pos <= prev:
                return None
            placed.append((pos, at, down))
            prev = pos
    if (above is not None and k != len(above)) or len(placed) < 2:
        return None
    pieces: list[tuple[int, int, Cell | None]] = []
    for (left, a, _), (right, b, _) in itertools.pairwise(placed):
        inner = norm[a + 1 : b]
        if inner and all(ch in _HORIZONTAL for ch in inner):
            pieces.append((left, right, None))
        else:
            stripped = inner.strip()
            cell_start = a + 1 + (len(inner) - len(inner.lstrip()) if stripped else 0)
            pieces.append((left, right, Cell(cell_start, cell_start + len(stripped), stripped)))
    rule = box_only and all(cell is None for _, _, cell in pieces)
    return _Line(start, end, rule, [p for p, _, down in placed if down], pieces)


def _tables(norm: str) -> list[list[_Line]]:
    """Runs of box lines that begin with a rule line and whose verticals line up."""
    tables: list[list[_Line]] = []
    current: list[_Line] = []
    offset = 0
    for text in norm.split("\n"):
        start, end = offset, offset + len(text)
        offset = end + 1
        parsed = _parse(norm, start, end, current[-1].down) if current else None
        if parsed is None:
            if len(current) >= 3:
                tables.append(current)
            current = []
            if text.lstrip()[:1] in _ARMS:
                top = _parse(norm, start, end, None)
                if top is not None and top.rule and top.down:
                    current = [top]
            continue
        current.append(parsed)
        if not parsed.down:  # the bottom line
            if len(current) >= 3:
                tables.append(current)
            current = []
    if len(current) >= 3:
        tables.append(current)
    return tables


def _blocks(lines: list[_Line]) -> list[list[tuple[int, _Line]]]:
    """The lines between full rule lines, with their index in the table."""
    blocks: list[list[tuple[int, _Line]]] = [[]]
    for index, line in enumerate(lines):
        if line.rule:
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append((index, line))
    return [block for block in blocks if block]


def _merge(block: list[tuple[int, _Line]]) -> list[_Merged]:
    """Cells of a block: a piece continues the cell of the same span above it unless a rule run crossed it."""
    done: list[_Merged] = []
    open_cells: dict[tuple[int, int], _Merged] = {}
    for index, line in block:
        for left, right, cell in line.pieces:
            for span in [
                s for s in open_cells if s[0] < right and left < s[1] and (cell is None or s != (left, right))
            ]:
                done.append(open_cells.pop(span))
            if cell is not None:
                merged = open_cells.setdefault((left, right), _Merged(left, right, index))
                merged.parts.append(cell)
    return done + list(open_cells.values())


@dataclass(frozen=True, slots=True)
class _Box:
    """A table read: its header cells and, per data line, its pieces with their columns."""

    header: list[_Merged]
    data: list[list[tuple[_Line, int]]]  # data blocks: (line, index in table)
    caption: tuple[str, Decimal] | None


def _read(norm: str, lines: list[_Line]) -> _Box | None:
    blocks = _blocks(lines)
    first_data = next(
        (
            i
            for i, block in enumerate(blocks)
            if any(cell and _BARE.fullmatch(cell.text) for _, line in block for _, _, cell in line.pieces)
        ),
        None,
    )
    if not first_data:
        return None
    width = (lines[0].down[0], lines[0].down[-1])
    header = [
        merged
        for block in blocks[:first_data]
        for merged in _merge(block)
        if (merged.left, merged.right) != width and merged.text
    ]
    if not header:
        return None
    data = [[(line, index) for index, line in block] for block in blocks[first_data:]]
    return _Box(header, data, caption_unit(norm, lines[0].start))


def _column_of(box: _Box, left: int, right: int) -> tuple[Column, int] | None:
    """The column of a data span and how many header cells are over it; None when it spans several
    columns (a header cell over it lies inside it) or has no header."""
    over = [h for h in box.header if h.left < right and left < h.right]
    if not over or any(h.left > left or h.right < right for h in over):
        return None
    words = []
    for merged in sorted(over, key=lambda h: h.first):
        for part in merged.parts:  # 平方公尺 on its own line under 面积: the column's unit
            text = _DASHES.sub("", "".join(part.text.split()))
            words.append(f"（{text}）" if _unit_of(text) else text)
    return header_column("".join(words), box.caption, _unit_of), len(over)


def _is_serial(texts: list[str]) -> bool:
    """Bare numbers 1, 2, 3 … : the row's place in the list, which names nothing."""
    if not all(text.isdigit() for text in texts):
        return False
    return sorted(int(text) for text in texts) == list(range(1, len(texts) + 1))


def _key_span(box: _Box, columns: dict[tuple[int, int], tuple[Column, int] | None]) -> tuple[int, int] | None:
    """The span of the column naming the rows: under a single header cell (a sub-column is part of a
    compound attribute such as a location), a key word (编号, 名称 …) or a header ending in 号, and
    cells that are not serial numbers."""
    best: tuple[int, int, tuple[int, int]] | None = None
    for span, found in columns.items():
        if found is None or found[1] != 1:
            continue
        label = found[0].label
        word = KEY_COLUMN.search(label)
        if not word and not label.endswith("号"):
            continue
        texts = [
            cell.text
            for block in box.data
            for line, _ in block
            for s, e, cell in line.pieces
            if (s, e) == span and cell and cell.text
        ]
        if not texts or _is_serial(texts):
            continue
        rank = KEY_WORDS.index(word.group(0)) if word else 0
        if best is None or (rank, span[0]) < best[:2]:
            best = (rank, span[0], span)
    return best[2] if best else None


def box_cells(norm: str, starts: Sequence[int]) -> tuple[dict[int, tuple[str, int, int] | None], list[TableFigure]]:
    """Figures of box-drawn tables in `norm`. For the figures the running-text reader found (`starts`):
    (name by row key and column, start and end of the figure's own line), or None in an identifier
    column. Also the figures it missed whose unit is in their column header, as `TableFigure`s.
    The evidence of a figure is its own line: a row's other lines hold other figures."""
    names: dict[int, tuple[str, int, int] | None] = {}
    figures: list[TableFigure] = []
    if "│" not in norm and "┃" not in norm and "║" not in norm:
        return names, figures  # no table drawn: the common case costs three scans
    ordered = sorted(starts)
    for lines in _tables(norm):
        box = _read(norm, lines)
        if box is not None:
            _name_cells(norm, box, ordered, names, figures)
    return names, figures


def _name_cells(
    norm: str,
    box: _Box,
    ordered: list[int],
    names: dict[int, tuple[str, int, int] | None],
    figures: list[TableFigure],
) -> None:
    """Name the figures of a table's data cells line by line; the key of a line is the last key cell
    written at or above it in its row (a key is written once, on the row's first line)."""
    columns: dict[tuple[int, int], tuple[Column, int] | None] = {}
    for block in box.data:
        for line, _ in block:
            for left, right, cell in line.pieces:
                if cell is not None and (left, right) not in columns:
                    columns[(left, right)] = _column_of(box, left, right)
    key_span = _key_span(box, columns)
    key_column = columns.get(key_span) if key_span else None
    key_label = key_column[0].label if key_column else ""
    taken = set(ordered)
    for block in box.data:
        key: Cell | None = None
        for line, _ in block:
            for left, right, cell in line.pieces:
                if cell is not None and cell.text and (left, right) == key_span:
                    # 4821 alone says nothing: 4821建号
                    key = Cell(cell.start, cell.end, cell.text + key_label if cell.text.isdigit() else cell.text)
            for left, right, cell in line.pieces:
                found = columns.get((left, right))
                if cell is None or not cell.text or found is None:
                    continue
                column = found[0]
                excluded = (left, right) == key_span or bool(
                    ID_COLUMN.search(column.label) or _PLACE_COLUMN.search(column.label)
                )
                for start in starts_within(ordered, cell):
                    named = cell_name(norm, cell, start, key, column.label)
                    names[start] = None if excluded else (named, line.start, line.end)
                if not excluded:
                    figures.extend(cell_figures(cell, column, key, taken, line.start, line.end))
