"""The journal's standard of proof (issue 9): each way the journal used to record money twice,
reproduced against the sandbox (its faults, a lying proxy, or a second journal on the same file),
each asserting that the ledger holds every reference exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from pos_tui.api import requests as rq
from pos_tui.api.client import Credentials, LoyaltyClient
from pos_tui.api.decoding import parse_body
from pos_tui.api.errors import BadResponseError
from pos_tui.sandbox.app import InProcessTransport
from pos_tui.sandbox.demo import ACCOUNT, GIFT, JANE, JOHN, SHOPPER
from pos_tui.sandbox.faults import FaultPlan
from pos_tui.till.journal import CardBlocked, Journal, JournaledWriter, State

from .sandbox_helpers import make_sandbox
from .test_journal import UNREADABLE, Switch, ledger_refs, settle

#: In time for a loaded test machine. A test whose subject is not a timeout must not meet one: with
#: 0.2 s, a run of the suite saw a queued earn's request given up before the sandbox committed it,
#: which leaves it unknown for the 300-s quarantine, as it must (see ``BusyFirst``).
READ = httpx.Timeout(5.0)
#: A client that gives up after 0.2 s (section 4, a request still on its way).
GIVES_UP = httpx.Timeout(5.0, read=0.2)


class Proxy(httpx.AsyncBaseTransport):
    """Between the till and the sandbox: forwards every request, and may replace the answer of a
    call (after the sandbox has handled it) with what a lying or broken server sends."""

    def __init__(self, sandbox, answers: dict[str, bytes] | None = None) -> None:
        self.inner = InProcessTransport(sandbox)
        self.answers = dict(answers or {})

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = (await request.aread()).decode()
        call = next((p.split("=", 1)[1] for p in body.split("&") if p.startswith("type=")), "")
        response = await self.inner.handle_async_request(request)
        if call in self.answers:
            await response.aread()
            return httpx.Response(200, content=self.answers[call])
        return response


class BusyFirst:
    """The sandbox on a busy machine: its first request waits 0.3 s before the sandbox handles it
    (a loaded run of the suite: a new sandbox's first write builds its validators, on a process
    that gets a third of a core)."""

    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox
        self.first = True

    async def __call__(self, scope, receive, send) -> None:
        if self.first and scope["type"] == "http":
            self.first = False
            await asyncio.sleep(0.3)
        await self.sandbox(scope, receive, send)


def api_through(transport, timeout=READ) -> LoyaltyClient:
    creds = Credentials(ACCOUNT["user_id"], ACCOUNT["id"], ACCOUNT["secret"])
    return LoyaltyClient(creds, url="http://sandbox/api.php", transport=transport, timeout=timeout)


def jane_load(amount: str = "5") -> rq.GiftCardLoad:
    return rq.GiftCardLoad(customer=rq.CustomerRef(code=JANE["code"]), campaign_id=GIFT, amount=amount)


def once(sandbox, journal: Journal) -> None:
    refs = ledger_refs(sandbox)
    assert all(n == 1 for n in refs.values()), f"doubled: {refs}"
    confirmed = {e.ref for e in journal.entries() if e.state == State.CONFIRMED}
    assert set(refs) == confirmed, "the ledger and the journal disagree"


# 1. History in the live shape -----------------------------------------------------------------


LIVE_HISTORY = b"""<response status="success">
  <campaign>
    <campaign_id>123</campaign_id><campaign_type>giftcard</campaign_type><campaign_name>Gift Card</campaign_name>
    <customer>
      <code>1234567890123456</code><card_number>11112222</card_number><first_name>Jane</first_name>
      <last_name>Doe</last_name>
      <balance>55.70</balance>
      <transactions>
        <transaction>
          <id>70</id><date>2026-10-27</date><amount>-44.30</amount><orig_amount>-44.30</orig_amount>
          <redeemed>Y</redeemed><authorization>Lunch</authorization>
          <user_name>clerk</user_name><record_timestamp>2026-10-27 12:00:00</record_timestamp>
        </transaction>
      </transactions>
    </customer>
  </campaign>
