"""parse_number: the value of one numeral expression in any common written form, exact, or None.

Tables by family of written form; the cn2an test data (strict, normal, smart, direct modes and its
error lists) are covered, and cn2an itself is used as an oracle for integers it writes out.
parse_approximate (余/多/几/来 inside a numeral), parse_range (colloquial 一两, 三四十) and mixed
fractions (1 3/5, 三又三分之一) follow, each with the forms that must be refused.
"""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import numbers
from pipelines.numbers import parse_approximate, parse_number, parse_range

CHINESE_NUMERALS = [
    ("零", "0"),
    ("〇", "0"),
    ("一", "1"),
    ("十", "10"),
    ("十一", "11"),
    ("一十一", "11"),
    ("二十一", "21"),
    ("一百零一", "101"),
    ("一百零五", "105"),
    ("一百一十一", "111"),
    ("一千零一十", "1010"),
    ("一千零十", "1010"),
    ("一千零十一", "1011"),
    ("一千零一", "1001"),
    ("一千一百零一", "1101"),
    ("一万零一", "10001"),
    ("一万零百一十一", "10111"),
    ("十万零一", "100001"),
    ("一千万零一", "10000001"),
    ("一千零一万一千零一", "10011001"),
    ("一亿零一", "100000001"),
    ("一亿零一万零一百零一", "100010101"),
    ("一千亿一千万一千零一", "100010001001"),
    ("一千零一亿一千零一万一千零一", "100110011001"),
    ("一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一", "1111111111111111"),
    ("十二亿三千四百五十六万七千八百九十", "1234567890"),
    ("三亿五千万", "350000000"),
    ("一万亿", "1000000000000"),
    ("一万五千亿", "1500000000000"),
    ("两万亿零五", "2000000000005"),
    ("一百万亿", "100000000000000"),
    ("一兆", "1000000000000"),
    ("百万", "1000000"),
    ("千", "1000"),
]

COLLOQUIAL = [
    ("两千六", "2600"),
    ("兩千六", "2600"),
    ("三万五", "35000"),
    ("十三万五", "135000"),
    ("一百二", "120"),
    ("一百十一", "111"),
    ("一千一十", "1010"),
    ("一百二十万三", "1203000"),
    ("十万零一千", "101000"),
    ("一百九十万零三千九百七十一", "1903971"),
    ("一亿五千万零六千三百五十五", "150006355"),
    ("两百", "200"),
    ("两万", "20000"),
    ("二百", "200"),
    ("一万二千五", "12500"),
]

FINANCIAL_AND_ARCHAIC = [
    ("壹佰贰拾", "120"),
    ("贰仟零壹拾伍", "2015"),
    ("壹拾万零叁仟肆佰伍拾叁", "103453"),
    ("壹仟壹佰壹拾壹亿壹仟壹佰壹拾壹万壹仟壹佰壹拾壹", "111111111111"),
    ("拾", "10"),
    ("拾壹", "11"),
    ("貳佰參拾", "230"),
    ("陸萬", "60000"),
    ("壹拾壹元整", "11"),
    ("壹佰壹拾壹圆正", "111"),
    ("壹拾壹元壹角壹分", "11.11"),
    ("玖仟陆佰陆拾伍圆壹角捌分", "9665.18"),
    ("壹佰捌拾壹圆柒角", "181.7"),
    ("壹佰元零伍分", "100.05"),
    ("廿二", "22"),
    ("卅", "30"),
    ("卌", "40"),
    ("廿五", "25"),
]

DIGIT_BY_DIGIT = [
    ("二〇二四", "2024"),
    ("二〇〇二", "2002"),
    ("一七二零", "1720"),
    ("一七二零点一三四", "1720.134"),
    ("一一", "11"),
    ("壹壹壹", "111"),
    ("幺八九", "189"),
    ("幺", "1"),
    ("零一", "1"),
    ("零零三", "3"),
    ("一二点三零", "12.3"),
]

DECIMALS_AND_SIGNS = [
    ("零点零一", "0.01"),
    ("零点一", "0.1"),
    ("零点零零零零零零零零零零零零零零一", "0.000000000000001"),
    ("三点一四", "3.14"),
    ("十点五", "10.5"),
    ("一點五", "1.5"),
    ("一百点123", "100.123"),
    ("零点零", "0"),
    ("负十", "-10"),
    ("负一十一", "-11"),
    ("負二", "-2"),
    ("负零点一零", "-0.1"),
    ("负一七二零点一", "-1720.1"),
    ("-5", "-5"),
    ("−5", "-5"),
    ("－５", "-5"),
    ("+5", "5"),
    ("正五", "5"),
]

