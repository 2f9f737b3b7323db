"""record_customer, validate_customer_password, campaign_promos: client, models, sandbox, decoding."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_tui.api import errors
from pos_tui.api import models as m
from pos_tui.api.calls import decode, spec_for

from .sandbox_helpers import BUYER, GIFT, JANE, WIDGETS, auth, client, make_sandbox, raw

JANE_PASSWORD = "2468"


@pytest.fixture
def sandbox(tmp_path):
    return make_sandbox(tmp_path)


# record_customer ---------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["xml", "json"])
async def test_record_customer_registers_a_card_and_returns_its_code(sandbox, output):
    async with client(sandbox, output=output) as api:
        made = await api.record_customer(
            campaign_id=WIDGETS,
            card_number="1540280f",
            first_name="Ana",
            last_name="Silva & Sons",
            email="ana@example.com",
            phone="555-0199",
        )
        assert isinstance(made, m.RecordCustomerResponse)
        assert made.card_number == "1540280f"
        assert len(made.code) == 16 and made.code.isdigit()
        info = await api.customer_info(card_number="1540280f")
    assert info.customer.code == made.code
    assert (info.customer.first_name, info.customer.last_name) == ("Ana", "Silva & Sons")
    assert (info.customer.email, info.customer.phone) == ("ana@example.com", "555-0199")
    assert info.customer.is_registered
    assert [(c.id, c.balance) for c in info.campaigns] == [(WIDGETS, 0)]  # registered in its campaign


async def test_record_customer_generates_a_card_number_of_n_digits(sandbox):
    async with client(sandbox) as api:
        first = await api.record_customer(campaign_id=GIFT, card_number_generate=8, first_name="Gen")
        second = await api.record_customer(campaign_id=GIFT, card_number_generate=8, first_name="Gen")
        assert len(first.card_number) == 8 and first.card_number.isdigit()
        assert first.card_number != second.card_number and first.code != second.code
        assert (await api.customer_info(card_number=second.card_number)).customer.code == second.code


async def test_record_customer_sends_the_documented_fields(sandbox, tmp_path):
    log = tmp_path / "requests.jsonl"
    logged = make_sandbox(tmp_path / "logged", request_log=log)
    async with client(logged) as api:
        await api.record_customer(
            campaign_id=WIDGETS,
            card_number="777000777",
            customer_username="ana77",
            customer_password="s3cret-pin",
        )
    entry = json.loads(log.read_text().splitlines()[-1])
    assert entry["type"] == "record_customer" and entry["outcome"] == "success"
    assert entry["fields"]["customer_action"] == "new"
    assert entry["fields"]["campaign_id"] == WIDGETS
    assert entry["fields"]["customer_username"] == "ana77"
    assert entry["fields"]["customer_password"] == "***"
    assert "s3cret-pin" not in log.read_text()


async def test_record_customer_accepts_action_new_as_one_client_sends_it(sandbox):
    response = await raw(
        sandbox,
        auth(
            type="record_customer",
            action="new",
            campaign_id=WIDGETS,
            card_number="99887766",
            first_name="Raw",
            output="json",
        ),
    )
    body = json.loads(response.content)
    assert body["status"] == "success"
    assert body["customer"]["card_number"] == "99887766" and len(body["customer"]["code"]) == 16


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"campaign_id": WIDGETS, "card_number": "55550000"}, "customer_action=new"),
        ({"customer_action": "new", "card_number": "55550000"}, "campaign_id"),
        ({"customer_action": "new", "campaign_id": WIDGETS}, "card_number"),
        ({"customer_action": "new", "campaign_id": WIDGETS, "card_number": JANE["card_number"]}, "in use"),
        ({"customer_action": "new", "campaign_id": WIDGETS, "card_number_generate": "2"}, "4 to 32"),
        ({"customer_action": "new", "campaign_id": WIDGETS, "card_number": "5", "email": "x@"}, "email"),
        (
            {
                "customer_action": "new",
                "campaign_id": WIDGETS,
                "card_number": "5",
                "customer_username": "JDOE123",
            },
            "username",
        ),
    ],
)
async def test_record_customer_refusals_change_nothing(sandbox, fields, message):
    before = await raw(sandbox, auth(type="customers_all", report="customers_all", output="json"))
    response = await raw(sandbox, auth(type="record_customer", output="json", **fields))
    body = json.loads(response.content)
    assert body["status"] == "error" and message in body["errors"][0]
    after = await raw(sandbox, auth(type="customers_all", report="customers_all", output="json"))
    assert json.loads(after.content) == json.loads(before.content)


async def test_record_customer_is_a_write_whose_lost_answer_is_outcome_unknown(tmp_path):
    sandbox = make_sandbox(tmp_path, faults="record_customer:after_commit=1")
    assert spec_for("record_customer").write
    async with client(sandbox) as api:
        with pytest.raises(errors.OutcomeUnknownError) as caught:
            await api.record_customer(campaign_id=WIDGETS, card_number="31313131")
        assert caught.value.write
    async with client(make_sandbox_again(sandbox)) as api:
        assert (await api.customer_info(card_number="31313131")).customer.code  # it was recorded


def make_sandbox_again(sandbox):
    from pos_tui.sandbox.app import Sandbox

    return Sandbox(sandbox.ledger)  # the same ledger, without the faults


def test_record_customer_client_checks_its_arguments():
    from pos_tui.api.client import Credentials, LoyaltyClient

    api = LoyaltyClient(Credentials("u", "a", "s"), url="http://127.0.0.1:9/")
    import asyncio

    with pytest.raises(ValueError, match="either"):
        asyncio.run(api.record_customer(campaign_id=WIDGETS))
    with pytest.raises(ValueError, match="either"):
        asyncio.run(api.record_customer(campaign_id=WIDGETS, card_number="1", card_number_generate=8))


@pytest.mark.parametrize(
    "body",
    [
        b'<response status="success"><customer><code>4137071924090694</code>'
        b"<card_number>1540280f</card_number><first_name>Ana</first_name></customer></response>",
        b'<response status="success"><code>4137071924090694</code><card_number>1540280f</card_number>'
        b"</response>",
        b'{"status": "success", "customer": {"code": "4137071924090694", "card_number": "1540280f"}}',
        b'{"status": "success", "customer_code": 4137071924090694, "card_number": "1540280f"}',
    ],
)
def test_record_customer_answer_variants_decode(body):
    made = decode("record_customer", body)
    assert isinstance(made, m.RecordCustomerResponse)
    assert (made.code, made.card_number) == ("4137071924090694", "1540280f")


# validate_customer_password ----------------------------------------------------------------


@pytest.mark.parametrize("output", ["xml", "json"])
async def test_validate_customer_password(sandbox, output):
    async with client(sandbox, output=output) as api:
        assert await api.validate_customer_password(
            card_number=JANE["card_number"], customer_password=JANE_PASSWORD
        )
        with pytest.raises(errors.CustomerPasswordRejected) as wrong:
            await api.validate_customer_password(card_number=JANE["card_number"], customer_password="0000")
        assert not isinstance(wrong.value, errors.AuthenticationError)
        assert isinstance(wrong.value, errors.ApiError)
        with pytest.raises(errors.CustomerPasswordRejected):  # John has no password
            await api.validate_customer_password(card_number="1212121212", customer_password=JANE_PASSWORD)
        with pytest.raises(errors.CustomerPasswordRejected):  # no such card
            await api.validate_customer_password(card_number="no-such-card", customer_password="1")


async def test_a_registered_password_validates(sandbox):
    async with client(sandbox) as api:
        await api.record_customer(campaign_id=WIDGETS, card_number="42424242", customer_password="9 9 9")
        assert await api.validate_customer_password(card_number="42424242", customer_password="9 9 9")
        with pytest.raises(errors.CustomerPasswordRejected):
            await api.validate_customer_password(card_number="42424242", customer_password="999")


async def test_validate_customer_password_with_a_wrong_account_secret_is_an_authentication_error(sandbox):
    async with client(sandbox, secret="wrong") as api:
        with pytest.raises(errors.AuthenticationError):
            await api.validate_customer_password(
                card_number=JANE["card_number"], customer_password=JANE_PASSWORD
            )


async def test_validate_customer_password_raw_shapes(sandbox):
    fields = auth(type="validate_customer_password", card_number=JANE["card_number"])
    ok = await raw(sandbox, {**fields, "customer_password": JANE_PASSWORD})
    assert ok.content.startswith(b'<response status="success">')
    refused = await raw(sandbox, {**fields, "customer_password": "nope", "output": "json"})
    assert json.loads(refused.content)["status"] == "error"
    missing = await raw(sandbox, {**fields, "output": "json"})
    assert "customer_password is required" in json.loads(missing.content)["errors"][0]


# campaign_promos ---------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["xml", "json"])
async def test_campaign_promos_lists_the_campaigns_promotions(sandbox, output):
    async with client(sandbox, output=output) as api:
        promos = await api.campaign_promos(campaign_id=WIDGETS)
        assert [(p.id, p.label, p.operation) for p in promos.promos] == [
            ("89", "Double Points Tuesday", "x"),
            ("90", "Welcome bonus", "+"),
        ]
        assert (await api.campaign_promos(campaign_id=BUYER)).promos == []
        with pytest.raises(errors.ApiError, match="Unknown campaign_id"):
            await api.campaign_promos(campaign_id="nope")


async def test_campaign_promos_is_an_api15_call(sandbox, tmp_path):
    log = tmp_path / "requests.jsonl"
    logged = make_sandbox(tmp_path / "logged", request_log=log)
    async with client(logged) as api:
        await api.campaign_promos(campaign_id=WIDGETS)
    fields = json.loads(log.read_text().splitlines()[-1])["fields"]
    assert fields["API"] == "1.5" and fields["user_api_key"] == "***" and fields["campaign_id"] == WIDGETS


@pytest.mark.parametrize(
    "body",
    [
        # the sandbox's shape
        b'<response status="success"><promos><promo><id>89</id><name>Double</name></promo>'
        b"<promo><id>90</id><name>Welcome</name></promo></promos></response>",
        # other names for the wrapper and the entry, description instead of name, other id names
        b'<response status="success"><promotions><promotion><promo_id>89</promo_id>'
        b"<description>Double</description></promotion><promotion><promotion_id>90</promotion_id>"
        b"<description>Welcome</description></promotion></promotions></response>",
        # entries straight under <response>, a raw & elsewhere
        b'<response status="success"><note>Coffees & Teas</note><promo><id>89</id><title>Double</title>'
        b"</promo><promo><id>90</id><title>Welcome</title></promo></response>",
        b'{"status": "success", "promos": [{"id": "89", "name": "Double"}, {"id": 90, "name": "Welcome"}]}',
        b'{"status": "success", "promotions": {"promotion": [{"promo_id": "89", "description": "Double"},'
        b' {"promo_id": "90", "description": "Welcome"}]}}',
        b'{"status": "success", "campaign_promos": [{"id": "89", "promo_name": "Double"},'
        b' {"id": "90", "promo_name": "Welcome"}, {"name": "no id: dropped"}]}',
    ],
)
def test_campaign_promos_variants_decode(body):
    promos = decode("campaign_promos", body)
    assert isinstance(promos, m.CampaignPromos)
    assert [(p.id, p.label) for p in promos.promos] == [("89", "Double"), ("90", "Welcome")]


@pytest.mark.parametrize(
    "body, count",
    [
        (b'<response status="success"><promos></promos></response>', 0),
        (b'<response status="success"></response>', 0),
        (b'{"status": "success", "promos": []}', 0),
        (b'<response status="success"><promos><promo><id>7</id></promo></promos></response>', 1),
    ],
)
def test_campaign_promos_empty_and_single(body, count):
    promos = decode("campaign_promos", body)
    assert len(promos.promos) == count
    if count:
        assert promos.promos[0].label == "7"  # nameless: the id is shown


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "success", "promos": "Double Points Tuesday"}',
        b'{"status": "success", "promos": [{"name": "no id"}]}',
        b'<response status="success"><promos><promo>Double</promo></promos></response>',
    ],
)
def test_campaign_promos_that_cannot_be_read_are_a_bad_response(body):
    with pytest.raises(errors.BadResponseError):
        decode("campaign_promos", body)


# type=find_customer --------------------------------------------------------------------------


async def test_find_customer_is_an_alias_of_customer_find(sandbox):
    alias = await raw(sandbox, auth(type="find_customer", find_customer="Jane Doe", output="json"))
    plain = await raw(sandbox, auth(type="customer_find", find_customer="Jane Doe", output="json"))
    assert alias.content == plain.content
    assert json.loads(alias.content)["customers"][0]["code"] == JANE["code"]
    assert spec_for("find_customer") is spec_for("customer_find")


_WORD = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Z"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=12,
)


@given(
    entries=st.lists(st.tuples(st.integers(1, 10**9).map(str), _WORD), max_size=5, unique_by=lambda e: e[0]),
    wrapper=st.sampled_from(["promos", "promotions", "campaign_promos", None]),
    item=st.sampled_from(["promo", "promotion"]),
    id_key=st.sampled_from(["id", "promo_id", "promotion_id"]),
    name_key=st.sampled_from(["name", "description", "title"]),
    output=st.sampled_from(["xml", "json"]),
)
def test_campaign_promos_decoding_is_tolerant(entries, wrapper, item, id_key, name_key, output):
    from pos_tui.sandbox.render import Items, to_json, to_xml

    rows = [{id_key: pid, name_key: name} for pid, name in entries]
    if wrapper is None:
        tree = {item: Items(item, rows, inline=True)}
    else:
        tree = {wrapper: Items(item, rows)}
    body = to_xml("success", tree) if output == "xml" else to_json("success", tree)
    promos = decode("campaign_promos", body).promos
    assert [(p.id, p.label) for p in promos] == [(pid, name.strip()) for pid, name in entries]
