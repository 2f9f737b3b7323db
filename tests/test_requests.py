"""Typed write requests: validation, form fields, batches, and a JSON round trip for the journal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from pos_tui.api import requests as rq
from pos_tui.api.forms import request_from_fields
from pos_tui.api.kinds import CAMPAIGN_KINDS

CUSTOMER = rq.CustomerRef(code="1234567890123456")


def test_a_customer_needs_a_card_or_a_code():
    with pytest.raises(ValidationError, match="card number or a customer code"):
        rq.CustomerRef()
    assert rq.CustomerRef(card_number="1540280f").fields() == {"card_number": "1540280f"}
    assert rq.CustomerRef(card_number="1", code="2").fields() == {"code": "2"}


def test_redemptions_need_the_code():
    with pytest.raises(ValidationError, match="code"):
        rq.GiftCardRedeem(customer=rq.CustomerRef(card_number="1"), campaign_id="1", amount="1")


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "", "1e5", "NaN"])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(ValidationError):
        rq.GiftCardLoad(customer=CUSTOMER, campaign_id="1", amount=amount)


def test_points_redemption_needs_something():
    with pytest.raises(ValidationError, match="choose a reward"):
        rq.PointsRedeem(customer=CUSTOMER, campaign_id="1")
    only_points = rq.PointsRedeem(customer=CUSTOMER, campaign_id="1", custom_points="150")
    assert only_points.fields()["custom_points_redeem"] == "150"
    assert "reward_to_redeem" not in only_points.fields()


def test_buyx_needs_an_item():
    with pytest.raises(ValidationError, match="item"):
        rq.BuyXEarn(customer=CUSTOMER, campaign_id="1")
    by_identifier = rq.BuyXEarn(customer=CUSTOMER, campaign_id="1", item_identifier="SKU-9")
    assert by_identifier.fields()["item_identifier"] == "SKU-9"


WRITES = [
    rq.PointsEarn(customer=CUSTOMER, campaign_id="1", amount="9,95", promo_id="89"),
    rq.GiftCardLoad(customer=CUSTOMER, campaign_id="1", amount="20"),
    rq.BuyXEarn(customer=CUSTOMER, campaign_id="1", service_product="96", quantity=2),
    rq.EventsEarn(customer=CUSTOMER, campaign_id="1", authorization="visit"),
    rq.EarnedEarn(customer=CUSTOMER, campaign_id="1"),
]
REDEMPTIONS = [
    rq.PointsRedeem(customer=CUSTOMER, campaign_id="1", reward_id="98"),
    rq.GiftCardRedeem(customer=CUSTOMER, campaign_id="1", amount="14.95"),
    rq.BuyXRedeem(customer=CUSTOMER, campaign_id="1", item="96"),
    rq.EventsRedeem(customer=CUSTOMER, campaign_id="1", reward_id="41"),
    rq.EarnedRedeem(customer=CUSTOMER, campaign_id="1", amount="4.50"),
]


@pytest.mark.parametrize("request_", [*WRITES, *REDEMPTIONS], ids=lambda r: type(r).__name__)
def test_requests_round_trip_as_json(request_):
    adapter = TypeAdapter(rq.Earn if request_ in WRITES else rq.Redemption)
    again = adapter.validate_json(adapter.dump_json(request_))
    assert again == request_ and again.fields() == request_.fields()


@pytest.mark.parametrize("request_", [*WRITES, *REDEMPTIONS], ids=lambda r: type(r).__name__)
def test_one_table_names_each_request_by_its_call_and_kind(request_):
    assert request_.call == ("record_activity" if request_ in WRITES else "redeem")
    assert rq.request_class(request_.call, request_.kind) is type(request_)
    stored = request_.model_dump(mode="json")
    assert rq.request_from_json(request_.call, stored) == request_


def test_the_table_covers_every_kind_and_refuses_the_unknown():
    for kind in CAMPAIGN_KINDS:
        for call in ("record_activity", "redeem", "transaction_delete", "batch_transactions"):
            assert rq.request_class(call, kind).call == call
    with pytest.raises(ValueError, match="unknown campaign kind 'stamps'"):
        rq.request_class("redeem", "stamps")
    with pytest.raises(ValueError, match="'customer_info' is not a write"):
        rq.request_class("customer_info", "points")
    delete = rq.TransactionDelete(campaign_id="1", code="2", transaction_id="3")
    assert rq.request_from_json("transaction_delete", delete.model_dump(mode="json")) == delete
    with pytest.raises(ValueError, match="kind"):  # a stored earn without its kind is not guessed
        rq.request_from_json("record_activity", {"customer": {"code": "2"}, "campaign_id": "1"})


@pytest.mark.parametrize("request_", [*WRITES, *REDEMPTIONS], ids=lambda r: type(r).__name__)
def test_form_fields_read_back_as_the_same_request(request_):
    """What a request sends is what the command line's ``field=value`` form reads back."""
    assert request_from_fields(request_.call, request_.kind, request_.fields()) == request_


