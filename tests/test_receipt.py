"""Receipts as printed: all ten shapes of the reference, at 32, 42 and 48 columns."""

from __future__ import annotations

from datetime import datetime

import pytest

from pos_tui.api import requests as rq
from pos_tui.api.calls import decode
from pos_tui.api.models import RECEIPT_MODELS, receipts
from pos_tui.till.receipt import TRAINING_MARK, WIDTHS, provisional_receipt, render_receipt
from pos_tui.till.reversal import reversal_text

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


REVERSALS = {  # fixture -> the receipt's declared class, and what voiding it does
    "transactions-1": ("PointsEarnReceipt", "removes the 1,990 points earned"),
    "transactions-2": ("GiftCardEarnReceipt", "removes the 9.95 USD loaded"),
    "transactions-3": ("EventsEarnReceipt", "removes the visit"),
    "transactions-4": ("EarnedEarnReceipt", "removes the 4.50 USD earned"),
    "transactions-5": ("BuyXEarnReceipt", "removes 2 × Books bought"),
    "transactions-7": ("PointsRedeemReceipt", "gives back the 2,240 points redeemed"),
    "transactions-8": ("GiftCardRedeemReceipt", "gives back the 14.95 USD redeemed"),
    "transactions-9": ("EventsRedeemReceipt", "gives back the 9 visits redeemed"),
    "transactions-10": ("EarnedRedeemReceipt", "gives back the 14.95 USD redeemed"),
    "transactions-11": ("BuyXRedeemReceipt", "gives back the free Books (10 purchases)"),
}


@pytest.mark.parametrize("name", sorted(REVERSALS))
def test_each_shape_is_a_declared_class_and_says_what_its_void_reverses(name):
    call, hint, _ = SHAPES[name]
    receipt = decode(call, reference(name), hint=hint).receipt
    model, effect = REVERSALS[name]
    assert type(receipt).__name__ == model and getattr(receipts, model) is type(receipt)
    assert RECEIPT_MODELS[(receipt.action, receipt.kind)] is type(receipt)
    text = reversal_text(receipt)
    assert text.splitlines()[-1] == f"Voiding it {effect}."
    assert text.splitlines()[0].startswith(f"Transaction {receipt.transaction_id} — ")


def test_a_points_redemption_without_lines_still_reads():
    """A live receipt may name no reward, custom points or amount: the void says 0 points (it raised
    AttributeError on an int before)."""
    receipt = receipts.PointsRedeemReceipt.model_validate({"transaction": {"id": "7"}})
    assert reversal_text(receipt).endswith("Voiding it gives back the 0 points redeemed.")
    empty = receipts.GiftCardRedeemReceipt.model_validate({"transaction": {"id": "8"}})
    assert reversal_text(empty).endswith("Voiding it reverses it.")


CUSTOMER = rq.CustomerRef(card_number="5555000011112222")
QUEUED = [  # an earn queued offline -> what its provisional receipt shows
    (rq.PointsEarn(customer=CUSTOMER, campaign_id="1", amount="9.95"), ["Purchase", "9.95"]),
    (rq.GiftCardLoad(customer=CUSTOMER, campaign_id="1", amount="20"), ["Loaded", "20.00"]),
    (rq.BuyXEarn(customer=CUSTOMER, campaign_id="1", item_identifier="SKU-9", quantity=3), ["3 x SKU-9"]),
    (rq.EventsEarn(customer=CUSTOMER, campaign_id="1", authorization="lunch"), ["Visit", "Note: lunch"]),
    (rq.EarnedEarn(customer=CUSTOMER, campaign_id="1"), ["Earn per visit"]),
]


@pytest.mark.parametrize(("request_", "shown"), QUEUED, ids=[type(r).__name__ for r, _ in QUEUED])
def test_a_queued_earn_has_a_provisional_receipt_of_its_kind(request_, shown):
    receipt = provisional_receipt(request_, campaign_name="")
    assert (receipt.action, receipt.kind) == ("earn", request_.kind)
    text = render_receipt(receipt, when=WHEN, pending=True)
    assert "PENDING" in text and "****2222" in text and "Balance" not in text
    for line in shown:
        assert line in text