</response>"""


def test_the_live_history_shape_decodes_with_its_free_text():
    """The shape of shared/api-reference/README.md ("What the public clients read")."""
    from pos_tui.api import models as m

    history = m.CustomerBalance.model_validate(parse_body(LIVE_HISTORY))
    assert history.located and history.code and history.card_number
    line = history.transactions[0]
    assert (line.transaction_id, line.authorization, line.user) == ("70", "Lunch", "clerk")
    assert str(line.timestamp) == "2026-10-27 12:00:00"


async def test_a_lost_answer_is_found_in_the_live_history_not_sent_again(tmp_path):
    sandbox = make_sandbox(tmp_path, faults="record_activity:after_commit=1")
    journal = Journal(tmp_path / "journal.db")
    async with api_through(InProcessTransport(sandbox)) as api:
        outcome = await JournaledWriter(api, journal, resend_after=0).submit(jane_load())
    assert outcome.entry.state == State.CONFIRMED and outcome.entry.attempts == 1
    assert ledger_refs(sandbox) == Counter({outcome.entry.ref: 1})


# 2. A history it cannot read is not an empty history ------------------------------------------

UNLOCATED = b'<response status="success"><campaign><campaign_id>1</campaign_id></campaign></response>'
NO_TEXT = (
    b'<response status="success"><campaign><customer><code>1</code><transactions><transaction>'
    b"<id>9</id><amount>5</amount></transaction></transactions></customer></campaign></response>"
)


@pytest.mark.parametrize("history", [UNLOCATED, NO_TEXT], ids=["no-transaction-list", "lines-without-text"])
async def test_an_unreadable_history_leaves_the_write_unknown(tmp_path, history):
    sandbox = make_sandbox(tmp_path, faults="record_activity:before_commit=1")
    proxy = Proxy(sandbox, {"customer_balance": history})
    journal = Journal(tmp_path / "journal.db")
    async with api_through(proxy) as api:
        writer = JournaledWriter(api, journal, resend_after=0)
        outcome = await writer.submit(jane_load())
        sandbox.faults = FaultPlan()
        for _ in range(3):
            await writer.replay()  # quarantine over: still, nothing may be concluded
    assert journal.get(outcome.entry.ref).state == State.UNKNOWN
    assert "could not be located or understood" in journal.get(outcome.entry.ref).error
    assert ledger_refs(sandbox) == Counter()  # never sent again on a guess


# 3. The offline queue is claimed, never sent twice ---------------------------------------------


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "busy-machine"])
async def test_two_flushers_and_two_journals_send_each_queued_earn_once(tmp_path, busy):
    sandbox = make_sandbox(tmp_path)
    switch = Switch(sandbox)
    if busy:
        switch.inner = InProcessTransport(BusyFirst(sandbox))
    first, second = Journal(tmp_path / "journal.db"), Journal(tmp_path / "journal.db")  # two processes
    async with api_through(switch) as api:
        a = JournaledWriter(api, first, not_sent_retries=0)
        b = JournaledWriter(api, second, not_sent_retries=0)
        switch.offline = True
        for n in range(12):
            await a.submit(jane_load(str(n + 1)))
        assert len(first.entries(states=(State.QUEUED,))) == 12
        switch.offline = False
        await asyncio.gather(a.flush_queue(), b.flush_queue(), a.replay(), b.replay(), a.flush_queue())
        await settle(a, first)
    once(sandbox, first)
    assert len(ledger_refs(sandbox)) == 12
    ids = [int(e.transaction_id) for e in first.entries()]
    assert ids == sorted(ids), "the queue was not sent in order"


class SlowFirst(Switch):
    """The network, where the first earn sent takes 0.5 s to reach the sandbox (a slow link)."""

    def __init__(self, sandbox) -> None:
        super().__init__(sandbox)
        self.earns = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.offline and b"type=record_activity" in await request.aread():
            self.earns += 1
            if self.earns == 1:
                await asyncio.sleep(0.5)
        return await super().handle_async_request(request)


async def test_a_second_flusher_waits_while_the_head_of_the_queue_is_on_its_way(tmp_path):
    """The head of the queue, claimed and on its way, is no longer `queued`: a second process
    took the next entry as the head and sent it past the first (seen with three `pos-tui journal
    replay` at once on a loaded machine). The queue has one sender at a time across processes."""
    sandbox = make_sandbox(tmp_path)
    network = SlowFirst(sandbox)
    first, second = Journal(tmp_path / "journal.db"), Journal(tmp_path / "journal.db")  # two processes
    async with api_through(network) as api:
        a = JournaledWriter(api, first, not_sent_retries=0)
        b = JournaledWriter(api, second, not_sent_retries=0)
        network.offline = True
        for n in range(3):
            await a.submit(jane_load(str(n + 1)))
        network.offline = False
        flushing = asyncio.ensure_future(a.flush_queue())
        await asyncio.sleep(0.1)  # a holds the head, on its slow way
        await b.flush_queue()
        john = rq.GiftCardLoad(customer=rq.CustomerRef(code=JOHN["code"]), campaign_id=GIFT, amount="7")
        await b.submit(john)  # a new earn while the queue is on its way goes behind it
        await flushing
        await settle(a, first)
    once(sandbox, first)
    entries = first.entries()
    ids = [int(e.transaction_id) for e in entries]
    assert len(ids) == 4 and ids == sorted(ids), "the queue was not sent in order"
    assert entries[-1].code == JOHN["code"] and entries[-1].state == State.CONFIRMED


async def test_an_earn_while_an_empty_queue_is_checked_is_sent_not_queued(tmp_path):
    """The till replays its journal at start and every 15 s; an earn made meanwhile, online and
    with nothing queued, is sent (it was queued, and the receipt said PENDING: seen at load)."""
    sandbox = make_sandbox(tmp_path)
    journal = Journal(tmp_path / "journal.db")
    async with api_through(InProcessTransport(sandbox)) as api:
        writer = JournaledWriter(api, journal)
        async with writer._flushing:  # this process's replay is looking at the (empty) queue
            outcome = await writer.submit(jane_load())
    assert outcome.entry.state == State.CONFIRMED
    once(sandbox, journal)


async def test_tries_that_never_left_do_not_count_as_sends(tmp_path):
    """A queued earn that many flushers tried while the network was down had never left; its first
    real send, lost, must still be sent again once absence is proven. (Each offline try counted as
    a send: after ten of them the entry stayed unknown, "sent 12 times; a manager must decide".)"""
    sandbox = make_sandbox(tmp_path)
    switch = Switch(sandbox)
    journal = Journal(tmp_path / "journal.db")
    async with api_through(switch) as api:
        writer = JournaledWriter(api, journal, resend_after=0, not_sent_retries=0)
        switch.offline = True
        queued = await writer.submit(jane_load())
        for _ in range(12):
            assert not await writer.flush_queue()
        assert journal.get(queued.entry.ref).attempts == 0  # it never left
        switch.offline = False
        sandbox.faults = FaultPlan("record_activity:before_commit=1")
        await writer.flush_queue()
        assert journal.get(queued.entry.ref).state == State.UNKNOWN
        sandbox.faults = FaultPlan()
        await settle(writer, journal)
    entry = journal.get(queued.entry.ref)
    assert entry.state == State.CONFIRMED, entry.error
    once(sandbox, journal)


# 4. "Absent" while the request is still travelling --------------------------------------------


async def test_a_request_still_travelling_is_not_sent_again_before_the_quarantine(tmp_path):
    """The request reaches the server 0.6 s after the client gave up (0.2 s). Readings at once and
    from a second process 0.3 s later see nothing; only after the quarantine may it be resent, and
    by then the history shows it."""
    sandbox = make_sandbox(tmp_path, faults="record_activity:late=0.6")
    journal, other = Journal(tmp_path / "journal.db"), Journal(tmp_path / "journal.db")
    async with api_through(InProcessTransport(sandbox), timeout=GIVES_UP) as api:
        writer = JournaledWriter(api, journal, resend_after=1.5)
        outcome = await writer.submit(jane_load())
        assert outcome.entry.state == State.UNKNOWN and ledger_refs(sandbox) == Counter()
        sandbox.faults = FaultPlan()
        await asyncio.sleep(0.1)
        await JournaledWriter(api, other, resend_after=1.5).replay()  # a second process
        assert other.get(outcome.entry.ref).state == State.UNKNOWN
        await asyncio.sleep(1.0)  # the late request has landed meanwhile
        await writer.replay()
    entry = journal.get(outcome.entry.ref)
    assert entry.state == State.CONFIRMED and entry.attempts == 1
    assert ledger_refs(sandbox) == Counter({entry.ref: 1})


# 5. Hostile answers after the request left ------------------------------------------------------

DEEP_XML = b'<response status="success">' + b"<a>" * 1500 + b"</a>" * 1500 + b"</response>"
LONG_INT = b'{"status": "success", "transaction": {"id": ' + b"7" * 5000 + b"}}"
NO_ID = b'<response status="success"/>'
STRAY_CLOSE = b'<response status="success"></receipt></response>'


@pytest.mark.parametrize(
    "answer",
    [DEEP_XML, LONG_INT, NO_ID, STRAY_CLOSE],
    ids=["deep-xml", "5000-digits", "no-id", "stray-close-tag"],
)
async def test_a_hostile_answer_after_commit_ends_unknown_then_confirmed_by_reading(tmp_path, answer):
    sandbox = make_sandbox(tmp_path)
    proxy = Proxy(sandbox, {"record_activity": answer})
    journal = Journal(tmp_path / "journal.db")
    async with api_through(proxy) as api:
        writer = JournaledWriter(api, journal, resend_after=0)
        outcome = await writer.submit(jane_load())
        assert outcome.entry.state == State.CONFIRMED  # found by its reference in the history
        assert outcome.receipt is None and outcome.entry.attempts == 1
    once(sandbox, journal)


@pytest.mark.parametrize(
    "body",
    [
        DEEP_XML,
        LONG_INT,
        b'{"status":"success","x":' + b"[" * 3000 + b"]" * 3000 + b"}",
        b"x" * (21 << 20),
        b'<response status="success"><a x' + b'="' * 1_000_000 + b">1</a></response>",
    ],
    ids=["deep-xml", "5000-digits", "deep-json", "21-MB", "attribute-quotes-repeated"],
)
def test_decoding_is_bounded(body):
    import time

    started = time.perf_counter()
    with pytest.raises(BadResponseError):
        from pos_tui.api.calls import decode

        decode("record_activity", body)
    assert time.perf_counter() - started < 1.0


async def test_decoding_runs_in_a_worker_thread_not_on_the_event_loop(monkeypatch):
    import threading

    from pos_tui.api import transport

    threads = []
    decode = transport._decode

    def spy(*args):
        threads.append(threading.current_thread())
        return decode(*args)

    monkeypatch.setattr(transport, "_decode", spy)
    answer = httpx.MockTransport(lambda request: httpx.Response(200, content=LIVE_HISTORY))
    async with api_through(answer) as api:
        history = await api.customer_balance(campaign_id=GIFT, code=JANE["code"])
    assert history.located and len(threads) == 1
    assert threads[0] is not threading.current_thread()  # the loop's thread never decodes


def test_a_huge_amount_is_refused_and_never_stored_whole(tmp_path):
    from pos_tui.api.calls import decode

    with pytest.raises(BadResponseError):
        decode("customer_balance", b'{"status":"success","campaign":{"customer":{"balance":1e999999999}}}')
    journal = Journal(tmp_path / "journal.db")
    entry = journal.add("record_activity", jane_load(), code=JANE["code"])
    journal.confirm(entry.ref, "1", response={"status": "success", "x": "9" * (10 << 20)})
    assert journal.path.stat().st_size < 1 << 20


# 6. A void of an unknown earn ------------------------------------------------------------------


async def test_a_void_of_an_unknown_earn_confirms_it_first_and_it_is_never_sent_again(tmp_path):
    sandbox = make_sandbox(tmp_path, faults=UNREADABLE)
    journal = Journal(tmp_path / "journal.db")
    card = "VOID-NEW-CARD"
    async with api_through(InProcessTransport(sandbox)) as api:
        writer = JournaledWriter(api, journal, resend_after=0)
        earn = await writer.submit(
            rq.EventsEarn(customer=rq.CustomerRef(card_number=card), campaign_id=SHOPPER)
        )
        assert earn.entry.state == State.UNKNOWN  # recorded, but the history cannot be read
        sandbox.faults = FaultPlan()
        info = await api.customer_info(card_number=card)
        line = (await api.customer_balance(campaign_id=SHOPPER, code=info.customer.code)).transactions[0]
        void = await writer.void(
            rq.TransactionDelete(
                campaign_id=SHOPPER, code=info.customer.code, transaction_id=line.transaction_id
            )
        )
        assert void.entry.state == State.CONFIRMED
        assert journal.get(earn.entry.ref).state == State.CONFIRMED  # the void's read confirmed it
        await writer.replay()
    assert ledger_refs(sandbox) == Counter()  # the earn was voided, and never recorded again


async def test_one_customer_is_one_lock_by_card_or_code(tmp_path):
    sandbox = make_sandbox(tmp_path, faults=UNREADABLE)
    journal = Journal(tmp_path / "journal.db")
    async with api_through(InProcessTransport(sandbox)) as api:
        writer = JournaledWriter(api, journal)
        by_card = rq.CustomerRef(card_number=JANE["card_number"])
        earn = await writer.submit(rq.EventsEarn(customer=by_card, campaign_id=SHOPPER))
        assert earn.entry.state == State.UNKNOWN
        with pytest.raises(CardBlocked):  # the same customer, named by code, from the history
            await writer.void(
                rq.TransactionDelete(campaign_id=SHOPPER, code=JANE["code"], transaction_id="1"),
                card_number=JANE["card_number"],
            )


# 7. A card blocked forever: the account's time zone, and a way out -----------------------------


def recent_line(sandbox, zone: str, minutes_ago: int) -> None:
    """A gift-card line stamped by the server's clock in ``zone``, some minutes ago."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from pos_tui.sandbox import db

    stamp = (datetime.now(ZoneInfo(zone)) - timedelta(minutes=minutes_ago)).replace(tzinfo=None)
    with sandbox.ledger.write() as conn:
        db.insert_transaction(
            conn,
            account_id=ACCOUNT["id"],
            campaign_id=GIFT,
            code=JANE["code"],
            redeemed=0,
            amount="1.00",
            description="earlier today",
            created=stamp.isoformat(sep=" ", timespec="seconds"),
        )


