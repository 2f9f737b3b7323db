"""The client through httpx.MockTransport: the form it sends, and how every failure is classified."""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from pos_tui.api import errors
from pos_tui.api import requests as rq
from pos_tui.api.client import Credentials, LoyaltyClient

from .conftest import reference

SECRET = "1959caadac9b13dcb3"


def creds(**kw) -> Credentials:
    return Credentials("john1970", "greatwidgets", SECRET, **kw)


class Recorder:
    """A MockTransport handler that records requests and answers from a queue."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, content=answer)

    def form(self, index: int = -1) -> dict[str, str]:
        parsed = parse_qs(self.requests[index].content.decode(), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}


def client(handler, **kw) -> LoyaltyClient:
    return LoyaltyClient(
        kw.pop("credentials", creds()),
        url="https://api.test/api.php",
        transport=httpx.MockTransport(handler),
        **kw,
    )


async def test_customer_info_sends_the_reference_fields():
    rec = Recorder(reference("customer_info-1"))
    async with client(rec) as api:
        info = await api.customer_info(code="89898989898989")
    assert rec.form() == {
        "user_id": "john1970",
        "user_password": SECRET,
        "account_id": "greatwidgets",
        "type": "customer_info",
        "code": "89898989898989",
    }
    assert rec.requests[0].method == "POST"
    assert rec.requests[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert info.customer.name == "John Doe"


async def test_customer_info_options():
    rec = Recorder(reference("customer_info-1"))
    async with client(rec) as api:
        await api.customer_info(
            card_number="1540280f",
            include_balances=False,
            campaign_id="12",
            hide_custom_field=True,
            show_only_belong_to=True,
        )
    form = rec.form()
    assert form["card_number"] == "1540280f" and "code" not in form
    assert (
        form["include_balances"],
        form["campaign_id"],
        form["hide_custom_field"],
        form["show_only_belong_to"],
    ) == ("N", "12", "Y", "Y")


async def test_api_key_and_header_auth():
    rec = Recorder(reference("customer_info-1"))
    async with client(rec, credentials=creds(secret_kind="api_key")) as api:
        await api.customer_info(code="1")
    assert rec.form()["user_api_key"] == SECRET and rec.form()["API"] == "1.5"
    assert "user_password" not in rec.form()
    async with client(rec, credentials=creds(in_header=True)) as api:
        await api.customer_info(code="1")
    assert rec.requests[-1].headers["api_access_key"] == SECRET
    assert SECRET not in rec.requests[-1].content.decode()


async def test_api15_calls_send_the_key_as_user_api_key():
    rec = Recorder(reference("dashboard-1"))
    async with client(rec) as api:
        dash = await api.dashboard(
            most_active=10,
            customer_count=True,
            total_customers_this_month=True,
            total_transactions_this_month=True,
            active_campaigns_count=True,
            campaigns_per_day_activity=30,
            last_X_transactions=10,
            last_X_customers=5,
        )
    form = rec.form()
    assert form["API"] == "1.5" and form["user_api_key"] == SECRET and "user_password" not in form
    assert form["most_active"] == "10" and form["customer_count"] == "Yes"
    assert form["active_campaigns_count"] == form["active_campaign_count"] == "Yes"
    assert form["last_X_customers"] == "5" and form["campaigns_per_day_activity"] == "30"
    assert dash.total_customers.all_time == Decimal(2845)


async def test_json_output_decodes_to_the_same_models():
    xml = Recorder(reference("customer_info-1"))
    async with client(xml) as api:
        from_xml = await api.customer_info(code="1")
    body = json.dumps(from_xml.wire()).encode()
    js = Recorder(body)
    async with client(js, output="json") as api:
        from_json = await api.customer_info(code="1")
    assert js.form()["output"] == "JSON"
    assert from_json == from_xml


@pytest.mark.parametrize(
    "earn, expected, fixture",
    [
        (
            rq.PointsEarn(
                customer=rq.CustomerRef(code="1234567890123456"),
                campaign_id="1111222233334444",
                amount="9,95",
                promo_id="89",
                authorization="Custom description",
                custom_fields={2: "Store 35", 5: "Some other data"},
                send_transaction_email=True,
            ),
            {
                "code": "1234567890123456",
                "campaign_id": "1111222233334444",
                "amount": "9.95",
                "promo_id": "89",
                "authorization": "Custom description",
                "custom_field_2": "Store 35",
                "custom_field_5": "Some other data",
                "send_transaction_email": "Y",
            },
            "transactions-1",
        ),
        (
            rq.GiftCardLoad(
                customer=rq.CustomerRef(card_number="11112222"),
                campaign_id="22223333444455555",
                amount=Decimal("9.95"),
            ),
            {"card_number": "11112222", "campaign_id": "22223333444455555", "amount": "9.95"},
            "transactions-2",
        ),
        (
            rq.BuyXEarn(
                customer=rq.CustomerRef(card_number="1"),
                campaign_id="5555666677778888",
                service_product="96",
                quantity=10,
            ),
            {
                "card_number": "1",
                "campaign_id": "5555666677778888",
                "service_product": "96",
                "buyx_quantity": "10",
            },
            "transactions-5",
        ),
        (
            rq.EventsEarn(customer=rq.CustomerRef(card_number="1"), campaign_id="3333444455556666"),
            {"card_number": "1", "campaign_id": "3333444455556666"},
            "transactions-3",
        ),
        (
            rq.EarnedEarn(customer=rq.CustomerRef(card_number="1"), campaign_id="4444555566667777"),
            {"card_number": "1", "campaign_id": "4444555566667777"},
            "transactions-4",
        ),
    ],
)
async def test_record_activity_of_each_kind(earn, expected, fixture):
    rec = Recorder(reference(fixture))
    async with client(rec) as api:
        result = await api.record_activity(earn)
    form = rec.form()
    assert form.pop("type") == "record_activity"
    for key in ("user_id", "user_password", "account_id"):
        form.pop(key)
    assert form == expected
    assert result.receipt.kind == earn.kind and result.receipt.action == "earn"


@pytest.mark.parametrize(
    "redemption, expected, fixture",
    [
        (
            rq.PointsRedeem(
                customer=rq.CustomerRef(code="1234567890123456"),
                campaign_id="546734563456",
                reward_id="98",
                custom_points=100,
                custom_dollars="9,95",
                authorization="Custom description",
            ),
            {
                "reward_to_redeem": "98",
                "custom_points_redeem": "100",
                "custom_dollars_redeem": "9.95",
                "authorization": "Custom description",
            },
            "transactions-7",
        ),
        (
            rq.GiftCardRedeem(customer=rq.CustomerRef(code="1"), campaign_id="83635463645756", amount="9.95"),
            {"reward_to_redeem": "9.95"},
            "transactions-8",
        ),
        (
            rq.BuyXRedeem(customer=rq.CustomerRef(code="1"), campaign_id="763446467657", item="96"),
            {"reward_to_redeem": "96"},
            "transactions-11",
        ),
        (
            rq.EventsRedeem(customer=rq.CustomerRef(code="1"), campaign_id="763446467657", reward_id="41"),
            {"reward_to_redeem": "41"},
            "transactions-9",
        ),
        (
            rq.EarnedRedeem(customer=rq.CustomerRef(code="1"), campaign_id="2355464634565", amount="9,95"),
            {"reward_to_redeem": "9.95"},
            "transactions-10",
        ),
    ],
)
async def test_redeem_of_each_kind(redemption, expected, fixture):
    rec = Recorder(reference(fixture))
    async with client(rec) as api:
        result = await api.redeem(redemption)
    form = rec.form()
    assert form["type"] == "redeem" and form["campaign_id"] == redemption.campaign_id
    assert "code" in form and "card_number" not in form
    assert {k: form[k] for k in expected} == expected
    # The kind comes from the request: an earn-per-event redemption is never read as a gift card.
    assert result.receipt.kind == redemption.kind and result.receipt.action == "redeem"


async def test_transaction_delete_and_reports():
    rec = Recorder(
        reference("transactions-15"),
        reference("report_customers_all-1"),
        reference("report_customers_balances-1"),
    )
    async with client(rec) as api:
        await api.transaction_delete(
            rq.TransactionDelete(
                campaign_id="4564222953051300", code="1234567890123456", transaction_id="4056"
            )
        )
        assert rec.form()["transaction_id"] == "4056"
        await api.customers_all(
            date_start=date(2010, 1, 1),
            date_end=date(2011, 12, 31),
            selected_campaigns=["123456789012", "210987654321"],
        )
        assert rec.form()["report"] == "customers_all" and rec.form()["type"] == "reports"
        assert rec.form()["selected_campaigns"] == "123456789012,210987654321"
        rows = await api.customers_balances(
            campaign_id="123456789012", offset=100, limit=50, coalition_balance="coalition_points"
        )
        assert (rec.form()["offset"], rec.form()["limit"]) == ("100", "50")
        assert rec.form()["coalition_balance"] == "coalition_points"
    assert rows.customers[0].balance == Decimal(20)
    with pytest.raises(ValueError):
        await client(rec).customers_all(selected_campaigns=["1"], last="5")


async def test_other_calls():
    rewards = b'<response status="success"><rewards><reward><id>41</id><level>10</level><description>Free tea</description></reward></rewards></response>'
    items = b'<response status="success"><items><item><id>96</id><description>Coffees</description><earn_ratio>10</earn_ratio></item></items></response>'
    campaigns = b'<response status="success"><campaigns><campaign><id>1</id><name>W</name><type>points</type><points_ratio>100</points_ratio><reward_ratio>0,01</reward_ratio></campaign></campaigns></response>'
    account = b'<response status="success"><account><business_name>Great Widgets</business_name><symbol>$</symbol><timezone>America/Toronto</timezone><coalition>N</coalition></account></response>'
    found = b'<response status="success"><customers><customer><code>8</code><first_name>Jane</first_name></customer></customers></response>'
    rec = Recorder(rewards, items, campaigns, account, found, found)
    async with client(rec) as api:
        assert (await api.campaign_rewards("5")).rewards[0].cost == Decimal(10)
        assert rec.form()["campaign_id"] == "5"
        listed = await api.buyx_items_list("6")
        assert rec.form()["API"] == "1.5"
        assert (listed.items[0].key, listed.items[0].label) == ("96", "Coffees")
        assert (await api.campaigns_list()).campaigns[0].reward_ratio == Decimal("0.01")
        assert (await api.account_info()).account.business_name == "Great Widgets"
        result = await api.customer_search(phone="555", include_balances=True)
        assert rec.form()["phone"] == "555" and rec.form()["include_balances"] == "Y"
        assert result.customers[0].unique_code == "8"
        await api.customer_find("jane doe,smith")
        assert rec.form()["find_customer"] == "jane doe,smith"


# Failures -------------------------------------------------------------------------------------

EARN = rq.PointsEarn(customer=rq.CustomerRef(card_number="1212121212"), campaign_id="1", amount="5")


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectTimeout("timed out"),
        httpx.ConnectError("[Errno -2] Name or service not known"),
        httpx.PoolTimeout("pool"),
    ],
)
async def test_not_sent(failure):
    rec = Recorder(failure)
    async with client(rec) as api:
        with pytest.raises(errors.NotSentError) as caught:
            await api.record_activity(EARN)
    assert not caught.value.may_have_applied
    assert len(rec.requests) == 1  # never retried by the client


@pytest.mark.parametrize(
    "answer",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.WriteTimeout("write timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset"),
        httpx.Response(502, content=b"<html><title>502 Bad Gateway</title></html>"),
        httpx.Response(504, content=b""),
        httpx.Response(200, content=b"<html><title>Proxy error</title></html>"),
        httpx.Response(200, content=b'<response status="success"><receipt><account_name>Demo'),
        httpx.Response(200, content=b""),
    ],
)
async def test_outcome_unknown_for_writes(answer):
    rec = Recorder(answer)
    async with client(rec) as api:
        with pytest.raises(errors.OutcomeUnknownError) as caught:
            await api.record_activity(EARN)
    assert caught.value.write and caught.value.may_have_applied
    assert len(rec.requests) == 1


async def test_a_bad_body_on_a_read_is_a_bad_response():
    rec = Recorder(httpx.Response(200, content=b"<html><title>Login</title></html>"))
    async with client(rec) as api:
        with pytest.raises(errors.BadResponseError, match="web page"):
            await api.customer_info(card_number="1")


async def test_refusals():
    rec = Recorder(
        b'<response status="error"><error>Insufficient balance</error></response>',
        b'<response status="error"><error>Invalid user_id or password</error></response>',
        reference("customer_info-3"),
        httpx.Response(404, content=b"not found"),
        httpx.Response(301, headers={"location": "https://elsewhere/"}),
    )
    async with client(rec) as api:
        with pytest.raises(errors.ApiError) as caught:
            await api.record_activity(EARN)
        assert not isinstance(caught.value, errors.AuthenticationError)
        assert str(caught.value) == "Insufficient balance" and not caught.value.may_have_applied
        with pytest.raises(errors.AuthenticationError):
            await api.customer_info(card_number="1")
        with pytest.raises(errors.NoMatchError, match="No Customers Match"):
            await api.customer_info(card_number="1")
        with pytest.raises(errors.HTTPStatusRefusal, match="404"):
            await api.customer_info(card_number="1")
        with pytest.raises(errors.HTTPStatusRefusal, match="redirects"):
            await api.customer_info(card_number="1")


async def test_the_secret_never_leaks(caplog):
    caplog.set_level(logging.DEBUG)
    failures = [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(502),
        b'<response status="error"><error>Bad password</error></response>',
        b"<html></html>",
    ]
    seen: list[str] = []
    for failure in failures:
        api = client(Recorder(failure))
        seen += [repr(api), repr(api.credentials), str(api.credentials)]
        try:
            await api.record_activity(EARN)
        except errors.LoyaltyError as exc:
            seen += [str(exc), repr(exc)]
        await api.aclose()
    text = "\n".join(seen) + caplog.text
    assert SECRET not in text
    assert "1212121212" not in caplog.text  # card numbers are masked in the log
    assert "call=record_activity customer=…1212" in caplog.text


def test_credentials_cannot_be_pickled():
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(creds())


async def test_tls_verification_is_on():
    api = LoyaltyClient(creds())
    transport = api._http._transport
    pool = transport._pool
    assert pool._ssl_context.verify_mode.name == "CERT_REQUIRED"
    await api.aclose()


async def test_the_call_method_takes_raw_fields_and_report_names():
    rec = Recorder(reference("report_customers_balances-1"), reference("transactions-10"))
    async with client(rec) as api:
        report = await api.call(
            "reports",
            {"report": "customers_balances", "campaign_id": "1", "user_password": "override-attempt"},
        )
        assert rec.form()["user_password"] == SECRET
        assert report.customers[0].earned == Decimal(6021)
        receipt = await api.call(
            "redeem", {"code": "1", "campaign_id": "2", "reward_to_redeem": "1"}, hint="earned"
        )
        assert receipt.receipt.kind == "earned"
