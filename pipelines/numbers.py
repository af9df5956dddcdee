"""Numerals to exact Decimals: Arabic, Chinese (simple, financial, colloquial), mixed, percent, fraction.

`parse_number` reads ONE numeral expression as written in Chinese government text:
一千零一十, 两千六 (2600), 三万五 (35000), 壹佰贰拾, 廿二, 1.2万, 16.4亿, 100万三千, 2,667, ５,
负十, 零点零一, 三分之一, 百分之九十, 1.232e+15, 二〇二四 (digit by digit), 1 3/5 and 三又三分之一
(mixed fractions). Decimal throughout, so 16.4亿 is exactly 1640000000. Anything else is None:
never an exception, never a guess.

Two spoken forms are not one exact number, so `parse_number` refuses them and each has its own reader:
- `parse_approximate`: 余/多/几/来 inside a numeral (十余万, 一千多万, 48万余) give the value the
  numeral names and a flag that it is approximate (`over` for 余/多/几, `about` for 来);
- `parse_range`: two adjacent ascending digits (一两, 三四十, 两三千) give both ends; read as one
  number they would be misreadings (三四 is not 34).

Measured against cn2an (the common library): cn2an rejects mixed forms such as 100万三千 and
colloquial 三万五, and returns floats; this parser is exact and covers both (see tests/test_numbers.py).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, localcontext

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

# 余/多/几/来 after a numeral: "more than" (余, 多, 几) or "about" (来) the value it names.
APPROXIMATE_MARKERS = frozenset("余多几来")
# Characters that only digit-by-digit readouts use (二〇二四, 幺八九): they make a readout certain.
READOUT_ONLY = frozenset("零〇○幺洞")
# 两 counts things and never reads out a digit: 两两 is "in pairs", 一两 "one or two".
NEVER_READOUT = frozenset("两兩俩倆")
_BIG_UNIT_RANK: dict[str, Decimal] = {name: multiplier for names, multiplier in BIG_UNITS for name in names}
_UNIT_CHARS = frozenset(SMALL_UNITS) | frozenset(_BIG_UNIT_RANK) | frozenset(TENS_WORDS)

NUMERAL_CHARS = frozenset(
    "".join(DIGITS) + "".join(SMALL_UNITS) + "兆亿億万萬" + "".join(TENS_WORDS) + "".join(POINT) + "0123456789."
)

_ARABIC = re.compile(r"^(?:\d+(?:\.\d+)?|\.\d+)$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_ARABIC_RUN = re.compile(r"\d+(?:\.\d+)?")
_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_BIG_RUN = re.compile("[" + "".join(_BIG_UNIT_RANK) + "]*")
# What may follow the two digits of a colloquial range: one small unit, then magnitudes (三四百万).
_RANGE_TAIL = re.compile("[" + "".join(SMALL_UNITS) + "]?" + _BIG_RUN.pattern)
_ARABIC_TAIL = re.compile(r"[\d.,]+$")
_SLASH_SPACES = re.compile(r" *([/／]) *")
# A whole number and a fraction: 1 3/5, 2又1/2, 三又三分之一.
_MIXED = re.compile(r"^(?P<whole>[^ 又]+)(?: +|又)(?P<fraction>[^ 又]+)$")
_FRACTION_TERM = re.compile(r"\d+|[" + "".join(DIGITS) + "".join(SMALL_UNITS) + "]+")
_PERCENT_WORDS = ("百分之", "千分之", "万分之")
# Most numerals in reports are plain Arabic (36, 99.8), some with one magnitude (23.7万, 5亿): read
# at once, without the general reader.
# Thousands are grouped with commas in bulletins (2,300万, 14亿3,329万 goes the general way).
_PLAIN_ARABIC = re.compile(r"((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?)([万亿]?)")
_WIDE = Context(prec=210)  # parse_number's precision: wide enough that quantize never rounds
_ONE = Decimal(1)
# A sum of money in words: 壹拾壹元整, 玖仟陆佰陆拾伍圆壹角捌分, 壹佰元零伍分.
_MONEY = re.compile(r"^(?P<yuan>.+?)[元圆圓](?:零?(?P<jiao>.)角)?(?:零?(?P<fen>.)分)?[整正]?$")


def parse_number(text: str) -> Decimal | None:
    """The exact value of one numeral expression, or None when `text` is not one.

    Approximate numerals (十余万) and colloquial ranges (三四十) name no single exact value, so
    they are None here: read them with `parse_approximate` and `parse_range`.
    """
    if isinstance(text, str):
        if text in _ONE_CHARACTER:
            return _ONE_CHARACTER[text]
        if len(text) <= 200 and (plain := _PLAIN_ARABIC.fullmatch(text)):
            return _plain_arabic(plain.group(1), plain.group(2))
    return _parse_general(text)


def _parse_general(text: object) -> Decimal | None:
    """parse_number without its shortcuts: every form, NFKC first, at 210 digits of precision."""
    s = _normalise(text)
    if s is None:
        return None
    sign = 1
    if s.startswith(NEGATIVE):
        sign, s = -1, s[1:].lstrip(" ")
    elif s.startswith(POSITIVE):
        s = s[1:].lstrip(" ")
    if not s:
        return None
    s = _SLASH_SPACES.sub(r"\1", s)  # 3 / 4 is 3/4; only a space between numbers can mean "and"
    mixed = "又" in s or (" " in s and ("/" in s or "分之" in s))
    if not mixed:
        s = s.replace(" ", "")
    with localcontext() as ctx:
        ctx.prec = 210
        try:
            value = _mixed(s) if mixed else _parse_unsigned(s)
            if value is not None and value.is_finite() and value == value.to_integral_value():
                value = value.quantize(Decimal(1))  # 16.4亿 is 1640000000, not 1.64E+9
        except (InvalidOperation, DivisionByZero, ValueError, OverflowError):
            return None
    if value is None or not value.is_finite():
        return None
    return -value if sign < 0 else value


def _plain_arabic(digits: str, magnitude: str) -> Decimal:
    """What the general reader gives for ASCII digits with an optional decimal part and magnitude,
    about five times faster (no NFKC, no local context): the Decimal times the magnitude at the
    same precision (23.7万 is 237000.0), its integral values without exponent."""
    value = Decimal(digits.replace(",", "") if "," in digits else digits)
    if not magnitude and "." not in digits:
        return value  # a whole number: already integral, exponent 0, as quantize would leave it
    if magnitude:
        value = _WIDE.multiply(value, _BIG_UNIT_RANK[magnitude])
    if value == value.to_integral_value():
        return value.quantize(_ONE, context=_WIDE)  # 2.0 is 2, as parse_number gives it
    return value


def parse_approximate(text: str) -> tuple[Decimal, bool] | None:
    """(value, approximate) of a numeral that may hold one 余/多/几/来, or None.

    Reports write 十余万 (100000), 一千多万 (10000000), 二十几万 (200000), 48万余 (480000), 500余万,
    三十来: the numeral names a round value and the marker says the true one is above it (余, 多,
    几: the guideline's `over`) or near it (来, spoken "about"). The value is the numeral without
    its marker, magnitude kept; `approximate` is True when a marker was there, and a plain numeral
    gives (its exact value, False).

    The marker must sit where Chinese puts it: after an Arabic integer (1225余万, 60多), a unit
    (十余, 三百余, 一千多万) or a magnitude at the end (48万余, 万余 = 一万余), and before nothing
    but a larger magnitude (十余万, 一万多亿). Anything else is no numeral and gives None:
    a marker first (余三, 几十, 几百: a vague quantity with no number, which the guideline counts
    as no metric), two markers (多多), a marker after a bare Chinese digit (三多), a digit or unit
    after it (十余五, 一百几十), a decimal before it (1.5余万), a sign, or a colloquial range.
    """
    s = _normalise(text)
    if s is None:
        return None
    if APPROXIMATE_MARKERS.isdisjoint(s):
        value = parse_number(s)
        return None if value is None else (value, False)
    s = s.replace(" ", "")  # 294 余万
    at = [i for i, ch in enumerate(s) if ch in APPROXIMATE_MARKERS]
    if len(at) > 1:
        return None
    head, tail = s[: at[0]], s[at[0] + 1 :]
    if not head or head.startswith(NEGATIVE + POSITIVE) or not _BIG_RUN.fullmatch(tail):
        return None
    before = head[-1]
    if before.isdigit():
        run = _ARABIC_TAIL.search(head)
        if run is None or "." in run.group(0):
            return None  # 1.5余万: a decimal is already as precise as it means to be
    elif before not in _UNIT_CHARS:
        return None  # 三多, 一百零余: no unit for the marker to round
    if tail and any(_BIG_UNIT_RANK[ch] >= _BIG_UNIT_RANK[tail[0]] for ch in head if ch in _BIG_UNIT_RANK):
        return None  # 48万余万, 三亿多万: the magnitude after the marker must scale all before it
    if head in _BIG_UNIT_RANK:
        head = "一" + head  # 万余 is 一万余
    value = parse_number(head + tail)
    return None if value is None else (value, True)


def parse_range(text: str) -> tuple[Decimal, Decimal] | None:
    """(low, high) of a colloquial range, or None.

    Spoken Chinese gives a range as two adjacent ascending digits sharing what follows: 一两 (1, 2),
    三四 (3, 4), 两三千 (2000, 3000), 三四十 (30, 40), 三四百万, 一二百, and after a leading part
    十一二 (11, 12), 一百二三十 (120, 130), 三万五六 (35000, 36000). Each end is the numeral with one
    of the two digits left out. The guideline records both ends; the digits run together (34) would
    be a misreading, so `parse_number` refuses these. Non-adjacent pairs (三五, "a few"),
    descending pairs, repeats and longer digit runs (一二三) are no range: None.
    """
    s = _normalise(text)
    if s is None:
        return None
    s = s.replace(" ", "")
    for word, spelled in TENS_WORDS.items():
        s = s.replace(word, spelled)  # 廿三四 is 二十三四
    at = _range_pair(s)
    if at is None:
        return None
    low = parse_number(s[:at] + s[at] + s[at + 2 :])
    high = parse_number(s[:at] + s[at + 1] + s[at + 2 :])
    if low is None or high is None or not low < high:
        return None
    return low, high


def _normalise(text: object) -> str | None:
    """NFKC (full-width digits, ideographic spaces), trimmed; None for non-strings and huge inputs."""
    if not isinstance(text, str):
        return None
    s = unicodedata.normalize("NFKC", text).strip()
    if not s or len(s.replace(" ", "")) > 200:
        return None
    return s


def _range_pair(s: str) -> int | None:
    """Where the two digits of a colloquial range start in `s`, or None when `s` has no such shape.

    Shape: [a part ending in a unit] + digit n + digit n+1 + [a small unit] [magnitudes].
    """
    for i in range(len(s) - 1):
        first, second = s[i], s[i + 1]
        if first not in DIGITS or second not in DIGITS or first in READOUT_ONLY or second in READOUT_ONLY:
            continue
        if DIGITS[first] == 0 or DIGITS[second] != DIGITS[first] + 1:
            continue
        if (i == 0 or s[i - 1] in _UNIT_CHARS) and _RANGE_TAIL.fullmatch(s, i + 2):
            return i
    return None


def _mixed(s: str) -> Decimal | None:
    """A whole number and a proper fraction (1 3/5 is 1.6, 2又1/2 is 2.5), or None.

    Anything else with a space or 又 before a fraction is refused rather than guessed: 1 5/3 or
    1 000/5 could be a misplaced space as well as a mixed number. 三又三分之一 is 3 plus 三分之一 at
    the 28 significant digits any fraction gets here (3.3333333333333333333333333333).
    """
    match = _MIXED.match(s)
    if match is None:
        return None
    whole = _plain(match.group("whole"))
    fraction = match.group("fraction")
    if whole is None or whole != whole.to_integral_value() or fraction.startswith(_PERCENT_WORDS):
        return None
    if fraction.count("/") == 1:
        numerator, _, denominator = fraction.partition("/")
    elif fraction.count("分之") == 1:
        denominator, _, numerator = fraction.partition("分之")
    else:
        return None
    if not (_FRACTION_TERM.fullmatch(numerator) and _FRACTION_TERM.fullmatch(denominator)):
        return None  # 1 3/5万: the terms of a fraction are plain whole numbers
    top, bottom = _plain(numerator), _plain(denominator)
    if top is None or bottom is None or top != top.to_integral_value() or bottom != bottom.to_integral_value():
        return None
    if not 0 < top < bottom:
        return None
    part = _ratio(top, bottom)
    return None if part is None else whole + part


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
            high = _readout(whole, before_point=True)  # 一二点三零 is 12.3
            if high is None:
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
        base = _readout(whole, before_point=True)
        if base is None:
            base = _section(whole)
        if base is None:
            return None
        return base + Decimal("0." + digits)
    if len(s) > 1 and all(ch in DIGITS for ch in s):
        return _readout(s, before_point=False)  # 二〇二四; 三四 and 三五 are None
    return _units(s)


def _readout(s: str, *, before_point: bool) -> Decimal | None:
    """Digits read one by one (二〇二四 is 2024), or None when `s` is no digit readout.

    Two different digits alone are how Chinese says "n or m" (三四, 一二, 三五), not a code: a
    readout needs three digits or more, a repeat (一一), a character only readouts use (〇, 零, 幺),
    or a decimal point after it (一二点三). 两 is never a readout digit.
    """
    if len(s) < 2 or not all(ch in DIGITS for ch in s) or not NEVER_READOUT.isdisjoint(s):
        return None
    if not (before_point or len(s) >= 3 or len(set(s)) == 1 or not READOUT_ONLY.isdisjoint(s)):
        return None
    return Decimal("".join(str(DIGITS[ch]) for ch in s))


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


# 一, 三, 十, 万: a running text's numeral is often one character, read by the general reader once
# here rather than at each occurrence (the same values: computed by it).
_ONE_CHARACTER: dict[str, Decimal | None] = {ch: _parse_general(ch) for ch in sorted(NUMERAL_CHARS)}
