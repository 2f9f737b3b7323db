"""The sandbox answers as the live service does ("What the public clients read" in the shared
API reference), and the API layer reads every variant: shape in, shape out."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.api import errors
from pos_tui.api import models as m
from pos_tui.api.calls import decode
from pos_tui.api.decoding import parse_body
from pos_tui.sandbox.render import to_json, to_xml
from pos_tui.till.receipt import render_receipt
from pos_tui.till.reversal import reversal_text

from .conftest import REFERENCE
from .sandbox_helpers import BUYER, EMPLOYEE, GIFT, JANE, SHOPPER, WIDGETS, auth, client, make_sandbox, raw

AGENCY = {"id": "acmemktg", "name": "ACME Marketing", "email": "server@acmemarkting.com"}
KINDS = {WIDGETS: "points", GIFT: "giftcard", BUYER: "buyx", SHOPPER: "events", EMPLOYEE: "earned"}
REDEEM = {WIDGETS: "678", GIFT: "5", BUYER: "96", SHOPPER: "42", EMPLOYEE: "4.50"}
EARN = {
    WIDGETS: {"amount": "9,95"},
    GIFT: {"amount": "12.50"},
    BUYER: {"service_product": "96"},
    SHOPPER: {},
    EMPLOYEE: {},
}
WHEN = datetime(2026, 11, 23, 12, 0)


@pytest.fixture
def sandbox(tmp_path):
    return make_sandbox(tmp_path)


async def redeem(sandbox, campaign: str, output: str) -> bytes:
    fields = auth(type="redeem", code=JANE["code"], campaign_id=campaign, reward_to_redeem=REDEEM[campaign])
    response = await raw(sandbox, {**fields, "output": output})
    assert b"success" in response.content[:40], response.content
    return response.content


# Redemption receipts: agency, glyph, the sign of deduct ------------------------------------------


@pytest.mark.parametrize("output", ["XML", "JSON"])
@pytest.mark.parametrize("campaign", list(KINDS))
async def test_redemption_receipts_name_the_agency(sandbox, campaign, output):
    body = await redeem(sandbox, campaign, output)
    if output == "JSON":
        assert json.loads(body)["receipt"]["agency"] == AGENCY
    else:
        assert b"<agency>\n      <id>acmemktg</id>\n      <name>ACME Marketing</name>" in body
    receipt = decode("redeem", body, hint=KINDS[campaign]).receipt
    assert receipt.agency is not None and receipt.agency.wire() == AGENCY


@pytest.mark.parametrize("campaign", list(KINDS))
async def test_earn_receipts_have_no_agency_as_in_the_reference(sandbox, campaign):
    fields = auth(
        type="record_activity", code=JANE["code"], campaign_id=campaign, output="JSON", **EARN[campaign]
    )
    body = json.loads((await raw(sandbox, fields)).content)
    assert body["status"] == "success" and "agency" not in body["receipt"]


@pytest.mark.parametrize("output", ["XML", "JSON"])
async def test_money_lines_carry_a_glyph_next_to_the_currency(sandbox, output):
    async def earn(campaign: str) -> dict:
        fields = auth(type="record_activity", code=JANE["code"], campaign_id=campaign, output=output)
        body = (await raw(sandbox, {**fields, **EARN[campaign]})).content
        return decode("record_activity", body, hint=KINDS[campaign]).receipt.transaction.wire()  # type: ignore[attr-defined]

    points = await earn(WIDGETS)
    assert points["purchase"] == {"amount": "9.95", "currency": "EUR", "glyph": "€"}
    assert points["balance"]["glyph"] == points["cumulative_balance"]["glyph"] == "€"
    gift = await earn(GIFT)
    assert gift["add"]["glyph"] == gift["balance"]["glyph"] == "€" and gift["add"]["currency"] == "EUR"
    earned = await earn(EMPLOYEE)
    assert earned["earn"] == {"amount": "4.50", "currency": "EUR", "glyph": "€"}
    spend = decode("redeem", await redeem(sandbox, GIFT, output), hint="giftcard").receipt.transaction
    assert spend.deduct.glyph == spend.balance.glyph == "€"
    fields = auth(
        type="redeem", code=JANE["code"], campaign_id=WIDGETS, custom_dollars_redeem="2", output=output
    )
    points_off = decode("redeem", (await raw(sandbox, fields)).content, hint="points").receipt.transaction
    assert (points_off.monetary.glyph, points_off.monetary.currency) == ("€", "EUR")


@pytest.mark.parametrize("campaign", [GIFT, EMPLOYEE])
async def test_deduct_is_negative_in_json_and_as_the_reference_in_xml(sandbox, campaign):
    as_json = await redeem(sandbox, campaign, "JSON")
    as_xml = await redeem(sandbox, campaign, "XML")
    wanted = Decimal(REDEEM[campaign])
    assert json.loads(as_json)["receipt"]["transaction"]["deduct"]["amount"] == f"-{wanted:.2f}"
    assert f"<amount>{wanted:.2f}</amount>".encode() in as_xml
    kind = KINDS[campaign]
    from_json = decode("redeem", as_json, hint=kind).receipt
    from_xml = decode("redeem", as_xml, hint=kind).receipt
    assert from_json.transaction.deduct.amount == -wanted
    assert from_xml.transaction.deduct.amount == wanted
    # The receipt and the void preview read the same whichever sign came.
    label = "Spent" if kind == "giftcard" else "Redeemed"
    for receipt in (from_json, from_xml):
        paper = render_receipt(receipt, width=42, when=WHEN)
        line = next(line for line in paper.splitlines() if line.startswith(label))
        assert line.endswith(f" €{wanted:.2f}") and "-" not in line
        assert f"gives back the €{wanted:.2f} redeemed" in reversal_text(receipt)


def test_the_reference_receipt_and_its_live_json_twin_print_alike():
    reference = decode("redeem", (REFERENCE / "transactions-8.xml").read_bytes()).receipt
    live = decode(
        "redeem",
        json.dumps(
            {
                "status": "success",
                "receipt": {
                    **reference.wire(),
                    "transaction": {
                        **reference.transaction.wire(),
                        "deduct": {
                            "amount": "-14.95",
                            "currency": "USD",
                            "description": "Optional note here",
                        },
                    },
                },
            }
        ).encode(),
    ).receipt
    assert live.transaction.deduct.amount == Decimal("-14.95")
    assert reference.agency.name == live.agency.name == "ACME Marketing"
    assert render_receipt(live, when=WHEN) == render_receipt(reference, when=WHEN)
    assert "Spent" in render_receipt(live, when=WHEN) and "14.95 USD" in render_receipt(live, when=WHEN)
    assert reversal_text(live) == reversal_text(reference)


def test_negative_counts_of_live_redemptions_print_one_minus():
    body = (
        (REFERENCE / "transactions-11.xml")
        .read_bytes()
        .replace(b"<deduct>10</deduct>", b"<deduct>-10</deduct>")
    )
    receipt = decode("redeem", body).receipt
    paper = render_receipt(receipt, when=WHEN)
    assert "-10 bought" in paper and "--10" not in paper
    assert "(10 purchases)" in reversal_text(receipt)
    assert {"Coffees & Teas", "Cakes & Cookies"} <= {item.name for item in receipt.transaction.balances}


# Raw '&' in XML text ------------------------------------------------------------------------------


async def test_the_sandbox_sends_a_raw_ampersand_and_it_decodes(sandbox):
    fields = auth(type="record_customer", customer_action="new", campaign_id=WIDGETS, card_number="8080")
    made = await raw(sandbox, {**fields, "first_name": "Coffees & Teas", "last_name": "AT&amp;T &#38; co"})
    assert b"<first_name>Coffees & Teas</first_name>" in made.content  # raw, as the live service sends it
    assert b"<last_name>AT&amp;amp;T &amp;#38; co</last_name>" in made.content  # never misread as entities
    customer = decode("record_customer", made.content).customer
    assert (customer.first_name, customer.last_name) == ("Coffees & Teas", "AT&amp;T &#38; co")
    async with client(sandbox) as api:
        info = await api.customer_info(card_number="8080")
    assert info.customer.name == "Coffees & Teas AT&amp;T &#38; co"


_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffe\uffff"), max_size=40
)


@given(_TEXT)
def test_any_text_survives_the_sandboxs_xml(value):
    tree = parse_body(to_xml("success", {"customer": {"first_name": value, "note": f"{value} & more"}}))
    assert tree["customer"]["first_name"] == value.strip()
    assert tree["customer"]["note"] == f"{value} & more".strip()
    assert parse_body(to_json("success", {"x": value}))["x"] == value


# Errors and no_match ----------------------------------------------------------------------------


async def test_json_errors_come_in_both_forms_by_call(sandbox):
    as_list = json.loads((await raw(sandbox, auth(type="customer_info", output="json"))).content)
    assert as_list == {"status": "error", "errors": ["Either code or card_number is required"]}
    as_text = json.loads((await raw(sandbox, auth(type="customer_search", output="json"))).content)
    assert as_text["status"] == "error" and isinstance(as_text["error"], str) and "errors" not in as_text
    refused = json.loads(
        (await raw(sandbox, {**auth(type="redeem", output="json"), "user_password": "x"})).content
    )
    assert refused == {"status": "error", "errors": ["Invalid user_id, password or account_id"]}
    xml = (await raw(sandbox, auth(type="customer_info"))).content
    assert b"<error>Either code or card_number is required</error>" in xml
    async with client(sandbox, output="json") as api:
        with pytest.raises(errors.ApiError, match="^Either code or card_number is required$"):
            await api.call("customer_info", {})
        with pytest.raises(errors.ApiError, match="^Give at least one field"):
            await api.call("customer_search", {})
    async with client(sandbox, output="json", secret="wrong") as api:
        with pytest.raises(errors.AuthenticationError):
            await api.account_info()


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "error", "error": "Insufficient balance"}',
        b'{"status": "error", "errors": ["Insufficient balance"]}',
        b'{"status": "error", "error": "Insufficient balance", "errors": ["Insufficient balance"]}',
        b'<response status="error"><error>Insufficient balance</error></response>',
    ],
)
def test_each_error_form_decodes_to_one_message(body):
    result = decode("redeem", body)
    assert isinstance(result, m.ErrorResponse) and result.messages == ["Insufficient balance"]


@pytest.mark.parametrize("output", ["xml", "json"])
async def test_no_match_as_documented(sandbox, output):
    body = (await raw(sandbox, auth(type="customer_info", card_number="nobody", output=output))).content
    if output == "json":
        assert json.loads(body) == {"status": "no_match", "message": "No Customers Match Criteria"}
    else:
        assert body.startswith(
            b'<response status="no_match">\n  <message>No Customers Match Criteria</message>'
        )
    assert decode("customer_info", body) == m.NoMatch(
        status="no_match", message="No Customers Match Criteria"
    )


# account_info ------------------------------------------------------------------------------------

TYPED_CLIENT_FIELDS = [
    "account_id",
    "biz_name",
    "biz_address1",
    "biz_address2",
    "biz_city",
    "biz_state",
    "biz_zip",
    "biz_country",
    "contact_phone",
    "contact_email",
    "language",
    "symbol",
    "glyph",
    "timezone",
    "coalition",
]


@pytest.mark.parametrize("output", ["xml", "json"])
async def test_account_info_in_the_typed_clients_names(sandbox, output):
    body = (await raw(sandbox, auth(type="account_info", output=output))).content
    tree = parse_body(body)["account"]
    assert set(TYPED_CLIENT_FIELDS) <= set(tree)
    assert (tree["biz_name"], tree["symbol"], tree["glyph"], tree["coalition"]) == (
        "Demo Business",
        "€",
        "€",
        "N",
    )
    account = decode("account_info", body).account
    assert (account.business_name, account.street1, account.phone) == (
        "Demo Business",
        "1 Widget Way",
        "555-0100",
    )
    assert (account.id, account.email, account.timezone) == (
        "greatwidgets",
        "shop@greatwidgets.example",
        "Pacific/Auckland",
    )
    assert set(TYPED_CLIENT_FIELDS) <= set(decode("account_info", body).wire()["account"])


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "success", "account_id": "a1", "biz_name": "Caf\xc3\xa9 & Co", "biz_address1": "1 Main",'
        b' "contact_phone": "555", "contact_email": "c@x", "biz_zip": "9999"}',
        b'<response status="success"><account><account_id>a1</account_id><biz_name>Caf\xc3\xa9 & Co</biz_name>'
        b"<biz_address1>1 Main</biz_address1><contact_phone>555</contact_phone><contact_email>c@x</contact_email>"
        b"<biz_zip>9999</biz_zip></account></response>",
        b'{"status": "success", "account": {"id": "a1", "business_name": "Caf\xc3\xa9 & Co", "street1": "1 Main",'
        b' "phone": "555", "email": "c@x", "postal_code": "9999"}}',
    ],
)
def test_account_info_spellings_decode_alike(body):
    account = decode("account_info", body).account
    assert (account.id, account.business_name, account.street1) == ("a1", "Café & Co", "1 Main")
    assert (account.phone, account.email, account.postal_code) == ("555", "c@x", "9999")


# customer_search and campaigns_list ----------------------------------------------------------------


async def test_customer_search_puts_each_customer_straight_under_response(sandbox):
    body = (await raw(sandbox, auth(type="customer_search", last_name="doe"))).content
    assert b"<customers>" not in body and body.startswith(b'<response status="success">\n  <customer>')
    found = decode("customer_search", body)
    assert {c.first_name for c in found.customers} >= {"Jane", "John"}
    as_json = json.loads(
        (await raw(sandbox, auth(type="customer_search", last_name="doe", output="json"))).content
    )
    assert {c["first_name"] for c in as_json["customers"]} >= {"Jane", "John"}


@pytest.mark.parametrize(
    "body, count",
    [
        (b'<response status="success"><customer><code>1</code></customer></response>', 1),
        (
            b'<response status="success"><customer><code>1</code></customer><customer><code>2</code></customer>'
            b"</response>",
            2,
        ),
        (
            b'<response status="success"><customers><customer><code>1</code></customer></customers></response>',
            1,
        ),
        (b'{"status": "success", "customers": [{"code": "1"}, {"code": "2"}]}', 2),
    ],
)
def test_customer_search_variants_decode(body, count):
    assert [c.code for c in decode("customer_search", body).customers] == [
        str(n) for n in range(1, count + 1)
    ]


@pytest.mark.parametrize("output", ["xml", "json"])
async def test_customer_search_with_campaign_id_shows_that_campaign_only(sandbox, output):
    async with client(sandbox, output=output) as api:
        every = await api.customer_search(card_number=JANE["card_number"], include_balances=True)
        assert len(every.customers[0].campaigns) == 5
        one = await api.customer_search(
            card_number=JANE["card_number"], include_balances=True, campaign_id=GIFT
        )
        (jane,) = one.customers
        assert [c.id for c in jane.campaigns] == [GIFT] and jane.campaigns[0].balance == Decimal("55.70")


@pytest.mark.parametrize("kind", ["points", "giftcard", "buyx", "events", "earned"])
async def test_campaigns_list_honours_type_restrict(sandbox, kind):
    async with client(sandbox) as api:
        assert [c.type for c in (await api.campaigns_list(type_restrict=kind)).campaigns] == [kind]
        assert len((await api.campaigns_list()).campaigns) == 5


async def test_campaigns_list_refuses_an_unknown_type_restrict(sandbox):
    async with client(sandbox) as api:
        with pytest.raises(errors.ApiError, match="type_restrict"):
            await api.campaigns_list(type_restrict="stamps")
