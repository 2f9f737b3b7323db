"""The sandbox as a server: the reference's requests replayed, formats, reports, batches, and
that no request, however malformed, gets an HTTP 500."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_tui.api import models as m
from pos_tui.api import requests as rq
from pos_tui.api.calls import decode, spec_for
from pos_tui.api.errors import BadResponseError

from .conftest import REFERENCE
from .sandbox_helpers import (
    ACCOUNT,
    BUYER,
    EMPLOYEE,
    GIFT,
    JANE,
    SHOPPER,
    WIDGETS,
    auth,
    client,
    make_sandbox,
    raw,
)

# The reference's examples name campaigns and a reward of an imaginary account; the demo's own of
# the same kind stand in for them. Credentials, customer codes and every other field are unchanged.
CAMPAIGNS = {
    "1111222233334444": WIDGETS,
    "546734563456": WIDGETS,
    "83635463645756": GIFT,
    "2355464634565": EMPLOYEE,
    "4564222953051300": WIDGETS,
    "4638472975924871": WIDGETS,
    "123456789012": WIDGETS,
    "210987654321": GIFT,
}
KINDS = {WIDGETS: "points", GIFT: "giftcard", BUYER: "buyx", SHOPPER: "events", EMPLOYEE: "earned"}


@pytest.fixture
def sandbox(tmp_path):
    return make_sandbox(tmp_path)


def examples() -> list[dict[str, str]]:
    pages = json.loads((REFERENCE / "requests.json").read_text())
    return [request for page in pages.values() for request in page]


def adapt(request: dict[str, str], receipts: dict[str, str]) -> dict[str, str]:
    fields = dict(request)
    campaign = fields.get("campaign_id", "")
    if campaign == "763446467657":  # one id for the buy-X and the events example
        fields["campaign_id"] = BUYER if fields.get("reward_to_redeem") == "96" else SHOPPER
    elif campaign in CAMPAIGNS:
        fields["campaign_id"] = CAMPAIGNS[campaign]
    if fields.get("selected_campaigns"):
        fields["selected_campaigns"] = ",".join(CAMPAIGNS[c] for c in fields["selected_campaigns"].split(","))
    if fields.get("reward_to_redeem") == "98":
        fields["reward_to_redeem"] = "678"
    if "Visits_Data" in fields:
        fields["Visits_Data"] = (
            fields["Visits_Data"].replace("4638472975924871", WIDGETS).replace("|1500|", "|678|")
        )
    if fields.get("type") == "transaction_delete":
        fields["transaction_id"] = receipts[fields["campaign_id"]]  # the last one written there
    return fields


async def test_the_reference_requests_replayed(sandbox):
    receipts: dict[str, str] = {}
    outcomes = []
    for request in examples():
        spec = spec_for(request["type"], request)
        if request.get("user_api_key", ACCOUNT["secret"]) != ACCOUNT["secret"]:
            # The batch example carries another key: sent unchanged, it is refused as bad credentials.
            response = await raw(sandbox, request)
            assert isinstance(decode(spec, response.content), m.ErrorResponse)
            assert b"Invalid user_id" in response.content
            request = {**request, "user_api_key": ACCOUNT["secret"]}
        fields = adapt(request, receipts)
        response = await raw(sandbox, fields)
        assert response.status_code == 200
        hint = KINDS.get(fields.get("campaign_id", ""))
        result = decode(spec, response.content, hint=hint)
        assert result.status == "success", (fields, response.text)
        if isinstance(result, m.ReceiptResponse):
            assert result.receipt.kind == hint
            receipts[fields["campaign_id"]] = result.transaction_id
        outcomes.append(type(result).__name__)
    assert outcomes.count("ReceiptResponse") == 9
    assert {
        "CustomerInfo",
        "Dashboard",
        "CustomersAllReport",
        "CustomersBalancesReport",
        "BatchResponse",
        "Success",
    } <= set(outcomes)


async def test_get_multipart_and_both_paths(sandbox):
    import httpx

    from pos_tui.sandbox.app import InProcessTransport

    get = await raw(sandbox, auth(type="customer_info", code=JANE["code"]), method="GET")
    assert decode("customer_info", get.content).customer.first_name == "Jane"
    async with httpx.AsyncClient(transport=InProcessTransport(sandbox), base_url="http://s") as http:
        multipart = await http.post("/", files={k: (None, v) for k, v in auth(type="account_info").items()})
        assert decode("account_info", multipart.content).account.business_name == "Demo Business"
        assert (await http.get("/nowhere")).status_code == 404


async def test_output_formats(sandbox):
    fields = auth(type="customer_info", code=JANE["code"])
    xml = (await raw(sandbox, fields)).content
    plain = await raw(sandbox, {**fields, "output": "json"})
    assert plain.headers["content-type"].startswith("application/json")
    assert json.loads(plain.content)["status"] == "success"
    assert json.loads(plain.content)["campaigns"][0]["available_rewards"][0]["id"] == "678"
    condensed = (await raw(sandbox, {**fields, "output": "JSON", "condensed": "yes"})).content
    assert b"\n" not in condensed and b": " not in condensed
    jsonp = (await raw(sandbox, {**fields, "output": "JSON", "callback": "someFunctionName"})).content
    assert jsonp.startswith(b"someFunctionName(") and jsonp.endswith(b");")
    hostile = (await raw(sandbox, {**fields, "output": "JSON", "callback": "alert(1)//"})).content
    assert hostile.startswith(b"{")
    assert (
        decode("customer_info", xml)
        == decode("customer_info", plain.content)
        == decode("customer_info", jsonp)
    )


async def test_batches_in_every_delimiter(sandbox):
    async with client(sandbox) as api:
        for delimiter in ("pipe", "comma", "tab"):
            batch = rq.Batch(
                kind="giftcard",
                delimiter=delimiter,
                rows=[
                    rq.BatchRow(campaign_id=GIFT, code=JANE["code"], amount="10", authorization="a, b | c"),
                    rq.BatchRow(campaign_id=GIFT, code="BATCH-NEW", amount="2,50", date=date(2010, 3, 15)),
                    rq.BatchRow(campaign_id=GIFT, code=JANE["code"], redeemed=True, amount="5"),
                ],
            )
            result = await api.batch_transactions(batch)
            assert (result.batch.status, result.batch.transactions) == ("all_imported", 3)
        info = await api.customer_info(code=JANE["code"])
        assert info.campaign(GIFT).balance == Decimal("55.70") + 3 * 5
        assert (await api.customer_info(card_number="BATCH-NEW")).campaign(GIFT).balance == Decimal("7.50")
        ratio = rq.Batch(
            kind="points",
            apply_ratio=True,
            rows=[
                rq.BatchRow(campaign_id=WIDGETS, code=JANE["code"], amount="1.50", promo_ids=("89",)),
                rq.BatchRow(campaign_id=WIDGETS, code=JANE["code"], redeemed=True, amount="678"),
            ],
        )
        await api.batch_transactions(ratio)
        assert (await api.customer_info(code=JANE["code"])).campaign(WIDGETS).balance == 4690 + 300 - 1000


async def test_a_batch_is_all_or_nothing(sandbox):
    from pos_tui.api.errors import ApiError

    async with client(sandbox) as api:
        before = (await api.customer_info(code=JANE["code"])).wire()
        bad = rq.Batch(
            kind="giftcard",
            rows=[
                rq.BatchRow(campaign_id=GIFT, code=JANE["code"], amount="10"),
                rq.BatchRow(campaign_id=GIFT, code=JANE["code"], redeemed=True, amount="1000"),
            ],
        )
        with pytest.raises(ApiError, match="line 2: Insufficient"):
            await api.batch_transactions(bad)
        assert (await api.customer_info(code=JANE["code"])).wire() == before


async def test_reports_paginate_and_filter(sandbox):
    async with client(sandbox) as api:
        everyone = await api.customers_balances(campaign_id=WIDGETS)
        pages = []
        for offset in range(0, len(everyone.customers) + 10, 10):
            pages += (await api.customers_balances(campaign_id=WIDGETS, offset=offset, limit=10)).customers
        assert [r.code for r in pages] == [r.code for r in everyone.customers]
        jane = next(r for r in everyone.customers if r.code == JANE["code"])
        assert (jane.earned, jane.redeemed, jane.balance) == (4690, 0, 4690)
        assert jane.balance_equivalent == Decimal("31.27")  # 4690 / 150
        all_customers = await api.customers_all()
        assert len(all_customers.customers) == 40 + 2
        old = await api.customers_all(
            selected_campaigns=[WIDGETS], date_start=date(2010, 1, 1), date_end=date(2011, 12, 31)
        )
        assert [c.customer_code for c in old.customers] == ["89898989898989"]
        last = all_customers.model_extra["last"]
        await api.record_activity(
            rq.EventsEarn(customer=rq.CustomerRef(card_number="SINCE-1"), campaign_id=SHOPPER)
        )
        changed = await api.customers_all(last=last)
        assert [c.card_number for c in changed.customers] == ["SINCE-1"]


async def test_dashboard_is_computed_from_the_ledger(sandbox):
    async with client(sandbox) as api:
        receipt = await api.record_activity(
            rq.GiftCardLoad(
                customer=rq.CustomerRef(code=JANE["code"]),
                campaign_id=GIFT,
                amount="5",
                authorization="ref-1",
            )
        )
        dash = await api.dashboard(
            most_active=3,
            customer_count=True,
            total_customers_this_month=True,
            total_transactions_this_month=True,
            active_campaigns_count=True,
            campaigns_per_day_activity=7,
            last_X_transactions=4,
            last_X_customers=2,
        )
    assert dash.total_customers.all_time == 42
    assert dash.active_campaigns_count == 5
    assert dash.last_X_transactions[0].transaction_id == receipt.transaction_id
    assert dash.last_X_transactions[0].description == "ref-1" and len(dash.last_X_transactions) == 4
    assert len(dash.most_active) == 3 and dash.most_active[0].transactions >= dash.most_active[2].transactions
    today = date.today()
    gift_days = next(c for c in dash.campaigns_per_day_activity if c.campaign_id == GIFT).days
    assert gift_days[-1].date == today and all(d.date > today - timedelta(days=7) for d in gift_days)
    assert dash.total_transactions.this_month >= 1 and len(dash.last_X_customers) == 2


FIELD_NAMES = [
    "type",
    "user_id",
    "user_password",
    "user_api_key",
    "account_id",
    "code",
    "card_number",
    "campaign_id",
    "amount",
    "reward_to_redeem",
    "custom_points_redeem",
    "custom_dollars_redeem",
    "promo_id",
    "service_product",
    "buyx_quantity",
    "transaction_id",
    "report",
    "offset",
    "limit",
    "last",
    "date_start",
    "selected_campaigns",
    "delimiter",
    "visits_header_1",
    "Visits_Data",
    "output",
    "callback",
    "most_active",
    "find_customer",
    "transactions_number",
    "coalition_balance",
]
TYPES = [
    "customer_info",
    "record_activity",
    "redeem",
    "transaction_delete",
    "batch_transactions",
    "reports",
    "dashboard",
    "customer_search",
    "customer_find",
    "campaign_rewards",
    "buyx_items_list",
    "campaigns_list",
    "account_info",
    "customer_balance",
    "nonsense",
    "",
]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_no_request_gets_a_500(sandbox, data):
    fields = data.draw(st.dictionaries(st.sampled_from(FIELD_NAMES), st.text(max_size=12), max_size=8))
    if data.draw(st.booleans()):
        fields = {**auth(), **fields, "type": data.draw(st.sampled_from(TYPES))}
    if data.draw(st.booleans()):
        fields.pop("output", None)
        fields.pop("callback", None)
    response = await raw(sandbox, fields, method=data.draw(st.sampled_from(["GET", "POST"])))
    assert response.status_code == 200
    try:
        spec = spec_for(fields.get("type", ""), fields)
    except KeyError:
        spec = spec_for("account_info")
    try:
        decode(spec, response.content)
    except BadResponseError as exc:  # only a deliberately odd callback may make JSONP unreadable
        assert fields.get("callback"), exc
