"""Reading the service to settle a write whose outcome is unknown: the journal's standard of proof.

The API has no idempotency key; each write carries ``[pos:REF]`` in its free text
(``authorization``), which the service returns in the customer's history
(``customer_balance``: ``campaign > customer > transactions > transaction``). From a read:

- the reference found → the write was recorded (any read that shows a reference confirms that
  entry, whichever entry the read was made for);
- *provably absent* → the write may be sent once more, but only when the history was fully
  understood, covers the time the entry was made (in the account's time zone, less a margin for
  the server's clock), and the quarantine (``resend_after``, measured from the last send) is over:
  a request can reach the server long after the client gave up on it (proxies, queues, retries);
- anything else → undecidable: the entry stays unknown and the customer's writes wait.

When the history cannot settle an entry (it cannot be read, is not understood, or does not reach
back to the entry), the ``transactions_all`` report of the entry's days and campaign is a second
source: a row showing the reference confirms the entry. A row missing from the report proves
nothing (see :meth:`Reconciler.in_report`).

Plain Python (no Textual).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...api import errors
from ...api import requests as rq
from .entry import Entry, State
from .store import Journal

log = logging.getLogger("pos_tui.till.journal")

HISTORY_DEPTH = 500  # reconciliation is rare: read deep rather than leave an outcome unknown
#: How far the server's clock may be behind ours (its history must reach back past the entry's
#: time less this margin to count as covering it).
CLOCK_MARGIN = timedelta(minutes=10)
#: Without the account's time zone, a naive server time may be anywhere from UTC-12 to UTC+14.
_WIDEST_OFFSET = timedelta(hours=14)
_TAG = re.compile(r"\[pos:([0-9a-f]{10})(?:-(\d+))?\]")


def tag(ref: str) -> str:
    return f"[pos:{ref}]"


def references(text: str) -> list[tuple[str, int | None]]:
    """The journal references in a free text: (ref, batch row or None)."""
    return [(m.group(1), int(m.group(2)) if m.group(2) else None) for m in _TAG.finditer(text)]


class Undecidable(Exception):
    """The read proves nothing either way (the reason says why)."""


@dataclass(frozen=True)
class Finding:
    """What a read proved: ``transaction_id`` when recorded; ``absent`` when provably not."""

    transaction_id: str = ""
    absent: bool = False
    quarantine: bool = True  # absence allows a resend only after the quarantine (not for voids)
    #: Recorded, as seen somewhere other than the history (``transactions_all``): its rows may
    #: carry no transaction id, so this says what settled the entry.
    settled_by: str = ""

    @property
    def recorded(self) -> bool:
        return bool(self.transaction_id or self.settled_by)


#: What settles an entry whose reference only the report showed (kept in ``resolved_by``).
FROM_REPORT = "the transactions_all report"


class Reconciler:
    """Reads histories and weighs them. Every history read confirms the references it shows."""

    def __init__(
        self, api: Any, journal: Journal, *, depth: int = HISTORY_DEPTH, read_tries: int = 4
    ) -> None:
        self.api = api
        self.journal = journal
        self.depth = depth
        self.read_tries = read_tries
        self._zone: ZoneInfo | None = None
        self._zone_known = False

    # Reading ------------------------------------------------------------------------------------

    async def history(self, campaign_id: str, *, code: str = "", card_number: str = "") -> Any:
        """The customer's history in a campaign, understood line by line (else ``Undecidable``).
        ``NoMatchError`` when there is no such customer. Every reference seen is confirmed."""
        for attempt in range(self.read_tries):
            try:
                history = await self.api.customer_balance(
                    campaign_id=campaign_id,
                    code=code or None,
                    card_number=None if code else card_number,
                    transactions_number=self.depth,
                )
                break
            except (errors.NotSentError, errors.OutcomeUnknownError, errors.BadResponseError):
                if attempt == self.read_tries - 1:
                    raise
                await asyncio.sleep(0.1 * (attempt + 1))
        if not history.located:
            raise Undecidable("the history in the answer could not be located or understood")
        await asyncio.to_thread(self.observe, history)
        return history

    def observe(self, history: Any) -> None:
        """Confirm every open entry whose reference a history line shows (blocking)."""
        for line in history.transactions:
            for ref, row in references(line.authorization):
                if row is not None:
                    continue  # a batch is confirmed by all its rows, in look_batch
                entry = self.journal.find(ref)
                if entry is not None and entry.state not in (State.CONFIRMED,):
                    if entry.state in (State.REFUSED, State.NOT_SENT, State.NOT_RECORDED):
                        log.error("entry %s is %s but the service shows it recorded", ref, entry.state)
                        continue
                    log.info("entry %s seen in the history as transaction %s", ref, line.transaction_id)
                    self.journal.confirm(ref, line.transaction_id, code=history.code)

    async def zone(self) -> ZoneInfo | None:
        """The account's time zone (``account_info``), read once; None when it cannot be had."""
        if not self._zone_known:
            try:
                info = await self.api.account_info()
                name = _timezone_of(info)
                self._zone = ZoneInfo(name) if name else None
            except (errors.LoyaltyError, ZoneInfoNotFoundError, ValueError) as exc:
                log.info("account time zone unknown (%s)", type(exc).__name__)
                return None  # try again next time
            self._zone_known = True
        return self._zone

    # Weighing -----------------------------------------------------------------------------------

    async def look(self, entry: Entry) -> Finding:
        request = entry.typed_request()
        if entry.call == "transaction_delete":
            return await self._look_void(request)
        if entry.call == "batch_transactions":
            return await self._look_batch(request, entry)
        return await self._look_write(request, entry)

    async def _look_write(self, request: Any, entry: Entry) -> Finding:
        customer = request.customer
        try:
            history = await self.history(
                request.campaign_id, code=customer.code or "", card_number=customer.card_number or ""
            )
        except errors.NoMatchError:
            return Finding(absent=True)  # no such customer (yet): the write, which creates it, is absent
        except (errors.LoyaltyError, Undecidable):
            # The history cannot settle it: the report may. Not found there, the history's failure
            # stands (the entry stays unknown, for the reason the history gave).
            found = await self.in_report(entry, [(request.campaign_id, entry.ref)])
            if entry.ref in found:
                return found[entry.ref]
            raise
        current = await asyncio.to_thread(self.journal.get, entry.ref)
        if current.state == State.CONFIRMED:  # its reference was in the history
            return Finding(transaction_id=current.transaction_id, settled_by=current.resolved_by)
        if await self._covers(history, entry):
            return Finding(absent=True)
        found = await self.in_report(entry, [(request.campaign_id, entry.ref)])
        return found.get(entry.ref, Finding())  # not in a history too short to cover it: unknown

    async def _look_void(self, delete: rq.TransactionDelete) -> Finding:
        """Applied when the transaction is gone from a history that covers it; present → not applied.
        Sending a void again is harmless (a deleted transaction cannot be deleted twice), so its
        absence needs no quarantine."""
        history = await self.history(delete.campaign_id, code=delete.code)
        lines = history.transactions
        if any(line.transaction_id == delete.transaction_id for line in lines):
            return Finding(absent=True, quarantine=False)
        if len(lines) < self.depth or _older_than_all(lines, delete.transaction_id):
            return Finding(transaction_id=delete.transaction_id)
        raise Undecidable("the history is too long to show whether the transaction is still there")

    async def _look_batch(self, batch: rq.Batch, entry: Entry) -> Finding:
        """All rows found: applied. None found and every history covering the batch: absent.
        Rows whose history cannot settle them (unreadable, or too short) are looked for in the
        report (``REF-n``); a row found in neither leaves the batch undecided."""
        found = covered = 0
        unsettled: list[tuple[str, str]] = []  # (campaign, REF-n) the histories did not settle
        failure: Exception | None = None  # the first history that could not be read
        for n, row in enumerate(batch.rows, start=1):
            history = None
            try:
                for who in ({"code": row.code}, {"card_number": row.code}):  # the code may be a card number
                    try:
                        history = await self.history(row.campaign_id, **who)
                        break
                    except errors.NoMatchError:
                        continue
            except (errors.LoyaltyError, Undecidable) as exc:
                failure = failure or exc
                unsettled.append((row.campaign_id, f"{entry.ref}-{n}"))
                continue
            if history is None:  # no such customer: this row never landed
                covered += 1
                continue
            if any(tag(f"{entry.ref}-{n}") in line.authorization for line in history.transactions):
                found += 1
            elif await self._covers(history, entry):
                covered += 1
            else:
                unsettled.append((row.campaign_id, f"{entry.ref}-{n}"))
        reported = await self.in_report(entry, unsettled) if unsettled else {}
        found += len(reported)
        if found == len(batch.rows):
            return Finding(transaction_id="batch", settled_by=FROM_REPORT if reported else "")
        if found:
            raise Undecidable(f"{found} of {len(batch.rows)} rows of the batch are in the histories")
        if failure is not None:
            raise failure
        return Finding(absent=covered == len(batch.rows))

    async def in_report(self, entry: Entry, wanted: Iterable[tuple[str, str]]) -> dict[str, Finding]:
        """The second source: ``transactions_all`` for the days the entry may have been recorded on
        and the campaigns of ``wanted`` ((campaign, reference) pairs; a batch row's reference is
        ``REF-n``). Returns a finding for each wanted reference a row shows; a report that cannot be
        read shows nothing.

        Only presence counts. A reference missing from the report never proves the write absent
        (so it never allows a resend): the report may lag behind the ledger, come back paged or
        cut short, leave out rows this user may not see, or be refused to this user altogether."""
        wanted = list(wanted)
        if not wanted:
            return {}
        first, last = await self._report_days(entry)
        campaigns = sorted({campaign for campaign, _ in wanted})
        try:
            report = await self.api.transactions_all(
                date_start=first, date_end=last, selected_campaigns=campaigns
            )
        except errors.LoyaltyError as exc:
            log.info(
                "entry %s: the transactions_all report cannot be read (%s)", entry.ref, type(exc).__name__
            )
            return {}
        refs = {ref for _, ref in wanted}
        found: dict[str, Finding] = {}
        for row in report.transactions:
            for ref, n in references(_free_text(row)):
                key = ref if n is None else f"{ref}-{n}"
                if key in refs and key not in found:
                    transaction_id = _row_transaction_id(row)
                    log.info("entry %s: %s found in the transactions_all report", entry.ref, key)
                    found[key] = Finding(transaction_id=transaction_id, settled_by=FROM_REPORT)
        return found

    async def _report_days(self, entry: Entry) -> tuple[date, date]:
        """The days (inclusive) on which the service may have recorded the entry: from the day it
        was made to today (less/plus the clock margin), by the account's clock and by this
        machine's (a server may stamp by its own clock, as the sandbox does by default); without
        the account's time zone, a day wider on either side of UTC's days. A day too many only
        makes the report longer; a day too few could hide the reference."""
        since, until = entry.created - CLOCK_MARGIN, datetime.now(UTC) + CLOCK_MARGIN
        zone = await self.zone()
        if zone is None:
            return since.date() - timedelta(days=1), until.date() + timedelta(days=1)
        starts = (since.astimezone(zone).date(), since.astimezone().date())
        ends = (until.astimezone(zone).date(), until.astimezone().date())
        return min(starts), max(ends)

    async def _covers(self, history: Any, entry: Entry) -> bool:
        """Whether the history shows everything since the entry was made: the whole history came
        back, or its oldest line is older than the entry (in the account's time zone, less the
        clock margin)."""
        lines = history.transactions
        if len(lines) < self.depth:
            return True
        times = [t for t in (_when(line) for line in lines) if t is not None]
        if len(times) < len(lines):
            return False  # a line without a time: nothing can be concluded from the page's reach
        oldest = min(times)
        since = entry.created - CLOCK_MARGIN
        zone = await self.zone()
        if zone is not None:
            return oldest < since.astimezone(zone).replace(tzinfo=None)
        return oldest < since.astimezone(UTC).replace(tzinfo=None) - _WIDEST_OFFSET


