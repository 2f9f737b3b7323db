"""Amounts for people: what a cashier types, read exactly or refused with a message, and how an
amount, a count or money reads on a screen or a receipt. Plain Python.

Never silently changed: no dropped minus sign, no exponent, no guessed thousands separator, no
rounding. ``9.95`` and ``9,95`` are the same; ``1,000`` and ``1.000`` are refused (a thousand or
one?); more decimals than the currency has are refused.
"""

from __future__ import annotations

import re
from decimal import Decimal

#: ISO 4217 currencies without the usual two decimals (the rest have two).
_DECIMALS = {
    "JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "XOF": 0, "XAF": 0, "PYG": 0, "UGX": 0,
    "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3,
}  # fmt: skip
_PLAIN = re.compile(r"^(\d*)(?:[.,](\d*))?$")
MAX_DIGITS = 12


class AmountError(ValueError):
    """The text is not an amount the till can record exactly; the message says how to type it."""


def currency_decimals(currency: str) -> int:
    return _DECIMALS.get((currency or "").strip().upper(), 2)


def parse_amount(text: str, *, decimals: int = 2, unit: str = "amount") -> Decimal:
    """The exact amount in ``text``, more than zero, with at most ``decimals`` decimals.

    ``unit`` names what is typed in messages ("amount", "points")."""
    raw = text.strip()
    if not raw:
        raise AmountError(f"Type the {unit}.")
    if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in raw):
        raise AmountError(f"Type the {unit} with the digits 0-9.")
    if raw.startswith(("-", "+")) or raw.endswith("-"):
        raise AmountError(
            f"The {unit} cannot be negative or signed: type it without - or +. "
            "To take back a transaction, void it from the receipt or the history."
        )
    if "e" in raw.lower():
        raise AmountError(f"Type the {unit} as plain digits (e.g. 12.50), without an exponent.")
    match = _PLAIN.match(raw)
    if match is None:
        if re.fullmatch(r"[\d.,' \u00a0]+", raw):
            raise AmountError(f"Type the {unit} without thousands separators, e.g. 1234.50.")
        raise AmountError(f"{raw!r} is not an {unit}: type digits, with . or , before the decimals.")
    whole, fraction = match.group(1), match.group(2)
    if not whole and not fraction:
        raise AmountError(f"Type the {unit}.")
    fraction = fraction or ""
    if len(fraction) == 3 and whole and decimals < 3:
        sep = raw[len(whole)]
        raise AmountError(
            f"{raw} is ambiguous: type {whole}{fraction} for {whole}{fraction}, "
            f"or {whole}{sep}{fraction[:2]} for {whole}{sep}{fraction[:2]}."
        )
    if len(fraction) > decimals:
        if decimals == 0:
            raise AmountError(f"The {unit} must be a whole number.")
        raise AmountError(f"At most {decimals} decimals: {raw} cannot be recorded exactly.")
    if len(whole.lstrip("0")) > MAX_DIGITS:
        raise AmountError(f"The {unit} is too large.")
    value = Decimal(f"{whole or '0'}.{fraction}" if fraction else whole)
    if value <= 0:
        raise AmountError(f"The {unit} must be more than zero.")
    return value


def parse_count(text: str, *, unit: str = "quantity") -> int:
    """A whole number more than zero (quantities, points)."""
    return int(parse_amount(text, decimals=0, unit=unit))


def above_limit(value: Decimal, limit: Decimal | None) -> bool:
    """Whether ``value`` needs a second confirmation (no limit: never)."""
    return limit is not None and limit > 0 and value > limit


# How amounts read -----------------------------------------------------------------------------


def amount(value: Decimal | None) -> str:
    """A count or points, grouped: ``4,590``; ``-`` when the API left it empty."""
    if value is None:
        return "-"
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value:,}"


def magnitude(value: Decimal | None) -> Decimal | None:
    """What a redemption took, whichever sign the service gave it (live JSON sends ``-1``)."""
    return None if value is None else abs(value)


def size(value: Decimal | None) -> str:
    """A redeemed count or points, without its sign (the receipt writes the minus)."""
    return amount(magnitude(value))


def money(value: Decimal | None, currency: str = "", glyph: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.2f}"
    if glyph:
        return f"{'-' if value < 0 else ''}{glyph}{text.lstrip('-')}"
    return f"{text} {currency}".strip()
