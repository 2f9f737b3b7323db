"""The sandbox's business rules for all five campaign kinds, through the real API client."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pos_tui.api import errors
from pos_tui.api import requests as rq
from pos_tui.api.calls import decode

from .conftest import reference
from .sandbox_helpers import BUYER, EMPLOYEE, GIFT, JANE, JOHN, SHOPPER, WIDGETS, client, make_sandbox

JANE_REF = rq.CustomerRef(code=JANE["code"])


@pytest.fixture
def sandbox(tmp_path):
    return make_sandbox(tmp_path)


@pytest.fixture
async def api(sandbox):
    async with client(sandbox) as api:
        yield api


async def test_john_is_the_reference_example(api, sandbox):
    expected = decode("customer_info", reference("customer_info-1"))
    assert await api.customer_info(card_number=JOHN["card_number"]) == expected
    assert await api.customer_info(code=JOHN["code"]) == expected
    async with client(sandbox, output="json") as json_api:
        assert await json_api.customer_info(code=JOHN["code"]) == expected


async def test_points_earn_with_promotions(api):
    receipt = (
        await api.record_activity(
            rq.PointsEarn(
                customer=JANE_REF,
                campaign_id=WIDGETS,
                amount="9,95",
                promo_id="89",
                authorization="Optional note here",
            )
        )
    ).receipt
    t = receipt.transaction
    assert receipt.kind == "points" and receipt.account_name == "Demo Business"
    assert t.purchase.amount == Decimal("9.95") and t.promotion.operation == "x"
    assert t.recorded.points == Decimal(1990)  # the reference's example: 9.95 x 100 x 2
    assert t.recorded.description == "Optional note here"
    assert t.balance.points == Decimal(4690 + 1990)
    plus = (
        await api.record_activity(
            rq.PointsEarn(customer=JANE_REF, campaign_id=WIDGETS, amount="10", promo_id="90")
        )
    ).receipt.transaction
    assert plus.recorded.points == Decimal(1000 + 250)
    with pytest.raises(errors.ApiError, match="promo_id"):
        await api.record_activity(
            rq.PointsEarn(customer=JANE_REF, campaign_id=WIDGETS, amount="1", promo_id="999")
        )


async def test_points_redemptions(api):
    start = (await api.customer_info(code=JANE["code"])).campaign(WIDGETS).balance
    assert start == Decimal(4690)
    combo = (
        await api.redeem(
            rq.PointsRedeem(
                customer=JANE_REF,
                campaign_id=WIDGETS,
                reward_id="678",
                custom_points="150",
                custom_dollars="9,95",
            )
        )
    ).receipt.transaction
    assert (combo.reward.id, combo.reward.points) == ("678", Decimal(1000))
    assert combo.custom.points == Decimal(150)
    assert (combo.monetary.amount, combo.monetary.points) == (
        Decimal("9.95"),
        Decimal(1493),
    )  # 9.95 x 150, up
    assert combo.balance.points == Decimal(4690 - 1000 - 150 - 1493)
    with pytest.raises(errors.ApiError, match="Insufficient balance"):
        await api.redeem(rq.PointsRedeem(customer=JANE_REF, campaign_id=WIDGETS, reward_id="753"))
    after = (await api.customer_info(code=JANE["code"])).campaign(WIDGETS)
    assert after.balance == Decimal(2047) and after.cumulative == Decimal(4690)


async def test_gift_card_never_goes_below_zero(api):
    info = await api.customer_info(code=JANE["code"])
    assert info.campaign(GIFT).balance == Decimal("55.70")
    load = (
        await api.record_activity(rq.GiftCardLoad(customer=JANE_REF, campaign_id=GIFT, amount="20"))
    ).receipt
    assert load.kind == "giftcard" and load.transaction.add.amount == Decimal("20.00")
    assert load.transaction.balance.amount == Decimal("75.70")
    with pytest.raises(errors.ApiError, match="Insufficient"):
        await api.redeem(rq.GiftCardRedeem(customer=JANE_REF, campaign_id=GIFT, amount="75.71"))
    spend = (await api.redeem(rq.GiftCardRedeem(customer=JANE_REF, campaign_id=GIFT, amount="75,70"))).receipt
    assert spend.transaction.deduct.amount == Decimal("75.70") and spend.transaction.balance.amount == 0
    assert spend.transaction.cumulative_balance.amount == Decimal("120.00")


async def test_buyx_arithmetic_of_the_reference(api):
    """14 coffees at 1 in 10: earned 1; redeem: balance 4, earned 0, cumulative 14, redeemed 1."""
    new = rq.CustomerRef(card_number="1540280f")  # a hex NFC UID
    receipt = (
        await api.record_activity(
            rq.BuyXEarn(customer=new, campaign_id=BUYER, service_product="96", quantity=14)
        )
    ).receipt
    assert receipt.kind == "buyx" and receipt.transaction.purchase.item == "Coffees"
    assert receipt.transaction.balances[0].current == Decimal(14)
    info = await api.customer_info(card_number="1540280f")
    coffees = info.campaign(BUYER).balances[0]
    assert (coffees.balance, coffees.earned, coffees.cumulative, coffees.redeemed) == (14, 1, 14, 0)
    assert [r.item_id for r in info.campaign(BUYER).available_rewards] == ["96"]
    code = rq.CustomerRef(code=info.customer.code)
    redeemed = (await api.redeem(rq.BuyXRedeem(customer=code, campaign_id=BUYER, item="96"))).receipt
    assert (redeemed.transaction.reward.service_product, redeemed.transaction.reward.deduct) == (
        "Coffees",
        10,
    )
    coffees = (await api.customer_info(card_number="1540280f")).campaign(BUYER).balances[0]
    assert (coffees.balance, coffees.earned, coffees.cumulative, coffees.redeemed) == (4, 0, 14, 1)
    with pytest.raises(errors.ApiError, match="Insufficient"):
        await api.redeem(rq.BuyXRedeem(customer=code, campaign_id=BUYER, item="96"))


async def test_events_and_earn_per_event(api):
    visit = (
        await api.record_activity(
            rq.EventsEarn(customer=JANE_REF, campaign_id=SHOPPER, authorization="visit")
        )
    ).receipt
    assert visit.kind == "events" and visit.transaction.balance.events == Decimal(22)
    reward = (
        await api.redeem(rq.EventsRedeem(customer=JANE_REF, campaign_id=SHOPPER, reward_id="41"))
    ).receipt
    assert reward.transaction.reward.amount == Decimal(9) and reward.transaction.balance.events == Decimal(13)
    earned = (await api.record_activity(rq.EarnedEarn(customer=JANE_REF, campaign_id=EMPLOYEE))).receipt
    assert earned.kind == "earned" and earned.transaction.earn.amount == Decimal("4.50")
    assert earned.transaction.balance.amount == Decimal("40.50")
    spent = (
        await api.redeem(rq.EarnedRedeem(customer=JANE_REF, campaign_id=EMPLOYEE, amount="40.50"))
    ).receipt
    assert spent.kind == "earned" and spent.transaction.balance.amount == 0
    with pytest.raises(errors.ApiError, match="Insufficient"):
        await api.redeem(rq.EarnedRedeem(customer=JANE_REF, campaign_id=EMPLOYEE, amount="0.01"))


WRITES = [
    rq.PointsEarn(customer=JANE_REF, campaign_id=WIDGETS, amount="12.34", promo_id="89"),
    rq.GiftCardLoad(customer=JANE_REF, campaign_id=GIFT, amount="15"),
    rq.BuyXEarn(customer=JANE_REF, campaign_id=BUYER, service_product="107", quantity=3),
    rq.EventsEarn(customer=JANE_REF, campaign_id=SHOPPER),
    rq.EarnedEarn(customer=JANE_REF, campaign_id=EMPLOYEE),
    rq.PointsRedeem(customer=JANE_REF, campaign_id=WIDGETS, reward_id="678", custom_points="5"),
    rq.GiftCardRedeem(customer=JANE_REF, campaign_id=GIFT, amount="5.70"),
    rq.BuyXRedeem(customer=JANE_REF, campaign_id=BUYER, item="96"),
    rq.EventsRedeem(customer=JANE_REF, campaign_id=SHOPPER, reward_id="42"),
    rq.EarnedRedeem(customer=JANE_REF, campaign_id=EMPLOYEE, amount="1"),
]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: type(w).__name__)
async def test_transaction_delete_reverses_exactly(api, write):
    before = (await api.customer_info(code=JANE["code"])).wire()
    send = api.redeem if "Redeem" in type(write).__name__ else api.record_activity
    receipt = (await send(write)).receipt
    assert (await api.customer_info(code=JANE["code"])).wire() != before
    await api.transaction_delete(
        rq.TransactionDelete(
            campaign_id=write.campaign_id, code=JANE["code"], transaction_id=receipt.transaction_id
        )
    )
    assert (await api.customer_info(code=JANE["code"])).wire() == before
    with pytest.raises(errors.ApiError, match="not found"):
        await api.transaction_delete(
            rq.TransactionDelete(
                campaign_id=write.campaign_id, code=JANE["code"], transaction_id=receipt.transaction_id
            )
        )


async def test_a_delete_that_would_leave_a_negative_balance_is_refused(api):
    load = await api.record_activity(rq.GiftCardLoad(customer=JANE_REF, campaign_id=GIFT, amount="10"))
    await api.redeem(rq.GiftCardRedeem(customer=JANE_REF, campaign_id=GIFT, amount="65.70"))
    with pytest.raises(errors.ApiError, match="negative"):
        await api.transaction_delete(
            rq.TransactionDelete(campaign_id=GIFT, code=JANE["code"], transaction_id=load.transaction_id)
        )


async def test_an_earn_on_an_unknown_card_creates_the_customer(api):
    with pytest.raises(errors.NoMatchError):
        await api.customer_info(card_number="NEW-CARD-1")
    receipt = (
        await api.record_activity(
            rq.EventsEarn(customer=rq.CustomerRef(card_number="NEW-CARD-1"), campaign_id=SHOPPER)
        )
    ).receipt
    info = await api.customer_info(card_number="NEW-CARD-1")
    assert len(info.customer.code) == 16 and info.customer.code.isdigit()
    assert receipt.customer.card_number == "NEW-CARD-1"
    assert [c.id for c in info.campaigns] == [SHOPPER]


async def test_refusals_name_the_problem(api, sandbox):
    cases = [
        (
            api.redeem(
                rq.GiftCardRedeem(customer=rq.CustomerRef(code="nobody"), campaign_id=GIFT, amount="1")
            ),
            "No customer with code",
        ),
        (api.record_activity(rq.EventsEarn(customer=JANE_REF, campaign_id="999")), "Unknown campaign_id"),
        (
            api.redeem(rq.EventsRedeem(customer=JANE_REF, campaign_id=SHOPPER, reward_id="77")),
            "Unknown reward",
        ),
        (
            api.record_activity(rq.BuyXEarn(customer=JANE_REF, campaign_id=BUYER, service_product="Tea")),
            "Unknown item",
        ),
        (
            api.call("record_activity", {"code": JANE["code"], "campaign_id": GIFT, "amount": "abc"}),
            "Invalid amount",
        ),
        (api.call("record_activity", {"code": JANE["code"], "campaign_id": GIFT}), "amount is required"),
        (
            api.call("redeem", {"card_number": "1", "campaign_id": GIFT, "reward_to_redeem": "1"}),
            "code is required",
        ),
        (api.call("transaction_delete", {"code": "1"}), "campaign_id is required"),
    ]
    for call, words in cases:
        with pytest.raises(errors.ApiError, match=words):
            await call
    async with client(sandbox, secret="wrong") as bad:
        with pytest.raises(errors.AuthenticationError):
            await bad.customer_info(code=JANE["code"])


async def test_header_secret_takes_precedence(sandbox):
    async with client(sandbox, creds={"in_header": True}) as api:
        assert (await api.customer_info(code=JANE["code"])).customer.first_name == "Jane"
    from .sandbox_helpers import auth, raw

    wrong_header = await raw(
        sandbox, auth(type="customer_info", code=JANE["code"]), headers={"api_access_key": "no"}
    )
    assert b"Invalid user_id" in wrong_header.content


async def test_coalition_balances_are_shared(tmp_path):
    from pos_tui.sandbox.demo import COALITION

    sandbox = make_sandbox(tmp_path)
    async with client(
        sandbox, account=COALITION["id"], user=COALITION["user_id"], secret=COALITION["secret"]
    ) as api:
        info = await api.customer_info(card_number=JOHN["card_number"])
        points = [c for c in info.campaigns if c.type == "points"]
        assert info.is_coalition and len(points) == 2
        assert {c.balance for c in points} == {Decimal(1500)} and {c.balance_coalition for c in points} == {
            1500
        }
        assert sorted(c.cumulative for c in points) == [0, 4500]
        other = next(c for c in points if c.cumulative == 0)
        await api.redeem(
            rq.PointsRedeem(
                customer=rq.CustomerRef(code=JOHN["code"]), campaign_id=other.id, custom_points="500"
            )
        )
        after = await api.customer_info(card_number=JOHN["card_number"], show_only_belong_to=True)
        assert {c.balance for c in after.campaigns if c.type == "points"} == {Decimal(1000)}
        report = await api.customers_balances(campaign_id=other.id, coalition_balance="coalition_points")
        assert report.customers[0].balance == Decimal(1000)


async def test_customer_search_and_find(api):
    found = await api.customer_search(last_name="do", first_name="JA")
    assert [c.unique_code for c in found.customers] == [JANE["code"]]
    with pytest.raises(errors.NoMatchError):
        await api.customer_search(last_name="do", exact_match=True)
    both = await api.customer_find("john doe, jane doe", include_balances=True)
    assert {c.first_name for c in both.customers} == {"John", "Jane"}
    assert all(c.campaigns for c in both.customers)
    assert (await api.customer_search(phone="555-5555")).customers


async def test_catalog_calls(api):
    assert [r.id for r in (await api.campaign_rewards(WIDGETS)).rewards] == ["678", "753"]
    items = (await api.buyx_items_list(BUYER)).items
    assert [(i.key, i.label, i.earn_ratio) for i in items] == [("96", "Coffees", 10), ("107", "Cakes", 10)]
    campaigns = (await api.campaigns_list()).campaigns
    assert [c.type for c in campaigns] == ["points", "earned", "buyx", "giftcard", "events"]
    assert campaigns[0].points_ratio == 100 and campaigns[0].reward_ratio == 150
    account = (await api.account_info()).account
    assert account.business_name == "Demo Business" and not account.is_coalition
    history = await api.customer_balance(campaign_id=GIFT, code=JANE["code"], transactions_number=5)
    assert history.located and history.campaign.customer.balance == Decimal("55.70")
    assert history.campaign.campaign_type == "giftcard" and history.code == JANE["code"]
    assert [t.amount for t in history.transactions] == [Decimal("-44.30"), Decimal("100.00")]
    assert history.transactions[1].authorization == "Birthday gift"
    assert all(t.timestamp is not None and t.user for t in history.transactions)


def test_request_examples_extracted(tmp_path):
    from .conftest import REFERENCE

    examples = json.loads((REFERENCE / "requests.json").read_text())
    assert sum(len(v) for v in examples.values()) == 16


async def test_custom_dollars_need_a_reward_ratio(sandbox, api):
    with sandbox.ledger.write() as conn:
        conn.execute("UPDATE campaigns SET reward_ratio = '' WHERE id = ?", (WIDGETS,))
    with pytest.raises(errors.ApiError, match="spend-to-reward ratio"):
        await api.redeem(rq.PointsRedeem(customer=JANE_REF, campaign_id=WIDGETS, custom_dollars="1"))
    points = await api.redeem(rq.PointsRedeem(customer=JANE_REF, campaign_id=WIDGETS, custom_points="1"))
    assert points.receipt.transaction.balance.points == Decimal(4689)


async def test_demo_data_is_deterministic_and_reset_recreates_it(tmp_path):
    from pos_tui.sandbox.app import open_sandbox

    first = open_sandbox(tmp_path / "a.db", customers=60)
    second = open_sandbox(tmp_path / "b.db", customers=60)
    async with client(first) as a, client(second) as b:
        assert (await a.customers_balances(campaign_id=WIDGETS)).wire() == (
            await b.customers_balances(campaign_id=WIDGETS)
        ).wire()
        await a.record_activity(rq.EventsEarn(customer=JANE_REF, campaign_id=SHOPPER))
    again = open_sandbox(tmp_path / "a.db", customers=60, reset=True)
    async with client(again) as a, client(second) as b:
        assert (await a.customer_info(code=JANE["code"])) == (await b.customer_info(code=JANE["code"]))
