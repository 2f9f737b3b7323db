"""``transactions_all`` as a second source (issue 10): when the customer's history cannot settle an
unknown write, the report of the entry's days and campaign is read for its ``[pos:REF]``. Found:
confirmed. Not found: nothing is proved, the entry stays unknown and is never sent again."""

from __future__ import annotations

import re
from collections import Counter

import httpx
import pytest

from pos_tui.api import requests as rq
from pos_tui.sandbox.app import InProcessTransport
from pos_tui.sandbox.demo import GIFT, JANE
from pos_tui.sandbox.faults import FaultPlan
from pos_tui.till.journal import Journal, JournaledWriter, State

from .sandbox_helpers import make_sandbox
from .test_journal import UNREADABLE, ledger_refs, settle
from .test_journal_proof import UNLOCATED, Proxy, api_through, jane_load, once


class Reports(Proxy):
    """A proxy that counts the ``transactions_all`` reads and, with ``strip``, removes from the
    report every row that carries a journal reference (as a lagging or filtered report would)."""

    def __init__(self, sandbox, answers: dict[str, bytes] | None = None, *, strip: bool = False) -> None:
        super().__init__(sandbox, answers)
        self.strip = strip
        self.reads = 0
        self.stripped = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = (await request.aread()).decode()
        if "report=transactions_all" not in body:
            return await super().handle_async_request(request)
        self.reads += 1
        response = await self.inner.handle_async_request(request)
        text = (await response.aread()).decode()
        if self.strip:
            rows = re.findall(r"<transaction>.*?</transaction>", text, flags=re.S)
            for row in rows:
                if "[pos:" in row:
                    text = text.replace(row, "")
                    self.stripped += 1
        kind = response.headers.get("content-type", "text/xml")
        return httpx.Response(response.status_code, content=text.encode(), headers={"content-type": kind})


def unreadable_history(sandbox, kind: str) -> Proxy:
    """``customer_balance`` answering an HTML 502 (the sandbox's fault), or a success body whose
    history cannot be located."""
    if kind == "http502":
        sandbox.faults = FaultPlan("record_activity:after_commit=1,customer_balance:http502=1")
        return Reports(sandbox)
    sandbox.faults = FaultPlan("record_activity:after_commit=1")
    return Reports(sandbox, {"customer_balance": UNLOCATED})


@pytest.mark.parametrize("kind", ["http502", "unlocated"])
async def test_a_committed_write_the_history_cannot_show_is_confirmed_from_the_report(tmp_path, kind):
    sandbox = make_sandbox(tmp_path)
    proxy = unreadable_history(sandbox, kind)
    journal = Journal(tmp_path / "journal.db")
    async with api_through(proxy) as api:
        outcome = await JournaledWriter(api, journal, resend_after=0).submit(jane_load())
    entry = journal.get(outcome.entry.ref)
    assert entry.state == State.CONFIRMED and entry.attempts == 1
    assert entry.transaction_id == ""  # the report's rows carry no transaction id
    assert entry.resolved_by.startswith("the transactions_all report at ")
    assert proxy.reads == 1
    assert ledger_refs(sandbox) == Counter({entry.ref: 1})
    once(sandbox, journal)


@pytest.mark.parametrize("kind", ["http502", "unlocated"])
async def test_absence_from_the_report_proves_nothing_and_sends_nothing(tmp_path, kind):
    """The write was recorded; the report leaves it out (a proxy strips it). The history cannot be
    read, so nothing is known: the entry stays unknown through replays past the quarantine."""
    sandbox = make_sandbox(tmp_path)
    proxy = unreadable_history(sandbox, kind)
    proxy.strip = True
    journal = Journal(tmp_path / "journal.db")
    async with api_through(proxy) as api:
        writer = JournaledWriter(api, journal, resend_after=0)
        outcome = await writer.submit(jane_load())
        for _ in range(3):
            await writer.replay()  # the quarantine is over: still no resend on an absence
    entry = journal.get(outcome.entry.ref)
    assert entry.state == State.UNKNOWN and entry.attempts == 1
    assert proxy.reads == 4 and proxy.stripped == 4  # read each time, and each time left out
    assert ledger_refs(sandbox) == Counter({entry.ref: 1})  # recorded once, never sent again


