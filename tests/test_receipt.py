"""Receipts as printed: all ten shapes of the reference, at 32, 42 and 48 columns."""

from __future__ import annotations

from datetime import datetime

import pytest

from pos_tui.api.calls import decode
from pos_tui.receipt import TRAINING_MARK, WIDTHS, render_receipt

from .conftest import reference

WHEN = datetime(2026, 11, 22, 14, 3)
SHAPES = {  # fixture -> (call, kind hint, lines the receipt must show)
    "transactions-1": (
        "record_activity",
        None,
        [
            "Purchase",
            "9.95 USD",
            "Promotion: Double Points",
            "x2",
            "Points earned",
            "1,990",
            "4,590 pts",
            "4.75 USD",
            "78,390 pts",
        ],
    ),
    "transactions-2": ("record_activity", None, ["Loaded", "9.95 USD", "48.75 USD", "413.50 USD"]),
    "transactions-3": (
        "record_activity",
        None,
        ["Visit", "recorded", "Visits", "12", "Lifetime visits", "25"],
    ),
    "transactions-4": ("record_activity", None, ["Earned this visit", "4.50 USD", "22.50 USD", "45.00 USD"]),
    "transactions-5": ("record_activity", None, ["2 x Books", "Coffees & Teas", "6 / 43"]),
    "transactions-7": (
        "redeem",
        None,
        ["Reward: Free Widget!", "-100 pts", "-150 pts", "Redeemed 9.90 USD", "-1,990 pts", "4,590 pts"],
    ),
    "transactions-8": ("redeem", None, ["Spent", "14.95 USD", "40.75 USD"]),
    "transactions-9": ("redeem", None, ["Reward: Free Widget!", "-9 visits", "12"]),
    "transactions-10": ("redeem", "earned", ["Redeemed", "14.95 USD", "22.50 USD"]),
    "transactions-11": ("redeem", None, ["Free Books", "-10 bought", "Cakes & Cookies", "2 / 12"]),
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_shape_at_every_width(name, width):
    call, hint, expected = SHAPES[name]
    receipt = decode(call, reference(name), hint=hint).receipt
    text = render_receipt(receipt, width=width, when=WHEN, terminal="Till-2")
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert "Demo Business" in text and "1234" in text and "2026-11-22 14:03" in text and "Till-2" in text
    assert ("Redemption" if call == "redeem" else "Purchase") in text
    for piece in expected:
        assert piece in text, f"{piece!r} missing from\n{text}"
    assert TRAINING_MARK not in text
    assert "Optional note here" in text


def test_training_receipts_say_so_at_the_top_and_the_bottom():
    receipt = decode("record_activity", reference("transactions-2")).receipt
    lines = render_receipt(receipt, width=32, when=WHEN, training=True).splitlines()
    assert lines[0].strip() == TRAINING_MARK and lines[-1].strip() == TRAINING_MARK


def test_a_long_name_wraps_instead_of_overflowing():
    receipt = decode("record_activity", reference("transactions-1")).receipt
    receipt.customer.first_name = "Maximiliana-Alexandrina"
    receipt.customer.last_name = "Featherstonehaugh-Cholmondeley"
    text = render_receipt(receipt, width=32, when=WHEN)
    assert max(len(line) for line in text.splitlines()) <= 32
    assert "Featherstonehaugh" in text


def test_unknown_width_is_refused():
    receipt = decode("record_activity", reference("transactions-1")).receipt
    with pytest.raises(ValueError):
        render_receipt(receipt, width=40)


def test_the_journal_reference_is_not_printed():
    receipt = decode("record_activity", reference("transactions-2")).receipt
    receipt.transaction.add.description = "Birthday gift [pos:0a1b2c3d4e]"
    text = render_receipt(receipt, width=42, when=WHEN)
    assert "Note: Birthday gift" in text and "pos:" not in text