ARABIC_AND_MIXED = [
    ("10.1", "10.1"),
    ("-10.1", "-10.1"),
    (".5", "0.5"),
    ("012", "12"),
    ("2,667", "2667"),
    ("2,667.5", "2667.5"),
    ("1,234,567.89", "1234567.89"),
    ("５", "5"),
    ("２，６６７", "2667"),
    ("３．５", "3.5"),
    ("1.232e+15", "1232000000000000"),
    ("1E3", "1000"),
    ("-1.5e-3", "-0.0015"),
    ("1.2万", "12000"),
    ("16.4亿", "1640000000"),
    ("35.1亿", "3510000000"),
    ("10.1万", "101000"),
    ("-10.1万", "-101000"),
    ("100万", "1000000"),
    ("100万三千", "1003000"),
    ("200亿零四千230", "20000004230"),
    ("1百01", "101"),
    ("1万600", "10600"),
    ("1千5", "1500"),
    ("3千万", "30000000"),
    ("3.5万亿", "3500000000000"),
    ("两点五万", "25000"),
    ("3万3,883", "33883"),
    ("1亿3,900万", "139000000"),
    ("4兆8,530亿", "4853000000000"),
]

PERCENT_AND_FRACTIONS = [
    ("百分之九十", "90"),
    ("百分之零点五", "0.5"),
    ("百分之一百二十", "120"),
    ("百分之三十五点五", "35.5"),
    ("97.7%", "97.7"),
    ("97.7％", "97.7"),
    ("二分之一", "0.5"),
    ("四分之三", "0.75"),
    ("3/4", "0.75"),
]

NOT_ONE_NUMERAL = [
    "",
    "   ",
    "负",
    "元",
    "元整",
    "圆",
    "零点",
    "点零",
    "点一",
    "零点点",
    "零点零大",
    "10.1万零100",
    "10..1万",
    "1..2",
    "十一十二",
    "负十一十二",
    "十七十八",
    "十十",
    "百百",
    "万",
    "亿",
    "万亿",
    "数亿",
    "第三",
    "一是",
    "约30万",
    "30多万",
    "abc",
    "12,34",
    "三分之",
    "分之一",
    "3/0",
    "半",
]


@pytest.mark.parametrize(("text", "value"), CHINESE_NUMERALS)
def test_chinese_numerals_with_ten_hundred_thousand_and_magnitudes_are_read_exactly(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("text", "value"), COLLOQUIAL)
def test_colloquial_numerals_with_an_elided_last_unit_are_read_as_spoken(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("text", "value"), FINANCIAL_AND_ARCHAIC)
def test_financial_traditional_and_archaic_numerals_are_read(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("text", "value"), DIGIT_BY_DIGIT)
def test_numerals_written_digit_by_digit_are_read_as_digits(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("text", "value"), DECIMALS_AND_SIGNS)
def test_decimals_and_signs_are_read(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("text", "value"), ARABIC_AND_MIXED)
def test_arabic_full_width_grouped_scientific_and_mixed_forms_are_read(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("text", "value"), PERCENT_AND_FRACTIONS)
def test_percentages_give_their_percent_value_and_fractions_their_quotient(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", NOT_ONE_NUMERAL)
def test_what_is_not_one_numeral_is_none(text: str) -> None:
    assert parse_number(text) is None


def test_one_third_is_a_decimal_with_28_significant_digits() -> None:
    third = parse_number("三分之一")
    assert third == Decimal("0.3333333333333333333333333333")


@pytest.mark.parametrize("text", ["16.4亿", "1.232e+15", "1E3", "3.5万亿"])
def test_whole_values_are_plain_integers_never_floats_or_exponents(text: str) -> None:
    value = parse_number(text)
    assert isinstance(value, Decimal) and value.as_tuple().exponent == 0


def test_trailing_zeros_of_a_written_decimal_are_kept() -> None:
    assert str(parse_number("89.60")) == "89.60"


@pytest.mark.parametrize("text", [None, 12, b"12"])
def test_what_is_not_a_string_is_none(text: object) -> None:
    assert parse_number(text) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["一" * 10_000, "9" * 100_000, "万" * 5_000, "点" * 1_000])
def test_huge_inputs_give_none_not_errors(text: str) -> None:
    assert parse_number(text) is None


def test_a_sixty_digit_arabic_number_keeps_every_digit() -> None:
    assert parse_number("1" * 60) == Decimal("1" * 60)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**16 - 1), st.sampled_from(["low", "up"]))
def test_every_integer_cn2an_writes_in_words_reads_back_to_itself(n: int, mode: str) -> None:
    assert parse_number(cn2an.an2cn(n, mode)) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_every_decimal_cn2an_writes_in_words_reads_back_to_itself(whole: int, cents: int) -> None:
    number = Decimal(whole) + Decimal(cents) / 100
    assert parse_number(cn2an.an2cn(str(number), "low")) == number


