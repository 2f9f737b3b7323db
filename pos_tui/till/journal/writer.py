"""Sending writes through the journal: journalled before they leave, claimed before every send,
never reported failed when they may have been recorded, never sent twice blindly.

Plain Python (no Textual).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from typing import Any

from ...api import errors
from ...api import requests as rq
from .entry import Entry, State
from .reconcile import Finding, Reconciler, Undecidable, quarantine_over, tag
from .store import Journal

log = logging.getLogger("pos_tui.till.journal")

#: Seconds from a send before a write that reads as absent may be sent again (see README).
RESEND_AFTER = 300.0
ROUND_SENDS = 3  # sends of one entry in one go (one write, or one replay), at most
#: Seconds to wait for another process's hold of the offline queue: a new earn's is over in
#: milliseconds; a sender's lasts while it sends, and the earn then joins the queue behind it.
QUEUE_WAIT = 0.1


@dataclass
class Outcome:
    entry: Entry
    receipt: Any = None


@functools.singledispatch
def with_reference(request: rq.Request, ref: str) -> rq.Request:
    """The request with the journal reference appended to its ``authorization`` text (a batch:
    each row's, as ``<ref>-<row>``). A void carries none: it has no free text."""
    raise TypeError(f"no journal reference for {type(request).__name__}")


@with_reference.register
def _(request: rq.CampaignWrite, ref: str) -> rq.Request:
    return request.model_copy(update={"authorization": _noted(request.authorization, ref)})


@with_reference.register
def _(request: rq.Batch, ref: str) -> rq.Request:
    rows = tuple(
        row.model_copy(update={"authorization": _noted(row.authorization, f"{ref}-{n}")})
        for n, row in enumerate(request.rows, start=1)
    )
    return request.model_copy(update={"rows": rows})


@with_reference.register
def _(request: rq.TransactionDelete, ref: str) -> rq.Request:
    return request


def _noted(note: str, ref: str) -> str:
    return f"{note.strip()} {tag(ref)}".strip()


class JournaledWriter:
    """Every earn, redemption, void and batch goes through here."""

    def __init__(
        self,
        api: Any,
        journal: Journal,
        *,
        resend_after: float = RESEND_AFTER,
        not_sent_retries: int = 2,
        max_sends: int = 10,
    ) -> None:
        self.api = api
        self.journal = journal
        self.resend_after = resend_after
        self.not_sent_retries = not_sent_retries
        self.max_sends = max_sends  # sends of one entry, at most, before a person must decide
        self.reconciler = Reconciler(api, journal)
        self._flushing = asyncio.Lock()  # one flusher of the offline queue in this process
        self._queue_turn = asyncio.Lock()  # this process's tasks take the queue's lock in turn
        self._sending_queue = False  # queued earns are on their way from this process now
        self._in_flight: set[str] = set()

    async def _db(self, fn: Any, *args: Any, **kw: Any) -> Any:
        return await asyncio.to_thread(fn, *args, **kw)

    # The writes ---------------------------------------------------------------------------------

    async def submit(self, request: Any, *, approver: str = "") -> Outcome:
        """Journal and send an earn or a redemption. While earns are queued (offline) a new earn
        joins the queue behind them after one try to send the queue, so they arrive in order."""
        call = request.call
        earn = call == "record_activity"
        held = False
        if earn:
            if await self._db(self.journal.count, (State.QUEUED,)):
                await self.flush_queue()
            # Journalled while holding the queue, so an earn never overtakes a queued one still on
            # its way. A queue being sent (here or by another process) is joined, not waited for:
            # its sender sends this earn too, right behind the others.
            async with self._queue_turn:
                if not self._sending_queue:
                    held = await self._db(self.journal.hold_queue, QUEUE_WAIT)
        try:
            queue = earn and (not held or bool(await self._db(self.journal.count, (State.QUEUED,))))
            who = request.customer
            entry = await self._db(
                self.journal.add,
                call,
                request,
                card_number=who.card_number or "",
                code=who.code or "",
                state=State.QUEUED if queue else State.SENT,
                approver=approver,  # the manager who approved it (an amount over the store's limit)
            )
        finally:
            if held:
                await self._db(self.journal.release_queue)
        if queue:
            return Outcome(entry)
        return await self._deliver(entry)

    async def void(
        self, delete: rq.TransactionDelete, *, card_number: str = "", approver: str = ""
    ) -> Outcome:
        """Journal and send a ``transaction_delete`` (never queued: a void needs the service).

        First the customer's history is read: it confirms any journal entry whose reference it
        shows (above all the voided transaction's own: an unknown earn must never be sent again
        after its void) and tells the card number, so the customer is one customer whichever
        way the entries name them."""
        try:
            history = await self.reconciler.history(delete.campaign_id, code=delete.code)
            card_number = card_number or history.card_number
        except (errors.LoyaltyError, Undecidable) as exc:
            log.info("void: history not read first (%s)", type(exc).__name__)
        entry = await self._db(
            self.journal.add,
            "transaction_delete",
            delete,
            card_number=card_number,
            code=delete.code,
            approver=approver,
        )
        return await self._deliver(entry)

    async def batch(self, batch: rq.Batch) -> Outcome:
        """Journal and send a ``batch_transactions`` (never queued)."""
        entry = await self._db(self.journal.add, "batch_transactions", batch)
        return await self._deliver(entry)

    async def flush_queue(self) -> bool:
        """Send queued earns in order, each claimed first, by one sender at a time across
        processes (``Journal.hold_queue``); stop at the first that still cannot be sent, or when
        another sender holds the queue. True when the queue is empty."""
        async with self._flushing:
            while True:
                if not await self._db(self.journal.count, (State.QUEUED,)):
                    return True  # nothing queued: the queue's lock is not taken (a new earn needs it)
                async with self._queue_turn:
                    held = await self._db(self.journal.hold_queue, QUEUE_WAIT)
                if not held:
                    return False  # another sender holds the queue: it goes on with it, in order
                try:
                    sent_all = await self._send_queue()
                finally:
                    await self._db(self.journal.release_queue)
                if not sent_all:
                    return False
                # An earn that found the queue held while we finished joined it: sent on the next turn.

    async def _send_queue(self) -> bool:
        try:
            while True:
                queued = await self._db(self.journal.entries, states=(State.QUEUED,))
                if not queued:
                    return True
                head = queued[0]
                claimed = await self._db(self.journal.claim, head.ref, (State.QUEUED,), head.attempts)
                if claimed is None:
                    return False
                self._sending_queue = True  # a new earn now joins the queue behind these
                outcome = await self._deliver(claimed)
                if outcome.entry.state == State.QUEUED:
                    return False
        finally:
            self._sending_queue = False

    async def replay(self) -> list[Outcome]:
        """Settle what can be settled now: entries a crash left sent or pending, unknown ones, then
        the offline queue."""
        outcomes = []
        for entry in await self._db(self.journal.entries, states=(State.PENDING, State.SENT, State.UNKNOWN)):
            if entry.ref in self._in_flight:
                continue  # this process is sending it right now
            if entry.state == State.PENDING:  # journals before 0.2: pending was never sent
                claimed = await self._db(self.journal.claim, entry.ref, (State.PENDING,), entry.attempts)
                if claimed is not None:
                    outcomes.append(await self._deliver(claimed))
                continue
            outcomes.append(await self.reconcile(entry))
        if not any(o.entry.state in (State.UNKNOWN, State.SENT) for o in outcomes):
            await self.flush_queue()
            outcomes += [Outcome(e) for e in await self._db(self.journal.entries, states=(State.QUEUED,))]
        return outcomes

    # Sending ------------------------------------------------------------------------------------

    async def _deliver(self, entry: Entry, round_sends: int = ROUND_SENDS) -> Outcome:
        """Send an entry this process has claimed (state sent, ``entry.attempts`` its send).
        ``round_sends``: how many more sends this round may make (an unknown outcome that reads as
        absent again is sent again at most that often before the next replay)."""
        self._in_flight.add(entry.ref)
        try:
            return await self._attempt(entry, round_sends - 1)
        finally:
            self._in_flight.discard(entry.ref)

    async def _attempt(self, entry: Entry, round_sends: int) -> Outcome:
        request = with_reference(entry.typed_request(), entry.ref)
        send = getattr(self.api, entry.call)
        n = entry.attempts
        for attempt in range(self.not_sent_retries + 1):
            try:
                response = await send(request)
            except errors.NotSentError as exc:
                if attempt < self.not_sent_retries:
                    await asyncio.sleep(0.2 * (attempt + 1))
                    continue
                # Offline: an earn waits in the queue; the rest cannot (no balance to check offline).
                state = State.QUEUED if entry.call == "record_activity" else State.NOT_SENT
                return Outcome(
                    await self._db(
                        self.journal.settle, entry.ref, state, attempts=n, never_left=True, error=exc
                    )
                )
            except (errors.ApiError, errors.HTTPStatusRefusal, errors.NoMatchError) as exc:
                return Outcome(
                    await self._db(self.journal.settle, entry.ref, State.REFUSED, attempts=n, error=exc)
                )
            except errors.LoyaltyError as exc:  # outcome unknown, or an answer that is not one
                return await self._unknown(entry, str(exc), round_sends)
            except Exception as exc:  # the request may have left: whatever failed, never "failed"
                log.exception("entry %s: unexpected failure after sending", entry.ref)
                return await self._unknown(entry, f"unexpected failure ({type(exc).__name__})", round_sends)
            return await self._answered(entry, request, response, round_sends)
        raise AssertionError("unreachable")

    async def _answered(self, entry: Entry, request: Any, response: Any, round_sends: int) -> Outcome:
        if entry.call == "transaction_delete":
            return Outcome(await self._db(self.journal.confirm, entry.ref, request.transaction_id))
        if entry.call == "batch_transactions":
            return Outcome(await self._db(self.journal.confirm, entry.ref, "batch", response=response.wire()))
        receipt = getattr(response, "receipt", None)
        transaction_id = getattr(receipt, "transaction_id", "") if receipt is not None else ""
        if not transaction_id:  # a "success" that names no transaction confirms nothing: read
            return await self._unknown(entry, "the answer named no transaction", round_sends)
        code = getattr(getattr(receipt, "customer", None), "code", "") or ""
        confirmed = await self._db(
            self.journal.confirm, entry.ref, transaction_id, response=response.wire(), code=code
        )
        return Outcome(confirmed, receipt)

    async def _unknown(self, entry: Entry, why: str, round_sends: int) -> Outcome:
        await self._db(self.journal.settle, entry.ref, State.UNKNOWN, attempts=entry.attempts, error=why)
        return await self.reconcile(await self._db(self.journal.get, entry.ref), round_sends=round_sends)

    # Settling by reading ------------------------------------------------------------------------

    async def reconcile(self, entry: Entry, *, round_sends: int = ROUND_SENDS) -> Outcome:
        """Settle an unknown outcome by reading; send once more only when provably absent after the
        quarantine, and only if no one else has sent it meanwhile."""
        try:
            finding = await self.reconciler.look(entry)
        except Undecidable as exc:
            return await self._still_unknown(entry, str(exc))
        except errors.LoyaltyError as exc:
            return await self._still_unknown(entry, f"the history cannot be read now ({exc})")
        except Exception as exc:
            log.exception("entry %s: reconciliation failed", entry.ref)
            return await self._still_unknown(entry, f"reconciliation failed ({type(exc).__name__})")
        if finding.recorded:
            log.info(
                "reconcile %s: recorded as transaction %s%s",
                entry.ref,
                finding.transaction_id or "(id not shown)",
                f" ({finding.settled_by})" if finding.settled_by else "",
            )
            return Outcome(
                await self._db(
                    self.journal.confirm, entry.ref, finding.transaction_id, settled_by=finding.settled_by
                )
            )
        if not finding.absent:
            return await self._still_unknown(entry, "the history does not reach back to this transaction")
        return await self._resend(entry, finding, round_sends)

    async def _resend(self, entry: Entry, finding: Finding, round_sends: int) -> Outcome:
        if round_sends <= 0:
            return await self._still_unknown(entry, "absent again; sent again at the next check")
        if finding.quarantine and entry.attempts >= self.max_sends:  # a void repeated is harmless
            return await self._still_unknown(entry, f"sent {entry.attempts} times; a manager must decide")
        if finding.quarantine and not quarantine_over(entry, self.resend_after):
            return await self._still_unknown(
                entry,
                f"not in the history yet; it may still arrive (checked again for {self.resend_after:.0f} s)",
            )
        claimed = await self._db(self.journal.claim, entry.ref, (State.UNKNOWN, State.SENT), entry.attempts)
        if claimed is None:
            return Outcome(await self._db(self.journal.get, entry.ref))  # someone else moved it
        log.info("reconcile %s: provably absent, sending once more", entry.ref)
        return await self._deliver(claimed, round_sends)

    async def _still_unknown(self, entry: Entry, why: str) -> Outcome:
        log.info("reconcile %s: stays unknown (%s)", entry.ref, why)
        current = await self._db(
            self.journal.settle, entry.ref, State.UNKNOWN, attempts=entry.attempts, error=why
        )
        return Outcome(current)
