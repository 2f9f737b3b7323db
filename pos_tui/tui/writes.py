"""The till's writes and what is under way: every earn, redemption and void goes through the
journal; a counted busy line says what the till is waiting for. The base of :class:`PosApp`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.reactive import reactive

from .wedge import WedgeApp

if TYPE_CHECKING:
    from ..services import Services


@dataclass(frozen=True)
class WriteResult:
    receipt: Any = None
    confirmed: bool = False
    transaction_id: str = ""
    message: str = ""
    queued: bool = False


class WritingApp(WedgeApp):
    #: What the till is waiting for ("" when idle; the latest of what is under way); every screen shows it.
    busy: reactive[str] = reactive("")
    #: Journalled writes not yet confirmed (shown on every screen).
    pending: reactive[int] = reactive(0)

    def __init__(self, services: Services | None, *, scan_gap: float) -> None:
        super().__init__(scan_gap=scan_gap)
        self._services = services
        self._under_way: list[tuple[object, str]] = []  # (token, label): see ``start_busy``
        #: A write is being sent: no other customer is opened meanwhile.
        self.write_in_flight = False

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the till is still starting")
        return self._services

    @property
    def ready(self) -> bool:
        return self._services is not None

    # What is under way --------------------------------------------------------------------------

    def start_busy(self, label: str) -> object:
        """Show ``label`` until ``end_busy`` gets the token returned: each piece of work ends only
        its own label, so two overlapping workers never clear each other's."""
        token = object()
        self._under_way.append((token, label))
        self.busy = label
        return token

    def relabel_busy(self, token: object, label: str) -> None:
        """The same piece of work, at its next step."""
        self._under_way = [(t, label if t is token else old) for t, old in self._under_way]
        self.busy = self._under_way[-1][1] if self._under_way else ""

    def end_busy(self, token: object) -> None:
        self._under_way = [(t, label) for t, label in self._under_way if t is not token]
        self.busy = self._under_way[-1][1] if self._under_way else ""

    @contextmanager
    def working(self, label: str) -> Iterator[None]:
        """``with app.working("Loading…"):`` around the awaits of a worker."""
        token = self.start_busy(label)
        try:
            yield
        finally:
            self.end_busy(token)

    # Writes -------------------------------------------------------------------------------------

    async def write(self, request: Any, label: str = "Recording…", *, approver: str = "") -> WriteResult:
        """Send an earn or a redemption through the journal and say what happened, plainly."""
        from ..till.journal import BLOCKED, CardBlocked, State, verdict

        writer = self.services.writer
        busy = self.start_busy(label)
        try:
            outcome = await writer.submit(request, approver=approver)
        except CardBlocked:
            self.replay_journal()
            return WriteResult(message=BLOCKED)
        finally:
            self.end_busy(busy)
            await self.count_pending()
        entry = outcome.entry
        said = verdict(entry)
        if entry.state == State.CONFIRMED:
            return WriteResult(receipt=outcome.receipt, confirmed=True, transaction_id=entry.transaction_id)
        if entry.state == State.QUEUED:
            from ..till.receipt import provisional_receipt

            self.set_timer(15, self.replay_journal)
            return WriteResult(receipt=provisional_receipt(request), queued=True)
        if entry.state in (State.SENT, State.UNKNOWN):  # keep checking
            self.set_timer(15, self.replay_journal)
        return WriteResult(message=said.message)

    async def void(self, delete: Any, *, card_number: str = "", approver: str = "") -> str:
        """Void a transaction through the journal. "" when done, else what the cashier should know."""
        from ..till.journal import BLOCKED, CardBlocked, State, verdict

        try:
            outcome = await self.services.writer.void(delete, card_number=card_number, approver=approver)
        except CardBlocked:
            self.replay_journal()
            return BLOCKED
        finally:
            await self.count_pending()
        said = verdict(outcome.entry)
        if outcome.entry.state in (State.SENT, State.UNKNOWN):
            self.set_timer(15, self.replay_journal)
        return "" if said.done else said.message

    def refresh_pending(self) -> None:
        """Count the open journal entries in a worker (a SQLite read never runs on the event loop)."""
        self.run_worker(self.count_pending(), group="pending", exclusive=True, exit_on_error=False)

    async def count_pending(self) -> None:
        from ..till.journal import OPEN_STATES

        journal = self.services.journal
        self.pending = await asyncio.to_thread(journal.count, OPEN_STATES) if journal is not None else 0

    @work(exclusive=True, group="journal", exit_on_error=False)
    async def replay_journal(self) -> None:
        """Settle what a crash or a network problem left open; again later while anything stays open."""
        if not self.ready:
            return
        await self.services.writer.replay()
        await self.count_pending()
        if self.pending:  # unknown or queued: look again later
            self.set_timer(15, self.replay_journal)