# --- Approximate numerals: 余/多/几/来 inside a numeral keep its magnitude and mark it approximate.

APPROXIMATE = [
    ("十余万", "100000"),
    ("一千多万", "10000000"),
    ("二十几万", "200000"),
    ("48万余", "480000"),
    ("三百余", "300"),
    ("500余万", "5000000"),
    ("1225余万", "12250000"),
    ("十多", "10"),
    ("三十来", "30"),
    ("十几", "10"),
    ("十几万", "100000"),
    ("1200多", "1200"),
    ("60多", "60"),
    ("30多万", "300000"),
    ("30来", "30"),
    ("3千多万", "30000000"),
    ("四十余万", "400000"),
    ("一万多", "10000"),
    ("一万多亿", "1000000000000"),
    ("十余万亿", "10000000000000"),
    ("1.5万余", "15000"),
    ("千余", "1000"),
    ("百余", "100"),
    ("万余", "10000"),
    ("万多", "10000"),
    ("壹佰余", "100"),
    ("廿余", "20"),
    ("４８万余", "480000"),
    ("294 余万", "2940000"),
    ("百分之三十多", "30"),
]

NOT_APPROXIMATE = [
    "余三",  # a marker needs a numeral before it
    "多多",  # one marker at most
    "十余多",
    "余",
    "多",
    "几",
    "多个",
    "几十",  # a vague quantity with no number: the guideline's non-metric
    "几百",
    "几万",
    "几千万",
    "数万",
    "数亿",
    "一百几十",  # 几 standing for a digit before 十 gives no floor we would stand by
    "三多",  # after a bare Chinese digit a marker is not a numeral (三多 is not 3+)
    "五余万",
    "一百零余",
    "十余五",  # nothing but a magnitude may follow the marker
    "十余百",
    "三百余五十",
    "48万余万",  # a magnitude after the marker must be larger than one before it
    "1.5余万",  # a decimal is already precise: 1.5余万 is not written
    "-十余万",
    "负十余万",
    "三四余",  # a range is not an approximate numeral
    "约30万",
    "",
    "abc",
]


@pytest.mark.parametrize(("text", "value"), APPROXIMATE)
def test_a_marker_inside_a_numeral_keeps_the_magnitude_and_flags_it_approximate(text: str, value: str) -> None:
    assert parse_approximate(text) == (Decimal(value), True)


@pytest.mark.parametrize(
    ("text", "value"),
    [("三万五", "35000"), ("16.4亿", "1640000000"), ("一千零一十", "1010"), ("二〇二四", "2024"), ("97.7%", "97.7")],
)
def test_a_numeral_without_a_marker_is_its_exact_value_not_approximate(text: str, value: str) -> None:
    assert parse_approximate(text) == (Decimal(value), False)


@pytest.mark.parametrize("text", NOT_APPROXIMATE)
def test_a_marker_where_no_numeral_can_hold_it_is_none(text: str) -> None:
    assert parse_approximate(text) is None