async def test_a_report_that_cannot_be_read_leaves_the_entry_as_it_was(tmp_path):
    sandbox = make_sandbox(tmp_path, faults=UNREADABLE)
    journal = Journal(tmp_path / "journal.db")
    async with api_through(InProcessTransport(sandbox)) as api:
        writer = JournaledWriter(api, journal, resend_after=0)
        outcome = await writer.submit(jane_load())
        await writer.replay()
        entry = journal.get(outcome.entry.ref)
        assert entry.state == State.UNKNOWN and entry.attempts == 1 and entry.resolved_by == ""
        assert "502" in entry.error  # the history's failure, as before
        sandbox.faults = FaultPlan("customer_balance:http502=1")  # the report heals first
        await writer.replay()
    entry = journal.get(outcome.entry.ref)
    assert entry.state == State.CONFIRMED and entry.resolved_by.startswith("the transactions_all report")
    once(sandbox, journal)


def batch() -> rq.Batch:
    return rq.Batch(
        kind="giftcard",
        rows=(
            rq.BatchRow(campaign_id=GIFT, code=JANE["code"], amount="2", authorization="batch row"),
            rq.BatchRow(campaign_id=GIFT, code="SECOND-SOURCE-CARD", amount="2"),
        ),
    )


async def test_a_batch_whose_histories_cannot_be_read_is_confirmed_row_by_row_from_the_report(tmp_path):
    sandbox = make_sandbox(tmp_path, faults="batch_transactions:after_commit=1,customer_balance:http502=1")
    proxy = Reports(sandbox)
    journal = Journal(tmp_path / "journal.db")
    async with api_through(proxy) as api:
        outcome = await JournaledWriter(api, journal, resend_after=0).batch(batch())
    entry = journal.get(outcome.entry.ref)
    assert entry.state == State.CONFIRMED and entry.transaction_id == "batch"
    assert entry.resolved_by.startswith("the transactions_all report")
    assert ledger_refs(sandbox) == Counter({f"{entry.ref}-1": 1, f"{entry.ref}-2": 1})


async def test_a_batch_missing_from_the_report_stays_unknown(tmp_path):
    sandbox = make_sandbox(tmp_path, faults="batch_transactions:after_commit=1,customer_balance:http502=1")
    proxy = Reports(sandbox, strip=True)
    journal = Journal(tmp_path / "journal.db")
    async with api_through(proxy) as api:
        writer = JournaledWriter(api, journal, resend_after=0)
        outcome = await writer.batch(batch())
        await settle(writer, journal, rounds=3, pause=0)
    entry = journal.get(outcome.entry.ref)
    assert entry.state == State.UNKNOWN and entry.attempts == 1
    assert proxy.reads == 4 and proxy.stripped == 8  # both rows left out of every read
    assert ledger_refs(sandbox) == Counter({f"{entry.ref}-1": 1, f"{entry.ref}-2": 1})


async def test_a_history_page_that_does_not_reach_back_defers_to_the_report(tmp_path):
    """The history is read but is one full page (depth 1) of a later line: it neither shows the
    write nor covers its time, so it proves nothing; the report shows the reference."""
    from .test_journal_proof import recent_line

    sandbox = make_sandbox(tmp_path, faults=UNREADABLE, server_tz="Pacific/Auckland")  # the account's
    journal = Journal(tmp_path / "journal.db")
    async with api_through(InProcessTransport(sandbox)) as api:
        writer = JournaledWriter(api, journal, resend_after=0)
        outcome = await writer.submit(jane_load())
        assert outcome.entry.state == State.UNKNOWN
        recent_line(sandbox, "Pacific/Auckland", -60)  # stamped an hour ahead: the newest line
        sandbox.faults = FaultPlan()
        writer.reconciler.depth = 1
        await writer.replay()
    entry = journal.get(outcome.entry.ref)
    assert entry.state == State.CONFIRMED and entry.resolved_by.startswith("the transactions_all report")
    once(sandbox, journal)
