"""The period a report is about, from its title or opening (issue 13: context on every metric)."""

from __future__ import annotations

import pytest

from pipelines.period import Period, period_of


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("青禾市政务服务数据管理局2022年工作总结", Period("2022", 2022, 2022)),
        ("关于2023年度法治政府建设情况的报告", Period("2023", 2023, 2023)),
        ("2025年4月全市经济运行分析报告", Period("2025-04", 2025, 2025)),
        ("2024年第一季度政务服务运行情况", Period("2024-Q1", 2024, 2024)),
        ("2024年一季度12345热线数据分析", Period("2024-Q1", 2024, 2024)),
        ("2024年上半年工作总结", Period("2024-H1", 2024, 2024)),
        ("青禾市数字政府建设规划（2021-2025年）", Period("2021–2025", 2021, 2025)),
        ("陽江市政務服務數據管理局2022年法治政府建設年度報告", Period("2022", 2022, 2022)),
    ],
)
def test_the_title_names_the_period(title: str, period: Period) -> None:
    assert period_of(title) == period


def test_a_title_without_a_period_takes_it_from_the_opening() -> None:
    assert period_of("法治政府建设年度报告", "2023年，我局坚持依法行政……") == Period("2023", 2023, 2023)


def test_a_report_that_names_no_period_has_none() -> None:
    assert period_of("关于做好春季农业生产工作的通知", "各区、县人民政府：") is None
