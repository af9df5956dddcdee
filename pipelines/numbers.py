"""Chinese and Arabic numerals to Decimal (stub: replaced by the extraction work)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def parse_number(text: str) -> Decimal | None:
    """The value of one numeral expression, or None when `text` is not a number."""
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
