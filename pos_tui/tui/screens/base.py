"""What every till screen has: the training banner, a title, the busy line and the footer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..widgets import BusyLine, PendingBadge, TrainingBanner

if TYPE_CHECKING:
    from ..app import PosApp


class TillScreen(Screen[Any]):
    TITLE = ""
    #: Set by screens whose set-up waits for nested widgets (see ``after_composed``).
    composed = False

    @property
    def till(self) -> PosApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        if self.till.training:
            yield TrainingBanner()
        yield Static(self.heading(), id="title", classes="title")
        yield from self.compose_body()
        yield PendingBadge()
        yield BusyLine()
        yield Footer()

    def heading(self) -> str:
        return self.TITLE

    def compose_body(self) -> ComposeResult:
        yield from ()

    def after_composed(self, callback: Callable[[], object], *selectors: str, tries: int = 500) -> None:
        """Run ``callback`` once the widgets nested in containers exist. A screen's Mount can come
        before its grandchildren are mounted (each container composes in its own task), and waiting
        inside a handler would block the pump they need, so this re-checks on a short timer."""
        if all(self.query(selector) for selector in selectors):
            self.composed = True
            callback()
        elif tries:
            self.set_timer(0.01, lambda: self.after_composed(callback, *selectors, tries=tries - 1))
        else:
            raise RuntimeError(f"{type(self).__name__}: {selectors} never appeared")

    def holds_card(self, number: str) -> bool:
        """Whether this screen is mid-transaction for that card (a re-scan must not wipe it)."""
        return False

    def set_heading(self, text: str) -> None:
        self.query_one("#title", Static).update(text)
