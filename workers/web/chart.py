"""An indicator's series as an SVG line chart, laid out on the server (no JavaScript on the page).

One line per place, periods along x in their natural order (2021 < 2022-Q1 < 2022-04 < 2023),
values on a y axis from zero or the smallest value, whichever keeps differences visible. Each
point is a link to the sentence it was read from. The template draws what `layout` computes;
every text in it is escaped by the template like any other portal text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipelines.store.queries import plain
from workers.web import schemas

WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 70, 150, 20, 40
# Colour-blind-safe (Okabe–Ito), enough for the places one chart can still be read with.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # period, place and value, for the point's tooltip
    href: str  # the evidence in the report's version text


@dataclass(frozen=True)
class Line:
    region: str
    colour: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: tuple[Line, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    unit: str
    plot: tuple[float, float, float, float]  # left, top, right, bottom of the plot area


def layout(points: Sequence[schemas.SeriesPoint]) -> Chart | None:
    """The chart of `points`; None when there is nothing to draw."""
    if not points:
        return None
    periods = sorted({p.period for p in points})
    values = [float(p.metric.value) for p in points]
    low, high = min(0.0, min(values)), max(values)
    if min(values) > 0 and (high - min(values)) < 0.2 * high:  # a narrow band far from zero (99.1–99.9%)
        low = min(values) - (high - min(values)) * 0.25
    if high == low:  # one value everywhere: centre it, a band of 1% of it (or 1) around
        pad = max(abs(high) * 0.01, 0.5)
        low, high = high - pad, high + pad
    ticks = nice_ticks(low, high)
    low, high = ticks[0], ticks[-1]
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    step = (right - LEFT) / max(1, len(periods) - 1)

    def x_of(period: str) -> float:
        return LEFT + (periods.index(period) * step if len(periods) > 1 else (right - LEFT) / 2)

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - TOP)

    regions = sorted({p.region for p in points})
    lines = tuple(
        Line(
            region or "—",
            COLOURS[i % len(COLOURS)],
            tuple(
                Point(
                    x_of(p.period),
                    y_of(float(p.metric.value)),
                    f"{p.period} {p.region}: {plain_number(p.metric.value)}{p.metric.unit}",
                    f"/reports/{p.metric.report_id}/versions/{p.metric.version}#m{p.metric.seq}",
                )
                for p in sorted((q for q in points if q.region == region), key=lambda q: periods.index(q.period))
            ),
        )
        for i, region in enumerate(regions)
    )
    y_ticks = tuple(Tick(y_of(t), plain_number(t)) for t in ticks)
    x_ticks = tuple(Tick(x_of(p), p) for p in periods)
    units = {p.metric.unit for p in points}
    return Chart(WIDTH, HEIGHT, lines, x_ticks, y_ticks, " / ".join(sorted(units)), (LEFT, TOP, right, bottom))


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round axis values covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten, at most `most`
    of them (99.0, 99.2 … 100.0, never 99.6806)."""
    raw = (high - low) / (most - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    count = math.ceil(round((high - first) / step, 9)) + 1
    return [round(first + i * step, 10) for i in range(count)]


def plain_number(value: float | int) -> str:
    return plain(Decimal(str(round(value, 4))))
