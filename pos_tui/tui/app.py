"""The till application: the screen stack, card-reader input, and the customer lookup."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from textual import events, on, work
from textual._time import get_time  # the clock Textual stamps key events with
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from ..api import errors
from ..api.client import mask_card
from ..cards import Held, WedgeBuffer, parse_card
from ..services import Services
from .wording import explain

log = logging.getLogger("pos_tui.till")


@dataclass(frozen=True)
class ScanRecord:
    number: str
    at: datetime
    result: str = "…"


class PosApp(App[None]):
    """The till. ``services`` carries the API client and the till's options (see ``Services``)."""

    CSS_PATH = "pos.tcss"
    TITLE = "pos-tui"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]
    DUPLICATE_SCAN_SECONDS = 1.0

    #: What the till is waiting for ("" when idle); every screen shows it.
    busy: reactive[str] = reactive("")
    #: A card that matched nobody: "+" starts an earn that creates the customer.
    unknown_card: reactive[str] = reactive("")
    #: Bumped whenever ``recent_scans`` changes.
    scans_changed: reactive[int] = reactive(0)

    def __init__(self, services: Services, *, cursor_blink: bool = True) -> None:
        super().__init__()
        self.services = services
        self.cursor_blink = cursor_blink
        self.wedge = WedgeBuffer(gap=services.scan_gap)
        self.recent_scans: deque[ScanRecord] = deque(maxlen=5)
        self.write_in_flight = False
        self.last_campaign_id = ""
        self._last_scan: tuple[str, float] = ("", -1e9)
        if services.training:
            self.sub_title = "TRAINING"

    def get_default_screen(self) -> Any:
        from .screens.scan import ScanScreen

        return ScanScreen()

    async def on_unmount(self) -> None:
        await self.services.aclose()

    # Card reader -----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Every key passes the wedge buffer first, so a reader's burst is a scan wherever the focus is."""
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        released, scan = self.wedge.feed(Held(event.key, event.character, event.time, event))
        for held in released:
            await super().on_event(held.event)  # type: ignore[arg-type]
        if scan is not None:
            self.handle_scan(scan)
        if self.wedge.held:
            # The timer runs in its own task; it only queues a message, so the release is handled
            # after every key already queued (a lagging loop must not split a reader's burst).
            self.set_timer(self.wedge.max_gap * 1.2, lambda: self.post_message(self.ReleaseTyping()))

    class ReleaseTyping(Message):
        """Time to hand held keys to the focused widget, if no faster key followed them."""

    @on(ReleaseTyping)
    async def _release_typing(self) -> None:
        for held in self.wedge.flush(get_time()):
            await App.on_event(self, held.event)  # type: ignore[arg-type]

    def handle_scan(self, raw: str) -> None:
        read = parse_card(raw)
        if not read.ok:
            log.info("scan unreadable length=%d", len(raw))
            self.notify(read.error, severity="warning")
            return
        now = get_time()
        if read.number == self._last_scan[0] and now - self._last_scan[1] < self.DUPLICATE_SCAN_SECONDS:
            log.info("scan repeated card=%s (ignored)", mask_card(read.number))
            self._last_scan = (read.number, now)
            return
        self._last_scan = (read.number, now)
        log.info("scan length=%d card=%s", len(read.number), mask_card(read.number))
        holds = getattr(self.screen, "holds_card", None)
        if holds is not None and holds(read.number):
            self.notify("That card is already open here.")
            return
        self.recent_scans.appendleft(ScanRecord(read.number, self.services.clock()))
        self.scans_changed += 1
        self.open_customer(card_number=read.number)

    # Customers -------------------------------------------------------------------------------

    def open_customer(self, *, card_number: str = "", code: str = "") -> None:
        if self.write_in_flight:
            self.notify("Wait: a transaction is being sent.", severity="warning")
            return
        self.lookup(card_number, code)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def lookup(self, card_number: str, code: str) -> None:
        shown = card_number or code
        self.busy = f"Looking up {shown}…"
        try:
            info = await self.services.api.customer_info(card_number=card_number or None, code=code or None)
        except errors.NoMatchError:
            self._note_scan(shown, "not found")
            self.back_to_scan()
            self.unknown_card = card_number
            self.notify(f"No customer has card {shown}.", severity="warning")
            return
        except errors.LoyaltyError as exc:
            self._note_scan(shown, "failed")
            message, severity = explain(exc)
            self.notify(message, severity=severity, timeout=10)  # type: ignore[arg-type]
            return
        finally:
            self.busy = ""
        self._note_scan(shown, info.customer.name or info.customer.code)
        self.show_customer(info)

    def _note_scan(self, number: str, result: str) -> None:
        for index, record in enumerate(self.recent_scans):
            if record.number == number and record.result == "…":
                self.recent_scans[index] = ScanRecord(record.number, record.at, result)
                self.scans_changed += 1
                break

    def back_to_scan(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def show_customer(self, info: Any) -> None:
        from .screens.customer import CustomerScreen

        self.unknown_card = ""
        self.back_to_scan()
        self.push_screen(CustomerScreen(info))

    # Failures --------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place unexpected worker failures land: a trace in the log, words on the screen."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            log.error("worker %s failed", event.worker.name, exc_info=error)
            message, severity = explain(error, write=event.worker.group == "write")
            self.notify(message, severity=severity, timeout=15)  # type: ignore[arg-type]
