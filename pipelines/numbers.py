"""Numerals to exact Decimals: Arabic, Chinese (simple, financial, colloquial), mixed, percent, fraction.

`parse_number` reads ONE numeral expression as written in Chinese government text:
一千零一十, 两千六 (2600), 三万五 (35000), 壹佰贰拾, 廿二, 1.2万, 16.4亿, 100万三千, 2,667, ５,
负十, 零点零一, 三分之一, 百分之九十, 1.232e+15, 二〇二四 (digit by digit). Decimal throughout, so
16.4亿 is exactly 1640000000. Anything else is None: never an exception, never a guess.

Measured against cn2an (the common library): cn2an rejects mixed forms such as 100万三千 and
colloquial 三万五, and returns floats; this parser is exact and covers both (see tests/test_numbers.py).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext

DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "洞": 0,
    "一": 1,
    "壹": 1,
    "幺": 1,
    "弌": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "俩": 2,
    "倆": 2,
    "弍": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "叄": 3,
    "弎": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "什": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: tuple[tuple[tuple[str, ...], Decimal], ...] = (
    (("兆",), Decimal(10) ** 12),  # as in Taiwan and in 万亿 (1兆 = 1e12)
    (("亿", "億"), Decimal(10) ** 8),
    (("万", "萬"), Decimal(10) ** 4),
)
TENS_WORDS: dict[str, str] = {"廿": "二十", "卄": "二十", "卅": "三十", "卌": "四十", "皕": "二百"}
POINT = ("点", "點")
NEGATIVE = ("负", "負", "-", "−", "－")
POSITIVE = ("正", "+", "＋")

NUMERAL_CHARS = frozenset(
    "".join(DIGITS) + "".join(SMALL_UNITS) + "兆亿億万萬" + "".join(TENS_WORDS) + "".join(POINT) + "0123456789."
)

_ARABIC = re.compile(r"^(?:\d+(?:\.\d+)?|\.\d+)$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_ARABIC_RUN = re.compile(r"\d+(?:\.\d+)?")
_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A sum of money in words: 壹拾壹元整, 玖仟陆佰陆拾伍圆壹角捌分, 壹佰元零伍分.
_MONEY = re.compile(r"^(?P<yuan>.+?)[元圆圓](?:零?(?P<jiao>.)角)?(?:零?(?P<fen>.)分)?[整正]?$")


def parse_number(text: str) -> Decimal | None:
    """The exact value of one numeral expression, or None when `text` is not one."""
    if not isinstance(text, str):
        return None
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    if not s or len(s) > 200:
        return None
    sign = 1
    if s.startswith(NEGATIVE):
        sign, s = -1, s[1:]
    elif s.startswith(POSITIVE):
        s = s[1:]
    if not s:
        return None
    with localcontext() as ctx:
        ctx.prec = 210
        try:
            value = _parse_unsigned(s)
            if value is not None and value.is_finite() and value == value.to_integral_value():
                value = value.quantize(Decimal(1))  # 16.4亿 is 1640000000, not 1.64E+9
        except (InvalidOperation, DivisionByZero, ValueError, OverflowError):
            return None
    if value is None or not value.is_finite():
        return None
    return -value if sign < 0 else value


def _parse_unsigned(s: str) -> Decimal | None:
    if s.endswith(("%", "‰")):
        return _plain(s[:-1])
    for prefix in ("百分之", "千分之", "万分之"):
        if s.startswith(prefix):
            return _plain(s[len(prefix) :])
    if "分之" in s:
        denominator, _, numerator = s.partition("分之")
        return _ratio(_plain(numerator), _plain(denominator))
    if s.count("/") == 1:
        numerator, _, denominator = s.partition("/")
        return _ratio(_plain(numerator), _plain(denominator))
    money = _MONEY.match(s)
    if money:
        return _money(money.group("yuan"), money.group("jiao"), money.group("fen"))
    return _plain(s)


def _money(yuan: str, jiao: str | None, fen: str | None) -> Decimal | None:
    whole = _plain(yuan)
    if whole is None:
        return None
    for digit, scale in ((jiao, Decimal("0.1")), (fen, Decimal("0.01"))):
        if digit is None:
            continue
        part = _plain(digit)
        if part is None or part >= 10:
            return None
        whole += part * scale
    return whole


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 28
        return (numerator / denominator).normalize()


def _plain(s: str) -> Decimal | None:
    """A number without sign, percent or fraction: Arabic, Chinese, or both mixed with magnitudes."""
    if not s:
        return None
    if _ARABIC.match(s):
        return Decimal(s)
    if _GROUPED.match(s):
        return Decimal(s.replace(",", ""))
    if _SCIENTIFIC.match(s):
        return Decimal(s)
    s = _GROUP_COMMA.sub("", s)  # 3万3,883
    for word, spelled in TENS_WORDS.items():
        s = s.replace(word, spelled)
    if not set(s) <= NUMERAL_CHARS:
        return None
    for point in POINT:
        whole, found, fraction = s.partition(point)
        if found and whole and fraction and all(ch in DIGITS or ch.isdigit() for ch in fraction):
            high = _with_big_units(whole)  # 三十九亿零六百二十五万点零一
            low = _section("零" + point + fraction)
            return None if high is None or low is None else high + low
    return _with_big_units(s)


def _with_big_units(s: str) -> Decimal | None:
    for names, multiplier in BIG_UNITS:
        at = max(s.rfind(name) for name in names)
        if at < 0:
            continue
        left, right = s[:at], s[at + 1 :]
        high = _with_big_units(left) if left else None
        if high is None:
            return None
        if not right:
            return high * multiplier
        if high != high.to_integral_value():
            return None  # 10.1万零100: a decimal magnitude takes no lower part
        if len(right) == 1 and right in DIGITS and DIGITS[right] and not left.endswith(tuple("零〇")):
            return high * multiplier + DIGITS[right] * multiplier / 10  # 三万五 = 35000
        low = _with_big_units(right)
        if low is None or low >= multiplier:
            return None
        return high * multiplier + low
    return _section(s)


def _section(s: str) -> Decimal | None:
    """A value below 万: digits with 十/百/千, an Arabic number, a digit string or a decimal."""
    if not s:
        return None
    if _ARABIC.match(s):
        return Decimal(s)
    points = [p for p in POINT if p in s]
    if points:
        whole, _, fraction = s.partition(points[0])
        if not whole or not fraction:
            return None  # 点五, 三点
        if fraction.isascii() and fraction.isdigit():
            digits = fraction  # 一百点123
        elif all(ch in DIGITS for ch in fraction):
            digits = "".join(str(DIGITS[ch]) for ch in fraction)
        else:
            return None
        base = _section(whole)
        if base is None:
            return None
        return base + Decimal("0." + digits)
    if len(s) > 1 and all(ch in DIGITS for ch in s):
        return Decimal("".join(str(DIGITS[ch]) for ch in s))  # 二〇二四
    return _units(s)


def _tokens(s: str) -> list[tuple[str, Decimal, bool]] | None:
    """(kind, value, literal): literal for an Arabic run of two or more digits (1百01 is 101)."""
    out: list[tuple[str, Decimal, bool]] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch.isdigit():
            match = _ARABIC_RUN.match(s, i)
            assert match is not None
            out.append(("digit", Decimal(match.group(0)), len(match.group(0)) > 1))
            i = match.end()
            continue
        if ch in DIGITS:
            out.append(("digit", Decimal(DIGITS[ch]), False))
        elif ch in SMALL_UNITS:
            out.append(("unit", Decimal(SMALL_UNITS[ch]), False))
        else:
            return None
        i += 1
    return out


def _units(s: str) -> Decimal | None:
    tokens = _tokens(s)
    if not tokens:
        return None
    total = Decimal(0)
    pending: Decimal | None = None
    last_unit: Decimal | None = None
    after_zero = False
    literal = False
    for kind, value, is_literal in tokens:
        if kind == "digit":
            if pending is not None:
                return None  # two numbers in a row: 三五 is not one numeral
            if value == 0:
                after_zero = True
                continue
            pending, literal = value, is_literal
        else:
            if last_unit is not None and value >= last_unit:
                return None  # 十百, 百百
            total += (pending if pending is not None else Decimal(1)) * value
            pending, last_unit, after_zero = None, value, False
    if pending is not None:
        if last_unit is not None and last_unit >= 100 and not after_zero and not literal and pending < 10:
            total += pending * last_unit / 10  # 两千六 = 2600, 一百二 = 120
        else:
            total += pending
    return total
