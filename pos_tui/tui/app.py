"""The till application: the screen stack, card-reader input, and the customer lookup."""

from __future__ import annotations

import asyncio
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
from textual.driver import Driver
from textual.message import Message
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from ..api import errors
from ..cards import Held, WedgeBuffer, mask_card, parse_card
from . import readtime
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
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "toggle_keys", "Keys"),
        Binding("f9", "manager", "Manager", show=False),  # in the README; the footers stay as they were
    ]
    DUPLICATE_SCAN_SECONDS = 1.0

    #: What the till is waiting for ("" when idle); every screen shows it.
    busy: reactive[str] = reactive("")
    #: A card that matched nobody: "+" starts an earn that creates the customer.
    unknown_card: reactive[str] = reactive("")
    #: Bumped whenever ``recent_scans`` changes.
    scans_changed: reactive[int] = reactive(0)
    #: Journalled writes not yet confirmed (shown on every screen).
    pending: reactive[int] = reactive(0)

    def get_driver_class(self) -> type[Driver]:
        readtime.install()  # a reader's burst keeps one time however busy the event loop is
        return super().get_driver_class()

    def __init__(
        self,
        services: Services | Callable[[], Services],
        *,
        training: bool | None = None,
        cursor_blink: bool = True,
        theme_dirs: list[Path] | None = None,
        manager: bool = False,
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
        self._keys_seen = 0  # keys handled, against readtime.keys_read(): are keys still queued?
        if self.training:
            self.sub_title = "TRAINING"
        self._theme_problems: list[str] = []
        self._install_themes(theme_dirs)
        #: Open the manager area (behind the PIN) once the services are ready (``demo --manager``).
        self.start_in_manager = manager

    def _install_themes(self, dirs: list[Path] | None) -> None:
        from .theming import configured_theme, load_themes

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
        from .theming import DEFAULT

        if name in self.available_themes:
            self.theme = name
            return
        self._theme_problems.append(f"Theme {name!r} is not installed; using {DEFAULT}.")
        if DEFAULT in self.available_themes:
            self.theme = DEFAULT

    def action_toggle_keys(self) -> None:
        """F1: every key of the current screen (Textual's key panel), F1 again hides it."""
        from textual.widgets import HelpPanel

        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def watch_theme(self, name: str) -> None:
        """A theme chosen at the till (command palette) is remembered in the settings file."""
        if getattr(self, "_remember_theme", False) and self._services is not None:
            self._services.theme = name
            from ..settings import update_settings_file  # a choice made at the till is kept

            self.run_worker(
                lambda: update_settings_file(theme=name), thread=True, group="settings", exit_on_error=False
            )

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """Notifications show text from outside (names, server messages) literally."""
        super().notify(message, markup=markup, **kwargs)

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
            self.refresh_pending()  # shown from start-up, before the replay has talked to anyone
            self.replay_journal()
            if self.start_in_manager:
                self.call_after_refresh(self.action_manager)
        for problem in self._theme_problems:
            log.warning("%s", problem)
            self.notify(problem, severity="warning", timeout=15)
        self._theme_problems = []
        if self._factory is not None:
            self.call_after_refresh(self._start)
        self.call_after_refresh(lambda: setattr(self, "_remember_theme", True))

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
        self.refresh_pending()
        self.replay_journal()
        waiting, self._waiting_scans = self._waiting_scans, []
        for number in waiting[-1:]:  # the last card scanned while starting is the one wanted
            self.open_customer(card_number=number)
        if self.start_in_manager:
            self.action_manager()

    def action_manager(self) -> None:
        from .screens.manager import open_manager

        open_manager(self)

    def get_default_screen(self) -> Any:
        from .screens.scan import ScanScreen

        return ScanScreen()

    async def on_unmount(self) -> None:
        if self._services is not None:
            await self._services.aclose()

    # Card reader -----------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Every key passes the wedge first, so a reader's burst is a scan wherever the focus is.
        A person's key is held only until ``scan_gap`` shows no reader-fast key followed it; keys
        of a burst shown before a stall are taken back from the field when the scan completes."""
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        if self._secret_focused():  # never read as a scan, never logged
            for held in self.wedge.release_all():
                await self._deliver(held)
            await super().on_event(event)
            return
        self._keys_seen += 1
        released, scan = self.wedge.feed(Held(event.key, event.character, event.time, event))
        for held in released:
            await self._deliver(held)
        if self.wedge.undo is not None:
            self._take_back(self.wedge.undo)
        if scan is not None:
            self.handle_scan(scan, at=event.time)
        if self.wedge.held:
            # The timer only queues a message, so the release is handled after every key already
            # queued: a burst's keys, stamped microseconds apart, are all seen before it.
            self.set_timer(self.wedge.gap + 0.002, lambda: self.post_message(self.ReleaseTyping()))

    def _secret_focused(self) -> bool:
        from textual.widgets import Input

        focused = self.focused
        return isinstance(focused, Input) and focused.password

    async def _deliver(self, held: Held) -> None:
        """Pass a key on; first note (in the field's own queue, so after the keys before it)
        what the field held, so the key can be taken back if it was the start of a scan."""
        from textual.widgets import Input

        target = self.focused
        if isinstance(target, Input) and held.character:
            before: dict[str, Any] = {}

            def note(field: Input = target, into: dict[str, Any] = before) -> None:
                into.update(value=field.value, cursor=field.cursor_position)

            target.call_later(note)
            held.snapshot = (target, before)
        await App.on_event(self, held.event)  # type: ignore[arg-type]

    def _take_back(self, held: Held) -> None:
        if not isinstance(held.snapshot, tuple):
            return
        target, before = held.snapshot

        def restore() -> None:
            if before:
                target.value = before["value"]
                target.cursor_position = before["cursor"]

        target.call_later(restore)

    class ReleaseTyping(Message):
        """Time to hand held keys to the focused widget, if no faster key followed them."""

    @on(ReleaseTyping)
    async def _release_typing(self) -> None:
        now = get_time()
        run = self.wedge.run  # the held keys and those shown since the last pause
        if run and readtime.keys_read() > self._keys_seen and now - run[-1].time < 1:
            # Keys already read are still queued (a busy loop lags behind the reader): they, not
            # the clock, say whether a fast key followed. Ask again after them (at most 1 s).
            self.set_timer(self.wedge.gap, lambda: self.post_message(self.ReleaseTyping()))
            return
        for held in self.wedge.flush(now):
            await self._deliver(held)

    def handle_scan(self, raw: str, at: float | None = None) -> None:
        """A card read; ``at`` is when the reader sent it (its terminator key's own timestamp).

        A repeat of the same card within DUPLICATE_SCAN_SECONDS is ignored; the keys' timestamps
        are compared, not the time of handling, which a busy machine can stretch or squeeze.
        """
        takes = getattr(self.screen, "take_scan", None)
        if takes is not None and takes(raw):  # e.g. the PIN screen: a fast typist is not a card
            return
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
            self.notify(message, severity=severity, timeout=10)
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

    async def write(self, request: Any, label: str = "Recording…", *, approver: str = "") -> WriteResult:
        """Send an earn or a redemption through the journal and say what happened, plainly."""
        from ..journal import BLOCKED, CardBlocked, State, verdict

        writer = self.services.writer
        self.write_in_flight = True
        self.busy = label
        try:
            outcome = await writer.submit(request, approver=approver)
        except CardBlocked:
            self.replay_journal()
            return WriteResult(message=BLOCKED)
        finally:
            self.write_in_flight = False
            self.busy = ""
            await self.count_pending()
        entry = outcome.entry
        said = verdict(entry)
        if entry.state == State.CONFIRMED:
            return WriteResult(receipt=outcome.receipt, confirmed=True, transaction_id=entry.transaction_id)
        if entry.state == State.QUEUED:
            from ..receipt import provisional_receipt

            self.set_timer(15, self.replay_journal)
            return WriteResult(receipt=provisional_receipt(request), queued=True)
        if entry.state in (State.SENT, State.UNKNOWN):  # keep checking
            self.set_timer(15, self.replay_journal)
        return WriteResult(message=said.message)

    async def void(self, delete: Any, *, card_number: str = "", approver: str = "") -> str:
        """Void a transaction through the journal. "" when done, else what the cashier should know."""
        from ..journal import BLOCKED, CardBlocked, State, verdict

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
        from ..journal import OPEN_STATES

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
            self.notify(message, severity=severity, timeout=15)

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
