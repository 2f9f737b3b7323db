"""The customer kiosk: scan your own card, see your first name, balances and the rewards you can
claim now. Read-only, locked down, wiped when idle.

Its own App with ``inherit_bindings=False``, no bindings and no command palette. Every key goes
through the card-reader wedge and then to the screen's ``kiosk_key``; nothing reaches Textual's
default key handling, so Ctrl+C/Q/Z/\\/D/P/W, Esc, Tab, F-keys and Alt+letters do nothing. The only
way out is the exit chord (Ctrl+K then Ctrl+X, shown nowhere) and the manager PIN. An unexpected
error ends the app with ``crashed`` set and its traceback in the log only (never the terminal).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual._time import get_time  # the clock Textual stamps key events with
from textual.binding import BindingType
from textual.worker import Worker, WorkerState

from ..api import errors
from ..till.cards import Held, mask_card, parse_card
from ..till.kiosk import Guard, KioskOptions, kiosk_view
from .screens.kiosk import KioskCustomerScreen, KioskManagerScreen, KioskPinScreen, KioskScanScreen
from .wedge import WedgeApp

if TYPE_CHECKING:
    from ..services import Services

log = logging.getLogger("pos_tui.till.kiosk")

EXIT_CHORD = ("ctrl+k", "ctrl+x")
CHORD_SECONDS = 2.0
EXIT_CRASH = 70

SORRY = "Sorry, your balance cannot be shown right now. Please ask at the counter."


class KioskApp(WedgeApp, inherit_bindings=False):
    CSS_PATH = "kiosk.tcss"
    TITLE = "pos-tui kiosk"
    BINDINGS: ClassVar[list[BindingType]] = []
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        services: Services | Callable[[], Services],
        options: KioskOptions,
        *,
        guard: Guard | None = None,
        theme_dirs: Any = None,
        clock: Callable[[], float] = get_time,
    ) -> None:
        """``services`` or a factory run in a thread behind the first screen (the sandbox, the client).
        ``clock`` times the idle wipe (tests move it by hand)."""
        super().__init__(scan_gap=options.scan_gap)
        self.options = options
        self._factory = services if callable(services) else None
        self._services = None if callable(services) else services
        self.guard = guard or Guard()
        self.crashed = False
        self.generation = 0  # bumped by every wipe: a lookup that started before it is dropped
        self._recent_keys: list[tuple[str, float]] = []
        self._waiting = ""  # a card scanned while the kiosk was starting
        self.clock = clock
        self.last_activity = clock()
        self.dirty = False  # something of a customer (a key, a scan, a screen) may be showing
        from .theming import load_themes

        themes, problems = load_themes(theme_dirs)
        for theme in themes:
            self.register_theme(theme)
        for problem in problems:
            log.warning("theme file ignored — %s", problem)
        if options.theme in self.available_themes:
            self.theme = options.theme

    # Start, stop, crash ------------------------------------------------------------------------

    def get_default_screen(self) -> KioskScanScreen:
        return KioskScanScreen()

    @property
    def scan_screen(self) -> KioskScanScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, KioskScanScreen)
        return screen

    def on_mount(self) -> None:
        self.set_interval(0.25, self._tick)
        if self._factory is not None:
            self.scan_screen.busy("Starting…")
            self.run_worker(self._factory, thread=True, group="startup", exit_on_error=False)

    async def on_unmount(self) -> None:
        if self._services is not None:
            await self._services.aclose()

    def _handle_exception(self, error: Exception) -> None:
        """Replaces Textual's: no traceback (with its locals: card numbers) ever reaches the terminal.
        The log gets it; the CLI shows "out of order" and exits non-zero so the service restarts."""
        log.critical("the kiosk crashed", exc_info=error)
        self.crashed = True
        self._return_code = EXIT_CRASH
        if self._exception is None:  # Pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
        self._exit_renderables.clear()
        self._close_messages_no_wait()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            if event.worker.group == "startup" and event.state == WorkerState.SUCCESS:
                self._services = event.worker.result
                self.scan_screen.busy("")
                waiting, self._waiting = self._waiting, ""
                if waiting:
                    self._serve(waiting)
            return
        if event.worker.group == "startup":
            log.error("the kiosk could not start", exc_info=event.worker.error)
            self.crashed = True
            self.exit(return_code=EXIT_CRASH)
            return
        log.error("kiosk worker %s failed", event.worker.name, exc_info=event.worker.error)
        self.wipe(SORRY)

    # Keys ---------------------------------------------------------------------------------------

    # (The key path is WedgeApp's: the wedge first, a reader's burst is a scan. Keys never reach
    # Textual's bindings, focus or palette: each is stopped, and a person's key goes to the
    # screen's ``kiosk_key``.)

    def key_arrived(self, event: events.Key) -> None:
        event.stop()
        self.touch()

    async def deliver_key(self, held: Held) -> None:
        self._typed(held.key, held.character, held.time)

    def card_read(self, raw: str, at: float) -> None:
        self.handle_scan(raw)

    def release_delay(self) -> float:
        return self.wedge.max_gap * 1.2

    def _typed(self, key: str, character: str | None, at: float) -> None:
        self._recent_keys = [*self._recent_keys[-1:], (key, at)]
        keys = tuple(k for k, _ in self._recent_keys)
        if keys == EXIT_CHORD and at - self._recent_keys[0][1] <= CHORD_SECONDS:
            self._recent_keys = []
            self.exit_chord()
            return
        handler = getattr(self.screen, "kiosk_key", None)
        if handler is not None:
            handler(key, character)

    # Idle ---------------------------------------------------------------------------------------

    def touch(self) -> None:
        """A key or a scan: the idle wipe starts counting again."""
        self.last_activity = self.clock()
        self.dirty = True

    def _tick(self) -> None:
        if self.dirty and self.clock() - self.last_activity >= self.options.idle_seconds:
            log.info("idle for %ss: wiped", self.options.idle_seconds)
            self.wipe()
            self.dirty = False

    def wipe(self, message: str = "") -> None:
        """Back to "Scan your card" with nothing of the last customer left: screens, PIN, held keys."""
        self.generation += 1
        self._waiting = ""
        self.workers.cancel_group(self, "lookup")
        self.wedge.held.clear()
        self._recent_keys = []
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.clear_notifications()
        self.scan_screen.clear()
        if message:
            self.scan_screen.say(message)
        self.refresh(repaint=True, layout=True)

    # Scans --------------------------------------------------------------------------------------

    def handle_scan(self, raw: str) -> None:
        read = parse_card(raw)
        self.wipe()  # a new scan: nothing of the last customer stays, whatever happens next
        if not read.ok:
            log.info("kiosk scan unreadable length=%d", len(raw))
            self.scan_screen.say("That card could not be read. Please try again.")
            return
        if not self.guard.scan_allowed():
            log.warning("kiosk scan refused: too many scans this minute card=%s", mask_card(read.number))
            self.scan_screen.say("Please wait a moment before scanning again.")
            return
        log.info("kiosk scan length=%d card=%s", len(read.number), mask_card(read.number))
        if self._services is None:
            self._waiting = read.number  # looked up as soon as the kiosk has started
            return
        self._serve(read.number)

    def _serve(self, card: str) -> None:
        if self.options.customer_pin:
            if self.guard.card_locked(card):
                self.scan_screen.say("Too many PIN tries for this card. Please ask at the counter.")
                return
            self.push_screen(KioskPinScreen(card))
            return
        self.lookup(card)

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def lookup(self, card: str) -> None:
        generation = self.generation
        self.scan_screen.busy("Looking up your card…")
        try:
            await self._show(card, generation)
        finally:
            if generation == self.generation:
                self.scan_screen.busy("")

    async def _show(self, card: str, generation: int) -> None:
        assert self._services is not None
        try:
            info = await self._services.api.customer_info(card_number=card)
        except errors.NoMatchError:
            if generation == self.generation:
                self.wipe("We do not know this card. Please ask at the counter.")
            return
        except errors.LoyaltyError as exc:
            log.warning("kiosk lookup failed card=%s: %s", mask_card(card), type(exc).__name__)
            if generation == self.generation:
                self.wipe(SORRY)
            return
        if generation != self.generation:
            return  # wiped (idle, another scan) while the answer was on its way
        self.push_screen(KioskCustomerScreen(kiosk_view(info), self.options.idle_seconds))
        self.touch()  # the customer gets the whole idle time to read, however long the answer took

    @work(exclusive=True, group="lookup", exit_on_error=False)
    async def check_pin(self, card: str, pin: str) -> None:
        generation = self.generation
        why = self.guard.pin_try_allowed(card)
        if why == "card":
            self.wipe("Too many PIN tries for this card. Please ask at the counter.")
            return
        if why == "minute":
            self._pin_says("Too many tries just now. Please wait a minute.")
            return
        assert self._services is not None
        try:
            await self._services.api.validate_customer_password(card_number=card, customer_password=pin)
        except (errors.ApiError, errors.NoMatchError) as exc:
            if isinstance(exc, errors.AuthenticationError):
                log.error("kiosk: the service refused the kiosk's own login")
                self.wipe(SORRY)
                return
            log.info("kiosk PIN refused card=%s", mask_card(card))
            if generation != self.generation:
                return
            if self.guard.card_locked(card):
                self.wipe("Too many PIN tries for this card. Please ask at the counter.")
            else:
                self._pin_says("That PIN is not right. Please try again.")
            return
        except errors.LoyaltyError as exc:
            log.warning("kiosk PIN check failed card=%s: %s", mask_card(card), type(exc).__name__)
            if generation == self.generation:
                self.wipe(SORRY)
            return
        if generation != self.generation:
            return
        self.guard.pin_accepted(card)
        await self._show(card, generation)

    def _pin_says(self, message: str) -> None:
        if isinstance(self.screen, KioskPinScreen | KioskManagerScreen):
            self.screen.say(message)

    # The way out ----------------------------------------------------------------------------------

    def exit_chord(self) -> None:
        log.info("kiosk exit chord")
        if not self.options.manager_pin_hash:
            if self.options.training:
                self.exit(return_code=0)  # the demo without a manager PIN: the chord alone
            return  # a kiosk with no manager PIN is only stopped by stopping its service
        self.wipe()
        self.push_screen(KioskManagerScreen())

    @work(exclusive=True, group="manager", exit_on_error=False, thread=True)
    def check_manager(self, pin: str) -> None:
        if not self.guard.manager_try_allowed():
            log.warning("kiosk manager PIN: too many tries")
            self.call_from_thread(self.wipe)
            return
        from ..till.manager_pin import verify_pin  # sqlite3 and scrypt: not before the first screen

        if verify_pin(pin, self.options.manager_pin_hash):
            log.info("kiosk closed with the manager PIN")
            self.call_from_thread(self.exit, None, 0)
            return
        log.warning("kiosk manager PIN refused")
        self.call_from_thread(self.wipe)
