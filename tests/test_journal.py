"""The journal against the sandbox's fault injection: nothing lost, nothing doubled."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import httpx
import pytest

from pos_tui.api import requests as rq
from pos_tui.sandbox.demo import GIFT, JANE, SHOPPER
from pos_tui.sandbox.faults import FaultPlan
from pos_tui.till.journal import OPEN_STATES, CardBlocked, Journal, JournaledWriter, State

from .sandbox_helpers import client, make_sandbox

CONFIRMED, NOT_SENT, QUEUED, REFUSED, UNKNOWN = (
    State.CONFIRMED,
    State.NOT_SENT,
    State.QUEUED,
    State.REFUSED,
    State.UNKNOWN,
)

FAULTS = (
    "record_activity:before_commit=0.08,record_activity:after_commit=0.08,record_activity:http502=0.08,"
    "record_activity:truncate=0.08,redeem:after_commit=0.1,redeem:truncate=0.1,redeem:before_commit=0.1,"
    "redeem:delay=0.2,customer_balance:http502=0.1"
)  # every redemption is answered 0.2 s after its commit, past the client's 0.1 s read timeout


#: An earn recorded whose answer is lost, and neither the history nor the transactions_all report
#: can be read: its outcome stays unknown.
UNREADABLE = "record_activity:after_commit=1,customer_balance:http502=1,transactions_all:http502=1"


def ledger_refs(sandbox) -> Counter[str]:
    with sandbox.ledger.read() as conn:
        rows = conn.execute("SELECT description FROM transactions WHERE deleted = 0").fetchall()
    return Counter(m for row in rows for m in re.findall(r"\[pos:([\w-]+)\]", row["description"]))


async def settle(writer: JournaledWriter, journal: Journal, rounds: int = 20, pause: float = 0.1) -> None:
    """Replay until nothing is open (the quarantine of the tests is short)."""
    import asyncio

    for _ in range(rounds):
        await writer.replay()
        if not journal.entries(states=OPEN_STATES):
            return
        await asyncio.sleep(pause)


def requests(n: int) -> list[rq.GiftCardRedeem | rq.GiftCardLoad | rq.EventsEarn]:
    jane = rq.CustomerRef(code=JANE["code"])
    made: list[rq.GiftCardRedeem | rq.GiftCardLoad | rq.EventsEarn] = []
    for i in range(n):
        if i % 5 == 4:
            made.append(
                rq.GiftCardRedeem(customer=jane, campaign_id=GIFT, amount="0.10", authorization=f"spend {i}")
            )
        elif i % 3 == 0:
            made.append(
                rq.GiftCardLoad(customer=jane, campaign_id=GIFT, amount="1.00", authorization=f"load {i}")
            )
        else:
            card = rq.CustomerRef(card_number=f"SOAK-{i % 12}")
            made.append(rq.EventsEarn(customer=card, campaign_id=SHOPPER, authorization=f"visit {i}"))
    return made


async def test_hundreds_of_writes_through_faults_lose_nothing_and_double_nothing(tmp_path):
    sandbox = make_sandbox(tmp_path, faults=FAULTS, fault_seed=11)
    journal = Journal(tmp_path / "journal.db")
    blocked = 0
    plan = sandbox.faults
    async with client(sandbox, timeout=httpx.Timeout(5.0, read=0.1)) as api:
        writer = JournaledWriter(api, journal, resend_after=0.05)
        for request in requests(300):
            try:
                await writer.submit(request)
            except CardBlocked:
                blocked += 1
        open_before_replay = len(journal.entries(states=OPEN_STATES))
        sandbox.faults = FaultPlan()  # the network is healthy again
        await settle(writer, journal)
    states = Counter(e.state for e in journal.entries())
    refs = ledger_refs(sandbox)
    confirmed = {e.ref for e in journal.entries() if e.state == CONFIRMED}
    assert all(count == 1 for count in refs.values()), "a write was doubled"
    assert set(refs) == confirmed, "the ledger and the journal disagree"
    assert not {e.ref for e in journal.entries() if e.state in (REFUSED, NOT_SENT)} & set(refs)
    assert all("Insufficient" in e.error for e in journal.entries() if e.state == REFUSED)
    assert states[UNKNOWN] == 0 and not journal.entries(states=OPEN_STATES)
    print(
        f"\nwrites {300 - blocked} journalled, {blocked} refused while a card was blocked; "
        f"open before replay {open_before_replay}; states {dict(states)}; ledger entries {sum(refs.values())}; "
        f"faults injected {dict(plan.injected)}"
    )


def test_stored_requests_read_back_as_the_same_type(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    jane = rq.CustomerRef(code=JANE["code"])
    for request in (
        rq.GiftCardLoad(customer=jane, campaign_id=GIFT, amount="1"),
        rq.GiftCardRedeem(customer=jane, campaign_id=GIFT, amount="1"),
        rq.EarnedRedeem(customer=jane, campaign_id="e", amount="2"),
    ):
        entry = journal.add(request.call, request, code=JANE["code"], state=QUEUED)
        assert entry.typed_request() == request


async def test_an_unknown_outcome_is_found_not_repeated(tmp_path):
    sandbox = make_sandbox(tmp_path, faults="record_activity:after_commit=1")
    journal = Journal(tmp_path / "journal.db")
    async with client(sandbox) as api:
        writer = JournaledWriter(api, journal, resend_after=0.05)
        outcome = await writer.submit(
            rq.GiftCardLoad(customer=rq.CustomerRef(code=JANE["code"]), campaign_id=GIFT, amount="5")
        )
        assert outcome.entry.state == CONFIRMED and outcome.entry.transaction_id
        info = await api.customer_info(code=JANE["code"])
    assert info.campaign(GIFT).balance == Decimal("60.70")  # once, not twice
    assert outcome.entry.attempts == 1


async def test_provably_absent_is_sent_once_more(tmp_path):
    sandbox = make_sandbox(tmp_path, faults="record_activity:before_commit=1")
    journal = Journal(tmp_path / "journal.db")
    async with client(sandbox) as api:
        writer = JournaledWriter(api, journal, resend_after=0.05)
        first = await writer.submit(
            rq.EventsEarn(customer=rq.CustomerRef(card_number="NEW-1"), campaign_id=SHOPPER)
        )
        # Every send is dropped before commit: each time the customer provably does not exist.
        assert first.entry.state == UNKNOWN  # absent, but only a quarantine later may it be sent again
        sandbox.faults = FaultPlan()
        await settle(writer, journal)
    entry = journal.get(first.entry.ref)
    assert entry.state == CONFIRMED and ledger_refs(sandbox) == Counter({entry.ref: 1})


async def test_undecidable_stays_unknown_and_blocks_the_card(tmp_path):
    sandbox = make_sandbox(tmp_path, faults=UNREADABLE)
    journal = Journal(tmp_path / "journal.db")
    jane = rq.CustomerRef(code=JANE["code"])
    async with client(sandbox) as api:
        writer = JournaledWriter(api, journal, resend_after=0.05)
        outcome = await writer.submit(rq.EventsEarn(customer=jane, campaign_id=SHOPPER))
        assert outcome.entry.state == UNKNOWN
        with pytest.raises(CardBlocked, match="must be settled first"):
            await writer.submit(rq.EventsEarn(customer=jane, campaign_id=SHOPPER))
        sandbox.faults = FaultPlan()
        await settle(writer, journal)
        assert journal.get(outcome.entry.ref).state == CONFIRMED
        assert (
            await writer.submit(rq.EventsEarn(customer=jane, campaign_id=SHOPPER))
        ).entry.state == CONFIRMED
    assert sum(ledger_refs(sandbox).values()) == 2


async def test_not_sent_is_retried_then_queued_or_refused(tmp_path):
    journal = Journal(tmp_path / "journal.db")
    calls = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    from pos_tui.api.client import Credentials, LoyaltyClient

    async with LoyaltyClient(
        Credentials("u", "a", "s"), url="http://x/", transport=httpx.MockTransport(refuse)
    ) as api:
        writer = JournaledWriter(api, journal, resend_after=0.05, not_sent_retries=2)
        outcome = await writer.submit(
            rq.EventsEarn(customer=rq.CustomerRef(card_number="1"), campaign_id="c")
        )
        assert outcome.entry.state == QUEUED and len(calls) == 3  # tried three times, then queued
        spend = await writer.submit(
            rq.GiftCardRedeem(customer=rq.CustomerRef(code="1"), campaign_id="g", amount="1")
        )
    assert spend.entry.state == NOT_SENT  # a redemption is never queued: no balance to check offline


async def test_a_crash_after_journalling_resumes(tmp_path):
    """An entry left sent (the process died before or while the request left) is settled by reading
    on the next start, and sent once the quarantine shows it absent."""
    import asyncio

    sandbox = make_sandbox(tmp_path)
    journal = Journal(tmp_path / "journal.db")
    entry = journal.add(
        "record_activity",
        rq.GiftCardLoad(customer=rq.CustomerRef(code=JANE["code"]), campaign_id=GIFT, amount="2"),
        code=JANE["code"],
    )
    journal.close()
    journal = Journal(tmp_path / "journal.db")  # the next start
    async with client(sandbox) as api:
        writer = JournaledWriter(api, journal, resend_after=0.3)
        await writer.replay()
        assert journal.get(entry.ref).state == UNKNOWN  # absent, but it may still be travelling
        await asyncio.sleep(0.35)
        await writer.replay()
    assert journal.get(entry.ref).state == CONFIRMED and ledger_refs(sandbox) == Counter({entry.ref: 1})


class Switch(httpx.AsyncBaseTransport):
    """The network to the in-process sandbox, with a plug to pull."""

    def __init__(self, sandbox) -> None:
        from pos_tui.sandbox.app import InProcessTransport

        self.inner = InProcessTransport(sandbox)
        self.offline = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.offline:
            raise httpx.ConnectError("Network is unreachable", request=request)
        return await self.inner.handle_async_request(request)


async def test_offline_earns_are_queued_and_sent_in_order(tmp_path):
    from pos_tui.api.client import Credentials, LoyaltyClient
    from pos_tui.sandbox.demo import ACCOUNT

    sandbox = make_sandbox(tmp_path)
    switch = Switch(sandbox)
    journal = Journal(tmp_path / "journal.db")
    jane = rq.CustomerRef(code=JANE["code"])
    credentials = Credentials(ACCOUNT["user_id"], ACCOUNT["id"], ACCOUNT["secret"])
    async with LoyaltyClient(credentials, url="http://sandbox/api.php", transport=switch) as api:
        writer = JournaledWriter(api, journal, resend_after=0.05, not_sent_retries=0)
        switch.offline = True
        queued = [
            await writer.submit(rq.GiftCardLoad(customer=jane, campaign_id=GIFT, amount=str(n)))
            for n in (1, 2, 3)
        ]
        spend = await writer.submit(rq.GiftCardRedeem(customer=jane, campaign_id=GIFT, amount="1"))
        assert [o.entry.state for o in queued] == [QUEUED] * 3 and spend.entry.state == NOT_SENT
        switch.offline = False
        later = await writer.submit(rq.GiftCardLoad(customer=jane, campaign_id=GIFT, amount="4"))
        assert later.entry.state == CONFIRMED  # the queue went first
        info = await api.customer_info(code=JANE["code"])
    assert info.campaign(GIFT).balance == Decimal("55.70") + 10
    entries = [e for e in journal.entries() if e.state == CONFIRMED]
    ids = [int(e.transaction_id) for e in entries]
    assert [e.request["amount"] for e in entries] == ["1", "2", "3", "4"] and ids == sorted(ids)


async def test_voids_go_through_the_journal(tmp_path):
    """A void whose answer is lost is confirmed by reading; one dropped before commit is sent again."""
    sandbox = make_sandbox(tmp_path)
    journal = Journal(tmp_path / "journal.db")
    jane = rq.CustomerRef(code=JANE["code"])
    async with client(sandbox) as api:
        writer = JournaledWriter(api, journal, resend_after=0.05)
        first = (await writer.submit(rq.GiftCardLoad(customer=jane, campaign_id=GIFT, amount="5"))).entry
        second = (await writer.submit(rq.GiftCardLoad(customer=jane, campaign_id=GIFT, amount="6"))).entry
        sandbox.faults = FaultPlan("transaction_delete:after_commit=1")
        lost = await writer.void(
            rq.TransactionDelete(campaign_id=GIFT, code=JANE["code"], transaction_id=first.transaction_id)
        )
        assert lost.entry.state == CONFIRMED
        sandbox.faults = FaultPlan("transaction_delete:before_commit=1")
        dropped = await writer.void(
            rq.TransactionDelete(campaign_id=GIFT, code=JANE["code"], transaction_id=second.transaction_id)
        )
        assert dropped.entry.state == UNKNOWN  # every send dropped: still present, sends exhausted
        sandbox.faults = FaultPlan()
        await settle(writer, journal)
        assert journal.get(dropped.entry.ref).state == CONFIRMED
        info = await api.customer_info(code=JANE["code"])
    assert info.campaign(GIFT).balance == Decimal("55.70")  # both loads voided, nothing else touched


async def test_batches_go_through_the_journal(tmp_path):
    sandbox = make_sandbox(tmp_path)
    journal = Journal(tmp_path / "journal.db")

    def batch(amount: str) -> rq.Batch:
        return rq.Batch(
            kind="giftcard",
            rows=(
                rq.BatchRow(campaign_id=GIFT, code=JANE["code"], amount=amount, authorization="batch row"),
                rq.BatchRow(
                    campaign_id=GIFT, code="BATCH-CARD", amount=amount
                ),  # a new card: created by the batch
            ),
        )

    async with client(sandbox) as api:
        writer = JournaledWriter(api, journal, resend_after=0.05)
        sandbox.faults = FaultPlan("batch_transactions:after_commit=1")
        lost = await writer.batch(batch("2"))
        assert lost.entry.state == CONFIRMED  # every row found by its reference
        sandbox.faults = FaultPlan("batch_transactions:before_commit=1")
        dropped = await writer.batch(batch("3"))
        assert dropped.entry.state == UNKNOWN  # absent, inside the quarantine
        with pytest.raises(CardBlocked):
            await writer.batch(batch("4"))
        sandbox.faults = FaultPlan()
        await settle(writer, journal)
        assert journal.get(dropped.entry.ref).state == CONFIRMED
        jane = await api.customer_info(code=JANE["code"])
        card = await api.customer_info(card_number="BATCH-CARD")
    assert jane.campaign(GIFT).balance == Decimal("55.70") + 2 + 3  # each batch applied once
    assert card.campaign(GIFT).balance == Decimal(5)
    refs = ledger_refs(sandbox)
    assert sorted(refs) == sorted(f"{e.ref}-{n}" for e in (lost.entry, dropped.entry) for n in (1, 2))
    assert set(refs.values()) == {1}
