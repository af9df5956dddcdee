"""One indicator over periods and places: canonical names, and one row per (period, place).

Reports name the same indicator differently from year to year and place to place: 全市政务服务事项
网上可办率 in one, 网上可办率 in the next, 陽江市… in Traditional. A canonical key lines them up: the
Simplified name without the place or level it opens with (全市, 市级, 我区, 源城区 …) and without
achievement verbs; a query matches every name whose key contains the query's key. The raw name
stays on each row, so an analyst sees what was lined up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.indicator import canonical
from pipelines.store.queries import MetricRecord

__all__ = ["SeriesPoint", "canonical", "series"]


@dataclass(frozen=True)
class SeriesPoint:
    """The value of the indicator for one period and place, with where it was read."""

    period: str
    region: str
    record: MetricRecord


def series(records: Iterable[MetricRecord], indicator: str) -> list[SeriesPoint]:
    """One point per (period, place) whose record's name lines up with `indicator`, in period order.

    Where a report states the indicator more than once, its first statement with the highest
    confidence is the point (a summary repeating a figure gives no second point).
    """
    wanted = canonical(indicator)
    chosen: dict[tuple[str, str], MetricRecord] = {}
    for record in records:
        if record.period is None or wanted not in canonical(record.name):
            continue
        key = (record.period, record.region)
        held = chosen.get(key)
        if held is None or (record.confidence or 0) > (held.confidence or 0):
            chosen[key] = record
    return [SeriesPoint(period, region, chosen[(period, region)]) for period, region in sorted(chosen)]