async def test_a_long_history_is_compared_in_the_accounts_time_zone(tmp_path):
    """The server stamps in the account's zone, 13 hours ahead of UTC; the history is longer than a
    page, whose oldest line is 20 minutes old. Compared in the account's zone that line is older
    than the write, so absence is proven; compared naively it is 13 hours in the future, and the
    customer was blocked for good."""
    sandbox = make_sandbox(tmp_path, faults="record_activity:before_commit=1", server_tz="Pacific/Auckland")
    recent_line(sandbox, "Pacific/Auckland", 20)
    journal = Journal(tmp_path / "journal.db")
    async with api_through(InProcessTransport(sandbox)) as api:
        writer = JournaledWriter(api, journal, resend_after=0.2)
        writer.reconciler.depth = 1  # the page is full
        outcome = await writer.submit(jane_load())
        sandbox.faults = FaultPlan()
        await settle(writer, journal)
    assert journal.get(outcome.entry.ref).state == State.CONFIRMED
    once(sandbox, journal)


async def test_without_the_time_zone_a_page_of_recent_lines_decides_nothing(tmp_path):
    sandbox = make_sandbox(tmp_path, faults="record_activity:before_commit=1", server_tz="Pacific/Kiritimati")
    recent_line(sandbox, "Pacific/Kiritimati", 20)
    journal = Journal(tmp_path / "journal.db")
    refuse = b'<response status="error"><error>not allowed</error></response>'
    async with api_through(Proxy(sandbox, {"account_info": refuse})) as api:
        writer = JournaledWriter(api, journal, resend_after=0)
        writer.reconciler.depth = 1
        outcome = await writer.submit(jane_load("2"))
        sandbox.faults = FaultPlan()
        await writer.replay()
    assert journal.get(outcome.entry.ref).state == State.UNKNOWN
    assert ledger_refs(sandbox) == Counter()


async def test_the_sandbox_answers_type_balance_in_the_live_shape(tmp_path):
    from pos_tui.api import models as m

    from .sandbox_helpers import auth, raw

    sandbox = make_sandbox(tmp_path)
    for call in ("customer_balance", "balance"):
        response = await raw(sandbox, auth(type=call, campaign_id=GIFT, code=JANE["code"]))
        tree = parse_body(response.content)
        assert set(tree) == {"status", "campaign"} and "customer" in tree["campaign"]
        history = m.CustomerBalance.model_validate(tree)
        assert history.located and [t.authorization for t in history.transactions][-1] == "Birthday gift"
