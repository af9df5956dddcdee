"""Series: one indicator lined up over periods and places by a canonical name (issue 13, part 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pipelines.series import canonical, series
from pipelines.store.queries import MetricRecord


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("全市政务服务事项网上可办率", "政务服务事项网上可办率"),
        ("市级网上可办率", "网上可办率"),
        ("源城区政务服务事项网上可办率", "政务服务事项网上可办率"),
        ("陽江市網上可辦率", "网上可办率"),
        ("累计受理业务", "受理业务"),
    ],
)
def test_the_canonical_key_drops_place_level_and_achievement_verbs(name: str, key: str) -> None:
    assert canonical(name) == key


def _record(name: str, period: str, region: str, value: str, confidence: float = 0.9) -> MetricRecord:
    return MetricRecord(
        "p", region, "", f"http://x/{period}/{name}", "t", date(2024, 1, 1), period, 1, name,
        Decimal(value), "%", "exact", False, confidence, "e",
    )  # fmt: skip


def test_one_point_per_period_and_place_in_period_order() -> None:
    records = [
        _record("网上可办率", "2023", "河源", "99.1"),
        _record("全市政务服务事项网上可办率", "2022", "河源", "97.7"),
        _record("网上可办率", "2022", "阳江", "96.0"),
        _record("办结率", "2022", "河源", "99.8"),
    ]
    points = [(p.period, p.region, p.record.value) for p in series(records, "网上可办率")]
    assert points == [
        ("2022", "河源", Decimal("97.7")),
        ("2022", "阳江", Decimal("96.0")),
        ("2023", "河源", Decimal("99.1")),
    ]


def test_a_figure_stated_twice_in_one_period_gives_the_more_confident_point() -> None:
    records = [_record("网上可办率", "2022", "河源", "90", 0.5), _record("网上可办率", "2022", "河源", "97.7", 0.9)]
    assert [p.record.value for p in series(records, "网上可办率")] == [Decimal("97.7")]
