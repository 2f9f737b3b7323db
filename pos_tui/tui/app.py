"""The till application: the screen stack, card-reader input, and the customer lookup."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual._time import get_time  # the clock Textual stamps key events with
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from ..api import errors
from ..till.cards import Held, mask_card, parse_card
from . import messages
from .keypump import KeyPump
from .wording import explain
from .writes import WritingApp

if TYPE_CHECKING:
    from ..services import Services

log = logging.getLogger("pos_tui.till")


@dataclass(frozen=True)
class ScanRecord:
    number: str
    at: datetime
    result: str = "…"


class PosApp(WritingApp):
    """The till. ``services`` carries the API client and the till's options (see ``Services``)."""

    CSS_PATH = "pos.tcss"
    TITLE = "pos-tui"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "toggle_keys", "Keys"),
        Binding("f9", "manager", "Manager", show=False),  # in the README; the footers stay as they were
    ]
    DUPLICATE_SCAN_SECONDS = 1.0
    RECENT_SCANS = 5
    #: Keys that act at once even while a screen sets up (the rest wait in the key pump):
    #: Escape leaves a screen whose set-up waits on a slow server.
    NEVER_TYPED_AHEAD = frozenset({"escape", "ctrl+q", "ctrl+c", "ctrl+p", "f1"})

    #: A card that matched nobody: "+" starts an earn that creates the customer.
    unknown_card: reactive[str] = reactive("")
    #: The last cards scanned, newest first.
    recent_scans: reactive[tuple[ScanRecord, ...]] = reactive(())
    #: Text fields blink their cursor; tests and pictures set it False before the app runs.
    cursor_blink = True

    def __init__(
        self,
        services: Services | Callable[[], Services],
        *,
        training: bool | None = None,
        theme_dirs: list[Path] | None = None,
        manager: bool = False,
    ) -> None:
        """``services``, or a factory that builds them: then the first screen is shown at once and
        the services (settings, HTTP client, sandbox: the heavy imports) are built in a thread."""
        given = None if callable(services) else services
        super().__init__(given, scan_gap=given.options.scan_gap if given else 0.03)
        self._factory: Callable[[], Services] | None = None
        if callable(services):
            self._factory = services
            self.training = bool(training)
        else:
            self.training = services.options.training
        self.last_campaign_id = ""
        self._last_scan: tuple[str, float] = ("", -1e9)
        self._waiting_scans: list[str] = []
        self.pump = KeyPump(self, self._pass_on)  # a person's keys, one at a time
        if self.training:
            self.sub_title = "TRAINING"
        self._theme_problems: list[str] = []
        self._install_themes(theme_dirs)
        #: Open the manager area (behind the PIN) once the services are ready (``demo --manager``).
        self.start_in_manager = manager

    # Messages from the screens -----------------------------------------------------------------

    @on(messages.CampaignUsed)
    def _campaign_used(self, message: messages.CampaignUsed) -> None:
        self.last_campaign_id = message.campaign_id

    @on(messages.StoreHeaderRead)
    def _store_header_read(self, message: messages.StoreHeaderRead) -> None:
        self.services.store = message.header

    @on(messages.ReceiptWidthChosen)
    def _receipt_width_chosen(self, message: messages.ReceiptWidthChosen) -> None:
        from ..config.settings import update_settings_file  # remembered for the next start too

        self.services.options.receipt_width = width = message.width
        self.run_worker(lambda: update_settings_file(receipt_width=width), thread=True, exit_on_error=False)

    def _install_themes(self, dirs: list[Path] | None) -> None:
        from .theming import configured_theme, load_themes

        themes, problems = load_themes(dirs)
        for theme in themes:
            self.register_theme(theme)
        self._theme_problems = [f"Theme file ignored — {problem}" for problem in problems]
        log.info("themes: %d loaded (%s)", len(themes), ", ".join(theme.name for theme in themes))
        chosen = self._services.options.theme if self._services else ""
        self.use_theme(chosen or configured_theme())

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
            self._services.options.theme = name
            from ..config.settings import update_settings_file  # a choice made at the till is kept

            self.run_worker(
                lambda: update_settings_file(theme=name), thread=True, group="settings", exit_on_error=False
            )

    def notify(self, message: str, *, markup: bool = False, **kwargs: Any) -> None:
        """Notifications show text from outside (names, server messages) literally."""
        super().notify(message, markup=markup, **kwargs)

    def on_mount(self) -> None:
        self.run_worker(self.pump.run(), name="keys", group="keys", exit_on_error=False)
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
        self._starting = self.start_busy("Starting…")
        assert self._factory is not None
        self.run_worker(self._factory, thread=True, group="startup", exit_on_error=False)

    def _started(self, services: Services) -> None:
        self._services = services
        self.wedge.gap = services.options.scan_gap
        if services.options.theme and services.options.theme != self.theme:
            self.use_theme(services.options.theme)
            for problem in self._theme_problems:
                self.notify(problem, severity="warning", timeout=15)
            self._theme_problems = []
        self.end_busy(self._starting)
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

    # Card reader (the key path itself is WedgeApp's) -----------------------------------------

    def key_is_private(self, event: events.Key) -> bool:
        """A PIN or secret field, or the command palette: its keys are never read as a scan,
        never logged (fast typing of "theme" then Enter in the palette is a command, not a card)."""
        from textual.command import CommandPalette
        from textual.widgets import Input

        if isinstance(self.screen, CommandPalette):
            return True

        focused = self.focused
        return isinstance(focused, Input) and focused.password

    async def deliver_key(self, held: Held) -> None:
        """Pass a person's key on, through the pump (one at a time, waiting for a screen that sets
        up); Escape, Ctrl+Q, Ctrl+P and F1 act at once while the pump waits."""
        if self.pump.waiting and held.key in self.NEVER_TYPED_AHEAD:
            await self._pass_on(held)
        else:
            self.pump.put(held)

    async def _pass_on(self, held: Held) -> None:
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

    def take_back_key(self, held: Held) -> None:
        self.pump.take_back(held)
        if not isinstance(held.snapshot, tuple):
            return
        target, before = held.snapshot

        def restore() -> None:
            if before:
                target.value = before["value"]
                target.cursor_position = before["cursor"]

        target.call_later(restore)

    def card_read(self, raw: str, at: float) -> None:
        self.handle_scan(raw, at=at)

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
        self.recent_scans = (ScanRecord(read.number, self.clock()), *self.recent_scans)[: self.RECENT_SCANS]
        if not self.ready:
            self._waiting_scans.append(read.number)
            return
        self.open_customer(card_number=read.number)

    # Customers -------------------------------------------------------------------------------

    def clock(self) -> datetime:
        return self._services.clock() if self._services is not None else datetime.now()

    def open_customer(self, *, card_number: str = "", code: str = "", over: bool = False) -> None:
        """Look a customer up and show them: on the scan screen, or ``over`` the current screen
        (a manager's report: Escape goes back to it)."""
        if self.write_in_flight:
            self.notify("Wait: a transaction is being sent.", severity="warning")
            return
        self.lookup(card_number, code, over)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def lookup(self, card_number: str, code: str, over: bool = False) -> None:
        shown = card_number or code
        busy = self.start_busy(f"Looking up {shown}…")
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
            self.end_busy(busy)
        self._note_scan(shown, info.customer.name or info.customer.code)
        self.show_customer(info, over=over)

    def _note_scan(self, number: str, result: str) -> None:
        """The lookup's result beside the newest scan of that card still waiting for one."""
        scans = list(self.recent_scans)
        for index, record in enumerate(scans):
            if record.number == number and record.result == "…":
                scans[index] = replace(record, result=result)
                self.recent_scans = tuple(scans)
                break

    def back_to_scan(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def show_customer(self, info: Any, *, over: bool = False) -> None:
        from .screens.customer import CustomerScreen

        self.unknown_card = ""
        if isinstance(self.screen, CustomerScreen):
            self.screen.load(info)
            return
        if (
            not over
            or self.is_screen_installed("customer")
            and self.get_screen("customer") in self.screen_stack
        ):
            self.back_to_scan()
        if not self.is_screen_installed("customer"):
            self.install_screen(CustomerScreen(), "customer")
        screen = self.get_screen("customer")
        assert isinstance(screen, CustomerScreen)
        screen.load(info)
        self.push_screen(screen)

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
        from ..config.settings import Settings, SettingsError, load_settings
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
        from ..config.settings import NotConfigured, SettingsError

        if isinstance(error, NotConfigured) and not self.training:
            self.end_busy(self._starting)
            self._offer_setup(str(error))
            return
        if isinstance(error, SettingsError):
            self.exit(return_code=2, message=f"pos-tui: {error}")
            return
        log.error("the till could not start", exc_info=error)
        self.exit(return_code=70, message="pos-tui: the till could not start (details in the log)")
