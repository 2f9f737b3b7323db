"""The first screen: scan a card (or type it), or find a customer without one."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from ..widgets import Field
from .base import TillScreen

if TYPE_CHECKING:
    from ..app import ScanRecord


class ScanScreen(TillScreen):
    TITLE = "Scan a card"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "find", "Find customer"),
        Binding("plus", "new_customer", "Earn on new card", priority=True),
    ]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="scan-box", classes="panel"):
            yield Static("Scan the customer's card", id="scan-prompt")
            yield Field(placeholder="…or type the card number and press Enter", id="card")
            yield Static("", id="unknown", markup=False)
            yield Static("", id="recent", markup=False)

    def on_mount(self) -> None:
        self._ready()

    def _ready(self) -> None:
        self.watch(self.till, "recent_scans", self.show_recent)
        self.watch(self.till, "unknown_card", self._show_unknown)
        self.query_one("#card", Input).focus()

    def on_screen_resume(self) -> None:
        for field in self.query("#card"):
            field.focus()

    @on(Input.Submitted, "#card")
    def typed(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        event.input.value = ""
        self.till.handle_scan(text)

    def show_recent(self, scans: tuple[ScanRecord, ...]) -> None:
        lines = [f"{r.at:%H:%M:%S}  {r.number}  {r.result}" for r in scans]
        self.query_one("#recent", Static).update("Recent scans\n" + "\n".join(lines) if lines else "")

    def _show_unknown(self, card: str) -> None:
        text = (
            f"No customer has card {card}. Press + to record a first purchase: "
            "the customer is created with it."
            if card
            else ""
        )
        self.query_one("#unknown", Static).update(text)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "new_customer":
            return bool(self.till.unknown_card)
        return True

    def action_new_customer(self) -> None:
        from .earn import open_earn

        card = self.till.unknown_card
        if card:
            open_earn(self.till, card_number=card, name=f"New card {card}", campaigns=None)

    def action_find(self) -> None:
        from .find import FindScreen

        if not self.till.ready:
            self.notify("The till is still starting.")
            return
        self.app.push_screen(FindScreen())
