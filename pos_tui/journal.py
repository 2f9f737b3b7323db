"""The write journal: every write is committed to SQLite before the request leaves, and its outcome
is never guessed. Plain Python (no Textual).

States: ``pending`` (journalled, not sent) → ``sent`` → ``confirmed`` | ``refused`` | ``unknown``;
``queued`` (offline): an earn whose request provably never left, sent in order when the service
answers again; ``not_sent``: a redemption that never left (a balance cannot be checked offline).

The API has no idempotency key, so each write carries a journal reference in its
``authorization`` text (``… [pos:R]``). When the outcome is unknown (timeout, dropped connection,
5xx, cut-short body) the journal reads the customer's history: the reference found → confirmed;
provably absent (the whole history read twice, ``grace`` seconds apart, or the customer does not
exist) → sent once more, with the same reference; otherwise it stays ``unknown`` and further writes
for that card wait until it is resolved (``resolve``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .api import errors
from .api import requests as rq

log = logging.getLogger("pos_tui.journal")

PENDING, SENT, CONFIRMED, REFUSED, UNKNOWN, NOT_SENT, QUEUED = (
    "pending",
    "sent",
    "confirmed",
    "refused",
    "unknown",
    "not_sent",
    "queued",
)
OPEN_STATES = (PENDING, SENT, UNKNOWN, QUEUED)
HISTORY_DEPTH = 500  # reconciliation is rare: read deep rather than leave an outcome unknown
CLOCK_MARGIN = timedelta(minutes=10)
SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ref TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    call TEXT NOT NULL,
    card TEXT NOT NULL,
    request TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    transaction_id TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS entries_open ON entries(card, state);
"""
# An earn and a redemption of one kind share the discriminator ("giftcard"): the call picks the type.
_REQUESTS: dict[str, TypeAdapter[Any]] = {
    "record_activity": TypeAdapter(rq.Earn),
    "redeem": TypeAdapter(rq.Redemption),
    "transaction_delete": TypeAdapter(rq.TransactionDelete),
    "batch_transactions": TypeAdapter(rq.Batch),
}


class CardBlocked(errors.LoyaltyError):
    """An earlier write for this card has an unknown outcome; resolve it before writing again."""


@dataclass(frozen=True)
class Entry:
    id: int
    ref: str
    created: str
    updated: str
    call: str
    card: str
    request: dict[str, Any]
    state: str
    attempts: int
    transaction_id: str
    response: dict[str, Any] | None
    error: str

    def typed_request(self) -> Any:
        return _REQUESTS[self.call].validate_python(self.request)

    def as_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def tag(ref: str) -> str:
    return f"[pos:{ref}]"


def with_reference(request: Any, ref: str) -> Any:
    """The request with the journal reference appended to its ``authorization`` text (a batch:
    each row's, as ``<ref>-<row>``)."""
    if isinstance(request, rq.Batch):
        rows = tuple(
            row.model_copy(
                update={"authorization": f"{row.authorization.strip()} {tag(f'{ref}-{n}')}".strip()}
            )
            for n, row in enumerate(request.rows, start=1)
        )
        return request.model_copy(update={"rows": rows})
    note = request.authorization.strip()
    return request.model_copy(update={"authorization": f"{note} {tag(ref)}".strip()})


