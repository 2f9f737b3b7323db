from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.api.wire import format_decimal, parse_date, parse_decimal


@pytest.mark.parametrize(
    "text, value",
    [
        ("9.95", "9.95"),
        ("9,95", "9.95"),
        (".75", "0.75"),
        ("0,50", "0.50"),
        ("-1", "-1"),
        (" 12 ", "12"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1 234,5", "1234.5"),
        ("1.234.567", "1234567"),
        ("+3", "3"),
    ],
)
def test_amounts(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1e5", "9.9.9,9", "nan", "inf", "1,2,3", "--1", "1-"])
def test_not_amounts(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_empty_is_none():
    assert parse_decimal("") is None and parse_decimal("  ") is None


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9))
def test_round_trip_with_point_and_comma(value):
    text = format_decimal(value)
    assert "e" not in text.lower()
    assert parse_decimal(text) == value
    assert parse_decimal(text.replace(".", ",")) == value


@given(st.text(max_size=20))
def test_any_text_is_an_amount_or_a_value_error(text):
    try:
        result = parse_decimal(text)
    except ValueError:
        return
    assert result is None or result.is_finite()


def test_dates():
    assert parse_date("0000-00-00") is None and parse_date("") is None
    assert parse_date("2011-12-31") == date(2011, 12, 31)
    assert parse_date("2011-05-07 14:38:59") == date(2011, 5, 7)
