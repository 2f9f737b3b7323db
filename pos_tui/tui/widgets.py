"""Small widgets every screen of the till shares."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, LoadingIndicator, Static
from textual.widgets._footer import FooterKey


class TrainingBanner(Static):
    """On every screen in training mode: this till cannot touch a real customer."""

    DEFAULT_CSS = """
    TrainingBanner {
        dock: top;
        width: 100%;
        height: 1;
        content-align: center middle;
        text-style: bold;
        background: $warning;
        color: $text;
    }
    """

    def __init__(self) -> None:
        super().__init__("TRAINING — sandbox data, no real customers — TRAINING")


class BusyLine(Horizontal):
    """Shows what the till is waiting for (the app's ``busy``), with a spinner."""

    DEFAULT_CSS = """
    BusyLine {
        height: 1;
        display: none;
    }
    BusyLine.-busy {
        display: block;
    }
    BusyLine LoadingIndicator {
        width: 4;
        height: 1;
        min-height: 1;
    }
    BusyLine Static {
        width: 1fr;
    }
    """

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()
        yield Static(getattr(self.app, "busy", ""), id="busy-text", markup=False)

    def on_mount(self) -> None:
        self.watch(self.app, "busy", self._show)

    def _show(self, busy: str) -> None:
        # The Mount of a widget can come before its own children are mounted: then the text
        # composed above already holds the current value.
        self.set_class(bool(busy), "-busy")
        for text in self.query("#busy-text").results(Static):
            text.update(busy)


class Field(Input):
    """The till's text field: its cursor blinks unless the app says otherwise (repeatable pictures)."""

    def on_mount(self) -> None:
        self.cursor_blink = getattr(self.app, "cursor_blink", True)


class PendingBadge(Static):
    """How many journalled writes are not confirmed yet (the app's ``pending``); hidden at zero."""

    DEFAULT_CSS = """
    PendingBadge {
        dock: bottom;
        margin-bottom: 1;  /* above the Footer, which docks on the last row */
        height: 1;
        width: 100%;
        background: $warning;
        color: $text;
        text-style: bold;
        padding: 0 1;
        display: none;
    }
    PendingBadge.-pending {
        display: block;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "pending", self._show)

    def _show(self, pending: int) -> None:
        self.set_class(pending > 0, "-pending")
        self.update(f"{pending} pending — not confirmed by the loyalty service yet; the till keeps checking")


def literal(*cells: object) -> tuple[Text, ...]:
    """Table cells shown exactly as given: a ``[/x]`` in a name is text, never markup."""
    return tuple(Text("" if cell is None else str(cell)) for cell in cells)


class KeyFooter(Footer):
    """Textual's Footer, rebuilt only when the keys it shows change, each key styled once.

    Textual's Footer rebuilds every key of itself whenever the screen's bindings *may* have
    changed: on every focus move, every key that changes what is checked. Each key it builds is
    born compact and then bound to the footer's setting: two style updates a key. On the till the
    footer was a third of the CPU a keypress costs; the keys shown rarely change. (The command
    palette's key is not bound to the footer's setting in Textual: it is left as Textual makes it.)"""

    _shown: tuple[tuple[object, ...], ...] | None = None  # the keys the last rebuild showed

    @staticmethod
    def _keys(screen: Screen[Any]) -> tuple[tuple[object, ...], ...]:
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip, binding.group)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # Born compact, then bound to the footer's (not compact): two restyles a key.
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self._shown is not None and screen is self.screen and self._keys(screen) == self._shown:
            return
        super().bindings_changed(screen)