class Journal:
    """The durable record of writes (SQLite, synchronous=FULL). Thread-safe; blocking."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def add(self, call: str, card: str, request: Any) -> Entry:
        """Journal a write before it is sent. Refuses when the card has an unresolved write."""
        now = _now()
        with self._tx() as conn:
            blocked = conn.execute(
                "SELECT ref FROM entries WHERE card = ? AND state = ? LIMIT 1", (card, UNKNOWN)
            ).fetchone()
            if blocked:
                raise CardBlocked(
                    f"An earlier transaction for this card ({blocked['ref']}) may or may not have been "
                    "recorded; it must be resolved first"
                )
            ref = secrets.token_hex(5)
            conn.execute(
                "INSERT INTO entries(ref, created, updated, call, card, request, state) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (ref, now, now, call, card, json.dumps(request.model_dump(mode="json")), PENDING),
            )
        return self.get(ref)

    def set_state(self, ref: str, state: str, **fields: Any) -> Entry:
        values = {"state": state, "updated": _now(), **fields}
        if "response" in values and not isinstance(values["response"], str):
            values["response"] = json.dumps(values["response"])
        assignments = ", ".join(f"{key} = ?" for key in values)
        with self._tx() as conn:
            conn.execute(f"UPDATE entries SET {assignments} WHERE ref = ?", (*values.values(), ref))
        return self.get(ref)

    def bump_attempts(self, ref: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE entries SET attempts = attempts + 1, state = ?, updated = ? WHERE ref = ?",
                (SENT, _now(), ref),
            )

    def get(self, ref: str) -> Entry:
        with self._lock:
            row = self._conn.execute("SELECT * FROM entries WHERE ref = ?", (ref,)).fetchone()
        if row is None:
            raise KeyError(ref)
        return _entry(row)

    def entries(self, *, states: tuple[str, ...] | None = None) -> list[Entry]:
        query, params = "SELECT * FROM entries", []
        if states:
            query += f" WHERE state IN ({', '.join('?' for _ in states)})"
            params = list(states)
        with self._lock:
            rows = self._conn.execute(query + " ORDER BY id", params).fetchall()
        return [_entry(row) for row in rows]


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        id=row["id"],
        ref=row["ref"],
        created=row["created"],
        updated=row["updated"],
        call=row["call"],
        card=row["card"],
        request=json.loads(row["request"]),
        state=row["state"],
        attempts=row["attempts"],
        transaction_id=row["transaction_id"],
        response=json.loads(row["response"]) if row["response"] else None,
        error=row["error"],
    )


def _older_than_all(history: Any, transaction_id: str) -> bool:
    """Whether ``transaction_id`` is older than every line shown (so its absence means deleted)."""
    try:
        wanted = int(transaction_id)
        return all(int(line.transaction_id) > wanted for line in history.transactions)
    except ValueError:
        return False


def _when(line: Any) -> datetime | None:
    """A history line's time: its timestamp, else the start of its date."""
    if line.timestamp is not None:
        return line.timestamp  # type: ignore[no-any-return]
    if line.date is not None:
        return datetime.combine(line.date, datetime.min.time())
    return None


def _now() -> str:
    return datetime.now().isoformat(timespec="milliseconds")


@dataclass
class Outcome:
    entry: Entry
    receipt: Any = None