def quarantine_over(entry: Entry, resend_after: float) -> bool:
    """Whether ``resend_after`` seconds have passed since the entry was last sent."""
    sent = entry.sent_at or entry.created
    return datetime.now(UTC) - sent >= timedelta(seconds=resend_after)


def _timezone_of(info: Any) -> str:
    account = getattr(info, "account", info)
    for source in (account, info):
        value = getattr(source, "timezone", "") or (getattr(source, "model_extra", None) or {}).get(
            "timezone", ""
        )
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _free_text(row: Any) -> str:
    """A report row's free text: ``authorization``, and ``description`` when the service sends one."""
    extra = getattr(row, "model_extra", None) or {}
    parts = [getattr(row, "authorization", "") or "", extra.get("description", "")]
    return " ".join(part for part in parts if isinstance(part, str))


def _row_transaction_id(row: Any) -> str:
    """The transaction id of a report row, when it carries one (the documented rows do not)."""
    extra = getattr(row, "model_extra", None) or {}
    for key in ("transaction_id", "id"):
        value = extra.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _older_than_all(lines: list[Any], transaction_id: str) -> bool:
    """Whether ``transaction_id`` is older than every line shown (so its absence means deleted)."""
    try:
        wanted = int(transaction_id)
        return all(int(line.transaction_id) > wanted for line in lines)
    except ValueError:
        return False


def _when(line: Any) -> datetime | None:
    """A history line's time (naive, the server's clock): its timestamp, else the *end* of its date
    (the latest it can be: a line must not look older than it is)."""
    if line.timestamp is not None:
        stamp: datetime = line.timestamp
        return stamp.replace(tzinfo=None)
    if line.date is not None:
        return datetime.combine(line.date, datetime.max.time())
    return None
