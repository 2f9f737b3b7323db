"""Amounts typed at the till: exact or refused with a message (issue 13). No Textual here."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.till.amounts import AmountError, above_limit, currency_decimals, parse_amount, parse_count


@pytest.mark.parametrize(
    "text, value",
    [("9.95", "9.95"), ("9,95", "9.95"), (".75", "0.75"), ("12", "12"), ("12.5", "12.5"), (" 3,00 ", "3.00")],
)
def test_amounts_read_exactly(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize(
    "text, says",
    [
        ("-5", "negative"),  # was recorded as 5.00
        ("1e9", "exponent"),  # was recorded as 19
        ("1,000", "ambiguous"),  # was recorded as one unit
        ("1.000", "ambiguous"),
        ("1,000.50", "thousands"),
        ("1.234,50", "thousands"),
        ("9.955", "ambiguous"),
        ("9.9555", "decimals"),
        ("٥", "digits 0-9"),  # Arabic-Indic five
        ("１２", "digits 0-9"),  # full-width
        ("0", "more than zero"),
        ("0,00", "more than zero"),
        ("", "Type the"),
        (".", "Type the"),
        ("12abc", "not an amount"),
        ("9" * 13, "too large"),
    ],
)
def test_amounts_refused_with_a_message(text, says):
    with pytest.raises(AmountError, match=says):
        parse_amount(text)


def test_decimals_follow_the_currency():
    assert currency_decimals("JPY") == 0 and currency_decimals("KWD") == 3 and currency_decimals("eur") == 2
    assert parse_amount("1.250", decimals=3) == Decimal("1.250")
    with pytest.raises(AmountError, match="whole number"):
        parse_amount("1.5", decimals=0, unit="points")
    assert parse_count("300", unit="points") == 300


@given(cents=st.integers(1, 10**9), comma=st.booleans())
def test_every_two_decimal_amount_round_trips(cents, comma):
    text = f"{cents // 100}{',' if comma else '.'}{cents % 100:02d}"
    assert parse_amount(text) == Decimal(cents) / 100


@given(text=st.text(max_size=15))
def test_anything_typed_is_an_exact_amount_or_a_message(text):
    try:
        value = parse_amount(text)
    except AmountError as exc:
        assert str(exc)
    else:
        digits = "".join(ch for ch in text if ch in "0123456789")
        assert value > 0 and value.as_tuple().exponent >= -2
        assert Decimal(digits) == value.scaleb(-value.as_tuple().exponent)  # no digit lost or added


def test_the_second_confirmation_limit():
    assert above_limit(Decimal("500.01"), Decimal(500)) and not above_limit(Decimal(500), Decimal(500))
    assert not above_limit(Decimal(10**9), None) and not above_limit(Decimal(10**9), Decimal(0))