class JournaledWriter:
    """Sends writes through the journal: one in flight per card, outcomes reconciled, never doubled."""

    def __init__(
        self, api: Any, journal: Journal, *, grace: float = 5.0, not_sent_retries: int = 2, max_sends: int = 3
    ) -> None:
        self.api = api
        self.journal = journal
        self.grace = grace
        self.not_sent_retries = not_sent_retries
        self.max_sends = max_sends  # sends of one entry whose outcome stayed unknown, at most
        self._card_locks: dict[str, asyncio.Lock] = {}

    def _lock(self, card: str) -> asyncio.Lock:
        return self._card_locks.setdefault(card, asyncio.Lock())

    async def submit(self, request: Any) -> Outcome:
        """Journal and send an earn or a redemption; returns its final entry (and receipt).

        While earns are queued (offline), a new earn joins the queue behind them after one try to
        send the queue, so writes reach the service in the order they were made."""
        call = (
            "redeem"
            if isinstance(
                request,
                rq.PointsRedeem | rq.GiftCardRedeem | rq.BuyXRedeem | rq.EventsRedeem | rq.EarnedRedeem,
            )
            else "record_activity"
        )
        card = request.customer.key
        if call == "record_activity" and self.journal.entries(states=(QUEUED,)):
            await self.flush_queue()
        async with self._lock(card):
            entry = await asyncio.to_thread(self.journal.add, call, card, request)
            if call == "record_activity" and self.journal.entries(states=(QUEUED,)):
                return Outcome(
                    await asyncio.to_thread(
                        self.journal.set_state, entry.ref, QUEUED, error="queued behind earlier offline earns"
                    )
                )
            return await self._send(entry)

    async def void(self, delete: rq.TransactionDelete) -> Outcome:
        """Journal and send a ``transaction_delete`` (never queued: a void needs the service)."""
        card = rq.CustomerRef(code=delete.code).key
        async with self._lock(card):
            entry = await asyncio.to_thread(self.journal.add, "transaction_delete", card, delete)
            return await self._send(entry)

    async def batch(self, batch: rq.Batch) -> Outcome:
        """Journal and send a ``batch_transactions`` (one batch in flight; never queued)."""
        async with self._lock("batch"):
            entry = await asyncio.to_thread(self.journal.add, "batch_transactions", "batch", batch)
            return await self._send(entry)

    async def flush_queue(self) -> bool:
        """Send queued earns in order; stop at the first that still cannot be sent. True when empty."""
        for entry in self.journal.entries(states=(QUEUED,)):
            async with self._lock(entry.card):
                outcome = await self._send(entry)
            if outcome.entry.state == QUEUED:
                return False
        return True

    async def _send(self, entry: Entry, sends_left: int | None = None) -> Outcome:
        sends_left = self.max_sends if sends_left is None else sends_left
        deleting = entry.call == "transaction_delete"
        request = entry.typed_request() if deleting else with_reference(entry.typed_request(), entry.ref)
        send = {
            "redeem": self.api.redeem,
            "record_activity": self.api.record_activity,
            "transaction_delete": self.api.transaction_delete,
            "batch_transactions": self.api.batch_transactions,
        }[entry.call]
        for attempt in range(self.not_sent_retries + 1):
            await asyncio.to_thread(self.journal.bump_attempts, entry.ref)
            try:
                response = await send(request)
            except errors.NotSentError as exc:
                if attempt < self.not_sent_retries:
                    await asyncio.sleep(0.2 * (attempt + 1))
                    continue
                # Offline: an earn waits in the queue; a redemption cannot (no balance to check).
                state = QUEUED if entry.call == "record_activity" else NOT_SENT
                return Outcome(
                    await asyncio.to_thread(self.journal.set_state, entry.ref, state, error=str(exc))
                )
            except (errors.ApiError, errors.HTTPStatusRefusal, errors.NoMatchError) as exc:
                return Outcome(
                    await asyncio.to_thread(self.journal.set_state, entry.ref, REFUSED, error=str(exc))
                )
            except (errors.OutcomeUnknownError, errors.BadResponseError) as exc:
                await asyncio.to_thread(self.journal.set_state, entry.ref, UNKNOWN, error=str(exc))
                return await self.reconcile(self.journal.get(entry.ref), sends_left=sends_left - 1)
            if entry.call == "batch_transactions":
                done = await asyncio.to_thread(
                    self.journal.set_state, entry.ref, CONFIRMED, response=response.wire(), error=""
                )
                return Outcome(done)
            if deleting:
                done = await asyncio.to_thread(
                    self.journal.set_state,
                    entry.ref,
                    CONFIRMED,
                    transaction_id=request.transaction_id,
                    error="",
                )
                return Outcome(done)
            receipt = response.receipt
            confirmed = await asyncio.to_thread(
                self.journal.set_state,
                entry.ref,
                CONFIRMED,
                transaction_id=receipt.transaction_id,
                response=response.wire(),
                error="",
            )
            return Outcome(confirmed, receipt)
        raise AssertionError("unreachable")

    async def reconcile(self, entry: Entry, *, sends_left: int | None = None) -> Outcome:
        """Settle an unknown outcome by reading; send once more only when provably absent."""
        request = entry.typed_request()
        try:
            found, complete = await self._read(request, entry)
            if found is None and complete:
                await asyncio.sleep(self.grace)  # a write still in flight on the server shows up by now
                found, complete = await self._read(request, entry)
        except errors.LoyaltyError as exc:
            log.info("reconcile %s: cannot read now (%s)", entry.ref, type(exc).__name__)
            return Outcome(entry)
        if found is not None:
            log.info("reconcile %s: found as transaction %s", entry.ref, found)
            return Outcome(
                await asyncio.to_thread(
                    self.journal.set_state, entry.ref, CONFIRMED, transaction_id=found, error=""
                )
            )
        sends_left = self.max_sends if sends_left is None else sends_left
        if complete and sends_left > 0:
            log.info("reconcile %s: provably absent, sending once more", entry.ref)
            return await self._send(entry, sends_left)
        log.info("reconcile %s: undecidable, stays unknown", entry.ref)
        return Outcome(entry)

    async def _read(self, request: Any, entry: Entry, tries: int = 4) -> tuple[str | None, bool]:
        """A read is safe to repeat: a few tries before the outcome is left unknown."""
        for attempt in range(tries):
            try:
                return await self._look(request, entry)
            except (errors.NotSentError, errors.OutcomeUnknownError, errors.BadResponseError):
                if attempt == tries - 1:
                    raise
                await asyncio.sleep(0.1 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _look(self, request: Any, entry: Entry) -> tuple[str | None, bool]:
        if entry.call == "transaction_delete":
            return await self._look_void(request)
        if entry.call == "batch_transactions":
            return await self._look_batch(request, entry)
        return await self._look_write(request, entry)

    async def _look_batch(self, batch: rq.Batch, entry: Entry) -> tuple[str | None, bool]:
        """All rows found: applied. None found and every history complete: provably absent.
        Anything else (some rows found, a history too long): undecidable."""
        found = complete = 0
        for n, row in enumerate(batch.rows, start=1):
            history = None
            for who in ({"code": row.code}, {"card_number": row.code}):  # the code may be a card number
                try:
                    history = await self.api.customer_balance(
                        campaign_id=row.campaign_id, transactions_number=HISTORY_DEPTH, **who
                    )
                    break
                except errors.NoMatchError:
                    continue
            if history is None:  # no such customer: this row never landed
                complete += 1
                continue
            if any(tag(f"{entry.ref}-{n}") in line.description for line in history.transactions):
                found += 1
            elif len(history.transactions) < HISTORY_DEPTH:
                complete += 1
        if found == len(batch.rows):
            return "batch", True
        return None, found == 0 and complete == len(batch.rows)

    async def _look_void(self, delete: rq.TransactionDelete) -> tuple[str | None, bool]:
        """A void is applied when its transaction is gone from the history; present, it is not."""
        history = await self.api.customer_balance(
            campaign_id=delete.campaign_id, code=delete.code, transactions_number=HISTORY_DEPTH
        )
        present = any(line.transaction_id == delete.transaction_id for line in history.transactions)
        if present:
            return None, True  # provably not applied: safe to send once more
        complete = len(history.transactions) < HISTORY_DEPTH or _older_than_all(
            history, delete.transaction_id
        )
        return (delete.transaction_id, True) if complete else (None, False)

    async def _look_write(self, request: Any, entry: Entry) -> tuple[str | None, bool]:
        """(transaction id carrying the reference or None, whether the read covers all since sending).

        Complete when the whole history came back, or when it reaches back past the time the entry
        was journalled (less a margin for the server's clock)."""
        ref = entry.ref
        customer = request.customer
        try:
            history = await self.api.customer_balance(
                campaign_id=request.campaign_id,
                code=customer.code,
                card_number=customer.card_number,
                transactions_number=HISTORY_DEPTH,
            )
        except errors.NoMatchError:
            return None, True  # the customer does not exist: the write (which creates it) never landed
        for line in history.transactions:
            if tag(ref) in line.description:
                return line.transaction_id, True
        if len(history.transactions) < HISTORY_DEPTH:
            return None, True
        since = datetime.fromisoformat(entry.created) - CLOCK_MARGIN
        times = [_when(line) for line in history.transactions]
        oldest = min((t for t in times if t is not None), default=None)
        return None, oldest is not None and oldest < since

    async def replay(self) -> list[Outcome]:
        """Resolve what can be resolved now: pending and sent entries (a crash) and unknown ones."""
        outcomes = []
        for entry in self.journal.entries(states=(PENDING, SENT, UNKNOWN)):
            async with self._lock(entry.card):
                if entry.state == PENDING:
                    outcomes.append(await self._send(entry))  # never left: the journal says so
                else:
                    outcomes.append(await self.reconcile(entry))
        if not any(o.entry.state == UNKNOWN for o in outcomes):
            await self.flush_queue()
            outcomes += [Outcome(e) for e in self.journal.entries(states=(QUEUED,))]
        return outcomes
