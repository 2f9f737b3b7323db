"""The till application: the screen stack, card-reader input, and the customer lookup."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual._time import get_time  # the clock Textual stamps key events with
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from ..api import errors
from ..cards import Held, WedgeBuffer, mask_card, parse_card
from .wording import explain

if TYPE_CHECKING:
    from ..services import Services

log = logging.getLogger("pos_tui.till")


@dataclass(frozen=True)
class WriteResult:
    receipt: Any = None
    confirmed: bool = False
    transaction_id: str = ""
    message: str = ""
    queued: bool = False


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
    #: Journalled writes not yet confirmed (shown on every screen).
    pending: reactive[int] = reactive(0)

    def __init__(
        self,
        services: Services | Callable[[], Services],
        *,
        training: bool | None = None,
        cursor_blink: bool = True,
        theme_dirs: list[Path] | None = None,
    ) -> None:
        """``services``, or a factory that builds them: then the first screen is shown at once and
        the services (settings, HTTP client, sandbox: the heavy imports) are built in a thread."""
        super().__init__()
        self._services: Services | None = None
        self._factory: Callable[[], Services] | None = None
        if callable(services):
            self._factory = services
            self.training = bool(training)
        else:
            self._services = services
            self.training = services.training
        self.cursor_blink = cursor_blink
        self.wedge = WedgeBuffer(gap=self._services.scan_gap if self._services else 0.03)
        self.recent_scans: deque[ScanRecord] = deque(maxlen=5)
        self.write_in_flight = False
        self.last_campaign_id = ""
        self._last_scan: tuple[str, float] = ("", -1e9)
        self._waiting_scans: list[str] = []
        if self.training:
            self.sub_title = "TRAINING"
        self._theme_problems: list[str] = []
        self._install_themes(theme_dirs)

    def _install_themes(self, dirs: list[Path] | None) -> None:
        from ..themes import configured_theme, load_themes

        themes, problems = load_themes(dirs)
        for theme in themes:
            self.register_theme(theme)
        self._theme_problems = [f"Theme file ignored — {problem}" for problem in problems]
        log.info("themes: %d loaded (%s)", len(themes), ", ".join(theme.name for theme in themes))
        self.use_theme(
            self._services.theme if self._services and self._services.theme else configured_theme()
        )

    def use_theme(self, name: str) -> None:
        """Switch theme; an unknown name gets a notice and the store default."""
        from ..themes import DEFAULT

        if name in self.available_themes:
            self.theme = name
            return
        self._theme_problems.append(f"Theme {name!r} is not installed; using {DEFAULT}.")
        if DEFAULT in self.available_themes:
            self.theme = DEFAULT

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the till is still starting")
        return self._services

    @property
    def ready(self) -> bool:
        return self._services is not None

    def on_mount(self) -> None:
        if self._services is not None:
            self.replay_journal()
        for problem in self._theme_problems:
            log.warning("%s", problem)
            self.notify(problem, severity="warning", timeout=15)
        self._theme_problems = []
        if self._factory is not None:
            self.call_after_refresh(self._start)

    def _start(self) -> None:
        self.busy = "Starting…"
        assert self._factory is not None
        self.run_worker(self._factory, thread=True, group="startup", exit_on_error=False)

    def _started(self, services: Services) -> None:
        self._services = services
        self.wedge.gap = services.scan_gap
        if services.theme and services.theme != self.theme:
            self.use_theme(services.theme)
            for problem in self._theme_problems:
                self.notify(problem, severity="warning", timeout=15)
            self._theme_problems = []
        self.busy = ""
        self.replay_journal()
        waiting, self._waiting_scans = self._waiting_scans, []
        for number in waiting[-1:]:  # the last card scanned while starting is the one wanted
            self.open_customer(card_number=number)

    def get_default_screen(self) -> Any:
        from .screens.scan import ScanScreen

        return ScanScreen()

    async def on_unmount(self) -> None:
        if self._services is not None:
            await self._services.aclose()

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
            self.handle_scan(scan, at=self.wedge.last_scan_end)
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

    def handle_scan(self, raw: str, at: float | None = None) -> None:
        """A card read; ``at`` is when the reader sent it (its terminator key's own timestamp).

        A repeat of the same card within DUPLICATE_SCAN_SECONDS is ignored; the keys' timestamps
        are compared, not the time of handling, which a busy machine can stretch or squeeze.
        """
        read = parse_card(raw)
        if not read.ok:
            log.info("scan unreadable length=%d", len(raw))
            self.notify(read.error, severity="warning")
            return
        now = get_time() if at is None else at
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
        self.recent_scans.appendleft(ScanRecord(read.number, self.clock()))
        self.scans_changed += 1
        if not self.ready:
            self._waiting_scans.append(read.number)
            return
        self.open_customer(card_number=read.number)

    # Customers -------------------------------------------------------------------------------

    def clock(self) -> datetime:
        return self._services.clock() if self._services is not None else datetime.now()

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
        if isinstance(self.screen, CustomerScreen):
            self.screen.load(info)
            return
        self.back_to_scan()
        if not self.is_screen_installed("customer"):
            self.install_screen(CustomerScreen(), "customer")
        screen = self.get_screen("customer")
        assert isinstance(screen, CustomerScreen)
        screen.load(info)
        self.push_screen(screen)

    # Writes -------------------------------------------------------------------------------------

    async def write(self, request: Any, label: str = "Recording…") -> WriteResult:
        """Send an earn or a redemption through the journal and say what happened, plainly."""
        from ..journal import CONFIRMED, NOT_SENT, QUEUED, REFUSED, CardBlocked

        writer = self.services.writer
        self.write_in_flight = True
        self.busy = label
        try:
            outcome = await writer.submit(request)
        except CardBlocked:
            self.replay_journal()
            return WriteResult(
                message=(
                    "An earlier transaction for this card is not confirmed yet; the till is checking it. "
                    "Try again in a moment."
                )
            )
        finally:
            self.write_in_flight = False
            self.busy = ""
            self.count_pending()
        entry = outcome.entry
        if entry.state == CONFIRMED:
            return WriteResult(receipt=outcome.receipt, confirmed=True, transaction_id=entry.transaction_id)
        if entry.state == REFUSED:
            return WriteResult(message=f"Refused: {entry.error.rstrip('.')}. Nothing was recorded.")
        if entry.state == QUEUED:
            from ..receipt import provisional_receipt

            self.set_timer(15, self.replay_journal)
            return WriteResult(receipt=provisional_receipt(request), queued=True)
        if entry.state == NOT_SENT and entry.call == "redeem":
            return WriteResult(
                message="The loyalty service cannot be reached, and a redemption needs it (the "
                "balance cannot be checked offline). Nothing was recorded."
            )
        if entry.state == NOT_SENT:
            return WriteResult(
                message="Cannot reach the loyalty service. Nothing was recorded; try again "
                "when the network is back."
            )
        self.set_timer(15, self.replay_journal)
        return WriteResult(
            message=(
                "The loyalty service did not confirm. It MAY have been recorded: do not repeat it. The till "
                "keeps checking; the next transaction for this card waits until it knows."
            )
        )

    async def void(self, delete: Any) -> str:
        """Void a transaction through the journal. "" when done, else what the cashier should know."""
        from ..journal import CONFIRMED, NOT_SENT, REFUSED, CardBlocked

        try:
            outcome = await self.services.writer.void(delete)
        except CardBlocked:
            self.replay_journal()
            return (
                "An earlier transaction for this card is not confirmed yet; try the void again in a moment."
            )
        finally:
            self.count_pending()
        entry = outcome.entry
        if entry.state == CONFIRMED:
            return ""
        if entry.state == REFUSED:
            return f"Refused: {entry.error.rstrip('.')}. Nothing was voided."
        if entry.state == NOT_SENT:
            return "Cannot reach the loyalty service. Nothing was voided; try again when the network is back."
        self.set_timer(15, self.replay_journal)
        return (
            "The loyalty service did not confirm the void. It MAY have been done: do not repeat it. "
            "The till keeps checking."
        )

    def count_pending(self) -> None:
        from ..journal import OPEN_STATES

        journal = self.services.journal
        self.pending = len(journal.entries(states=OPEN_STATES)) if journal is not None else 0

    @work(exclusive=True, group="journal", exit_on_error=False)
    async def replay_journal(self) -> None:
        """Settle what a crash or a network problem left open; again later while anything stays unknown."""
        from ..journal import UNKNOWN

        if not self.ready:
            return
        from ..journal import QUEUED

        outcomes = await self.services.writer.replay()
        self.count_pending()
        if any(o.entry.state in (UNKNOWN, QUEUED) for o in outcomes):
            self.set_timer(15, self.replay_journal)

    # Failures --------------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place unexpected worker failures land: a trace in the log, words on the screen."""
        if event.worker.group == "startup":
            if event.state == WorkerState.SUCCESS:
                self._started(event.worker.result)  # type: ignore[arg-type]
            elif event.state == WorkerState.ERROR:
                self._failed_to_start(event.worker.error)
            return
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            log.error("worker %s failed", event.worker.name, exc_info=error)
            message, severity = explain(error, write=event.worker.group == "write")
            self.notify(message, severity=severity, timeout=15)  # type: ignore[arg-type]

    def _offer_setup(self, reason: str) -> None:
        from ..settings import Settings, SettingsError, load_settings
        from .screens.setup import SetupScreen

        try:
            settings = load_settings()
        except SettingsError:
            settings = Settings.model_construct()
        screen = SetupScreen(
            f"This till has no loyalty account yet ({reason}).",
            api_url=settings.api_url,
            user_id=settings.user_id,
            account_id=settings.account_id,
        )

        def done(saved: bool | None) -> None:
            if saved:
                self._start()

        self.push_screen(screen, done)

    def _failed_to_start(self, error: BaseException | None) -> None:
        from ..settings import NotConfigured, SettingsError

        if isinstance(error, NotConfigured) and not self.training:
            self.busy = ""
            self._offer_setup(str(error))
            return
        if isinstance(error, SettingsError):
            self.exit(return_code=2, message=f"pos-tui: {error}")
            return
        log.error("the till could not start", exc_info=error)
        self.exit(return_code=70, message="pos-tui: the till could not start (details in the log)")