@pytest.mark.parametrize(("text", "_value"), APPROXIMATE)
def test_parse_number_gives_no_exact_value_for_an_approximate_numeral(text: str, _value: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", [None, 12, "一" * 10_000, "余" * 1_000, "十余" * 500])
def test_parse_approximate_never_raises_on_odd_input(text: object) -> None:
    assert parse_approximate(text) is None  # type: ignore[arg-type]


# --- Colloquial ranges: two adjacent ascending digits give both ends, never one number.

RANGES = [
    ("一两", "1", "2"),
    ("一二", "1", "2"),
    ("两三", "2", "3"),
    ("二三", "2", "3"),
    ("三四", "3", "4"),
    ("四五", "4", "5"),
    ("五六", "5", "6"),
    ("六七", "6", "7"),
    ("七八", "7", "8"),
    ("八九", "8", "9"),
    ("两三千", "2000", "3000"),
    ("三四十", "30", "40"),
    ("三四百万", "3000000", "4000000"),
    ("十一二", "11", "12"),
    ("一二百", "100", "200"),
    ("一两万", "10000", "20000"),
    ("七八十", "70", "80"),
    ("八九十", "80", "90"),
    ("二十七八", "27", "28"),
    ("十七八万", "170000", "180000"),
    ("一百二三十", "120", "130"),
    ("三千五六百", "3500", "3600"),
    ("三万五六", "35000", "36000"),
    ("五六亿", "500000000", "600000000"),
    ("兩三千", "2000", "3000"),
]

NOT_A_RANGE = [
    "三五",  # not adjacent: a vague 'a few', no range we would stand by
    "四三",  # descending
    "一一",
    "两两",
    "九十",  # ninety
    "三十四",
    "二〇",
    "一二三",
    "三四五",
    "十一十二",
    "两三点五",
    "三四十十",
    "三四千百",
    "三四百千",
    "三四余",
    "34",
    "3、4",
    "三",
    "",
    "abc",
    "负三四",
]


@pytest.mark.parametrize(("text", "low", "high"), RANGES)
def test_a_colloquial_range_gives_both_ends(text: str, low: str, high: str) -> None:
    assert parse_range(text) == (Decimal(low), Decimal(high))


@pytest.mark.parametrize("text", NOT_A_RANGE)
def test_what_is_not_two_adjacent_ascending_digits_is_not_a_range(text: str) -> None:
    assert parse_range(text) is None


@pytest.mark.parametrize(("text", "_low", "_high"), RANGES)
def test_parse_number_refuses_a_colloquial_range_instead_of_running_the_digits_together(
    text: str, _low: str, _high: str
) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["三五", "两两", "百分之三四", "三四元", "负三四", "三万三五"])
def test_parse_number_refuses_two_differing_or_colloquial_digits_that_are_no_digit_readout(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("一一", "11"), ("幺八", "18"), ("二〇", "20"), ("零三", "3"), ("一二三", "123"), ("一二点三零", "12.3")],
)
def test_digit_readouts_with_a_zero_a_yao_a_repeat_or_three_digits_stay_digit_by_digit(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize(("text", "_low", "_high"), RANGES)
def test_parse_approximate_refuses_a_colloquial_range(text: str, _low: str, _high: str) -> None:
    assert parse_approximate(text) is None


@pytest.mark.parametrize("text", [None, 34, "三四" * 5_000, "十" * 1_000])
def test_parse_range_never_raises_on_odd_input(text: object) -> None:
    assert parse_range(text) is None  # type: ignore[arg-type]


# --- Mixed fractions: a whole number and a proper fraction, never the digits run together.

MIXED_FRACTIONS = [
    ("1 3/5", "1.6"),
    ("1　3/5", "1.6"),  # an ideographic space
    ("2又1/2", "2.5"),
    ("一又二分之一", "1.5"),
    ("三又三分之一", "3.3333333333333333333333333333"),  # 3 + 三分之一 at the 28 digits a fraction gets
    ("2 1/4", "2.25"),
    ("-1 3/5", "-1.6"),
    ("10又3/4", "10.75"),
]

NOT_A_MIXED_FRACTION = [
    "1 5/3",  # improper fraction after a whole number
    "1 5/5",
    "1 0/5",
    "1 3/0",
    "三又三分之四",
    "又1/2",
    "1又",
    "2又",
    "1 3/5 2",
    "1.5 1/2",
    "1 1/2.5",
    "三又百分之五",
    "1 000/5",
    "1又3",
    "1又又1/2",
]


@pytest.mark.parametrize(("text", "value"), MIXED_FRACTIONS)
def test_a_whole_number_and_a_proper_fraction_are_added(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", NOT_A_MIXED_FRACTION)
def test_a_whole_number_before_a_fraction_that_is_no_proper_fraction_is_refused(text: str) -> None:
    assert parse_number(text) is None


def test_one_three_fifths_is_never_read_as_thirteen_fifths() -> None:
    assert parse_number("1 3/5") != Decimal("2.6")


def test_a_fraction_written_without_a_space_is_still_a_plain_quotient() -> None:
    assert parse_number("13/5") == Decimal("2.6")


_NUMERAL_ALPHABET = "零〇一二两三四五六七八九十百千万亿余多几来点又分之/ 1234567890.%负"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=_NUMERAL_ALPHABET, max_size=12))
def test_no_numeral_shaped_text_makes_any_reader_raise_or_disagree(text: str) -> None:
    value = parse_number(text)
    approximate = parse_approximate(text)
    span = parse_range(text)
    if approximate is not None and approximate[1]:
        assert value is None  # an approximate numeral has no exact value
    if approximate is not None and not approximate[1]:
        assert approximate[0] == value
    if span is not None:
        assert value is None and approximate is None and span[0] < span[1]


@settings(max_examples=500, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**15),
    st.booleans(),
    st.one_of(st.none(), st.integers(min_value=0, max_value=9999)),
    st.sampled_from(["", "万", "亿"]),
)
def test_arabic_numerals_read_at_once_equal_what_the_general_reader_gives(
    whole: int, grouped: bool, fraction: int | None, magnitude: str
) -> None:
    text = (f"{whole:,}" if grouped else str(whole)) + (f".{fraction}" if fraction is not None else "") + magnitude
    assert repr(parse_number(text)) == repr(numbers._parse_general(text))
