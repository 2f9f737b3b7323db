"""Values as they travel on the wire: decimal amounts (``9.95`` and ``9,95``) and dates.

Every value the API sends is a string; these helpers turn them into ``Decimal`` and
``date`` and back, never through ``float``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([., '\u00a0]\d{3})+([.,]\d+)?$")
MAX_DIGITS = 40  # no amount of this API comes near; a hostile one is refused, never stored whole
NO_DATES = {"", "0000-00-00", "0000-00-00 00:00:00"}


def parse_decimal(value: object) -> Decimal | None:
    """Parse an amount as the API writes it or a cashier types it.

    ``"9.95"``, ``"9,95"``, ``".75"``, ``"-1"`` and ``"1,234.50"`` / ``"1.234,50"`` are accepted;
    ``""`` is ``None``. Anything else raises ``ValueError``.
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite() or len(value.as_tuple().digits) > MAX_DIGITS or abs(value.adjusted()) > 18:
            raise ValueError("not an amount")
        return value
    if isinstance(value, bool):
        raise ValueError("not an amount")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        raise ValueError("not an amount")
    text = value.strip()
    if not text:
        return None
    if len(text) > MAX_DIGITS:
        raise ValueError(f"{text[:20]!r}… is not an amount (too long)")
    if _NUMBER.match(text):
        normalised = text.replace(",", ".")
    elif _GROUPED.match(text):
        # The last separator followed by other than three digits is the decimal mark.
        body = re.sub(r"[ '\u00a0]", "", text)
        last = max(body.rfind("."), body.rfind(","))
        decimals = body[last + 1 :] if last >= 0 else ""
        if last >= 0 and len(decimals) != 3:
            normalised = re.sub(r"[.,]", "", body[:last]) + "." + decimals
        else:
            normalised = re.sub(r"[.,]", "", body)
    else:
        raise ValueError(f"{value!r} is not an amount")
    try:
        result = Decimal(normalised)
    except InvalidOperation as exc:  # pragma: no cover - the regexes admit only valid numbers
        raise ValueError(f"{value!r} is not an amount") from exc
    if not result.is_finite():  # pragma: no cover
        raise ValueError(f"{value!r} is not an amount")
    return result


def format_decimal(value: Decimal) -> str:
    """The wire form of an amount: plain notation with a decimal point, never an exponent."""
    text = format(value, "f")
    return text


def parse_date(value: object) -> date | None:
    """``YYYY-MM-DD`` (or the date of ``YYYY-MM-DD HH:MM:SS``); ``""`` and ``0000-00-00`` are None."""
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("not a date")
    text = value.strip()
    if text in NO_DATES:
        return None
    return date.fromisoformat(text[:10])


def parse_datetime(value: object) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS``; ``""`` and zero dates are ``None``."""
    if value is None or isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("not a date and time")
    text = value.strip()
    if text in NO_DATES:
        return None
    return datetime.fromisoformat(text)


DelimiterName = Literal["pipe", "comma", "tab"]
#: The delimiters of ``batch_transactions`` by the name the API gives them.
DELIMITERS: dict[str, str] = {"pipe": "|", "comma": ",", "tab": "\t"}
