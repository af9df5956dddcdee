"""parse_number: one numeral expression in any common written form, exact, or None."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipelines.numbers import parse_approximate, parse_number, parse_range


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一千零一十", "1010"),
        ("两千六", "2600"),
        ("三万五", "35000"),
        ("壹佰贰拾", "120"),
        ("贰仟零壹拾伍", "2015"),
        ("廿二", "22"),
        ("卅", "30"),
        ("1.2万", "12000"),
        ("16.4亿", "1640000000"),
        ("100万三千", "1003000"),
        ("2,667", "2667"),
        ("2,667.5", "2667.5"),
        ("５", "5"),
        ("２，６６７", "2667"),
        ("负十", "-10"),
        ("-5", "-5"),
        ("零点零一", "0.01"),
        ("三点一四", "3.14"),
        ("百分之九十", "90"),
        ("百分之零点五", "0.5"),
        ("97.7%", "97.7"),
        ("97.7％", "97.7"),
        ("1.232e+15", "1232000000000000"),
        ("二〇二四", "2024"),
        ("十", "10"),
        ("十五", "15"),
        ("一百零五", "105"),
        ("一百二", "120"),
        ("十万零三千六百零九", "103609"),
        ("一亿零一万零一百零一", "100010101"),
        ("三亿五千万", "350000000"),
        ("一万亿", "1000000000000"),
        ("两点五万", "25000"),
        ("3千万", "30000000"),
        ("一千二百万", "12000000"),
        ("百万", "1000000"),
        ("3万3,883", "33883"),
        ("4兆8,530亿", "4853000000000"),
        ("1亿3,900万", "139000000"),
    ],
)
def test_numerals_are_read_exactly(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


def test_one_third_is_a_decimal_fraction() -> None:
    third = parse_number("三分之一")
    assert third is not None and abs(third - Decimal(1) / Decimal(3)) < Decimal("1e-20")


def test_sixteen_point_four_yi_is_exact_not_float() -> None:
    value = parse_number("16.4亿")
    assert isinstance(value, Decimal) and str(value.normalize()) in ("1.64E+9", "1640000000")


@pytest.mark.parametrize("text", ["", "   ", "数亿", "第三", "十十", "百百", "abc", "一是", "约30万", "1..2", "万"])
def test_what_is_not_one_numeral_is_none(text: str) -> None:
    assert parse_number(text) is None


def test_non_strings_and_huge_inputs_are_none_not_errors() -> None:
    assert parse_number(None) is None  # type: ignore[arg-type]
    assert parse_number("一" * 10_000) is None


# The guideline's settled cases (../shared/spec/metrics-annotation.md), on the numeral alone.


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十余万", "100000"),
        ("一千多万", "10000000"),
        ("二十几万", "200000"),
        ("48万余", "480000"),
        ("500余万", "5000000"),
    ],
)
def test_settled_approximate_chinese_numerals_keep_their_magnitude_and_are_approximate(
    numeral: str, value: str
) -> None:
    assert parse_approximate(numeral) == (Decimal(value), True)


@pytest.mark.parametrize(
    ("numeral", "low", "high"),
    [("一两", "1", "2"), ("三四", "3", "4"), ("两三千", "2000", "3000"), ("三四十", "30", "40")],
)
def test_settled_colloquial_ranges_give_both_ends(numeral: str, low: str, high: str) -> None:
    assert parse_range(numeral) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize("numeral", ["一两", "三四", "两三千", "三四十"])
def test_settled_colloquial_ranges_are_never_one_number(numeral: str) -> None:
    assert parse_number(numeral) is None


@pytest.mark.parametrize("text", ["数亿", "几十", "几百", "多个"])
def test_settled_vague_quantities_with_no_number_are_no_numeral(text: str) -> None:
    assert parse_number(text) is None
    assert parse_approximate(text) is None
    assert parse_range(text) is None


def test_mixed_fraction_one_and_three_fifths_is_one_point_six() -> None:
    assert parse_number("1 3/5") == Decimal("1.6")
