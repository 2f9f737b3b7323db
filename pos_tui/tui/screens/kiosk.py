"""The kiosk's screens: "Scan your card", the customer's PIN, the customer's balances, the manager's
exit. None has a binding (``inherit_bindings=False``: not even Tab): the app hands each released key
to ``kiosk_key``. Every piece of text from outside is drawn as plain text, never as markup."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import ItemGrid, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Digits, Static

from ...till.kiosk import KioskView, Tile, figure_is_number

if TYPE_CHECKING:
    from ..kiosk import KioskApp

#: Figlet fonts from the widest to the narrowest; the first that fits the width is used.
FONTS = ("ansi_regular", "future")


@lru_cache(maxsize=64)
def _figlet(text: str, font: str) -> tuple[str, ...]:
    import pyfiglet

    figlet = pyfiglet.Figlet(font=font, width=10_000)
    if not all(ord(ch) in figlet.Font.chars for ch in text):
        return ()  # a letter the font lacks (é, ß, 李…): the next font, or plain text
    lines = [line.rstrip() for line in figlet.renderText(text).splitlines()]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return tuple(lines)


def big_lines(text: str, width: int) -> list[str]:
    """``text`` in the biggest lettering that fits ``width`` cells; plain text when none does."""
    for font in FONTS:
        lines = _figlet(text, font)
        if lines and max(len(line) for line in lines) <= width:
            return list(lines)
    return [text]


class BigText(Widget):
    """A heading in large letters (Textual has no font sizes): figlet, centred, sized to fit."""

    DEFAULT_CSS = """
    BigText { height: auto; width: 1fr; }
    """

    def __init__(self, text: str, **kw: Any) -> None:
        super().__init__(**kw)
        self.text = text

    def get_content_height(self, container: Any, viewport: Any, width: int) -> int:
        return len(big_lines(self.text, width))

    def render(self) -> Text:
        width = self.content_size.width
        lines = big_lines(self.text, width)
        widest = max(len(line) for line in lines)
        left = " " * max(0, (width - widest) // 2)
        return Text("\n".join(left + line for line in lines), no_wrap=True, overflow="crop")


class KioskScreen(Screen[None], inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = []
    AUTO_FOCUS = None

    @property
    def kiosk(self) -> KioskApp:
        return self.app  # type: ignore[return-value]

    def kiosk_key(self, key: str, character: str | None) -> None:
        """A key a person typed (never a reader's burst). Most screens ignore every key."""

    def training_line(self) -> Static:
        text = "TRAINING — demo data" if self.kiosk.options.training else ""
        return Static(text, id="kiosk-training", classes="kiosk-training" if text else "")


class KioskScanScreen(KioskScreen):
    """The resting screen. ``say`` shows one short sentence (never anything of a customer)."""

    def __init__(self) -> None:
        super().__init__()
        self.message = Static("", id="kiosk-message", markup=False)
        self.status = Static("", id="kiosk-status", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="kiosk-scan"):
            yield BigText("Scan your card", id="kiosk-prompt")
            yield Static("Hold your loyalty card to the reader to see your balance.", id="kiosk-hint")
            yield self.message
            yield self.status
        yield self.training_line()

    def say(self, message: str) -> None:
        self.message.update(message)

    def busy(self, text: str) -> None:
        self.status.update(text)

    def clear(self) -> None:
        self.say("")
        self.busy("")


class PinEntry(KioskScreen):
    """Digits typed by hand, shown as dots; Enter submits, Backspace deletes, Esc gives up."""

    HEADING = "Your PIN"
    HINT = "Type your PIN and press Enter (Esc cancels)."
    MAX = 12

    def __init__(self) -> None:
        super().__init__()
        self.pin = ""
        self.dots = Static("", id="kiosk-dots", markup=False)
        self.message = Static("", id="kiosk-message", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="kiosk-pin"):
            yield BigText(self.HEADING, id="kiosk-prompt")
            yield Static(self.HINT, id="kiosk-hint")
            yield self.dots
            yield self.message
        yield self.training_line()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        self.dots.update("  ".join("●" for _ in self.pin) if self.pin else "_")

    def say(self, message: str) -> None:
        self.message.update(message)

    def kiosk_key(self, key: str, character: str | None) -> None:
        if character is not None and character.isdigit() and len(self.pin) < self.MAX:
            self.pin += character
        elif key == "backspace":
            self.pin = self.pin[:-1]
        elif key in ("enter", "ctrl+m") and self.pin:
            pin, self.pin = self.pin, ""
            self.submit(pin)
        elif key == "escape":
            self.pin = ""
            self.kiosk.wipe()
            return
        self._show()

    def submit(self, pin: str) -> None:
        raise NotImplementedError


class KioskPinScreen(PinEntry):
    def __init__(self, card: str) -> None:
        super().__init__()
        self.card = card  # kept for the check only; never drawn

    def submit(self, pin: str) -> None:
        self.say("Checking…")
        self.kiosk.check_pin(self.card, pin)


class KioskManagerScreen(PinEntry):
    HEADING = "Manager"
    HINT = "Manager PIN, then Enter. Esc goes back."

    def submit(self, pin: str) -> None:
        self.say("Checking…")
        self.kiosk.check_manager(pin)


class TileView(Vertical):
    """One campaign: its name, the balance in big digits with its unit, the rewards ready now."""

    def __init__(self, tile: Tile) -> None:
        super().__init__(classes="kiosk-tile")
        self.tile = tile

    def compose(self) -> ComposeResult:
        t = self.tile
        yield Static(Text(t.title), classes="kiosk-tile-title")
        if figure_is_number(t.figure):
            yield Digits(t.figure, classes="kiosk-figure")
        elif t.figure:
            yield Static(Text(t.figure), classes="kiosk-figure-text")
        if t.unit:
            yield Static(Text(t.unit), classes="kiosk-unit")
        for line in t.lines:
            yield Static(Text(line), classes="kiosk-line")
        if t.ready:
            yield Static(Text("Ready now: " + ", ".join(t.ready)), classes="kiosk-ready")


class KioskCustomerScreen(KioskScreen):
    def __init__(self, view: KioskView, idle_seconds: int) -> None:
        super().__init__()
        self.view = view
        self.idle_seconds = idle_seconds
        self.footer = Static("", id="kiosk-footer", markup=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="kiosk-customer", can_focus=False):
            yield BigText(f"Hello {self.view.first_name}", id="kiosk-hello")
            if self.view.tiles:
                yield ItemGrid(*(TileView(t) for t in self.view.tiles), id="kiosk-tiles", min_column_width=34)
            else:
                yield Static("You have no balances yet.", id="kiosk-hint")
        yield self.footer
        yield self.training_line()

    def on_mount(self) -> None:
        self.call_after_refresh(self._say_more)

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_more)

    def _say_more(self) -> None:
        scroll = self.query_one("#kiosk-customer", VerticalScroll)
        more = "   ↓ more below" if scroll.max_scroll_y > scroll.scroll_y else ""
        self.footer.update(f"This screen clears itself after {self.idle_seconds} seconds.{more}")

    def kiosk_key(self, key: str, character: str | None) -> None:
        scroll = self.query_one("#kiosk-customer", VerticalScroll)
        moves = {
            "down": scroll.scroll_down,
            "pagedown": scroll.scroll_page_down,
            "up": scroll.scroll_up,
            "pageup": scroll.scroll_page_up,
        }
        if key in moves:
            moves[key](animate=False, on_complete=self._say_more)