def test_form_fields_a_request_does_not_use_are_refused():
    with pytest.raises(ValueError, match="field 'promo_id' is not used by record_activity for a giftcard"):
        request_from_fields("record_activity", "giftcard", {"code": "2", "campaign_id": "1", "promo_id": "9"})
    with pytest.raises(ValueError, match="custom_field_1"):  # custom fields go with earns only
        request_from_fields("redeem", "giftcard", {"code": "2", "campaign_id": "1", "custom_field_1": "x"})
    delete = request_from_fields(
        "transaction_delete", None, {"code": "2", "campaign_id": "1", "transaction_id": "3"}
    )
    assert delete == rq.TransactionDelete(campaign_id="1", code="2", transaction_id="3")


def test_batch_of_points_as_the_reference_shows():
    rows = [
        rq.BatchRow(
            campaign_id="4638472975924871",
            code="12121",
            amount=a,
            date=date(2010, 3, 15),
            authorization=f"API test import {i}",
        )
        for i, a in enumerate(["14,95", "50", "34.67", "0,50", ".75", "2.00"], start=1)
    ] + [
        rq.BatchRow(
            campaign_id="4638472975924871",
            code="12121",
            redeemed=True,
            amount="1500",
            date=date(2010, 3, 15),
            authorization="API test redeem 1",
        )
    ]
    fields = rq.Batch(kind="points", rows=rows, delimiter="pipe", apply_ratio=True, allow_undo=True).fields()
    assert fields["delimiter"] == "pipe" and fields["apply_ratio"] == "yes" and fields["allow-undo"] == "yes"
    assert [fields[f"visits_header_{i}"] for i in range(1, 7)] == [
        "campaign_id",
        "code",
        "redeemed",
        "amount",
        "date",
        "authorization",
    ]
    assert "visits_header_7" not in fields
    lines = fields["Visits_Data"].splitlines()
    assert lines[0] == "4638472975924871|12121|N|14.95|2010-03-15|API test import 1"
    assert lines[4] == "4638472975924871|12121|N|0.75|2010-03-15|API test import 5"
    assert lines[6] == "4638472975924871|12121|Y|1500|2010-03-15|API test redeem 1"


def test_batch_columns_of_each_kind_and_unused_columns():
    events = rq.Batch(
        kind="events",
        rows=[rq.BatchRow(campaign_id="1", code="2", date=date(2010, 3, 15), authorization="API add event")],
    )
    fields = events.fields()
    assert [fields[f"visits_header_{i}"] for i in range(1, 7)] == [
        "campaign_id",
        "code",
        "redeemed",
        "date",
        "authorization",
        "none",
    ]
    assert fields["Visits_Data"] == "1|2|N|2010-03-15|API add event|\n"
    buyx = rq.Batch(
        kind="buyx", rows=[rq.BatchRow(campaign_id="1", code="2", service_product="Coffees", amount="3")]
    ).fields()
    assert buyx["visits_header_4"] == "service_product" and buyx["visits_header_6"] == "none"
    assert buyx["Visits_Data"] == "1|2|N|Coffees|3||\n"
    promo = rq.Batch(
        kind="points",
        rows=[
            rq.BatchRow(
                campaign_id="1", code="2", amount="50", promo_ids=("345", "354"), custom_fields={3: "Store 9"}
            )
        ],
    )
    fields = promo.fields()
    assert fields["visits_header_7"] == "promo_id" and fields["visits_header_8"] == "custom_field_3"
    assert fields["Visits_Data"] == "1|2|N|50|||345,354|Store 9\n"


def test_a_delimiter_inside_a_value_never_breaks_a_row():
    row = rq.BatchRow(campaign_id="1", code="2", amount="5", authorization="Coffee | cake, tea\tand\nmore")
    auto = rq.Batch(kind="giftcard", rows=[row])
    assert auto.chosen_delimiter() == "pipe"  # every delimiter occurs: text loses the character
    data = auto.fields()["Visits_Data"]
    assert data == "1|2|N|5||Coffee / cake, tea\tand more\n"
    assert rq.Batch(kind="giftcard", rows=[row], delimiter="comma").fields()["Visits_Data"].count(",") == 5
    clean = rq.BatchRow(campaign_id="1", code="2", amount="5", authorization="a|b")
    assert rq.Batch(kind="giftcard", rows=[clean]).chosen_delimiter() == "tab"
    with pytest.raises(ValueError, match="promo_id value contains the comma delimiter"):
        rq.Batch(
            kind="points",
            delimiter="comma",
            rows=[rq.BatchRow(campaign_id="1", code="2", amount="1", promo_ids=("1", "2"))],
        ).fields()


@given(
    texts=st.lists(st.text(alphabet=st.sampled_from("ab|,\t\n x"), max_size=12), min_size=1, max_size=6),
    delimiter=st.sampled_from(["auto", "pipe", "comma", "tab"]),
)
def test_every_row_keeps_its_columns(texts, delimiter):
    rows = [
        rq.BatchRow(campaign_id="1", code="c", amount=Decimal(i + 1), authorization=t)
        for i, t in enumerate(texts)
    ]
    batch = rq.Batch(kind="giftcard", rows=rows, delimiter=delimiter)
    fields = batch.fields()
    sep = {"pipe": "|", "comma": ",", "tab": "\t"}[fields["delimiter"]]
    lines = fields["Visits_Data"].split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(rows)
    for number, line in enumerate(lines[:-1], start=1):
        cells = line.split(sep)
        assert len(cells) == 6
        assert cells[3] == str(number)
