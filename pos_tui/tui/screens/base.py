"""What every till screen has: the training banner, a title, the busy line and the footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..widgets import BusyLine, TrainingBanner

if TYPE_CHECKING:
    from ..app import PosApp


class TillScreen(Screen[Any]):
    TITLE = ""

    @property
    def till(self) -> PosApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        if self.till.training:
            yield TrainingBanner()
        yield Static(self.heading(), id="title", classes="title")
        yield from self.compose_body()
        yield BusyLine()
        yield Footer()

    def heading(self) -> str:
        return self.TITLE

    def compose_body(self) -> ComposeResult:
        yield from ()

    def holds_card(self, number: str) -> bool:
        """Whether this screen is mid-transaction for that card (a re-scan must not wipe it)."""
        return False

    def set_heading(self, text: str) -> None:
        self.query_one("#title", Static).update(text)
